// Concurrency tests of the shared worker pool (run under TSan in `make test`).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "common/worker_pool.h"
#include "support/status_matchers.h"

namespace braid {
namespace {

using ::braid::testing::StatusIs;
using ::testing::HasSubstr;

TEST(WorkerPoolConcurrencyTest, ManyThreadsSpawnIntoOneGroup) {
  WorkerPool pool(4);
  TaskGroup group(pool);
  std::atomic<int> count{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        group.spawn([&] {
          count.fetch_add(1, std::memory_order_relaxed);
          return Status::OK();
        });
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_OK(group.wait());
  EXPECT_EQ(count.load(), 1600);
}

TEST(WorkerPoolConcurrencyTest, NestedGroupsDoNotDeadlock) {
  // Every outer task waits on inner tasks: with fewer workers than outer tasks, this deadlocks
  // unless waiting threads run their own group's work.
  WorkerPool pool(2);
  TaskGroup outer(pool);
  std::atomic<int> leaves{0};
  for (int i = 0; i < 16; ++i) {
    outer.spawn([&] {
      TaskGroup inner(pool);
      for (int j = 0; j < 16; ++j) {
        inner.spawn([&] {
          leaves.fetch_add(1, std::memory_order_relaxed);
          return Status::OK();
        });
      }
      return inner.wait();
    });
  }
  ASSERT_OK(outer.wait());
  EXPECT_EQ(leaves.load(), 256);
}

TEST(WorkerPoolConcurrencyTest, ConcurrentGroupsFromExternalThreads) {
  WorkerPool pool(3);
  std::vector<std::thread> clients;
  std::atomic<int> failures{0};
  for (int c = 0; c < 6; ++c) {
    clients.emplace_back([&, c] {
      std::vector<int> results(100, 0);
      Status s = parallel_for(
          results.size(),
          [&](size_t i) {
            results[i] = static_cast<int>(i) * c;
            return Status::OK();
          },
          0, pool);
      for (size_t i = 0; i < results.size(); ++i) {
        if (results[i] != static_cast<int>(i) * c) failures.fetch_add(1);
      }
      if (!s.ok()) failures.fetch_add(1);
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(WorkerPoolConcurrencyTest, ErrorCancelsSiblingsAcrossThreads) {
  WorkerPool pool(4);
  TaskGroup group(pool);
  std::atomic<int> ran{0};
  for (int i = 0; i < 1000; ++i) {
    group.spawn([&, i]() -> Status {
      if (i == 10) return Status::io_error("disk full");
      ran.fetch_add(1, std::memory_order_relaxed);
      return Status::OK();
    });
  }
  EXPECT_THAT(group.wait(), StatusIs(StatusCode::kIOError, HasSubstr("disk full")));
  EXPECT_LT(ran.load(), 1000);
}

TEST(WorkerPoolConcurrencyTest, MaxConcurrencyIsRespected) {
  WorkerPool pool(4);
  TaskGroup::Options options;
  options.max_concurrency = 2;
  TaskGroup group(pool, options);
  std::atomic<int> running{0};
  std::atomic<int> peak{0};
  for (int i = 0; i < 40; ++i) {
    group.spawn([&] {
      int now = running.fetch_add(1) + 1;
      int p = peak.load();
      while (now > p && !peak.compare_exchange_weak(p, now)) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      running.fetch_sub(1);
      return Status::OK();
    });
  }
  ASSERT_OK(group.wait());
  EXPECT_LE(peak.load(), 2);
  EXPECT_GE(peak.load(), 1);
}

}  // namespace
}  // namespace braid
