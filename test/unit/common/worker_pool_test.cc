#include "common/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <new>
#include <stdexcept>
#include <vector>

#include "support/status_matchers.h"

namespace braid {
namespace {

using ::braid::testing::StatusIs;
using ::testing::HasSubstr;

TEST(WorkerPoolTest, RunsEveryTaskAndWaits) {
  WorkerPool pool(3);
  TaskGroup group(pool);
  std::atomic<int> sum{0};
  for (int i = 1; i <= 100; ++i) {
    group.spawn([&sum, i] {
      sum.fetch_add(i);
      return Status::OK();
    });
  }
  ASSERT_OK(group.wait());
  EXPECT_EQ(sum.load(), 5050);
}

TEST(WorkerPoolTest, FirstErrorWinsAndSkipsTheRest) {
  WorkerPool pool(1);  // one worker: tasks run in order, so the skip is observable
  TaskGroup group(pool);
  std::atomic<int> ran{0};
  for (int i = 0; i < 50; ++i) {
    group.spawn([&, i]() -> Status {
      ran.fetch_add(1);
      if (i == 3) return Status::corruption("task {} failed", i);
      return Status::OK();
    });
  }
  EXPECT_THAT(group.wait(), StatusIs(StatusCode::kCorruption, HasSubstr("task 3 failed")));
  EXPECT_LT(ran.load(), 50);
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
}

TEST(WorkerPoolTest, ExternalCancellationReportsCancelled) {
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
  EXPECT_THAT(group.wait(), StatusIs(StatusCode::kCancelled, HasSubstr("run aborted by user")));
  EXPECT_EQ(ran.load(), 0);
}

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

TEST(WorkerPoolTest, ParallelForCoversEveryIndexOnce) {
  WorkerPool pool(4);
  for (size_t n : {size_t{0}, size_t{1}, size_t{7}, size_t{1000}}) {
    std::vector<std::atomic<int>> hits(n);
    ASSERT_OK(parallel_for(n, [&](size_t i) {
      hits[i].fetch_add(1);
      return Status::OK();
    }, 0, pool));
    for (size_t i = 0; i < n; ++i) EXPECT_EQ(hits[i].load(), 1) << "index " << i;
  }
  std::vector<int> order;
  ASSERT_OK(parallel_for(5, [&](size_t i) {
    order.push_back(static_cast<int>(i));  // max_parallelism 1: serial, in order
    return Status::OK();
  }, 1, pool));
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(WorkerPoolTest, ParallelForStopsAtTheFirstError) {
  WorkerPool pool(2);
  std::atomic<int> calls{0};
  Status s = parallel_for(10000, [&](size_t i) -> Status {
    calls.fetch_add(1);
    if (i == 5) return Status::invalid_argument("bad index {}", i);
    return Status::OK();
  }, 0, pool);
  EXPECT_THAT(s, StatusIs(StatusCode::kInvalidArgument, "bad index 5"));
  EXPECT_LT(calls.load(), 10000);
}

TEST(WorkerPoolTest, SharedPoolHonoursConcurrency) {
  EXPECT_GE(WorkerPool::shared().concurrency(), 1);
}

TEST(CancellationTokenTest, DefaultNeverCancelledAndChildrenFollowParents) {
  CancellationToken none;
  none.cancel("ignored");
  EXPECT_FALSE(none.is_cancelled());
  EXPECT_OK(none.check());

  auto parent = CancellationToken::make();
  auto child = parent.child();
  auto sibling = parent.child();
  child.cancel("child only");
  EXPECT_TRUE(child.is_cancelled());
  EXPECT_FALSE(parent.is_cancelled());
  EXPECT_FALSE(sibling.is_cancelled());
  parent.cancel("everything");
  EXPECT_TRUE(sibling.is_cancelled());
  EXPECT_THAT(sibling.check(), StatusIs(StatusCode::kCancelled, "everything"));
  EXPECT_THAT(child.check(), StatusIs(StatusCode::kCancelled, "child only"));
}

TEST(CancellationTokenTest, FirstReasonWins) {
  auto t = CancellationToken::make();
  t.cancel("first");
  t.cancel("second");
  EXPECT_THAT(t.check(), StatusIs(StatusCode::kCancelled, "first"));
}

}  // namespace
}  // namespace braid
