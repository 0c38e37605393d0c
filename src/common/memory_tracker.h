// MemoryTracker: counts bytes held by a query, a task or the process, with a peak and a limit.
//
// Trackers form a tree (query -> task -> process): reserving on a child reserves on every
// ancestor, so a limit anywhere on the path applies. Columnar buffers reserve on allocation and
// release when freed, which is how operators report peak memory and how a query that would exceed
// its limit fails with kOutOfMemory instead of being killed by the operating system.
// Lifetime: buffers and builders keep a plain pointer to their tracker, so a tracker must outlive
// everything counted on it (and a child tracker must not outlive its parent).
// Thread-safety: every method may be called concurrently.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "braid/status.h"

namespace braid {

class MemoryTracker {
 public:
  // limit_bytes <= 0: no limit of its own.
  explicit MemoryTracker(std::string name, int64_t limit_bytes = 0,
                         MemoryTracker* parent = nullptr);
  ~MemoryTracker();
  MemoryTracker(const MemoryTracker&) = delete;
  MemoryTracker& operator=(const MemoryTracker&) = delete;

  // The process-wide root tracker (no limit unless BRAID_MEMORY_LIMIT is set, in bytes or with a
  // K/M/G suffix).
  static MemoryTracker& process();

  // Counts `bytes` here and in every ancestor; fails (and counts nothing) when a limit would be
  // exceeded. The error names the tracker whose limit was hit.
  Status reserve(int64_t bytes);
  // Counts bytes that were allocated anyway (never fails): for memory not under our control.
  void consume(int64_t bytes);
  void release(int64_t bytes);

  int64_t current() const { return current_.load(std::memory_order_relaxed); }
  int64_t peak() const { return peak_.load(std::memory_order_relaxed); }
  int64_t limit() const { return limit_; }
  const std::string& name() const { return name_; }
  MemoryTracker* parent() const { return parent_; }

 private:
  void add(int64_t bytes);
  void raise_peak(int64_t now);

  std::string name_;
  int64_t limit_;
  MemoryTracker* parent_;
  std::atomic<int64_t> current_{0};
  std::atomic<int64_t> peak_{0};
};

// Formats a byte count for people: "512 B", "1.5 KiB", "3.2 GiB".
std::string format_bytes(int64_t bytes);

}  // namespace braid
