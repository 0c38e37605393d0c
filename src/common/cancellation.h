// CancellationToken: a flag that long-running work polls to stop early.
//
// Tokens form a tree: cancelling a run cancels every query and morsel below it, while cancelling
// one task leaves its siblings alone. A default-constructed token is never cancelled.
// Thread-safety: every method may be called from any thread.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "braid/status.h"

namespace braid {

class CancellationToken {
 public:
  CancellationToken() = default;

  // A fresh token that can be cancelled (a default one cannot).
  static CancellationToken make();
  // A token cancelled when this one is, or on its own.
  CancellationToken child() const;

  void cancel(std::string reason = "cancelled") const;
  bool is_cancelled() const noexcept;
  // kCancelled with the reason, or OK.
  Status check() const;

 private:
  struct State {
    std::atomic<bool> cancelled{false};
    std::shared_ptr<State> parent;
    std::mutex mutex;  // guards reason
    std::string reason;
  };
  explicit CancellationToken(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

}  // namespace braid
