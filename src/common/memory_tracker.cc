#include "common/memory_tracker.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace braid {

namespace {

int64_t parse_limit(const char* text) {
  if (text == nullptr || *text == '\0') return 0;
  char* end = nullptr;
  double value = std::strtod(text, &end);
  if (end == text || value <= 0) return 0;
  switch (*end) {
    case 'k': case 'K': value *= 1024.0; break;
    case 'm': case 'M': value *= 1024.0 * 1024; break;
    case 'g': case 'G': value *= 1024.0 * 1024 * 1024; break;
    default: break;
  }
  return static_cast<int64_t>(value);
}

}  // namespace

MemoryTracker::MemoryTracker(std::string name, int64_t limit_bytes, MemoryTracker* parent)
    : name_(std::move(name)), limit_(limit_bytes > 0 ? limit_bytes : 0), parent_(parent) {}

MemoryTracker::~MemoryTracker() {
  // Bytes still counted here (consumed and never released) stop counting in the ancestors.
  int64_t left = current();
  if (parent_ != nullptr && left > 0) parent_->release(left);
}

MemoryTracker& MemoryTracker::process() {
  static MemoryTracker* tracker =  // NOLINT(cppcoreguidelines-owning-memory): lives forever
      new MemoryTracker("process", parse_limit(std::getenv("BRAID_MEMORY_LIMIT")));
  return *tracker;
}

void MemoryTracker::add(int64_t bytes) {
  int64_t now = current_.fetch_add(bytes, std::memory_order_relaxed) + bytes;
  raise_peak(now);
}

void MemoryTracker::raise_peak(int64_t now) {
  int64_t peak = peak_.load(std::memory_order_relaxed);
  while (now > peak && !peak_.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
}

Status MemoryTracker::reserve(int64_t bytes) {
  if (bytes <= 0) return Status::OK();
  // Count on the whole path first, then roll back if any limit was crossed; peaks are raised only
  // for reservations that succeed.
  // The peak is raised with the count this reservation produced, not with a later read of
  // current(): another thread's over-limit attempt may be counted for a moment before it rolls
  // back, and must never show up as a peak above the limit.
  constexpr int kRememberedLevels = 8;
  int64_t counted[kRememberedLevels];
  int level = 0;
  for (MemoryTracker* t = this; t != nullptr; t = t->parent_, ++level) {
    int64_t now = t->current_.fetch_add(bytes, std::memory_order_relaxed) + bytes;
    if (level < kRememberedLevels) counted[level] = now;
    if (t->limit_ > 0 && now > t->limit_) {
      for (MemoryTracker* u = this;; u = u->parent_) {
        u->current_.fetch_sub(bytes, std::memory_order_relaxed);
        if (u == t) break;
      }
      return Status::out_of_memory(
          "memory limit of {} ({}) exceeded: {} in use, {} more requested", t->name_,
          format_bytes(t->limit_), format_bytes(now - bytes), format_bytes(bytes));
    }
  }
  level = 0;
  for (MemoryTracker* t = this; t != nullptr; t = t->parent_, ++level) {
    int64_t now = level < kRememberedLevels ? counted[level] : t->current();
    t->raise_peak(t->limit_ > 0 ? std::min(now, t->limit_) : now);
  }
  return Status::OK();
}

void MemoryTracker::consume(int64_t bytes) {
  for (MemoryTracker* t = this; t != nullptr; t = t->parent_) t->add(bytes);
}

void MemoryTracker::release(int64_t bytes) {
  for (MemoryTracker* t = this; t != nullptr; t = t->parent_) {
    t->current_.fetch_sub(bytes, std::memory_order_relaxed);
  }
}

std::string format_bytes(int64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  // Move up a unit when the value would print as "1024.0" of this one.
  while (u < 4 && std::abs(v) >= (u == 0 ? 1024.0 : 1023.95)) {
    v /= 1024.0;
    ++u;
  }
  if (u == 0) return fmt::format("{} B", bytes);
  return fmt::format("{:.1f} {}", v, units[u]);
}

}  // namespace braid
