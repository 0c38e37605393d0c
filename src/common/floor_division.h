// Division that rounds toward negative infinity, for calendar arithmetic on instants before the
// epoch: -1 microsecond is day -1 at 23:59:59.999999, not day 0.
#pragma once

#include <cstdint>

namespace braid {

// floor(a / b). b != 0, and not INT64_MIN / -1 (whose quotient does not fit).
constexpr int64_t floor_div(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// a - floor(a / b) * b, with the sign of b. Computed from the remainder, never as
// a - floor_div(a, b) * b: that product leaves int64 for a near INT64_MIN.
constexpr int64_t floor_mod(int64_t a, int64_t b) {
  const int64_t r = a % b;
  return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}

}  // namespace braid
