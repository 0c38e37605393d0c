#include "common/atomic_output_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "common/memory_file_system.h"
#include "support/status_matchers.h"

namespace braid {
namespace {

using ::braid::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

// Every test runs on the local file system (a fresh temporary folder) and on MemoryFileSystem.
class AtomicOutputFileTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "local") {
      std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
      std::replace(test.begin(), test.end(), '/', '_');
      fs_ = local_file_system();
      root_ = (std::filesystem::temp_directory_path() /
               ("braid-atomic-test-" + std::to_string(::getpid()) + "-" + test))
                  .string();
      std::filesystem::remove_all(root_);
    } else {
      memory_ = std::make_shared<MemoryFileSystem>();
      fs_ = memory_;
      root_ = "/mem/root";
    }
    ASSERT_OK(fs_->create_directories(root_));
  }
  void TearDown() override {
    if (GetParam() == "local") std::filesystem::remove_all(root_);
  }
  std::string path(const std::string& name) const { return join_path(root_, name); }
  std::string read(const std::string& name) {
    auto r = fs_->read_file(path(name));
    return r.ok() ? *r : "<" + r.status().to_string_with_code() + ">";
  }
  std::vector<std::string> names() {
    auto entries = fs_->list(root_);
    EXPECT_OK(entries.status());
    std::vector<std::string> out;
    if (entries.ok()) {
      for (const auto& e : *entries) out.push_back(e.name);
    }
    return out;
  }

  std::shared_ptr<FileSystem> fs_;
  std::shared_ptr<MemoryFileSystem> memory_;  // when the parameter is "memory"
  std::string root_;
};

using Names = std::vector<std::string>;

TEST_P(AtomicOutputFileTest, TargetKeepsItsOldContentsUntilCommit) {
  ASSERT_OK(fs_->write_file(path("out.csv"), "old contents"));
  ASSERT_OK_AND_ASSIGN(auto file, AtomicOutputFile::open(fs_, path("out.csv")));
  EXPECT_EQ(file->path(), path("out.csv"));
  EXPECT_TRUE(base_name(file->temp_path()).starts_with(".out.csv.tmp-" + std::to_string(::getpid()) + "-"))
      << file->temp_path();
  EXPECT_EQ(parent_path(file->temp_path()), root_);
  ASSERT_OK(file->write("new "));
  ASSERT_OK(file->write(std::string(3 << 20, 'x')));  // past the local write buffer
  ASSERT_OK(file->flush());
  EXPECT_EQ(read("out.csv"), "old contents");
  EXPECT_EQ(names().size(), 2u);
  EXPECT_EQ(file->bytes_written(), 4u + (3u << 20));
  ASSERT_OK(file->commit());
  EXPECT_EQ(read("out.csv"), "new " + std::string(3 << 20, 'x'));
  EXPECT_EQ(names(), Names{"out.csv"});
  // Finished: no more writes, no second commit.
  EXPECT_THAT(file->write("more"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("already finished")));
  EXPECT_THAT(file->commit(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("already finished")));
  file.reset();
  EXPECT_EQ(names(), Names{"out.csv"});
}

TEST_P(AtomicOutputFileTest, AbandonedWriteLeavesTheTargetAsItWas) {
  ASSERT_OK(fs_->write_file(path("out.parquet"), "PAR1 old PAR1"));
  {
    ASSERT_OK_AND_ASSIGN(auto file, AtomicOutputFile::open(fs_, path("out.parquet")));
    ASSERT_OK(file->write("PAR1"));
    ASSERT_OK(file->flush());
  }  // an error or a cancellation: never committed
  EXPECT_EQ(read("out.parquet"), "PAR1 old PAR1");
  EXPECT_EQ(names(), Names{"out.parquet"});
  // An absent target stays absent.
  {
    ASSERT_OK_AND_ASSIGN(auto file, AtomicOutputFile::open(fs_, path("new.csv")));
    ASSERT_OK(file->write("a,b\n"));
  }
  EXPECT_EQ(names(), Names{"out.parquet"});
}

TEST_P(AtomicOutputFileTest, MissingFolderIsAnErrorNamingTheTarget) {
  EXPECT_THAT(AtomicOutputFile::open(fs_, path("nope/out.csv")),
              StatusIs(StatusCode::kNotFound, HasSubstr("writing '" + path("nope/out.csv") + "'")));
  EXPECT_EQ(names(), Names{});
}

TEST_P(AtomicOutputFileTest, FolderInTheWayIsRefusedBeforeWriting) {
  ASSERT_OK(fs_->create_directories(path("out.parquet")));
  EXPECT_THAT(AtomicOutputFile::open(fs_, path("out.parquet")),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("is a folder")));
  EXPECT_EQ(names(), Names{"out.parquet"});
}

