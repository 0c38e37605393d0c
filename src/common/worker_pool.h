// WorkerPool and TaskGroup: the one scheduler every layer runs its parallel work on.
//
// The process has one shared pool (WorkerPool::shared()) sized to the machine: pipeline tasks,
// queries inside them and morsels inside queries all run on it, so 32 concurrent tasks never
// start 32 x cores threads. Work is submitted through a TaskGroup; TaskGroup::wait() runs the
// group's own queued tasks on the waiting thread, so a task that waits on sub-tasks never
// deadlocks the pool and never picks up unrelated work (no unbounded stack growth, no latency
// inversion between pipeline tasks). Workers take groups round-robin, so one large query cannot
// starve the others.
//
// Errors never vanish inside a worker: a task's non-OK Status, or an exception it throws, becomes
// the group's error (the first one wins) and cancels the group's remaining tasks.
//
// Thread-safety: every method of WorkerPool and TaskGroup may be called from any thread, including
// from tasks running on the pool. A TaskGroup must outlive the tasks it spawned (its destructor
// cancels and waits for them).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "braid/result.h"
#include "common/cancellation.h"

namespace braid {

class TaskGroup;

class WorkerPool {
 public:
  // The process-wide pool. Its concurrency is the number of hardware threads, or the value of
  // the BRAID_THREADS environment variable when set.
  static WorkerPool& shared();

  // `concurrency` threads run tasks in all: concurrency - 1 workers plus a thread that waits on a
  // group (it helps run that group's tasks). At least one worker is always started.
  explicit WorkerPool(int concurrency);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  int concurrency() const { return concurrency_; }

 private:
  friend class TaskGroup;
  void worker_loop();
  // Picks a runnable group round-robin, or nullptr. Caller holds mutex_.
  TaskGroup* pick_group_locked();
  void remove_ready_locked(TaskGroup* group);

  const int concurrency_;
  std::mutex mutex_;
  std::condition_variable work_available_;
  std::vector<TaskGroup*> ready_;  // groups with queued tasks
  size_t next_ready_ = 0;          // round-robin cursor into ready_
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

class TaskGroup {
 public:
  struct Options {
    // At most this many of the group's tasks run at once (0: no limit beyond the pool's).
    int max_concurrency = 0;
    // Cancelling this token (or the group) skips tasks not yet started.
    CancellationToken cancellation = {};
  };

  explicit TaskGroup(WorkerPool& pool = WorkerPool::shared());
  TaskGroup(WorkerPool& pool, Options options);
  ~TaskGroup();
  TaskGroup(const TaskGroup&) = delete;
  TaskGroup& operator=(const TaskGroup&) = delete;

  // Queues a task. After cancellation or a failure, queued tasks are skipped.
  void spawn(std::function<Status()> task);

  // Runs queued tasks on this thread and waits for running ones; returns the first error (or
  // kCancelled when cancelled from outside). The group can be reused afterwards: its error and
  // its own cancellation are cleared (a cancelled Options::cancellation token stays in force).
  Status wait();

  // Skips tasks that have not started; running ones see token().is_cancelled().
  void cancel(std::string reason = "cancelled");
  // The group's token: tasks poll it to stop early. (Between rounds wait() may replace it, so
  // code outside the group's tasks should not hold on to it across a wait().)
  const CancellationToken& token() const { return token_; }

 private:
  friend class WorkerPool;
  bool runnable_locked() const {
    return !queued_.empty() && (max_concurrency_ <= 0 || running_ < max_concurrency_);
  }
  // Pops one task for running; caller holds the pool mutex.
  std::function<Status()> take_locked();
  // Runs a task outside the lock, catching exceptions.
  Status run(const std::function<Status()>& task);
  void finish_locked(Status status);

  WorkerPool& pool_;
  const int max_concurrency_;
  const CancellationToken parent_token_;  // Options::cancellation
  CancellationToken token_;               // replaced by wait() once cancelled; guarded as below
  // Guarded by pool_.mutex_:
  std::deque<std::function<Status()>> queued_;
  int running_ = 0;
  Status first_error_;
  std::condition_variable changed_;  // a task finished
};

// Runs body(i) for every i in [0, n) on the shared pool and waits. Indices are handed out
// dynamically to at most `max_parallelism` tasks (0: the pool's concurrency). The first error
// stops the remaining indices and is returned.
Status parallel_for(size_t n, const std::function<Status(size_t)>& body, int max_parallelism = 0,
                    WorkerPool& pool = WorkerPool::shared());

}  // namespace braid
