#include "common/file_system.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <thread>
#include <vector>

#include "common/memory_file_system.h"
#include "support/status_matchers.h"

namespace braid {
namespace {

using ::braid::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

std::vector<std::string> names_of(const std::vector<FileInfo>& entries) {
  std::vector<std::string> names;
  for (const auto& e : entries) names.push_back(e.name);
  return names;
}

// The same behaviour is required of every FileSystem: each test runs against the local file
// system (in a fresh temporary folder) and against MemoryFileSystem.
class FileSystemTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "local") {
      std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
      std::replace(test.begin(), test.end(), '/', '_');
      fs_ = local_file_system();
      root_ = (std::filesystem::temp_directory_path() /
               ("braid-fs-test-" + std::to_string(::getpid()) + "-" + test))
                  .string();
      std::filesystem::remove_all(root_);
    } else {
      fs_ = std::make_shared<MemoryFileSystem>();
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
  bool exists(const std::string& name) {
    auto r = fs_->exists(path(name));
    EXPECT_OK(r);
    return r.ok() && *r;
  }

  std::shared_ptr<FileSystem> fs_;
  std::string root_;
};

// ---- reading and writing

TEST_P(FileSystemTest, WriteThenReadWholeFile) {
  const std::string bytes("a\0b\xff\n\r c", 8);
  ASSERT_OK(fs_->write_file(path("a.bin"), bytes));
  EXPECT_EQ(read("a.bin"), bytes);
  ASSERT_OK(fs_->write_file(path("empty"), ""));
  EXPECT_EQ(read("empty"), "");
  // Writing again truncates.
  ASSERT_OK(fs_->write_file(path("a.bin"), "xy"));
  EXPECT_EQ(read("a.bin"), "xy");
}

TEST_P(FileSystemTest, ReadAtWithinBounds) {
  ASSERT_OK(fs_->write_file(path("a.txt"), "hello world"));
  ASSERT_OK_AND_ASSIGN(auto file, fs_->open_read(path("a.txt")));
  EXPECT_EQ(file->path(), path("a.txt"));
  EXPECT_EQ(file->size(), 11u);
  std::string buf(5, '?');
  ASSERT_OK(file->read_at(6, 5, reinterpret_cast<uint8_t*>(buf.data())));
  EXPECT_EQ(buf, "world");
  ASSERT_OK(file->read_at(0, 5, reinterpret_cast<uint8_t*>(buf.data())));
  EXPECT_EQ(buf, "hello");
  // Zero bytes at the very end is fine.
  EXPECT_OK(file->read_at(11, 0, reinterpret_cast<uint8_t*>(buf.data())));
  ASSERT_OK_AND_ASSIGN(std::string all, file->read_range(0, file->size()));
  EXPECT_EQ(all, "hello world");
  ASSERT_OK_AND_ASSIGN(std::string mid, file->read_range(4, 3));
  EXPECT_EQ(mid, "o w");
}

TEST_P(FileSystemTest, ReadAtPastTheEndIsAnErrorNamingThePath) {
  ASSERT_OK(fs_->write_file(path("a.txt"), "hello world"));
  ASSERT_OK_AND_ASSIGN(auto file, fs_->open_read(path("a.txt")));
  const auto past_end = StatusIs(StatusCode::kIOError,
                                 AllOf(HasSubstr(path("a.txt")), HasSubstr("past the end")));
  uint8_t buf[16];
  EXPECT_THAT(file->read_at(8, 10, buf), past_end);
  EXPECT_THAT(file->read_at(11, 1, buf), past_end);
  EXPECT_THAT(file->read_at(12, 0, buf), past_end);
  EXPECT_THAT(file->read_at(std::numeric_limits<uint64_t>::max(), 2, buf), past_end);
  EXPECT_THAT(file->read_at(1, std::numeric_limits<size_t>::max(), buf), past_end);
  EXPECT_THAT(file->read_range(8, 10), past_end);
}

TEST_P(FileSystemTest, OpenWriteCountsBytesAndSyncs) {
  ASSERT_OK_AND_ASSIGN(auto f, fs_->open_write(path("w")));
  EXPECT_EQ(f->bytes_written(), 0u);
  ASSERT_OK(f->write("abc"));
  ASSERT_OK(f->write(std::string(3 << 20, 'x')));  // larger than the local write buffer
  ASSERT_OK(f->write(""));
  ASSERT_OK(f->write("z"));
  EXPECT_EQ(f->bytes_written(), 4u + (3u << 20));
  ASSERT_OK(f->flush());
  ASSERT_OK(f->sync());
  ASSERT_OK(f->close());
  EXPECT_EQ(f->bytes_written(), 4u + (3u << 20));
  ASSERT_OK_AND_ASSIGN(auto info, fs_->stat(path("w")));
  EXPECT_EQ(info.size, 4u + (3u << 20));
  ASSERT_OK_AND_ASSIGN(std::string got, fs_->read_file(path("w")));
  EXPECT_EQ(got.substr(0, 4), "abcx");
  EXPECT_EQ(got.back(), 'z');
}

TEST_P(FileSystemTest, OpenWriteCreatesTheFileAtOnce) {
  ASSERT_OK_AND_ASSIGN(auto f, fs_->open_write(path("new")));
  EXPECT_TRUE(exists("new"));
  ASSERT_OK(f->close());
}

TEST_P(FileSystemTest, WriteAfterCloseIsAnError) {
  ASSERT_OK_AND_ASSIGN(auto f, fs_->open_write(path("w")));
  ASSERT_OK(f->write("abc"));
  ASSERT_OK(f->close());
  EXPECT_OK(f->close());  // closing twice is harmless
  EXPECT_THAT(f->write("more"),
              StatusIs(StatusCode::kInvalidArgument, AllOf(HasSubstr(path("w")), HasSubstr("closed"))));
  EXPECT_EQ(read("w"), "abc");
}

TEST_P(FileSystemTest, FileDestroyedWithoutCloseKeepsWhatWasWritten) {
  {
    ASSERT_OK_AND_ASSIGN(auto f, fs_->open_write(path("w")));
    ASSERT_OK(f->write("kept"));
  }
  EXPECT_EQ(read("w"), "kept");
}

TEST_P(FileSystemTest, ClosedFileDoesNotReappear) {
  ASSERT_OK_AND_ASSIGN(auto f, fs_->open_write(path("w")));
  ASSERT_OK(f->write("abc"));
  ASSERT_OK(f->close());
  ASSERT_OK(fs_->rename(path("w"), path("moved"), false));
  ASSERT_OK(fs_->remove(path("moved")));
  f.reset();  // destroying the closed file writes nothing
  EXPECT_FALSE(exists("w"));
  EXPECT_FALSE(exists("moved"));
  ASSERT_OK_AND_ASSIGN(auto entries, fs_->list(root_));
  EXPECT_TRUE(entries.empty());
}

TEST_P(FileSystemTest, OpenWriteNeedsTheParentFolder) {
  EXPECT_THAT(fs_->open_write(path("no/such/folder/f")),
              StatusIs(StatusCode::kNotFound, HasSubstr(path("no/such/folder/f"))));
  EXPECT_THAT(fs_->write_file(path("missing/f"), "x"),
              StatusIs(StatusCode::kNotFound, HasSubstr(path("missing/f"))));
  EXPECT_FALSE(exists("missing"));
}

TEST_P(FileSystemTest, OpenWriteOverAFolderIsAnError) {
  ASSERT_OK(fs_->create_directories(path("dir")));
  EXPECT_THAT(fs_->open_write(path("dir")), StatusIs(StatusCode::kIOError, HasSubstr(path("dir"))));
  ASSERT_OK_AND_ASSIGN(auto info, fs_->stat(path("dir")));
  EXPECT_TRUE(info.is_directory);
}

TEST_P(FileSystemTest, MissingPathsAreNotFoundAndNamed) {
  const std::string p = path("nope");
  EXPECT_THAT(fs_->open_read(p), StatusIs(StatusCode::kNotFound, HasSubstr(p)));
  EXPECT_THAT(fs_->read_file(p), StatusIs(StatusCode::kNotFound, HasSubstr(p)));
  EXPECT_THAT(fs_->stat(p), StatusIs(StatusCode::kNotFound, HasSubstr(p)));
  EXPECT_THAT(fs_->remove(p), StatusIs(StatusCode::kNotFound, HasSubstr(p)));
  EXPECT_THAT(fs_->remove_all(p), StatusIs(StatusCode::kNotFound, HasSubstr(p)));
  EXPECT_THAT(fs_->list(p), StatusIs(StatusCode::kNotFound, HasSubstr(p)));
  EXPECT_THAT(fs_->rename(p, path("x"), false), StatusIs(StatusCode::kNotFound, HasSubstr(p)));
  EXPECT_THAT(fs_->rename(p, path("x"), true), StatusIs(StatusCode::kNotFound, HasSubstr(p)));
  EXPECT_FALSE(exists("nope"));
}

TEST_P(FileSystemTest, OpenReadOfAFolderIsAnError) {
  ASSERT_OK(fs_->create_directories(path("sub")));
  EXPECT_THAT(fs_->open_read(path("sub")),
              StatusIs(StatusCode::kInvalidArgument, AllOf(HasSubstr(path("sub")), HasSubstr("folder"))));
}

// ---- put_if_absent

TEST_P(FileSystemTest, PutIfAbsentCreatesOnceOnly) {
  ASSERT_OK(fs_->put_if_absent(path("00001.json"), "first"));
  EXPECT_THAT(fs_->put_if_absent(path("00001.json"), "second"),
              StatusIs(StatusCode::kAlreadyExists, HasSubstr(path("00001.json"))));
  EXPECT_EQ(read("00001.json"), "first");
  // No temporary files are left behind.
  ASSERT_OK_AND_ASSIGN(auto entries, fs_->list(root_));
  EXPECT_EQ(names_of(entries), std::vector<std::string>{"00001.json"});
  ASSERT_OK(fs_->put_if_absent(path("empty.json"), ""));
  EXPECT_EQ(read("empty.json"), "");
}

TEST_P(FileSystemTest, PutIfAbsentOverAFileWrittenNormally) {
  ASSERT_OK(fs_->write_file(path("f"), "plain"));
  EXPECT_THAT(fs_->put_if_absent(path("f"), "other"),
              StatusIs(StatusCode::kAlreadyExists, HasSubstr(path("f"))));
  EXPECT_EQ(read("f"), "plain");
}

TEST_P(FileSystemTest, PutIfAbsentOverAFolderIsAlreadyExists) {
  ASSERT_OK(fs_->create_directories(path("dir")));
  EXPECT_THAT(fs_->put_if_absent(path("dir"), "x"),
              StatusIs(StatusCode::kAlreadyExists, HasSubstr(path("dir"))));
  ASSERT_OK_AND_ASSIGN(auto info, fs_->stat(path("dir")));
  EXPECT_TRUE(info.is_directory);
}

TEST_P(FileSystemTest, PutIfAbsentNeedsTheParentFolder) {
  EXPECT_THAT(fs_->put_if_absent(path("_delta_log/00000.json"), "{}"),
              StatusIs(StatusCode::kNotFound, HasSubstr(path("_delta_log/00000.json"))));
  EXPECT_FALSE(exists("_delta_log"));
}

TEST_P(FileSystemTest, RacingPutIfAbsentHasExactlyOneWinner) {
  constexpr int kThreads = 8;
  constexpr int kRounds = 5;
  for (int round = 0; round < kRounds; ++round) {
    const std::string target = path("commit-" + std::to_string(round));
    std::atomic<int> wins{0}, losses{0}, other{0};
    std::atomic<int> winner{-1};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        while (!go.load()) std::this_thread::yield();
        Status s = fs_->put_if_absent(target, std::string(1 << 14, static_cast<char>('a' + t)));
        if (s.ok()) {
          wins.fetch_add(1);
          winner = t;
        } else if (s.code() == StatusCode::kAlreadyExists &&
                   s.to_string().find(target) != std::string::npos) {
          losses.fetch_add(1);
        } else {
          other.fetch_add(1);
        }
      });
    }
    go = true;
    for (auto& th : threads) th.join();
    ASSERT_EQ(wins.load(), 1) << "round " << round;
    EXPECT_EQ(losses.load(), kThreads - 1);
    EXPECT_EQ(other.load(), 0);
    ASSERT_OK_AND_ASSIGN(std::string got, fs_->read_file(target));
    EXPECT_EQ(got, std::string(1 << 14, static_cast<char>('a' + winner.load())));
  }
  ASSERT_OK_AND_ASSIGN(auto entries, fs_->list(root_));
  EXPECT_EQ(entries.size(), static_cast<size_t>(kRounds));  // no temporary files left
}

