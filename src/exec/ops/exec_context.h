// ExecContext: what every in-memory relational operator (src/exec/ops/) runs with — the worker
// pool, how much of it to use, the memory tracker to count on and the cancellation token to poll.
//
// Operators split their input into morsels (slices of input batches of at most `morsel_rows`
// rows) and hash partitions whose number depends on the input only, never on the parallelism, so
// a query gives the same rows in the same order whatever `max_parallelism` is (floating-point sums
// included: partial results are always combined in input order).
//
// MemoryReservation counts memory an operator holds outside columnar buffers (hash tables, row
// references, aggregate states) on the context's tracker, so a query over its limit fails with
// kOutOfMemory instead of growing until the operating system kills it.
//
// count_batch counts a batch made by code that counts nothing (the CSV reader) the same way, for
// as long as any of its buffers lives.
//
// Thread-safety: an ExecContext is a value, read concurrently by an operator's tasks. A
// MemoryReservation belongs to one task at a time.
#pragma once

#include <cstdint>

#include "braid/result.h"
#include "braid/status.h"
#include "columnar/record_batch.h"
#include "common/cancellation.h"
#include "common/memory_tracker.h"
#include "common/worker_pool.h"

namespace braid::exec {

struct ExecContext {
  // nullptr: WorkerPool::shared().
  WorkerPool* pool = nullptr;
  // At most this many tasks of one operator run at once (0: the pool's concurrency, 1: serial
  // on the calling thread).
  int max_parallelism = 0;
  // Counts the operator's buffers and working memory; nullptr: not counted.
  MemoryTracker* memory = nullptr;
  // Polled between morsels and partitions; a cancelled operator returns kCancelled.
  CancellationToken cancellation = {};
  // Rows per morsel (the unit of parallel work over input batches); tests make it small to get
  // many morsels out of little data.
  int64_t morsel_rows = 64 * 1024;

  WorkerPool& worker_pool() const { return pool != nullptr ? *pool : WorkerPool::shared(); }
  // parallel_for on this context's pool with its parallelism and cancellation.
  Status parallel_for(size_t n, const std::function<Status(size_t)>& body) const;
};

// Bytes reserved on a tracker for as long as the reservation lives (or until resized).
class MemoryReservation {
 public:
  explicit MemoryReservation(MemoryTracker* tracker = nullptr) : tracker_(tracker) {}
  ~MemoryReservation() { release(); }
  MemoryReservation(MemoryReservation&& other) noexcept
      : tracker_(other.tracker_), bytes_(other.bytes_) {
    other.bytes_ = 0;
  }
  MemoryReservation& operator=(MemoryReservation&& other) noexcept;
  MemoryReservation(const MemoryReservation&) = delete;
  MemoryReservation& operator=(const MemoryReservation&) = delete;

  // Reserves or releases the difference; kOutOfMemory (reserving nothing) past a limit.
  Status resize(int64_t bytes);
  void release();
  int64_t bytes() const { return bytes_; }

 private:
  MemoryTracker* tracker_;
  int64_t bytes_ = 0;
};

// kOutOfMemory when `tracker` or an ancestor now holds more than its limit, which memory counted
// while it grows (MemoryTracker::consume, builders, file readers) may do for a while: operators
// check at batch boundaries, so a statement fails soon after it crosses its limit. The error names
// the tracker as MemoryTracker::reserve does. nullptr: OK.
Status check_memory_limit(const MemoryTracker* tracker);

// The same rows over the same bytes, each buffer now counted on `tracker` until its last user
// frees it; kOutOfMemory (counting nothing) past a limit. For batches whose buffers were allocated
// without a tracker: counting a counted buffer again would count it twice. nullptr tracker: the
// batch as it is.
Result<RecordBatchPtr> count_batch(const RecordBatchPtr& batch, MemoryTracker* tracker);

}  // namespace braid::exec
