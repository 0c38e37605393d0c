#include "common/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <new>
#include <stdexcept>
#include <thread>
#include <vector>

#include "support/status_matchers.h"

namespace braid {
namespace {

using ::braid::testing::StatusIs;
using ::testing::HasSubstr;

// Spins until `done` holds, for at most a few seconds (a safety net, never reached when the code
// under test is right).
template <typename Predicate>
bool eventually(Predicate done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

// ---- spawn and wait

TEST(WorkerPoolTest, ConcurrencyIsAtLeastOne) {
  EXPECT_EQ(WorkerPool(0).concurrency(), 1);
  EXPECT_EQ(WorkerPool(-3).concurrency(), 1);
  EXPECT_EQ(WorkerPool(3).concurrency(), 3);
  EXPECT_GE(WorkerPool::shared().concurrency(), 1);
  EXPECT_EQ(&WorkerPool::shared(), &WorkerPool::shared());
}

TEST(WorkerPoolTest, RunsEveryTaskAndWaits) {
  for (int threads : {1, 2, 4}) {
    WorkerPool pool(threads);
    TaskGroup group(pool);
    std::atomic<int> sum{0};
    for (int i = 1; i <= 100; ++i) {
      group.spawn([&sum, i] {
        sum.fetch_add(i);
        return Status::OK();
      });
    }
    ASSERT_OK(group.wait());
    EXPECT_EQ(sum.load(), 5050) << threads << " threads";
  }
}

TEST(WorkerPoolTest, WaitWithNothingSpawnedIsOk) {
  WorkerPool pool(2);
  TaskGroup group(pool);
  EXPECT_OK(group.wait());
  EXPECT_OK(group.wait());
}

TEST(WorkerPoolTest, WaitingThreadHelpsRunTheGroup) {
  // One worker blocked by a task that only finishes once the other task has run: the waiting
  // thread must run the second task itself.
  WorkerPool pool(1);
  TaskGroup group(pool);
  std::atomic<bool> second_ran{false};
  group.spawn([&]() -> Status {
    if (!eventually([&] { return second_ran.load(); })) return Status::internal("never helped");
    return Status::OK();
  });
  group.spawn([&] {
    second_ran = true;
    return Status::OK();
  });
  EXPECT_OK(group.wait());
  EXPECT_TRUE(second_ran.load());
}

// ---- errors

TEST(WorkerPoolTest, TaskErrorIsReturnedAsIs) {
  WorkerPool pool(2);
  TaskGroup group(pool);
  group.spawn([] { return Status::corruption("page {} is short", 3).with_context("reading x"); });
  Status s = group.wait();
  EXPECT_THAT(s, StatusIs(StatusCode::kCorruption, "reading x: page 3 is short"));
}

TEST(WorkerPoolTest, FirstErrorWinsOverLaterOnes) {
  WorkerPool pool(2);
  TaskGroup group(pool);
  // The second failure happens only after the first one cancelled the group.
  group.spawn([&]() -> Status {
    if (!eventually([&] { return group.token().is_cancelled(); })) return Status::OK();
    return Status::io_error("second failure");
  });
  group.spawn([] { return Status::conflict("first failure"); });
  EXPECT_THAT(group.wait(), StatusIs(StatusCode::kConflict, "first failure"));
}

TEST(WorkerPoolTest, ErrorSkipsQueuedTasks) {
  WorkerPool pool(1);
  TaskGroup group(pool);
  std::atomic<int> ran{0};
  group.spawn([] { return Status::invalid_argument("bad input"); });
  // The failing task is alone at first; the rest are queued after it has failed.
  ASSERT_TRUE(eventually([&] { return group.token().is_cancelled(); }));
  for (int i = 0; i < 20; ++i) {
    group.spawn([&] {
      ran.fetch_add(1);
      return Status::OK();
    });
  }
  EXPECT_THAT(group.wait(), StatusIs(StatusCode::kInvalidArgument, "bad input"));
  EXPECT_EQ(ran.load(), 0);
}

TEST(WorkerPoolTest, ErrorCancelsRunningSiblingsThroughTheToken) {
  WorkerPool pool(2);
  TaskGroup group(pool);
  std::atomic<bool> saw_cancel{false};
  Status seen;
  group.spawn([&] {
    saw_cancel = eventually([&] { return group.token().is_cancelled(); });
    seen = group.token().check();
    return Status::OK();
  });
  group.spawn([] { return Status::unavailable("lost the connection"); });
  EXPECT_THAT(group.wait(), StatusIs(StatusCode::kUnavailable, "lost the connection"));
  EXPECT_TRUE(saw_cancel.load());
  // The token's reason is the error's text.
  EXPECT_THAT(seen, StatusIs(StatusCode::kCancelled, "lost the connection"));
}

TEST(WorkerPoolTest, ManyFailuresReportExactlyOne) {
  WorkerPool pool(4);
  TaskGroup group(pool);
  for (int i = 0; i < 200; ++i) {
    group.spawn([i] { return Status::io_error("task {} failed", i); });
  }
  EXPECT_THAT(group.wait(), StatusIs(StatusCode::kIOError, ::testing::MatchesRegex("task [0-9]+ failed")));
}

TEST(WorkerPoolTest, ExceptionsBecomeStatuses) {
  WorkerPool pool(2);
  {
    TaskGroup group(pool);
    group.spawn([]() -> Status { throw std::runtime_error("boom"); });
    EXPECT_THAT(group.wait(), StatusIs(StatusCode::kInternal, HasSubstr("boom")));
  }
  {
    TaskGroup group(pool);
    group.spawn([]() -> Status { throw std::bad_alloc(); });
    EXPECT_THAT(group.wait(), StatusIs(StatusCode::kOutOfMemory, HasSubstr("allocation failed")));
  }
  {
    TaskGroup group(pool);
    group.spawn([]() -> Status { throw 42; });
    EXPECT_THAT(group.wait(), StatusIs(StatusCode::kInternal, HasSubstr("non-standard exception")));
  }
  {
    TaskGroup group(pool);
    group.spawn(std::function<Status()>());  // calling an empty function throws
    EXPECT_THAT(group.wait(), StatusIs(StatusCode::kInternal, HasSubstr("uncaught exception")));
  }
}

TEST(WorkerPoolTest, ExceptionCancelsTheRest) {
  WorkerPool pool(1);
  TaskGroup group(pool);
  group.spawn([]() -> Status { throw std::logic_error("broken invariant"); });
  ASSERT_TRUE(eventually([&] { return group.token().is_cancelled(); }));
  std::atomic<int> ran{0};
  group.spawn([&] {
    ran.fetch_add(1);
    return Status::OK();
  });
  EXPECT_THAT(group.wait(), StatusIs(StatusCode::kInternal, HasSubstr("broken invariant")));
  EXPECT_EQ(ran.load(), 0);
}

// ---- cancellation

TEST(WorkerPoolTest, ExternalTokenCancelledBeforehandSkipsEverything) {
  WorkerPool pool(2);
  auto token = CancellationToken::make();
  TaskGroup::Options options;
  options.cancellation = token;
  TaskGroup group(pool, options);
  token.cancel("run aborted by user");
  std::atomic<int> ran{0};
  for (int i = 0; i < 10; ++i) {
    group.spawn([&] {
      ran.fetch_add(1);
      return Status::OK();
    });
  }
  EXPECT_THAT(group.wait(), StatusIs(StatusCode::kCancelled, "run aborted by user"));
  EXPECT_EQ(ran.load(), 0);
}

TEST(WorkerPoolTest, ExternalTokenCancelledWhileRunning) {
  WorkerPool pool(2);
  auto token = CancellationToken::make();
  TaskGroup::Options options;
  options.cancellation = token;
  TaskGroup group(pool, options);
  std::atomic<bool> started{false};
  group.spawn([&] {
    started = true;
    // A well-behaved long task polls the group's token and stops early.
    eventually([&] { return group.token().is_cancelled(); });
    return Status::OK();
  });
  ASSERT_TRUE(eventually([&] { return started.load(); }));
  token.cancel("deadline passed");
  EXPECT_THAT(group.wait(), StatusIs(StatusCode::kCancelled, "deadline passed"));
}

TEST(WorkerPoolTest, ExternalCancellationAfterTheTasksRanIsStillReported) {
  WorkerPool pool(2);
  auto token = CancellationToken::make();
  TaskGroup::Options options;
  options.cancellation = token;
  TaskGroup group(pool, options);
  std::atomic<int> ran{0};
  group.spawn([&] {
    ran.fetch_add(1);
    return Status::OK();
  });
  ASSERT_TRUE(eventually([&] { return ran.load() == 1; }));
  token.cancel("stopped");
  EXPECT_THAT(group.wait(), StatusIs(StatusCode::kCancelled, "stopped"));
}

TEST(WorkerPoolTest, TaskErrorBeatsLaterCancellation) {
  WorkerPool pool(2);
  auto token = CancellationToken::make();
  TaskGroup::Options options;
  options.cancellation = token;
  TaskGroup group(pool, options);
  group.spawn([] { return Status::corruption("bad page"); });
  ASSERT_TRUE(eventually([&] { return group.token().is_cancelled(); }));
  token.cancel("too late");
  EXPECT_THAT(group.wait(), StatusIs(StatusCode::kCorruption, "bad page"));
}

TEST(WorkerPoolTest, CancelOnTheGroupSkipsQueuedTasks) {
  WorkerPool pool(2);
  TaskGroup group(pool);
  group.cancel("user pressed ctrl-c");
  std::atomic<int> ran{0};
  for (int i = 0; i < 10; ++i) {
    group.spawn([&] {
      ran.fetch_add(1);
      return Status::OK();
    });
  }
  EXPECT_THAT(group.wait(), StatusIs(StatusCode::kCancelled, "user pressed ctrl-c"));
  EXPECT_EQ(ran.load(), 0);
}

TEST(WorkerPoolTest, CancellingOneGroupLeavesSiblingsAlone) {
  WorkerPool pool(2);
  auto run = CancellationToken::make();
  TaskGroup::Options options;
  options.cancellation = run;
  TaskGroup a(pool, options);
  TaskGroup b(pool, options);
  a.cancel("only a");
  std::atomic<int> ran{0};
  b.spawn([&] {
    ran.fetch_add(1);
    return Status::OK();
  });
  EXPECT_OK(b.wait());
  EXPECT_EQ(ran.load(), 1);
  EXPECT_FALSE(run.is_cancelled());
  EXPECT_THAT(a.wait(), StatusIs(StatusCode::kCancelled, "only a"));
}

TEST(WorkerPoolTest, DestroyingABusyGroupCancelsAndWaits) {
  WorkerPool pool(2);  // one worker
  std::atomic<bool> started{false};
  std::atomic<bool> saw_cancel{false};
  std::atomic<int> queued_ran{0};
  {
    TaskGroup group(pool);
    group.spawn([&] {
      started = true;
      saw_cancel = eventually([&] { return group.token().is_cancelled(); });
      return Status::OK();
    });
    ASSERT_TRUE(eventually([&] { return started.load(); }));
    for (int i = 0; i < 10; ++i) {
      group.spawn([&] {
        queued_ran.fetch_add(1);
        return Status::OK();
      });
    }
    // Not waited: the destructor must cancel the group and wait for the running task.
  }
  EXPECT_TRUE(saw_cancel.load());
  // The only worker was busy, so the queued tasks were still queued, and were skipped.
  EXPECT_EQ(queued_ran.load(), 0);
}

// ---- reuse

TEST(WorkerPoolTest, GroupIsReusableAfterWait) {
  WorkerPool pool(2);
  TaskGroup group(pool);
  std::atomic<int> n{0};
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 10; ++i) {
      group.spawn([&] {
        n.fetch_add(1);
        return Status::OK();
      });
    }
    ASSERT_OK(group.wait());
    EXPECT_EQ(n.load(), (round + 1) * 10);
  }
}

TEST(WorkerPoolTest, GroupIsReusableAfterAFailure) {
  WorkerPool pool(2);
  TaskGroup group(pool);
  group.spawn([] { return Status::io_error("disk full"); });
  EXPECT_THAT(group.wait(), StatusIs(StatusCode::kIOError, "disk full"));
  // The error was reported once; the next round starts clean.
  std::atomic<int> ran{0};
  for (int i = 0; i < 5; ++i) {
    group.spawn([&] {
      ran.fetch_add(1);
      return Status::OK();
    });
  }
  EXPECT_OK(group.wait());
  EXPECT_EQ(ran.load(), 5);
  EXPECT_FALSE(group.token().is_cancelled());
}

TEST(WorkerPoolTest, GroupIsReusableAfterCancel) {
  WorkerPool pool(2);
  TaskGroup group(pool);
  group.cancel("first round abandoned");
  EXPECT_THAT(group.wait(), StatusIs(StatusCode::kCancelled, "first round abandoned"));
  std::atomic<int> ran{0};
  group.spawn([&] {
    ran.fetch_add(1);
    return Status::OK();
  });
  EXPECT_OK(group.wait());
  EXPECT_EQ(ran.load(), 1);
}

TEST(WorkerPoolTest, CancelledParentTokenOutlivesWait) {
  // Reuse clears the group's own cancellation, never the cancellation it was given.
  WorkerPool pool(2);
  auto run = CancellationToken::make();
  TaskGroup::Options options;
  options.cancellation = run;
  TaskGroup group(pool, options);
  run.cancel("run stopped");
  EXPECT_THAT(group.wait(), StatusIs(StatusCode::kCancelled, "run stopped"));
  std::atomic<int> ran{0};
  group.spawn([&] {
    ran.fetch_add(1);
    return Status::OK();
  });
  EXPECT_THAT(group.wait(), StatusIs(StatusCode::kCancelled, "run stopped"));
  EXPECT_EQ(ran.load(), 0);
}

// ---- nesting and limits

TEST(WorkerPoolTest, NestedGroupsOnASingleWorker) {
  WorkerPool pool(1);
  TaskGroup outer(pool);
  std::atomic<int> leaves{0};
  for (int i = 0; i < 8; ++i) {
    outer.spawn([&] {
      TaskGroup inner(pool);
      for (int j = 0; j < 8; ++j) {
        inner.spawn([&] {
          TaskGroup innermost(pool);
          innermost.spawn([&] {
            leaves.fetch_add(1);
            return Status::OK();
          });
          return innermost.wait();
        });
      }
      return inner.wait();
    });
  }
  ASSERT_OK(outer.wait());
  EXPECT_EQ(leaves.load(), 64);
}

TEST(WorkerPoolTest, NestedErrorPropagatesOutward) {
  WorkerPool pool(2);
  TaskGroup outer(pool);
  outer.spawn([&] {
    TaskGroup inner(pool);
    inner.spawn([] { return Status::parse_error("line 3:7: unexpected ')'"); });
    return inner.wait().with_context("stage for region EU");
  });
  EXPECT_THAT(outer.wait(),
              StatusIs(StatusCode::kParseError, "stage for region EU: line 3:7: unexpected ')'"));
}

TEST(WorkerPoolTest, MaxConcurrencyOneRunsTasksOneAtATime) {
  WorkerPool pool(4);
  TaskGroup::Options options;
  options.max_concurrency = 1;
  TaskGroup group(pool, options);
  std::atomic<int> running{0};
  std::atomic<int> peak{0};
  std::vector<int> order;  // unsynchronised on purpose: only one task runs at a time
  for (int i = 0; i < 30; ++i) {
    group.spawn([&, i] {
      int now = running.fetch_add(1) + 1;
      int p = peak.load();
      while (now > p && !peak.compare_exchange_weak(p, now)) {
      }
      order.push_back(i);
      running.fetch_sub(1);
      return Status::OK();
    });
  }
  ASSERT_OK(group.wait());
  EXPECT_EQ(peak.load(), 1);
  ASSERT_EQ(order.size(), 30u);
  for (int i = 0; i < 30; ++i) EXPECT_EQ(order[static_cast<size_t>(i)], i);  // FIFO
}

TEST(WorkerPoolTest, MaxConcurrencyLimitsParallelTasks) {
  WorkerPool pool(4);
  TaskGroup::Options options;
  options.max_concurrency = 2;
  TaskGroup group(pool, options);
  std::atomic<int> running{0};
  std::atomic<int> peak{0};
  for (int i = 0; i < 24; ++i) {
    group.spawn([&] {
      int now = running.fetch_add(1) + 1;
      int p = peak.load();
      while (now > p && !peak.compare_exchange_weak(p, now)) {
      }
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      running.fetch_sub(1);
      return Status::OK();
    });
  }
  ASSERT_OK(group.wait());
  EXPECT_GE(peak.load(), 1);
  EXPECT_LE(peak.load(), 2);
}

TEST(WorkerPoolTest, LimitedGroupDoesNotStarveOthers) {
  WorkerPool pool(3);
  TaskGroup::Options options;
  options.max_concurrency = 1;
  TaskGroup slow(pool, options);
  std::atomic<bool> release{false};
  slow.spawn([&] {
    eventually([&] { return release.load(); });
    return Status::OK();
  });
  TaskGroup fast(pool);
  std::atomic<int> ran{0};
  for (int i = 0; i < 50; ++i) {
    fast.spawn([&] {
      ran.fetch_add(1);
      return Status::OK();
    });
  }
  EXPECT_OK(fast.wait());
  EXPECT_EQ(ran.load(), 50);
  release = true;
  EXPECT_OK(slow.wait());
}

// ---- parallel_for

TEST(ParallelForTest, CoversEveryIndexExactlyOnce) {
  WorkerPool pool(4);
  for (size_t n : {size_t{0}, size_t{1}, size_t{2}, size_t{7}, size_t{1000}}) {
    for (int max_parallelism : {0, 1, 3, 64}) {
      std::vector<std::atomic<int>> hits(n);
      ASSERT_OK(parallel_for(
          n,
          [&](size_t i) {
            hits[i].fetch_add(1);
            return Status::OK();
          },
          max_parallelism, pool));
      for (size_t i = 0; i < n; ++i) {
        ASSERT_EQ(hits[i].load(), 1) << "index " << i << " of " << n << ", parallelism "
                                     << max_parallelism;
      }
    }
  }
}

TEST(ParallelForTest, ZeroIndicesNeverCallsTheBody) {
  WorkerPool pool(2);
  int calls = 0;
  EXPECT_OK(parallel_for(
      0,
      [&](size_t) {
        ++calls;
        return Status::internal("called");
      },
      0, pool));
  EXPECT_EQ(calls, 0);
}

TEST(ParallelForTest, ParallelismOneRunsInOrderOnTheCallingThread) {
  WorkerPool pool(4);
  std::vector<int> order;
  const auto caller = std::this_thread::get_id();
  bool other_thread = false;
  ASSERT_OK(parallel_for(
      6,
      [&](size_t i) {
        order.push_back(static_cast<int>(i));
        if (std::this_thread::get_id() != caller) other_thread = true;
        return Status::OK();
      },
      1, pool));
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4, 5}));
  EXPECT_FALSE(other_thread);
}

