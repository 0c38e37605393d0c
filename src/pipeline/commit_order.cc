#include "pipeline/commit_order.h"

#include <algorithm>
#include <chrono>
#include <thread>

namespace braid::pipeline {

namespace {

// Waits poll the token this often: cancellation has no condition variable of its own.
constexpr auto kPoll = std::chrono::milliseconds(10);

}  // namespace

void CommitOrder::claim(const std::string& table, const std::string& task) {
  std::lock_guard lock(mutex_);
  auto& queue = queues_[table];
  if (std::find(queue.begin(), queue.end(), task) == queue.end()) queue.push_back(task);
}

void CommitOrder::release(const std::string& table, const std::string& task) {
  {
    std::lock_guard lock(mutex_);
    auto it = queues_.find(table);
    if (it == queues_.end()) return;
    auto& queue = it->second;
    queue.erase(std::remove(queue.begin(), queue.end(), task), queue.end());
    if (queue.empty()) queues_.erase(it);
  }
  changed_.notify_all();
}

Result<int64_t> CommitOrder::wait_turn(const std::string& table, const std::string& task, const CancellationToken& token) {
  const auto start = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_);
  auto my_turn = [&] {
    auto it = queues_.find(table);
    if (it == queues_.end() || it->second.empty()) return true;
    return it->second.front() == task;
  };
  while (!my_turn()) {
    if (token.is_cancelled()) return token.check();
    changed_.wait_for(lock, kPoll);
  }
  return static_cast<int64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count());
}

int64_t retry_backoff_ms(int conflicts, std::mt19937_64& rng) {
  const int shift = std::clamp(conflicts - 1, 0, 20);
  const int64_t step = std::min<int64_t>(int64_t{20} << shift, 2000);
  return step / 2 + std::uniform_int_distribution<int64_t>(0, step / 2)(rng);
}

Status sleep_unless_cancelled(int64_t ms, const CancellationToken& token) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < until) {
    BRAID_RETURN_IF_ERROR(token.check());
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(kPoll, until - std::chrono::steady_clock::now()));
  }
  return token.check();
}

}  // namespace braid::pipeline
