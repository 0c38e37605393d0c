// The C++ types that hold one value of each fixed-width column type, as laid out in memory.
#pragma once

#include <cstdint>

namespace braid {

// decimal128 values: the unscaled integer, 16 bytes little-endian (native on x86-64 and ARM64).
using Int128 = __int128;
using UInt128 = unsigned __int128;

// Arrow's month/day/nanosecond interval (TypeId::kInterval).
struct MonthDayNanos {
  int32_t months;
  int32_t days;
  int64_t nanos;
  bool operator==(const MonthDayNanos&) const = default;
};
static_assert(sizeof(MonthDayNanos) == 16);

}  // namespace braid
