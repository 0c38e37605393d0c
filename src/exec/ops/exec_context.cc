#include "exec/ops/exec_context.h"

namespace braid::exec {

Status ExecContext::parallel_for(size_t n, const std::function<Status(size_t)>& body) const {
  BRAID_RETURN_IF_ERROR(cancellation.check());
  return braid::parallel_for(
      n,
      [&](size_t i) -> Status {
        BRAID_RETURN_IF_ERROR(cancellation.check());
        return body(i);
      },
      max_parallelism, worker_pool());
}

MemoryReservation& MemoryReservation::operator=(MemoryReservation&& other) noexcept {
  if (this != &other) {
    release();
    tracker_ = other.tracker_;
    bytes_ = other.bytes_;
    other.bytes_ = 0;
  }
  return *this;
}

Status MemoryReservation::resize(int64_t bytes) {
  if (tracker_ == nullptr) {
    bytes_ = bytes;
    return Status::OK();
  }
  if (bytes > bytes_) {
    BRAID_RETURN_IF_ERROR(tracker_->reserve(bytes - bytes_));
  } else if (bytes < bytes_) {
    tracker_->release(bytes_ - bytes);
  }
  bytes_ = bytes;
  return Status::OK();
}

void MemoryReservation::release() {
  if (tracker_ != nullptr && bytes_ > 0) tracker_->release(bytes_);
  bytes_ = 0;
}

}  // namespace braid::exec
