// The runner's watchdog (private to pipeline/): cancels the tokens of tasks that outlive their
// timeout (a flow's `timeout`), with the reason the task's error will carry.
//
// One thread sleeps until the nearest deadline (at most a second) and cancels what is due.
// Thread-safety: watch() and forget() may be called from any thread; the destructor stops the
// thread and cancels nothing more.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "common/cancellation.h"

namespace braid::pipeline::internal {

class Watchdog {
 public:
  Watchdog();
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  // Cancels `token` with `reason` once `timeout_ms` have passed, unless forgotten before; returns
  // the id to forget it by.
  int watch(CancellationToken token, int64_t timeout_ms, std::string reason);
  void forget(int id);

 private:
  struct Entry {
    std::chrono::steady_clock::time_point deadline;
    CancellationToken token;
    std::string reason;
  };
  void loop();

  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<int, Entry> entries_;
  int next_id_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace braid::pipeline::internal