TEST(ParallelForTest, UsesAtMostMaxParallelismThreads) {
  WorkerPool pool(4);
  std::atomic<int> running{0};
  std::atomic<int> peak{0};
  ASSERT_OK(parallel_for(
      64,
      [&](size_t) {
        int now = running.fetch_add(1) + 1;
        int p = peak.load();
        while (now > p && !peak.compare_exchange_weak(p, now)) {
        }
        std::this_thread::sleep_for(std::chrono::microseconds(100));
        running.fetch_sub(1);
        return Status::OK();
      },
      2, pool));
  EXPECT_LE(peak.load(), 2);
}

TEST(ParallelForTest, StopsAtTheFirstError) {
  for (int max_parallelism : {1, 2, 0}) {
    WorkerPool pool(2);
    std::atomic<int> calls{0};
    Status s = parallel_for(
        10000,
        [&](size_t i) -> Status {
          calls.fetch_add(1);
          if (i == 5) return Status::invalid_argument("bad index {}", i);
          return Status::OK();
        },
        max_parallelism, pool);
    EXPECT_THAT(s, StatusIs(StatusCode::kInvalidArgument, "bad index 5"));
    EXPECT_LT(calls.load(), 10000) << "parallelism " << max_parallelism;
    if (max_parallelism == 1) {
      EXPECT_EQ(calls.load(), 6);  // serial: exactly indices 0..5
    }
  }
}