TEST_P(AtomicOutputFileTest, WriteFileAtomicallyReplaces) {
  ASSERT_OK(write_file_atomically(fs_, path("r.json"), "{}\n"));
  EXPECT_EQ(read("r.json"), "{}\n");
  ASSERT_OK(write_file_atomically(fs_, path("r.json"), "{\"a\":1}\n"));
  EXPECT_EQ(read("r.json"), "{\"a\":1}\n");
  EXPECT_EQ(names(), Names{"r.json"});
}

TEST_P(AtomicOutputFileTest, LeftoversOfDeadWritersAreRemovedOnTheNextWrite) {
  // A PID above every kernel's pid_max: no such process. Our own PID and PID 1 are alive.
  const std::string prefix = atomic_temp_prefix(path("out.csv"));
  const std::string dead = prefix + "2147483646-abc";
  const std::string live = prefix + "1-abc";
  const std::string other_target = atomic_temp_prefix(path("other.csv")) + "2147483646-abc";
  for (const auto& name : {dead, live, other_target}) ASSERT_OK(fs_->write_file(path(name), "torn"));
  ASSERT_OK(write_file_atomically(fs_, path("out.csv"), "whole"));
  Names expected{live, other_target, "out.csv"};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(names(), expected);
  EXPECT_EQ(read("out.csv"), "whole");
}

TEST_P(AtomicOutputFileTest, LongNamesStayWithinTheFileSystemLimit) {
  const std::string name(250, 'n');
  ASSERT_OK_AND_ASSIGN(auto file, AtomicOutputFile::open(fs_, path(name)));
  EXPECT_LE(base_name(file->temp_path()).size(), 255u);
  ASSERT_OK(file->write("x"));
  ASSERT_OK(file->commit());
  EXPECT_EQ(read(name), "x");
}

TEST_P(AtomicOutputFileTest, RelativePathsWriteBesideTheTarget) {
  if (GetParam() != "local") GTEST_SKIP() << "the working folder is the local file system's";
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(root_);
  Status s = write_file_atomically(fs_, "rel.txt", "here");
  std::filesystem::current_path(cwd);
  ASSERT_OK(s);
  EXPECT_EQ(read("rel.txt"), "here");
  EXPECT_EQ(names(), Names{"rel.txt"});
}

// Disk full, a failed sync or rename: the error names the target, the target is untouched and
// the temporary file is gone.
TEST_P(AtomicOutputFileTest, FailuresLeaveNoTraceInMemory) {
  if (GetParam() != "memory") GTEST_SKIP() << "faults are injected through MemoryFileSystem";
  for (std::string op : {"write", "rename"}) {
    SCOPED_TRACE(op);
    ASSERT_OK(fs_->write_file(path("out.csv"), "old"));
    memory_->set_fault_hook([op](std::string_view o, const std::string& p) {
      if (o == op && p.find(".tmp-") != std::string::npos) return Status::io_error("No space left on device");
      return Status::OK();
    });
    Status s = [&]() -> Status {
      BRAID_ASSIGN_OR_RETURN(auto file, AtomicOutputFile::open(fs_, path("out.csv")));
      BRAID_RETURN_IF_ERROR(file->write("new"));
      return file->commit();
    }();
    memory_->set_fault_hook(nullptr);
    EXPECT_THAT(s, StatusIs(StatusCode::kIOError,
                            AllOf(HasSubstr("writing '" + path("out.csv") + "'"), HasSubstr("No space left"))));
    EXPECT_EQ(read("out.csv"), "old");
    EXPECT_EQ(names(), Names{"out.csv"});
  }
}

INSTANTIATE_TEST_SUITE_P(Both, AtomicOutputFileTest, ::testing::Values("local", "memory"),
                         [](const ::testing::TestParamInfo<std::string>& param) { return param.param; });

// A folder the process may not write to: the error says so and nothing appears.
TEST(AtomicOutputFileLocalTest, ReadOnlyFolder) {
  if (::geteuid() == 0) GTEST_SKIP() << "running as root: folder permissions do not apply";
  const auto root = std::filesystem::temp_directory_path() / ("braid-atomic-ro-" + std::to_string(::getpid()));
  std::filesystem::create_directories(root);
  const std::string target = (root / "out.csv").string();
  ASSERT_OK(local_file_system()->write_file(target, "old"));
  std::filesystem::permissions(root, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  EXPECT_THAT(write_file_atomically(local_file_system(), target, "new"),
              StatusIs(StatusCode::kIOError, AllOf(HasSubstr("writing '" + target + "'"), HasSubstr("ermission"))));
  std::filesystem::permissions(root, std::filesystem::perms::owner_all);
  EXPECT_EQ(*local_file_system()->read_file(target), "old");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(root), std::filesystem::directory_iterator()), 1);
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace braid