// ---- rename

TEST_P(FileSystemTest, RenameWithoutReplace) {
  ASSERT_OK(fs_->write_file(path("a"), "A"));
  ASSERT_OK(fs_->write_file(path("b"), "B"));
  EXPECT_THAT(fs_->rename(path("a"), path("b"), false),
              StatusIs(StatusCode::kAlreadyExists, AllOf(HasSubstr(path("a")), HasSubstr(path("b")))));
  EXPECT_EQ(read("a"), "A");
  EXPECT_EQ(read("b"), "B");
  ASSERT_OK(fs_->rename(path("a"), path("c"), false));
  EXPECT_FALSE(exists("a"));
  EXPECT_EQ(read("c"), "A");
}

TEST_P(FileSystemTest, RenameWithReplace) {
  ASSERT_OK(fs_->write_file(path("a"), "A"));
  ASSERT_OK(fs_->write_file(path("b"), "B"));
  ASSERT_OK(fs_->rename(path("a"), path("b"), true));
  EXPECT_FALSE(exists("a"));
  EXPECT_EQ(read("b"), "A");
  ASSERT_OK(fs_->rename(path("b"), path("fresh"), true));
  EXPECT_EQ(read("fresh"), "A");
  EXPECT_FALSE(exists("b"));
}

TEST_P(FileSystemTest, RenameIntoAnotherFolder) {
  ASSERT_OK(fs_->create_directories(path("x/y")));
  ASSERT_OK(fs_->write_file(path("a"), "A"));
  ASSERT_OK(fs_->rename(path("a"), path("x/y/a"), false));
  EXPECT_EQ(read("x/y/a"), "A");
  ASSERT_OK_AND_ASSIGN(auto entries, fs_->list(path("x/y")));
  EXPECT_EQ(names_of(entries), std::vector<std::string>{"a"});
}

