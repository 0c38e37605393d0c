#include "exec/expr/internal/wide_decimal.h"

namespace braid::exec::internal {

int compare(const U256& a, const U256& b) {
  for (int i = 3; i >= 0; --i) {
    if (a.w[i] != b.w[i]) return a.w[i] < b.w[i] ? -1 : 1;
  }
  return 0;
}

U256 add(const U256& a, const U256& b) {
  U256 r;
  unsigned __int128 carry = 0;
  for (int i = 0; i < 4; ++i) {
    carry += static_cast<unsigned __int128>(a.w[i]) + b.w[i];
    r.w[i] = static_cast<uint64_t>(carry);
    carry >>= 64;
  }
  return r;
}

U256 sub(const U256& a, const U256& b) {
  U256 r;
  uint64_t borrow = 0;
  for (int i = 0; i < 4; ++i) {
    uint64_t x = a.w[i], y = b.w[i];
    uint64_t d = x - y - borrow;
    borrow = (x < y || (x == y && borrow)) ? 1 : 0;
    r.w[i] = d;
  }
  return r;
}

U256 multiply(UInt128 a, UInt128 b) {
  const uint64_t a0 = static_cast<uint64_t>(a), a1 = static_cast<uint64_t>(a >> 64);
  const uint64_t b0 = static_cast<uint64_t>(b), b1 = static_cast<uint64_t>(b >> 64);
  using U = unsigned __int128;
  U p00 = static_cast<U>(a0) * b0;
  U p01 = static_cast<U>(a0) * b1;
  U p10 = static_cast<U>(a1) * b0;
  U p11 = static_cast<U>(a1) * b1;
  U256 r;
  r.w[0] = static_cast<uint64_t>(p00);
  U mid = (p00 >> 64) + static_cast<uint64_t>(p01) + static_cast<uint64_t>(p10);
  r.w[1] = static_cast<uint64_t>(mid);
  U high = (mid >> 64) + (p01 >> 64) + (p10 >> 64) + static_cast<uint64_t>(p11);
  r.w[2] = static_cast<uint64_t>(high);
  r.w[3] = static_cast<uint64_t>((high >> 64) + (p11 >> 64));
  return r;
}

void multiply_small(U256& a, uint64_t m) {
  unsigned __int128 carry = 0;
  for (int i = 0; i < 4; ++i) {
    carry += static_cast<unsigned __int128>(a.w[i]) * m;
    a.w[i] = static_cast<uint64_t>(carry);
    carry >>= 64;
  }
}

uint64_t divide_small(U256& a, uint64_t d) {
  unsigned __int128 rem = 0;
  for (int i = 3; i >= 0; --i) {
    unsigned __int128 cur = (rem << 64) | a.w[i];
    a.w[i] = static_cast<uint64_t>(cur / d);
    rem = cur % d;
  }
  return static_cast<uint64_t>(rem);
}

void divide(const U256& n, const U256& d, U256& q, U256& r) {
  q = U256{};
  r = U256{};
  if (d.fits_u128() && n.fits_u128()) {
    q = U256::from(n.to_u128() / d.to_u128());
    r = U256::from(n.to_u128() % d.to_u128());
    return;
  }
  for (int bit = 255; bit >= 0; --bit) {
    // r = r * 2 + bit
    for (int i = 3; i > 0; --i) r.w[i] = (r.w[i] << 1) | (r.w[i - 1] >> 63);
    r.w[0] = (r.w[0] << 1) | ((n.w[bit / 64] >> (bit % 64)) & 1);
    if (compare(r, d) >= 0) {
      r = sub(r, d);
      q.w[bit / 64] |= uint64_t{1} << (bit % 64);
    }
  }
}

void multiply_pow10(U256& a, int k) {
  while (k > 0) {
    int step = k > 19 ? 19 : k;
    uint64_t p = 1;
    for (int i = 0; i < step; ++i) p *= 10;
    multiply_small(a, p);
    k -= step;
  }
}

U256 divide_pow10_half_up(U256 a, int k) {
  if (k <= 0) return a;
  int before = k - 1;  // divide by 10^(k-1), then look at the last discarded digit
  while (before > 0) {
    int step = before > 19 ? 19 : before;
    uint64_t p = 1;
    for (int i = 0; i < step; ++i) p *= 10;
    divide_small(a, p);
    before -= step;
  }
  uint64_t digit = divide_small(a, 10);
  if (digit >= 5) a = add(a, U256::from(1));
  return a;
}

}  // namespace braid::exec::internal
