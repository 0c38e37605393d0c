#include "common/cancellation.h"

namespace braid {

CancellationToken CancellationToken::make() {
  return CancellationToken(std::make_shared<State>());
}

CancellationToken CancellationToken::child() const {
  auto state = std::make_shared<State>();
  state->parent = state_;
  return CancellationToken(std::move(state));
}

void CancellationToken::cancel(std::string reason) const {
  if (!state_) return;
  // The first reason stays, also when it came from an ancestor: check() reports the nearest
  // cancelled token, which must be the one cancelled first.
  if (is_cancelled()) return;
  std::lock_guard lock(state_->mutex);
  if (state_->cancelled.load(std::memory_order_relaxed)) return;
  state_->reason = std::move(reason);
  state_->cancelled.store(true, std::memory_order_release);
}

bool CancellationToken::is_cancelled() const noexcept {
  for (const State* s = state_.get(); s != nullptr; s = s->parent.get()) {
    if (s->cancelled.load(std::memory_order_acquire)) return true;
  }
  return false;
}

Status CancellationToken::check() const {
  for (State* s = state_.get(); s != nullptr; s = s->parent.get()) {
    if (s->cancelled.load(std::memory_order_acquire)) {
      std::lock_guard lock(s->mutex);
      return Status::cancelled("{}", s->reason);
    }
  }
  return Status::OK();
}

}  // namespace braid
