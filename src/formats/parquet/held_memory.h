// HeldMemory: bytes the Parquet reader holds besides the columns it builds (the column chunk as
// stored, decompressed pages, dictionaries, per-page staging, levels kept for record assembly),
// counted on a MemoryTracker for as long as they are held, so that a statement's peak and limit
// see them as they see the output's buffers.
//
// Counting never fails (MemoryTracker::consume): the reader cannot stop halfway through a page,
// and statements check their limit at batch boundaries. Without a tracker, the process tracker
// counts (as for columnar buffers).
// Thread-safety: one thread at a time.
#pragma once

#include <cstdint>

#include "common/memory_tracker.h"

namespace braid::parquet {

class HeldMemory {
 public:
  explicit HeldMemory(MemoryTracker* tracker)
      : tracker_(tracker != nullptr ? tracker : &MemoryTracker::process()) {}
  ~HeldMemory() { set(0); }
  HeldMemory(const HeldMemory&) = delete;
  HeldMemory& operator=(const HeldMemory&) = delete;

  // Now `bytes` are held: counts or releases the difference.
  void set(int64_t bytes) {
    if (bytes > bytes_) {
      tracker_->consume(bytes - bytes_);
    } else if (bytes < bytes_) {
      tracker_->release(bytes_ - bytes);
    }
    bytes_ = bytes;
  }
  int64_t bytes() const { return bytes_; }

 private:
  MemoryTracker* tracker_;
  int64_t bytes_ = 0;
};

}  // namespace braid::parquet
