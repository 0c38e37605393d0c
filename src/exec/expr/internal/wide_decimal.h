// Decimal arithmetic beyond 128 bits: a 256-bit magnitude for the intermediate results of
// decimal multiplication, division and rescaling (38 digits times 38 digits needs 77 digits).
// Results are exact before the single final rounding (HALF_UP). Private to src/exec/expr.
#pragma once

#include <cstdint>

#include "columnar/physical_types.h"

namespace braid::exec::internal {

struct U256 {
  uint64_t w[4] = {0, 0, 0, 0};  // little-endian words

  static U256 from(UInt128 v) {
    U256 r;
    r.w[0] = static_cast<uint64_t>(v);
    r.w[1] = static_cast<uint64_t>(v >> 64);
    return r;
  }
  bool is_zero() const { return (w[0] | w[1] | w[2] | w[3]) == 0; }
  bool fits_u128() const { return (w[2] | w[3]) == 0; }
  UInt128 to_u128() const { return (static_cast<UInt128>(w[1]) << 64) | w[0]; }
};

int compare(const U256& a, const U256& b);
U256 add(const U256& a, const U256& b);
U256 sub(const U256& a, const U256& b);  // a >= b
U256 multiply(UInt128 a, UInt128 b);
void multiply_small(U256& a, uint64_t m);
// a /= d; returns a % d.
uint64_t divide_small(U256& a, uint64_t d);
// q = n / d, r = n % d (d != 0).
void divide(const U256& n, const U256& d, U256& q, U256& r);
void multiply_pow10(U256& a, int k);
// a / 10^k rounded HALF_UP (on the magnitude: ties away from zero).
U256 divide_pow10_half_up(U256 a, int k);

inline UInt128 magnitude(Int128 v) {
  return v < 0 ? static_cast<UInt128>(0) - static_cast<UInt128>(v) : static_cast<UInt128>(v);
}

}  // namespace braid::exec::internal