TEST_P(FileSystemTest, RenameOntoAFolder) {
  ASSERT_OK(fs_->write_file(path("a"), "A"));
  ASSERT_OK(fs_->create_directories(path("dir")));
  EXPECT_THAT(fs_->rename(path("a"), path("dir"), false),
              StatusIs(StatusCode::kAlreadyExists, HasSubstr(path("a"))));
  EXPECT_THAT(fs_->rename(path("a"), path("dir"), true), StatusIs(StatusCode::kIOError, HasSubstr(path("a"))));
  EXPECT_EQ(read("a"), "A");
  ASSERT_OK_AND_ASSIGN(auto info, fs_->stat(path("dir")));
  EXPECT_TRUE(info.is_directory);
}

TEST_P(FileSystemTest, RenameIntoAMissingFolderIsNotFound) {
  ASSERT_OK(fs_->write_file(path("a"), "A"));
  for (bool replace : {false, true}) {
    EXPECT_THAT(fs_->rename(path("a"), path("missing/a"), replace),
                StatusIs(StatusCode::kNotFound, HasSubstr(path("a"))));
  }
  EXPECT_EQ(read("a"), "A");
  EXPECT_FALSE(exists("missing"));
}

// ---- stat, list, folders

TEST_P(FileSystemTest, StatOfFilesAndFolders) {
  ASSERT_OK(fs_->create_directories(path("sub")));
  ASSERT_OK(fs_->write_file(path("sub/f.txt"), "12345"));
  ASSERT_OK_AND_ASSIGN(auto f, fs_->stat(path("sub/f.txt")));
  EXPECT_EQ(f.name, "f.txt");
  EXPECT_FALSE(f.is_directory);
  EXPECT_EQ(f.size, 5u);
  EXPECT_GE(f.modified_ms, 0);
  ASSERT_OK_AND_ASSIGN(auto d, fs_->stat(path("sub")));
  EXPECT_EQ(d.name, "sub");
  EXPECT_TRUE(d.is_directory);
  EXPECT_TRUE(exists("sub"));
  EXPECT_TRUE(exists("sub/f.txt"));
  EXPECT_FALSE(exists("sub/g.txt"));
}

