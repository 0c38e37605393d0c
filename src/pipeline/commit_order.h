// CommitOrder: fairness between the tasks of one run that write the same table.
//
// Commits are optimistic: a task whose commit conflicts starts again from its stage. When the
// target is not partitioned by the tasks' key, a large task can keep losing that race to smaller
// ones that commit first, and fail after every retry. So retries wait (exponential backoff with
// jitter: retry_backoff_ms), and a task that has conflicted kTakeOrderAfter times (or is about
// to make its last attempt) takes the commit order of its table: until it finishes, the run's
// other tasks neither start an attempt on that table nor commit to it, so its next attempt lands.
// Tasks that take the order of one table queue up in the order they asked. A task holds at most
// one table's order and never waits for a table while holding one, so waits cannot form a cycle.
// Thread-safety: every method may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <string>

#include "braid/result.h"
#include "common/cancellation.h"

namespace braid::pipeline {

class CommitOrder {
 public:
  static constexpr int kTakeOrderAfter = 2;

  // `task` asks for the commit order of `table` (asking again changes nothing).
  void claim(const std::string& table, const std::string& task);
  // `task` is finished with `table` (it committed, or gave up): the next in line has the order.
  void release(const std::string& table, const std::string& task);
  // Waits until `task` may start an attempt on / commit to `table`: it has the order, or nobody
  // has. Returns the milliseconds waited; kCancelled when `token` is cancelled meanwhile.
  Result<int64_t> wait_turn(const std::string& table, const std::string& task, const CancellationToken& token);

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, std::deque<std::string>> queues_;  // table -> tasks; the front has the order
};

// How long to wait before the retry after a task's `conflicts`-th conflict: an exponential step
// (20 ms, doubling, at most 2 s), half of it fixed and half random so racing tasks spread out.
int64_t retry_backoff_ms(int conflicts, std::mt19937_64& rng);

// Sleeps `ms`, waking early (kCancelled) when `token` is cancelled.
Status sleep_unless_cancelled(int64_t ms, const CancellationToken& token);

}  // namespace braid::pipeline
