#include "common/file_system.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "common/memory_file_system.h"
#include "support/status_matchers.h"

namespace braid {
namespace {

using ::braid::testing::StatusIs;
using ::testing::HasSubstr;

// The same behaviour is required of every FileSystem.
class FileSystemTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "local") {
      fs_ = local_file_system();
      root_ = (std::filesystem::temp_directory_path() /
               ("braid-fs-test-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                  .string();
      std::filesystem::remove_all(root_);
      ASSERT_OK(fs_->create_directories(root_));
    } else {
      fs_ = std::make_shared<MemoryFileSystem>();
      root_ = "/mem";
      ASSERT_OK(fs_->create_directories(root_));
    }
  }
  void TearDown() override {
    if (GetParam() == "local") std::filesystem::remove_all(root_);
  }
  std::string path(const std::string& name) { return join_path(root_, name); }

  std::shared_ptr<FileSystem> fs_;
  std::string root_;
};

TEST_P(FileSystemTest, WriteReadAndRanges) {
  ASSERT_OK(fs_->write_file(path("a.txt"), "hello world"));
  ASSERT_OK_AND_ASSIGN(std::string all, fs_->read_file(path("a.txt")));
  EXPECT_EQ(all, "hello world");
  ASSERT_OK_AND_ASSIGN(auto file, fs_->open_read(path("a.txt")));
  EXPECT_EQ(file->size(), 11u);
  ASSERT_OK_AND_ASSIGN(std::string part, file->read_range(6, 5));
  EXPECT_EQ(part, "world");
  EXPECT_THAT(file->read_range(8, 10), StatusIs(StatusCode::kIOError, HasSubstr("past the end")));
}

TEST_P(FileSystemTest, MissingFilesAreNotFoundAndNamed) {
  EXPECT_THAT(fs_->open_read(path("nope")), StatusIs(StatusCode::kNotFound, HasSubstr("nope")));
  EXPECT_THAT(fs_->stat(path("nope")), StatusIs(StatusCode::kNotFound, HasSubstr("nope")));
  EXPECT_THAT(fs_->remove(path("nope")), StatusIs(StatusCode::kNotFound, HasSubstr("nope")));
  ASSERT_OK_AND_ASSIGN(bool exists, fs_->exists(path("nope")));
  EXPECT_FALSE(exists);
}

TEST_P(FileSystemTest, PutIfAbsentIsExclusive) {
  ASSERT_OK(fs_->put_if_absent(path("00001.json"), "first"));
  EXPECT_THAT(fs_->put_if_absent(path("00001.json"), "second"),
              StatusIs(StatusCode::kAlreadyExists, HasSubstr("00001.json")));
  ASSERT_OK_AND_ASSIGN(std::string got, fs_->read_file(path("00001.json")));
  EXPECT_EQ(got, "first");
  // No temporary files are left behind.
  ASSERT_OK_AND_ASSIGN(auto entries, fs_->list(root_));
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].name, "00001.json");
}

