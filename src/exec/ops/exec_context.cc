#include "exec/ops/exec_context.h"

#include <algorithm>

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

Status check_memory_limit(const MemoryTracker* tracker) {
  for (const MemoryTracker* t = tracker; t != nullptr; t = t->parent()) {
    const int64_t limit = t->limit();
    const int64_t now = t->current();
    if (limit > 0 && now > limit) {
      return Status::out_of_memory("memory limit of {} ({}) exceeded: {} in use", t->name(), format_bytes(limit),
                                   format_bytes(now));
    }
  }
  return Status::OK();
}

namespace {

// An uncounted buffer and the reservation that counts it: the owner of the wrapping buffer, so
// the bytes stay counted exactly as long as a column (or a slice of one) refers to them.
struct CountedBuffer {
  BufferPtr buffer;
  MemoryReservation reservation;
};

Result<ColumnPtr> count_column(const ColumnPtr& column, MemoryTracker* tracker) {
  std::vector<BufferPtr> buffers;
  buffers.reserve(column->buffers().size());
  for (const auto& b : column->buffers()) {
    if (b == nullptr) {
      buffers.push_back(nullptr);
      continue;
    }
    auto owner = std::make_shared<CountedBuffer>(CountedBuffer{b, MemoryReservation(tracker)});
    BRAID_RETURN_IF_ERROR(owner->reservation.resize(std::max(b->capacity(), b->size())));
    buffers.push_back(Buffer::wrap(b->data(), b->size(), std::move(owner)));
  }
  std::vector<ColumnPtr> children;
  children.reserve(column->children().size());
  for (const auto& c : column->children()) {
    BRAID_ASSIGN_OR_RETURN(auto counted, count_column(c, tracker));
    children.push_back(std::move(counted));
  }
  return std::make_shared<const Column>(column->type(), column->length(), std::move(buffers), std::move(children),
                                        column->null_count(), column->offset());
}

}  // namespace

Result<RecordBatchPtr> count_batch(const RecordBatchPtr& batch, MemoryTracker* tracker) {
  if (tracker == nullptr || batch == nullptr) return batch;
  std::vector<ColumnPtr> columns;
  columns.reserve(static_cast<size_t>(batch->num_columns()));
  for (size_t i = 0; i < batch->columns().size(); ++i) {
    const ColumnPtr& c = batch->columns()[i];
    // A column selected twice is counted once.
    const auto same = std::find(batch->columns().begin(), batch->columns().begin() + static_cast<std::ptrdiff_t>(i), c);
    if (same != batch->columns().begin() + static_cast<std::ptrdiff_t>(i)) {
      columns.push_back(columns[static_cast<size_t>(same - batch->columns().begin())]);
      continue;
    }
    BRAID_ASSIGN_OR_RETURN(auto counted, count_column(c, tracker));
    columns.push_back(std::move(counted));
  }
  return std::make_shared<const RecordBatch>(batch->schema(), batch->num_rows(), std::move(columns));
}

}  // namespace braid::exec