TEST_P(FileSystemTest, ListIsSortedWithSizesAndFolders) {
  ASSERT_OK(fs_->create_directories(path("sub/deeper")));
  ASSERT_OK(fs_->create_directories(path("empty")));
  ASSERT_OK(fs_->write_file(path("b.txt"), "12345"));
  ASSERT_OK(fs_->write_file(path("a.txt"), ""));
  ASSERT_OK(fs_->write_file(path("B"), "xy"));
  ASSERT_OK(fs_->write_file(path("a_b"), "z"));
  ASSERT_OK(fs_->write_file(path("sub/x"), "x"));
  ASSERT_OK(fs_->write_file(path("sub/deeper/y"), "y"));
  ASSERT_OK_AND_ASSIGN(auto entries, fs_->list(root_));
  // Byte order: upper case before lower case, '.' before '_'.
  ASSERT_EQ(names_of(entries), (std::vector<std::string>{"B", "a.txt", "a_b", "b.txt", "empty", "sub"}));
  EXPECT_EQ(entries[0].size, 2u);
  EXPECT_EQ(entries[1].size, 0u);
  EXPECT_EQ(entries[3].size, 5u);
  for (size_t i = 0; i < 4; ++i) EXPECT_FALSE(entries[i].is_directory) << entries[i].name;
  EXPECT_TRUE(entries[4].is_directory);
  EXPECT_TRUE(entries[5].is_directory);
  ASSERT_OK_AND_ASSIGN(auto sub, fs_->list(path("sub")));
  EXPECT_EQ(names_of(sub), (std::vector<std::string>{"deeper", "x"}));
  EXPECT_TRUE(sub[0].is_directory);
  ASSERT_OK_AND_ASSIGN(auto empty, fs_->list(path("empty")));
  EXPECT_TRUE(empty.empty());
  // A trailing slash names the same folder.
  ASSERT_OK_AND_ASSIGN(auto again, fs_->list(path("sub") + "/"));
  EXPECT_EQ(names_of(again), names_of(sub));
}