TEST_P(FileSystemTest, RacingPutIfAbsentHasExactlyOneWinner) {
  constexpr int kThreads = 8;
  std::atomic<int> wins{0}, losses{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Status s = fs_->put_if_absent(path("commit"), "writer " + std::to_string(t));
      if (s.ok()) wins.fetch_add(1);
      if (s.code() == StatusCode::kAlreadyExists) losses.fetch_add(1);
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(losses.load(), kThreads - 1);
  ASSERT_OK_AND_ASSIGN(std::string got, fs_->read_file(path("commit")));
  EXPECT_THAT(got, HasSubstr("writer "));
}

TEST_P(FileSystemTest, RenameWithAndWithoutReplace) {
  ASSERT_OK(fs_->write_file(path("a"), "A"));
  ASSERT_OK(fs_->write_file(path("b"), "B"));
  EXPECT_THAT(fs_->rename(path("a"), path("b"), false), StatusIs(StatusCode::kAlreadyExists, HasSubstr("exists")));
  ASSERT_OK(fs_->rename(path("a"), path("c"), false));
  ASSERT_OK(fs_->rename(path("c"), path("b"), true));
  ASSERT_OK_AND_ASSIGN(std::string got, fs_->read_file(path("b")));
  EXPECT_EQ(got, "A");
  ASSERT_OK_AND_ASSIGN(bool a_exists, fs_->exists(path("a")));
  EXPECT_FALSE(a_exists);
}

TEST_P(FileSystemTest, ListIsSortedWithSizesAndFolders) {
  ASSERT_OK(fs_->create_directories(path("sub/deeper")));
  ASSERT_OK(fs_->write_file(path("b.txt"), "12345"));
  ASSERT_OK(fs_->write_file(path("a.txt"), ""));
  ASSERT_OK(fs_->write_file(path("sub/x"), "x"));
  ASSERT_OK_AND_ASSIGN(auto entries, fs_->list(root_));
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].name, "a.txt");
  EXPECT_EQ(entries[1].name, "b.txt");
  EXPECT_EQ(entries[1].size, 5u);
  EXPECT_FALSE(entries[1].is_directory);
  EXPECT_EQ(entries[2].name, "sub");
  EXPECT_TRUE(entries[2].is_directory);
}

TEST_P(FileSystemTest, CreateDirectoriesAndRemoveAll) {
  ASSERT_OK(fs_->create_directories(path("x/y/z")));
  ASSERT_OK(fs_->create_directories(path("x/y/z")));  // idempotent
  ASSERT_OK(fs_->write_file(path("x/y/z/f"), "data"));
  ASSERT_OK(fs_->write_file(path("file"), "data"));
  EXPECT_FALSE(fs_->create_directories(path("file/below")).ok());
  ASSERT_OK(fs_->remove_all(path("x")));
  ASSERT_OK_AND_ASSIGN(bool exists, fs_->exists(path("x")));
  EXPECT_FALSE(exists);
}

TEST_P(FileSystemTest, WritableFileCountsBytes) {
  ASSERT_OK_AND_ASSIGN(auto f, fs_->open_write(path("w")));
  ASSERT_OK(f->write("abc"));
  ASSERT_OK(f->write(std::string(3 << 20, 'x')));  // larger than the local write buffer
  EXPECT_EQ(f->bytes_written(), 3u + (3u << 20));
  ASSERT_OK(f->sync());
  ASSERT_OK(f->close());
  ASSERT_OK_AND_ASSIGN(auto info, fs_->stat(path("w")));
  EXPECT_EQ(info.size, 3u + (3u << 20));
}

INSTANTIATE_TEST_SUITE_P(Both, FileSystemTest, ::testing::Values("local", "memory"));

TEST(MemoryFileSystemTest, FaultHookFailsChosenOperations) {
  auto fs = std::make_shared<MemoryFileSystem>();
  fs->set_fault_hook([](std::string_view op, const std::string& path) -> Status {
    if (op == "put_if_absent" && path.find("_delta_log") != std::string::npos) {
      return Status::unavailable("injected: disk full").set_retryable();
    }
    return Status::OK();
  });
  ASSERT_OK(fs->write_file("t/data.parquet", "x"));
  Status s = fs->put_if_absent("t/_delta_log/00000000000000000000.json", "{}");
  EXPECT_THAT(s, StatusIs(StatusCode::kUnavailable, HasSubstr("disk full")));
  EXPECT_TRUE(s.is_retryable());
  EXPECT_EQ(fs->all_files(), (std::vector<std::string>{"t/data.parquet"}));
}

TEST(PathTest, JoinParentBase) {
  EXPECT_EQ(join_path("a/b", "c"), "a/b/c");
  EXPECT_EQ(join_path("a/b/", "c"), "a/b/c");
  EXPECT_EQ(join_path("", "c"), "c");
  EXPECT_EQ(parent_path("a/b/c"), "a/b");
  EXPECT_EQ(parent_path("/c"), "/");
  EXPECT_EQ(parent_path("c"), "");
  EXPECT_EQ(base_name("a/b/c.json"), "c.json");
}

}  // namespace
}  // namespace braid
