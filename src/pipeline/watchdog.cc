// The runner's watchdog: cancels the tokens of tasks that outlive their timeout.
#include "pipeline/internal/watchdog.h"

#include <algorithm>

namespace braid::pipeline::internal {

Watchdog::Watchdog() : thread_([this] { loop(); }) {}

Watchdog::~Watchdog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

int Watchdog::watch(CancellationToken token, int64_t timeout_ms, std::string reason) {
  std::lock_guard lock(mutex_);
  const int id = next_id_++;
  entries_[id] = {std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms), std::move(token),
                  std::move(reason)};
  changed_.notify_all();
  return id;
}

void Watchdog::forget(int id) {
  std::lock_guard lock(mutex_);
  entries_.erase(id);
}

void Watchdog::loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    auto now = std::chrono::steady_clock::now();
    auto next = now + std::chrono::seconds(1);
    for (auto it = entries_.begin(); it != entries_.end();) {
      if (it->second.deadline <= now) {
        it->second.token.cancel(it->second.reason);
        it = entries_.erase(it);
      } else {
        next = std::min(next, it->second.deadline);
        ++it;
      }
    }
    changed_.wait_until(lock, next);
  }
}

}  // namespace braid::pipeline::internal