TEST_P(FileSystemTest, ListOfAFileIsAnError) {
  ASSERT_OK(fs_->write_file(path("f"), "x"));
  EXPECT_THAT(fs_->list(path("f")), StatusIs(StatusCode::kIOError, HasSubstr(path("f"))));
}

TEST_P(FileSystemTest, CreateDirectoriesNestedAndIdempotent) {
  ASSERT_OK(fs_->create_directories(path("x/y/z")));
  ASSERT_OK(fs_->create_directories(path("x/y/z")));
  ASSERT_OK(fs_->create_directories(path("x/y")));
  ASSERT_OK(fs_->create_directories(path("x/y/z/")));
  for (const char* dir : {"x", "x/y", "x/y/z"}) {
    ASSERT_OK_AND_ASSIGN(auto info, fs_->stat(path(dir)));
    EXPECT_TRUE(info.is_directory) << dir;
  }
  ASSERT_OK(fs_->write_file(path("x/y/z/f"), "data"));
  EXPECT_EQ(read("x/y/z/f"), "data");
}

TEST_P(FileSystemTest, CreateDirectoriesWithAFileInTheWay) {
  ASSERT_OK(fs_->write_file(path("file"), "data"));
  EXPECT_THAT(fs_->create_directories(path("file")),
              StatusIs(StatusCode::kIOError, HasSubstr(path("file"))));
  EXPECT_THAT(fs_->create_directories(path("file/below/deeper")),
              StatusIs(StatusCode::kIOError, HasSubstr(path("file"))));
  EXPECT_EQ(read("file"), "data");
  ASSERT_OK_AND_ASSIGN(auto info, fs_->stat(path("file")));
  EXPECT_FALSE(info.is_directory);
}

TEST_P(FileSystemTest, RemoveFilesAndEmptyFolders) {
  ASSERT_OK(fs_->create_directories(path("d")));
  ASSERT_OK(fs_->write_file(path("d/f"), "x"));
  EXPECT_THAT(fs_->remove(path("d")), StatusIs(StatusCode::kIOError, HasSubstr(path("d"))));
  ASSERT_OK(fs_->remove(path("d/f")));
  EXPECT_FALSE(exists("d/f"));
  ASSERT_OK(fs_->remove(path("d")));
  EXPECT_FALSE(exists("d"));
  EXPECT_THAT(fs_->remove(path("d")), StatusIs(StatusCode::kNotFound, HasSubstr(path("d"))));
}

