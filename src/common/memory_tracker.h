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

#include <string_view>

#include "braid/result.h"

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
  int64_t limit() const { return limit_.load(std::memory_order_relaxed); }
  // Changes the limit (<= 0: none); bytes already counted stay counted, a lower limit applies to
  // the reservations that follow.
  void set_limit(int64_t limit_bytes) { limit_.store(limit_bytes > 0 ? limit_bytes : 0, std::memory_order_relaxed); }
  // Starts a new peak from what is counted now (a statement's peak, rather than the scope's).
  void reset_peak() { peak_.store(current(), std::memory_order_relaxed); }
  const std::string& name() const { return name_; }
  MemoryTracker* parent() const { return parent_; }

 private:
  void add(int64_t bytes);
  void raise_peak(int64_t now);

  std::string name_;
  std::atomic<int64_t> limit_;
  MemoryTracker* parent_;
  std::atomic<int64_t> current_{0};
  std::atomic<int64_t> peak_{0};
};

// A memory size as people write it: "512MB", "2 GiB", "1.5G", "1048576" (binary units: K, M,
// G, T with optional "B" or "iB"); "0", "none" and "unlimited" are 0 (no limit).
Result<int64_t> parse_memory_size(std::string_view text);

// Formats a byte count for people: "512 B", "1.5 KiB", "3.2 GiB".
std::string format_bytes(int64_t bytes);

}  // namespace braid
