#include "columnar/bitmap.h"

#include <cstring>

namespace braid::bitmap {

int64_t count_set(const uint8_t* bits, int64_t offset, int64_t length) {
  int64_t count = 0;
  int64_t i = offset;
  const int64_t end = offset + length;
  for (; i < end && (i & 63) != 0; ++i) count += get(bits, i);
  for (; i + 64 <= end; i += 64) {
    uint64_t word;
    std::memcpy(&word, bits + (i >> 3), 8);
    count += __builtin_popcountll(word);
  }
  for (; i < end; ++i) count += get(bits, i);
  return count;
}

void copy(const uint8_t* src, int64_t src_offset, uint8_t* dst, int64_t dst_offset, int64_t length) {
  if ((src_offset & 7) == 0 && (dst_offset & 7) == 0) {
    int64_t whole = length / 8;
    if (whole > 0) std::memcpy(dst + dst_offset / 8, src + src_offset / 8, static_cast<size_t>(whole));
    for (int64_t i = whole * 8; i < length; ++i) set_to(dst, dst_offset + i, get(src, src_offset + i));
    return;
  }
  for (int64_t i = 0; i < length; ++i) set_to(dst, dst_offset + i, get(src, src_offset + i));
}

void fill(uint8_t* bits, int64_t offset, int64_t length, bool value) {
  int64_t i = offset;
  const int64_t end = offset + length;
  for (; i < end && (i & 7) != 0; ++i) set_to(bits, i, value);
  int64_t whole = (end - i) / 8;
  if (whole > 0) {
    std::memset(bits + i / 8, value ? 0xff : 0, static_cast<size_t>(whole));
    i += whole * 8;
  }
  for (; i < end; ++i) set_to(bits, i, value);
}

}  // namespace braid::bitmap