TEST_P(FileSystemTest, RemoveAFolderHoldingOnlyFolders) {
  ASSERT_OK(fs_->create_directories(path("outer/inner")));
  EXPECT_THAT(fs_->remove(path("outer")), StatusIs(StatusCode::kIOError, HasSubstr(path("outer"))));
  EXPECT_TRUE(exists("outer/inner"));
  ASSERT_OK(fs_->remove(path("outer/inner")));
  ASSERT_OK(fs_->remove(path("outer")));
  EXPECT_FALSE(exists("outer"));
}

TEST_P(FileSystemTest, RemoveAllRemovesTheTree) {
  ASSERT_OK(fs_->create_directories(path("t/a/b")));
  ASSERT_OK(fs_->create_directories(path("t/empty")));
  ASSERT_OK(fs_->write_file(path("t/a/b/f1"), "1"));
  ASSERT_OK(fs_->write_file(path("t/a/f2"), "2"));
  ASSERT_OK(fs_->write_file(path("t/f3"), "3"));
  ASSERT_OK(fs_->write_file(path("keep"), "k"));
  ASSERT_OK(fs_->remove_all(path("t")));
  EXPECT_FALSE(exists("t"));
  EXPECT_FALSE(exists("t/a/b/f1"));
  ASSERT_OK_AND_ASSIGN(auto entries, fs_->list(root_));
  EXPECT_EQ(names_of(entries), std::vector<std::string>{"keep"});
  // A file is removed too.
  ASSERT_OK(fs_->remove_all(path("keep")));
  EXPECT_FALSE(exists("keep"));
}

INSTANTIATE_TEST_SUITE_P(Both, FileSystemTest, ::testing::Values("local", "memory"),
                         [](const ::testing::TestParamInfo<std::string>& param) { return param.param; });

// ---- LocalFileSystem only

class LocalFileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = (std::filesystem::temp_directory_path() /
             ("braid-local-fs-test-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                .string();
    std::filesystem::remove_all(root_);
    ASSERT_OK(fs_->create_directories(root_));
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  std::string path(const std::string& name) const { return join_path(root_, name); }

  std::shared_ptr<FileSystem> fs_ = local_file_system();
  std::string root_;
};

TEST_F(LocalFileSystemTest, SharedInstance) { EXPECT_EQ(local_file_system().get(), fs_.get()); }

TEST_F(LocalFileSystemTest, RemoveAllDoesNotFollowSymbolicLinks) {
  ASSERT_OK(fs_->create_directories(path("outside")));
  ASSERT_OK(fs_->write_file(path("outside/precious"), "keep me"));
  ASSERT_OK(fs_->create_directories(path("tree/sub")));
  ASSERT_OK(fs_->write_file(path("tree/sub/f"), "x"));
  std::filesystem::create_directory_symlink(path("outside"), path("tree/link"));
  std::filesystem::create_symlink(path("outside/precious"), path("tree/file_link"));
  std::filesystem::create_symlink(path("nowhere"), path("tree/dangling"));
  ASSERT_OK(fs_->remove_all(path("tree")));
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(path("tree"))));
  ASSERT_OK_AND_ASSIGN(std::string kept, fs_->read_file(path("outside/precious")));
  EXPECT_EQ(kept, "keep me");
}

TEST_F(LocalFileSystemTest, ListShowsDanglingLinks) {
  std::filesystem::create_symlink(path("nowhere"), path("dangling"));
  ASSERT_OK(fs_->write_file(path("file"), "abc"));
  ASSERT_OK_AND_ASSIGN(auto entries, fs_->list(root_));
  EXPECT_EQ(names_of(entries), (std::vector<std::string>{"dangling", "file"}));
  EXPECT_FALSE(entries[0].is_directory);
  EXPECT_EQ(entries[1].size, 3u);
}

