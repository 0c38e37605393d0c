#include "common/worker_pool.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <exception>
#include <new>
#include <string>

namespace braid {

namespace {

int default_concurrency() {
  if (const char* env = std::getenv("BRAID_THREADS")) {
    char* end = nullptr;
    long n = std::strtol(env, &end, 10);
    if (end != env && *end == '\0' && n > 0 && n <= 4096) return static_cast<int>(n);
  }
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}

// Runs `fn`, turning an exception it throws into the Status that explains it: errors never
// vanish inside a worker, and no exception leaves parallel work.
template <typename F>
Status call_catching(F&& fn) {
  try {
    return fn();
  } catch (const std::bad_alloc&) {
    return Status::out_of_memory("allocation failed in a parallel task");
  } catch (const std::exception& e) {
    return Status::internal("uncaught exception in a parallel task: {}", e.what());
  } catch (...) {
    return Status::internal("uncaught non-standard exception in a parallel task");
  }
}

}  // namespace

WorkerPool& WorkerPool::shared() {
  // Never destroyed: worker threads may still be parked when static destructors run.
  static WorkerPool* pool = new WorkerPool(default_concurrency());  // NOLINT(cppcoreguidelines-owning-memory)
  return *pool;
}

WorkerPool::WorkerPool(int concurrency) : concurrency_(std::max(1, concurrency)) {
  int workers = std::max(1, concurrency_ - 1);
  threads_.reserve(workers);
  for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { worker_loop(); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_available_.notify_all();
  for (auto& t : threads_) t.join();
}

TaskGroup* WorkerPool::pick_group_locked() {
  const size_t n = ready_.size();
  for (size_t i = 0; i < n; ++i) {
    size_t idx = (next_ready_ + i) % n;
    if (ready_[idx]->runnable_locked()) {
      next_ready_ = idx + 1;
      return ready_[idx];
    }
  }
  return nullptr;
}

void WorkerPool::remove_ready_locked(TaskGroup* group) {
  auto it = std::find(ready_.begin(), ready_.end(), group);
  if (it != ready_.end()) ready_.erase(it);
}

void WorkerPool::worker_loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    TaskGroup* group = nullptr;
    work_available_.wait(lock, [&] {
      if (stopping_) return true;
      group = pick_group_locked();
      return group != nullptr;
    });
    if (group == nullptr) return;  // stopping, nothing runnable
    auto task = group->take_locked();
    lock.unlock();
    Status status = group->run(task);
    task = nullptr;  // release captures outside the lock
    lock.lock();
    group->finish_locked(std::move(status));
  }
}

TaskGroup::TaskGroup(WorkerPool& pool) : TaskGroup(pool, Options{}) {}

TaskGroup::TaskGroup(WorkerPool& pool, Options options)
    : pool_(pool),
      max_concurrency_(options.max_concurrency),
      parent_token_(std::move(options.cancellation)),
      token_(parent_token_.child()) {}

TaskGroup::~TaskGroup() {
  bool busy;
  {
    std::lock_guard lock(pool_.mutex_);
    busy = !queued_.empty() || running_ > 0;
  }
  if (busy) {
    cancel("task group destroyed before its tasks finished");
    (void)wait();
  }
}

void TaskGroup::spawn(std::function<Status()> task) {
  {
    std::lock_guard lock(pool_.mutex_);
    if (queued_.empty()) pool_.ready_.push_back(this);
    queued_.push_back(std::move(task));
  }
  pool_.work_available_.notify_one();
}

std::function<Status()> TaskGroup::take_locked() {
  auto task = std::move(queued_.front());
  queued_.pop_front();
  ++running_;
  if (queued_.empty()) pool_.remove_ready_locked(this);
  return task;
}

Status TaskGroup::run(const std::function<Status()>& task) {
  if (Status cancelled = token_.check(); !cancelled.ok()) return cancelled;
  return call_catching(task);
}

void TaskGroup::finish_locked(Status status) {
  --running_;
  if (!status.ok() && first_error_.ok()) {
    first_error_ = std::move(status);
    // Remaining queued tasks are skipped by run(); running ones can poll the token.
    token_.cancel(first_error_.to_string());
  }
  changed_.notify_all();
  // A group limited by max_concurrency may have become runnable again.
  if (max_concurrency_ > 0 && !queued_.empty()) pool_.work_available_.notify_one();
}

Status TaskGroup::wait() {
  std::unique_lock lock(pool_.mutex_);
  while (true) {
    if (runnable_locked()) {
      auto task = take_locked();
      lock.unlock();
      Status status = run(task);
      task = nullptr;
      lock.lock();
      finish_locked(std::move(status));
      continue;
    }
    if (queued_.empty() && running_ == 0) break;
    changed_.wait(lock);
  }
  Status result = std::move(first_error_);
  first_error_ = Status::OK();
  if (result.ok()) result = token_.check();  // cancelled from outside with no task failing
  // The next round starts clean. No task is running, so none holds the old token; a cancelled
  // parent token still cancels the new one.
  if (token_.is_cancelled()) token_ = parent_token_.child();
  return result;
}

void TaskGroup::cancel(std::string reason) {
  std::lock_guard lock(pool_.mutex_);  // wait() may be replacing the token
  token_.cancel(std::move(reason));
}

Status parallel_for(size_t n, const std::function<Status(size_t)>& body, int max_parallelism,
                    WorkerPool& pool) {
  if (n == 0) return Status::OK();
  size_t tasks = static_cast<size_t>(max_parallelism > 0 ? max_parallelism : pool.concurrency());
  tasks = std::min(tasks, n);
  if (tasks == 1) {
    return call_catching([&]() -> Status {
      for (size_t i = 0; i < n; ++i) BRAID_RETURN_IF_ERROR(body(i));
      return Status::OK();
    });
  }
  std::atomic<size_t> next{0};
  TaskGroup group(pool);
  for (size_t t = 0; t < tasks; ++t) {
    group.spawn([&]() -> Status {
      for (size_t i = next.fetch_add(1, std::memory_order_relaxed); i < n;
           i = next.fetch_add(1, std::memory_order_relaxed)) {
        if (group.token().is_cancelled()) return Status::OK();
        BRAID_RETURN_IF_ERROR(body(i));
      }
      return Status::OK();
    });
  }
  return group.wait();
}

}  // namespace braid
