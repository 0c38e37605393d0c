// Wall-clock times of a run (private to pipeline/): now, and a time as the ISO-8601 UTC text of
// the run manifest and the run report ("2025-01-02T03:04:05.678Z", which run_list.cc reads back).
#pragma once

#include <fmt/core.h>

#include <chrono>
#include <cstdint>
#include <ctime>
#include <string>

namespace braid::pipeline::internal {

// Microseconds since the epoch.
inline int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline std::string iso_time(int64_t micros) {
  std::time_t seconds = static_cast<std::time_t>(micros / 1'000'000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, (micros / 1000) % 1000);
}

}  // namespace braid::pipeline::internal