TEST_F(LocalFileSystemTest, ModificationTimesAreWallClock) {
  ASSERT_OK(fs_->write_file(path("f"), "x"));
  ASSERT_OK_AND_ASSIGN(auto info, fs_->stat(path("f")));
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  EXPECT_NEAR(static_cast<double>(info.modified_ms), static_cast<double>(now_ms), 60'000.0);
}

// ---- MemoryFileSystem only

TEST(MemoryFileSystemTest, RelativePathsAndTheRoot) {
  MemoryFileSystem fs;
  ASSERT_OK(fs.write_file("top.csv", "1"));
  ASSERT_OK(fs.create_directories("data/2024"));
  ASSERT_OK(fs.write_file("data/2024/x.parquet", "22"));
  ASSERT_OK_AND_ASSIGN(auto root, fs.list(""));
  EXPECT_EQ(names_of(root), (std::vector<std::string>{"data", "top.csv"}));
  ASSERT_OK_AND_ASSIGN(auto data, fs.list("data"));
  EXPECT_EQ(names_of(data), std::vector<std::string>{"2024"});
  EXPECT_EQ(fs.all_files(), (std::vector<std::string>{"data/2024/x.parquet", "top.csv"}));
}

TEST(MemoryFileSystemTest, AbsolutePathsAndTheRoot) {
  MemoryFileSystem fs;
  ASSERT_OK(fs.create_directories("/wh/t"));
  ASSERT_OK(fs.write_file("/top", "1"));
  ASSERT_OK(fs.write_file("/wh/t/f", "1"));
  ASSERT_OK_AND_ASSIGN(auto root, fs.list("/"));
  ASSERT_EQ(names_of(root), (std::vector<std::string>{"top", "wh"}));
  EXPECT_TRUE(root[1].is_directory);
  ASSERT_OK_AND_ASSIGN(auto info, fs.stat("/"));
  EXPECT_TRUE(info.is_directory);
}

TEST(MemoryFileSystemTest, FaultHookSeesEveryOperation) {
  MemoryFileSystem fs;
  ASSERT_OK(fs.create_directories("d"));
  std::vector<std::string> seen;
  fs.set_fault_hook([&](std::string_view op, const std::string& path) {
    seen.push_back(std::string(op) + " " + path);
    return Status::OK();
  });
  ASSERT_OK_AND_ASSIGN(auto w, fs.open_write("d/a"));
  ASSERT_OK(w->write("x"));
  ASSERT_OK(w->close());
  ASSERT_OK_AND_ASSIGN(auto r, fs.open_read("d/a"));
  ASSERT_OK(fs.put_if_absent("d/b", "y"));
  ASSERT_OK(fs.rename("d/b", "d/c", false));
  ASSERT_OK(fs.list("d"));
  ASSERT_OK(fs.remove("d/c"));
  EXPECT_EQ(seen, (std::vector<std::string>{"open_write d/a", "write d/a", "open_read d/a",
                                            "put_if_absent d/b", "rename d/b", "list d",
                                            "remove d/c"}));
}

TEST(MemoryFileSystemTest, FaultHookFailsChosenOperationsWithoutSideEffects) {
  MemoryFileSystem fs;
  ASSERT_OK(fs.create_directories("t/_delta_log"));
  ASSERT_OK(fs.write_file("t/data.parquet", "x"));
  fs.set_fault_hook([](std::string_view op, const std::string& path) -> Status {
    if (path.find("_delta_log") != std::string::npos) {
      return Status::unavailable("injected: {} failed", op).set_retryable();
    }
    return Status::OK();
  });
  Status s = fs.put_if_absent("t/_delta_log/00000000000000000000.json", "{}");
  EXPECT_THAT(s, StatusIs(StatusCode::kUnavailable, "injected: put_if_absent failed"));
  EXPECT_TRUE(s.is_retryable());
  EXPECT_THAT(fs.open_write("t/_delta_log/x"), StatusIs(StatusCode::kUnavailable, HasSubstr("open_write")));
  EXPECT_THAT(fs.list("t/_delta_log"), StatusIs(StatusCode::kUnavailable, HasSubstr("list")));
  ASSERT_OK(fs.rename("t/data.parquet", "t/_delta_log/y", false));  // the hook is asked about `from`
  EXPECT_EQ(fs.all_files(), (std::vector<std::string>{"t/_delta_log/y"}));
  EXPECT_THAT(fs.remove("t/_delta_log/y"), StatusIs(StatusCode::kUnavailable, HasSubstr("remove")));
  EXPECT_THAT(fs.open_read("t/_delta_log/y"), StatusIs(StatusCode::kUnavailable, HasSubstr("open_read")));
  EXPECT_EQ(fs.all_files(), (std::vector<std::string>{"t/_delta_log/y"}));
  // Clearing the hook restores normal operation.
  fs.set_fault_hook(nullptr);
  ASSERT_OK(fs.put_if_absent("t/_delta_log/00000000000000000000.json", "{}"));
  ASSERT_OK_AND_ASSIGN(std::string got, fs.read_file("t/_delta_log/y"));
  EXPECT_EQ(got, "x");
}

TEST(MemoryFileSystemTest, FailedWriteAppendsNothing) {
  MemoryFileSystem fs;
  ASSERT_OK_AND_ASSIGN(auto w, fs.open_write("f"));
  ASSERT_OK(w->write("first "));
  int writes = 0;
  fs.set_fault_hook([&](std::string_view op, const std::string&) -> Status {
    if (op == "write" && ++writes == 2) return Status::io_error("injected: disk full");
    return Status::OK();
  });
  ASSERT_OK(w->write("second "));
  EXPECT_THAT(w->write("third"), StatusIs(StatusCode::kIOError, "injected: disk full"));
  ASSERT_OK(w->close());
  ASSERT_OK_AND_ASSIGN(std::string got, fs.read_file("f"));
  EXPECT_EQ(got, "first second ");
  EXPECT_EQ(w->bytes_written(), 13u);
}

TEST(MemoryFileSystemTest, CrashBetweenTwoCommits) {
  // A writer that dies after its data file and before its commit leaves only the data file.
  MemoryFileSystem fs;
  ASSERT_OK(fs.create_directories("t/_delta_log"));
  fs.set_fault_hook([](std::string_view op, const std::string&) -> Status {
    if (op == "put_if_absent") return Status::io_error("injected: crashed");
    return Status::OK();
  });
  ASSERT_OK(fs.write_file("t/part-0.parquet", "rows"));
  EXPECT_THAT(fs.put_if_absent("t/_delta_log/00000000000000000001.json", "{}"),
              StatusIs(StatusCode::kIOError, "injected: crashed"));
  EXPECT_EQ(fs.all_files(), std::vector<std::string>{"t/part-0.parquet"});
}

TEST(MemoryFileSystemTest, ContentsAreVisibleOnFlushOrClose) {
  MemoryFileSystem fs;
  ASSERT_OK_AND_ASSIGN(auto w, fs.open_write("f"));
  ASSERT_OK(w->write("abc"));
  ASSERT_OK_AND_ASSIGN(std::string before, fs.read_file("f"));
  EXPECT_EQ(before, "");
  ASSERT_OK(w->flush());
  ASSERT_OK_AND_ASSIGN(std::string after, fs.read_file("f"));
  EXPECT_EQ(after, "abc");
  // An open reader keeps the contents it opened.
  ASSERT_OK_AND_ASSIGN(auto r, fs.open_read("f"));
  ASSERT_OK(w->write("def"));
  ASSERT_OK(w->close());
  ASSERT_OK_AND_ASSIGN(std::string snapshot, r->read_range(0, r->size()));
  EXPECT_EQ(snapshot, "abc");
  ASSERT_OK_AND_ASSIGN(std::string latest, fs.read_file("f"));
  EXPECT_EQ(latest, "abcdef");
}

// ---- paths and streams

TEST(PathTest, JoinParentBase) {
  EXPECT_EQ(join_path("a/b", "c"), "a/b/c");
  EXPECT_EQ(join_path("a/b/", "c"), "a/b/c");
  EXPECT_EQ(join_path("", "c"), "c");
  EXPECT_EQ(join_path("/", "c"), "/c");
  EXPECT_EQ(parent_path("a/b/c"), "a/b");
  EXPECT_EQ(parent_path("/c"), "/");
  EXPECT_EQ(parent_path("c"), "");
  EXPECT_EQ(parent_path(""), "");
  EXPECT_EQ(base_name("a/b/c.json"), "c.json");
  EXPECT_EQ(base_name("c.json"), "c.json");
  EXPECT_EQ(base_name("a/"), "");
  EXPECT_EQ(base_name(""), "");
}

TEST(StringOutputStreamTest, CollectsAndTakes) {
  StringOutputStream out;
  ASSERT_OK(out.write("ab"));
  ASSERT_OK(out.write(""));
  ASSERT_OK(out.write("c"));
  ASSERT_OK(out.flush());
  EXPECT_EQ(out.data(), "abc");
  EXPECT_EQ(out.take(), "abc");
}

}  // namespace
}  // namespace braid
