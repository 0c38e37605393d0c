// Concurrency tests of the file systems (run under TSan in `make test`): the Delta log's commit
// primitive (put_if_absent) under contention, with readers watching.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <set>
#include <thread>
#include <vector>

#include "common/file_system.h"
#include "common/memory_file_system.h"
#include "support/status_matchers.h"

namespace braid {
namespace {

class FileSystemConcurrencyTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "local") {
      std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
      std::replace(test.begin(), test.end(), '/', '_');
      fs_ = local_file_system();
      root_ = (std::filesystem::temp_directory_path() /
               ("braid-fs-concurrency-" + std::to_string(::getpid()) + "-" + test))
                  .string();
      std::filesystem::remove_all(root_);
    } else {
      fs_ = std::make_shared<MemoryFileSystem>();
      root_ = "/mem";
    }
    ASSERT_OK(fs_->create_directories(root_));
  }
  void TearDown() override {
    if (GetParam() == "local") std::filesystem::remove_all(root_);
  }
  std::string path(const std::string& name) const { return join_path(root_, name); }

  std::shared_ptr<FileSystem> fs_;
  std::string root_;
};

// Readers see no file or the whole file, never a prefix.
TEST_P(FileSystemConcurrencyTest, PutIfAbsentIsAtomicForReaders) {
  constexpr int kWriters = 4;
  constexpr int kReaders = 2;
  const std::string target = path("00000000000000000007.json");
  std::atomic<bool> done{false};
  std::atomic<int> partial{0}, wins{0}, full_reads{0};
  std::vector<std::thread> threads;
  for (int r = 0; r < kReaders; ++r) {
    threads.emplace_back([&] {
      while (!done.load()) {
        auto got = fs_->read_file(target);
        if (!got.ok()) {
          if (got.status().code() != StatusCode::kNotFound) partial.fetch_add(1);
          continue;
        }
        if (got->size() != (1u << 16) || got->find_first_not_of(got->front()) != std::string::npos) {
          partial.fetch_add(1);
        }
        full_reads.fetch_add(1);
      }
    });
  }
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      if (fs_->put_if_absent(target, std::string(1 << 16, static_cast<char>('a' + w))).ok()) wins.fetch_add(1);
    });
  }
  for (size_t i = kReaders; i < threads.size(); ++i) threads[i].join();
  // Let the readers see the committed file a few times.
  while (wins.load() == 1 && full_reads.load() < 3) std::this_thread::yield();
  done = true;
  for (int r = 0; r < kReaders; ++r) threads[static_cast<size_t>(r)].join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(partial.load(), 0);
}

// A miniature Delta log: every writer commits versions by put_if_absent on the next free number
// and moves on when it loses. Every version exists once, and every commit landed exactly once.
TEST_P(FileSystemConcurrencyTest, CommitLoopGivesEachVersionToOneWriter) {
  constexpr int kWriters = 4;
  constexpr int kCommitsEach = 10;
  ASSERT_OK(fs_->create_directories(path("_delta_log")));
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      int64_t version = 0;
      for (int c = 0; c < kCommitsEach; ++c) {
        const std::string body = "writer " + std::to_string(w) + " commit " + std::to_string(c);
        while (true) {
          Status s = fs_->put_if_absent(path(fmt::format("_delta_log/{:020}.json", version)), body);
          if (s.ok()) break;
          if (s.code() != StatusCode::kAlreadyExists) {
            errors.fetch_add(1);
            return;
          }
          ++version;  // lost the race: rebase onto the next version
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  ASSERT_OK_AND_ASSIGN(auto entries, fs_->list(path("_delta_log")));
  ASSERT_EQ(entries.size(), static_cast<size_t>(kWriters * kCommitsEach));
  std::set<std::string> bodies;
  for (size_t v = 0; v < entries.size(); ++v) {
    EXPECT_EQ(entries[v].name, fmt::format("{:020}.json", v));
    ASSERT_OK_AND_ASSIGN(std::string body, fs_->read_file(path("_delta_log/" + entries[v].name)));
    bodies.insert(body);
  }
  EXPECT_EQ(bodies.size(), static_cast<size_t>(kWriters * kCommitsEach));
}

TEST_P(FileSystemConcurrencyTest, IndependentWritersAndListers) {
  constexpr int kThreads = 4;
  constexpr int kFiles = 25;
  std::atomic<int> errors{0};
  std::atomic<bool> done{false};
  std::thread lister([&] {
    while (!done.load()) {
      auto entries = fs_->list(root_);
      if (!entries.ok()) errors.fetch_add(1);
    }
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string dir = path("t" + std::to_string(t));
      if (!fs_->create_directories(dir).ok()) errors.fetch_add(1);
      for (int f = 0; f < kFiles; ++f) {
        const std::string p = join_path(dir, std::to_string(f));
        if (!fs_->write_file(p, p).ok()) errors.fetch_add(1);
        auto back = fs_->read_file(p);
        if (!back.ok() || *back != p) errors.fetch_add(1);
        if (f % 2 == 0 && !fs_->rename(p, p + ".moved", false).ok()) errors.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  done = true;
  lister.join();
  EXPECT_EQ(errors.load(), 0);
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_OK_AND_ASSIGN(auto entries, fs_->list(path("t" + std::to_string(t))));
    EXPECT_EQ(entries.size(), static_cast<size_t>(kFiles));
  }
  ASSERT_OK(fs_->remove_all(path("t0")));
}

INSTANTIATE_TEST_SUITE_P(Both, FileSystemConcurrencyTest, ::testing::Values("local", "memory"),
                         [](const ::testing::TestParamInfo<std::string>& param) { return param.param; });

TEST(MemoryFileSystemConcurrencyTest, FaultHookChangedWhileInUse) {
  MemoryFileSystem fs;
  std::atomic<bool> done{false};
  std::atomic<int> unexpected{0};
  std::thread flipper([&] {
    for (int i = 0; !done.load(); ++i) {
      if (i % 2 == 0) {
        fs.set_fault_hook([](std::string_view, const std::string&) { return Status::unavailable("injected"); });
      } else {
        fs.set_fault_hook(nullptr);
      }
    }
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) {
        Status s = fs.put_if_absent(std::to_string(t) + "-" + std::to_string(i), "x");
        if (!s.ok() && s.code() != StatusCode::kUnavailable) unexpected.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  done = true;
  flipper.join();
  EXPECT_EQ(unexpected.load(), 0);
}

}  // namespace
}  // namespace braid
