#include "common/memory_tracker.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "common/ascii.h"

namespace braid {

MemoryTracker::MemoryTracker(std::string name, int64_t limit_bytes, MemoryTracker* parent)
    : name_(std::move(name)), limit_(limit_bytes > 0 ? limit_bytes : 0), parent_(parent) {}

MemoryTracker::~MemoryTracker() {
  // Bytes still counted here (consumed and never released) stop counting in the ancestors.
  int64_t left = current();
  if (parent_ != nullptr && left > 0) parent_->release(left);
}

MemoryTracker& MemoryTracker::process() {
  // BRAID_MEMORY_LIMIT as --memory-limit takes it; unset or not a size: no limit.
  static MemoryTracker* tracker = [] {
    const char* text = std::getenv("BRAID_MEMORY_LIMIT");
    const Result<int64_t> limit = parse_memory_size(text != nullptr ? text : "none");
    return new MemoryTracker("process", limit.ok() ? *limit : 0);  // NOLINT(cppcoreguidelines-owning-memory): lives forever
  }();
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
    const int64_t limit = t->limit();
    if (limit > 0 && now > limit) {
      for (MemoryTracker* u = this;; u = u->parent_) {
        u->current_.fetch_sub(bytes, std::memory_order_relaxed);
        if (u == t) break;
      }
      return Status::out_of_memory(
          "memory limit of {} ({}) exceeded: {} in use, {} more requested", t->name_,
          format_bytes(limit), format_bytes(now - bytes), format_bytes(bytes));
    }
  }
  level = 0;
  for (MemoryTracker* t = this; t != nullptr; t = t->parent_, ++level) {
    int64_t now = level < kRememberedLevels ? counted[level] : t->current();
    const int64_t limit = t->limit();
    t->raise_peak(limit > 0 ? std::min(now, limit) : now);
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

Result<int64_t> parse_memory_size(std::string_view text) {
  std::string t;
  for (char c : text) {
    if (c != ' ' && c != '_') t += ascii::to_lower(c);
  }
  if (t == "none" || t == "unlimited") return int64_t{0};
  size_t digits = 0;
  while (digits < t.size() && (std::isdigit(static_cast<unsigned char>(t[digits])) || t[digits] == '.')) ++digits;
  const std::string unit = t.substr(digits);
  if (digits == 0 || std::count(t.begin(), t.begin() + static_cast<std::ptrdiff_t>(digits), '.') > 1) {
    return Status::invalid_argument("'{}' is not a memory size (examples: 512MB, 2GB, 1.5GiB)", text);
  }
  const double value = std::strtod(t.substr(0, digits).c_str(), nullptr);
  double scale = 1;
  if (unit == "" || unit == "b") {
    scale = 1;
  } else if (unit == "k" || unit == "kb" || unit == "kib") {
    scale = 1024.0;
  } else if (unit == "m" || unit == "mb" || unit == "mib") {
    scale = 1024.0 * 1024;
  } else if (unit == "g" || unit == "gb" || unit == "gib") {
    scale = 1024.0 * 1024 * 1024;
  } else if (unit == "t" || unit == "tb" || unit == "tib") {
    scale = 1024.0 * 1024 * 1024 * 1024;
  } else {
    return Status::invalid_argument("'{}' is not a memory size: unknown unit '{}' (use B, KB, MB, GB or TB)", text, unit);
  }
  const double bytes = value * scale;
  if (bytes >= 9.0e18) return Status::invalid_argument("memory size '{}' is too large", text);
  return static_cast<int64_t>(bytes);
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