TEST(ParallelForTest, ExceptionsBecomeStatusesAtAnyParallelism) {
  for (int max_parallelism : {1, 2, 0}) {
    WorkerPool pool(2);
    Status s = parallel_for(
        100,
        [&](size_t i) -> Status {
          if (i == 3) throw std::out_of_range("index 3 out of range");
          return Status::OK();
        },
        max_parallelism, pool);
    EXPECT_THAT(s, StatusIs(StatusCode::kInternal, HasSubstr("index 3 out of range")))
        << "parallelism " << max_parallelism;
    Status oom = parallel_for(
        4, [&](size_t) -> Status { throw std::bad_alloc(); }, max_parallelism, pool);
    EXPECT_THAT(oom, StatusIs(StatusCode::kOutOfMemory, HasSubstr("allocation failed")))
        << "parallelism " << max_parallelism;
  }
}

TEST(ParallelForTest, OnASingleThreadPool) {
  WorkerPool pool(1);
  std::vector<std::atomic<int>> hits(100);
  ASSERT_OK(parallel_for(
      hits.size(),
      [&](size_t i) {
        hits[i].fetch_add(1);
        return Status::OK();
      },
      0, pool));
  for (auto& h : hits) EXPECT_EQ(h.load(), 1);
}

TEST(ParallelForTest, NestedInsideTasks) {
  WorkerPool pool(2);
  std::vector<std::atomic<int>> hits(16 * 16);
  ASSERT_OK(parallel_for(
      16,
      [&](size_t outer) {
        return parallel_for(
            16,
            [&](size_t inner) {
              hits[outer * 16 + inner].fetch_add(1);
              return Status::OK();
            },
            0, pool);
      },
      0, pool));
  for (auto& h : hits) EXPECT_EQ(h.load(), 1);
}

TEST(ParallelForTest, DefaultsToTheSharedPool) {
  std::atomic<int64_t> sum{0};
  ASSERT_OK(parallel_for(101, [&](size_t i) {
    sum.fetch_add(static_cast<int64_t>(i));
    return Status::OK();
  }));
  EXPECT_EQ(sum.load(), 5050);
}

}  // namespace
}  // namespace braid
