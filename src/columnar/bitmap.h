// Bitmaps in Arrow bit order: bit i of a bitmap is (bytes[i / 8] >> (i % 8)) & 1.
// Used for validity (1 = valid) and boolean values.
#pragma once

#include <cstdint>

namespace braid::bitmap {

inline bool get(const uint8_t* bits, int64_t i) { return (bits[i >> 3] >> (i & 7)) & 1; }
inline void set(uint8_t* bits, int64_t i) { bits[i >> 3] |= static_cast<uint8_t>(1u << (i & 7)); }
inline void clear(uint8_t* bits, int64_t i) {
  bits[i >> 3] &= static_cast<uint8_t>(~(1u << (i & 7)));
}
inline void set_to(uint8_t* bits, int64_t i, bool v) {
  bits[i >> 3] = static_cast<uint8_t>((bits[i >> 3] & ~(1u << (i & 7))) | (uint32_t{v} << (i & 7)));
}
inline int64_t bytes_for(int64_t bits) { return (bits + 7) / 8; }

// Number of set bits in [offset, offset + length).
int64_t count_set(const uint8_t* bits, int64_t offset, int64_t length);
// Copies `length` bits from src at src_offset to dst at dst_offset.
void copy(const uint8_t* src, int64_t src_offset, uint8_t* dst, int64_t dst_offset, int64_t length);
// Sets `length` bits starting at `offset` to `value`.
void fill(uint8_t* bits, int64_t offset, int64_t length, bool value);

}  // namespace braid::bitmap
