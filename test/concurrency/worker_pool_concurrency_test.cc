// Concurrency tests of the shared worker pool (run under TSan in `make test`).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "common/cancellation.h"
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

TEST(WorkerPoolConcurrencyTest, CancelFromAnotherThreadWhileRoundsRun) {
  WorkerPool pool(3);
  TaskGroup group(pool);
  std::atomic<bool> done{false};
  std::atomic<int> unexpected{0};
  std::thread canceller([&] {
    while (!done.load()) {
      group.cancel("stop this round");
      std::this_thread::yield();
    }
  });
  for (int round = 0; round < 200; ++round) {
    for (int i = 0; i < 8; ++i) {
      group.spawn([&] {
        for (int spin = 0; spin < 100 && !group.token().is_cancelled(); ++spin) std::this_thread::yield();
        return Status::OK();
      });
    }
    Status s = group.wait();
    if (!s.ok() && !(s.code() == StatusCode::kCancelled && s.message() == "stop this round")) {
      unexpected.fetch_add(1);
    }
  }
  done = true;
  canceller.join();
  EXPECT_EQ(unexpected.load(), 0);
  // A cancel that landed after the last round applies to the next wait(), which clears it.
  Status pending = group.wait();
  EXPECT_TRUE(pending.ok() || pending.code() == StatusCode::kCancelled) << pending.to_string();
  // Then the group runs a round to completion.
  std::atomic<int> ran{0};
  for (int i = 0; i < 8; ++i) {
    group.spawn([&] {
      ran.fetch_add(1);
      return Status::OK();
    });
  }
  EXPECT_OK(group.wait());
  EXPECT_EQ(ran.load(), 8);
}

TEST(WorkerPoolConcurrencyTest, TwoThreadsWaitOnOneGroup) {
  WorkerPool pool(2);
  TaskGroup group(pool);
  std::atomic<int> count{0};
  for (int i = 0; i < 500; ++i) {
    group.spawn([&] {
      count.fetch_add(1, std::memory_order_relaxed);
      return Status::OK();
    });
  }
  Status a, b;
  std::thread other([&] { a = group.wait(); });
  b = group.wait();
  other.join();
  EXPECT_OK(a);
  EXPECT_OK(b);
  EXPECT_EQ(count.load(), 500);
}

TEST(WorkerPoolConcurrencyTest, ErrorRoundsAlternateWithCleanRounds) {
  WorkerPool pool(4);
  TaskGroup group(pool);
  for (int round = 0; round < 100; ++round) {
    const bool fail = round % 2 == 0;
    std::atomic<int> ran{0};
    for (int i = 0; i < 16; ++i) {
      group.spawn([&, i]() -> Status {
        ran.fetch_add(1);
        if (fail && i == 3) return Status::io_error("round {} failed", round);
        return Status::OK();
      });
    }
    Status s = group.wait();
    if (fail) {
      EXPECT_THAT(s, StatusIs(StatusCode::kIOError, fmt::format("round {} failed", round)));
    } else {
      ASSERT_OK(s);
      EXPECT_EQ(ran.load(), 16);
    }
  }
}

TEST(WorkerPoolConcurrencyTest, ParallelForFromManyTasksSharesThePool) {
  WorkerPool pool(4);
  std::vector<std::atomic<int64_t>> sums(32);
  ASSERT_OK(parallel_for(
      sums.size(),
      [&](size_t t) {
        return parallel_for(
            1000,
            [&](size_t i) {
              sums[t].fetch_add(static_cast<int64_t>(i), std::memory_order_relaxed);
              return Status::OK();
            },
            0, pool);
      },
      0, pool));
  for (auto& s : sums) EXPECT_EQ(s.load(), 499500);
}

// ---- cancellation tokens

TEST(CancellationConcurrencyTest, ConcurrentCancelsAgreeOnOneReason) {
  for (int round = 0; round < 50; ++round) {
    auto parent = CancellationToken::make();
    auto child = parent.child();
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        while (!go.load()) std::this_thread::yield();
        (t % 2 == 0 ? parent : child).cancel("reason " + std::to_string(t));
      });
    }
    std::thread reader([&] {
      while (!go.load()) std::this_thread::yield();
      for (int i = 0; i < 100; ++i) {
        Status s = child.check();
        EXPECT_TRUE(s.ok() || s.code() == StatusCode::kCancelled) << s.to_string_with_code();
      }
    });
    go = true;
    for (auto& t : threads) t.join();
    reader.join();
    Status first = child.check();
    ASSERT_EQ(first.code(), StatusCode::kCancelled);
    EXPECT_THAT(first.message(), ::testing::StartsWith("reason "));
    EXPECT_EQ(child.check(), first);  // stable once settled
    EXPECT_TRUE(parent.is_cancelled());
  }
}

}  // namespace
}  // namespace braid
