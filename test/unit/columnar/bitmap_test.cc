#include "columnar/bitmap.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <vector>

namespace braid {
namespace {

// The oracle: one bool per bit.
std::vector<uint8_t> pack(const std::vector<bool>& bits, uint8_t fill_byte = 0) {
  std::vector<uint8_t> out(static_cast<size_t>(bitmap::bytes_for(static_cast<int64_t>(bits.size()))) + 9,
                           fill_byte);
  for (size_t i = 0; i < bits.size(); ++i) bitmap::set_to(out.data(), static_cast<int64_t>(i), bits[i]);
  return out;
}

std::vector<bool> unpack(const std::vector<uint8_t>& bytes, size_t n) {
  std::vector<bool> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = bitmap::get(bytes.data(), static_cast<int64_t>(i));
  return out;
}

TEST(BitmapTest, ArrowBitOrder) {
  uint8_t bytes[2] = {0b00000101, 0b10000000};
  EXPECT_TRUE(bitmap::get(bytes, 0));
  EXPECT_FALSE(bitmap::get(bytes, 1));
  EXPECT_TRUE(bitmap::get(bytes, 2));
  EXPECT_TRUE(bitmap::get(bytes, 15));
  EXPECT_FALSE(bitmap::get(bytes, 14));
  bitmap::set(bytes, 9);
  EXPECT_EQ(bytes[1], 0b10000010);
  bitmap::clear(bytes, 0);
  EXPECT_EQ(bytes[0], 0b00000100);
  bitmap::set_to(bytes, 7, true);
  EXPECT_EQ(bytes[0], 0b10000100);
  bitmap::set_to(bytes, 7, false);
  bitmap::set_to(bytes, 2, true);  // already set: unchanged
  EXPECT_EQ(bytes[0], 0b00000100);
}

TEST(BitmapTest, BytesFor) {
  EXPECT_EQ(bitmap::bytes_for(0), 0);
  EXPECT_EQ(bitmap::bytes_for(1), 1);
  EXPECT_EQ(bitmap::bytes_for(8), 1);
  EXPECT_EQ(bitmap::bytes_for(9), 2);
  EXPECT_EQ(bitmap::bytes_for(64), 8);
  EXPECT_EQ(bitmap::bytes_for(65), 9);
}

TEST(BitmapTest, CountSetAtUnalignedOffsets) {
  std::vector<uint8_t> all(32, 0xff);
  EXPECT_EQ(bitmap::count_set(all.data(), 0, 0), 0);
  EXPECT_EQ(bitmap::count_set(all.data(), 3, 0), 0);
  EXPECT_EQ(bitmap::count_set(all.data(), 0, 256), 256);
  EXPECT_EQ(bitmap::count_set(all.data(), 1, 200), 200);
  EXPECT_EQ(bitmap::count_set(all.data(), 63, 2), 2);
  EXPECT_EQ(bitmap::count_set(all.data(), 65, 130), 130);
  std::vector<uint8_t> alternate(32, 0x55);  // even bits set
  EXPECT_EQ(bitmap::count_set(alternate.data(), 0, 256), 128);
  EXPECT_EQ(bitmap::count_set(alternate.data(), 1, 129), 64);
  EXPECT_EQ(bitmap::count_set(alternate.data(), 2, 129), 65);
}

TEST(BitmapTest, FillAtUnalignedOffsets) {
  std::vector<uint8_t> bytes(8, 0);
  bitmap::fill(bytes.data(), 3, 2, true);
  EXPECT_EQ(bytes[0], 0b00011000);
  bitmap::fill(bytes.data(), 6, 20, true);  // crosses whole bytes
  EXPECT_EQ(bytes[0], 0b11011000);
  EXPECT_EQ(bytes[1], 0xff);
  EXPECT_EQ(bytes[2], 0xff);
  EXPECT_EQ(bytes[3], 0b00000011);
  bitmap::fill(bytes.data(), 7, 10, false);
  EXPECT_EQ(bytes[0], 0b01011000);
  EXPECT_EQ(bytes[1], 0x00);
  EXPECT_EQ(bytes[2], 0b11111110);
  bitmap::fill(bytes.data(), 40, 0, true);  // nothing
  EXPECT_EQ(bytes[5], 0);
  bitmap::fill(bytes.data(), 16, 16, true);  // aligned whole bytes
  EXPECT_EQ(bytes[2], 0xff);
  EXPECT_EQ(bytes[3], 0xff);
  EXPECT_EQ(bytes[4], 0);
}

TEST(BitmapTest, CopyAlignedAndUnaligned) {
  const std::vector<bool> src = {1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1};
  auto packed = pack(src);
  for (int64_t src_offset : {0, 1, 8}) {
    for (int64_t dst_offset : {0, 3, 8, 13}) {
      const int64_t length = static_cast<int64_t>(src.size()) - src_offset;
      std::vector<uint8_t> dst(8, 0xff);
      bitmap::copy(packed.data(), src_offset, dst.data(), dst_offset, length);
      for (int64_t i = 0; i < 64; ++i) {
        bool expected = i >= dst_offset && i < dst_offset + length
                            ? src[static_cast<size_t>(i - dst_offset + src_offset)]
                            : true;  // untouched
        ASSERT_EQ(bitmap::get(dst.data(), i), expected)
            << "bit " << i << " src_offset " << src_offset << " dst_offset " << dst_offset;
      }
    }
  }
}

// Random bitmaps of up to a few hundred bits, with unaligned offsets and lengths.
rc::Gen<std::vector<bool>> bit_vectors() {
  return rc::gen::mapcat(rc::gen::inRange<size_t>(0, 600), [](size_t n) {
    return rc::gen::container<std::vector<bool>>(n, rc::gen::arbitrary<bool>());
  });
}

RC_GTEST_PROP(BitmapProperty, CountSetMatchesTheOracle, ()) {
  const auto bits = *bit_vectors();
  const auto packed = pack(bits, *rc::gen::arbitrary<uint8_t>());
  const auto offset = *rc::gen::inRange<size_t>(0, bits.size() + 1);
  const auto length = *rc::gen::inRange<size_t>(0, bits.size() - offset + 1);
  int64_t expected = 0;
  for (size_t i = offset; i < offset + length; ++i) expected += bits[i];
  RC_ASSERT(bitmap::count_set(packed.data(), static_cast<int64_t>(offset),
                              static_cast<int64_t>(length)) == expected);
}

RC_GTEST_PROP(BitmapProperty, CopyMatchesTheOracleAndLeavesTheRestAlone, ()) {
  const auto bits = *bit_vectors();
  const auto packed = pack(bits);
  const auto src_offset = *rc::gen::inRange<size_t>(0, bits.size() + 1);
  const auto length = *rc::gen::inRange<size_t>(0, bits.size() - src_offset + 1);
  const auto dst_offset = *rc::gen::inRange<size_t>(0, 80);
  const size_t dst_bits = dst_offset + length + *rc::gen::inRange<size_t>(0, 20);
  std::vector<bool> before(dst_bits);
  for (size_t i = 0; i < dst_bits; ++i) before[i] = *rc::gen::arbitrary<bool>();
  auto dst = pack(before);
  bitmap::copy(packed.data(), static_cast<int64_t>(src_offset), dst.data(),
               static_cast<int64_t>(dst_offset), static_cast<int64_t>(length));
  auto after = unpack(dst, dst_bits);
  for (size_t i = 0; i < dst_bits; ++i) {
    const bool inside = i >= dst_offset && i < dst_offset + length;
    RC_ASSERT(after[i] == (inside ? bits[src_offset + i - dst_offset] : before[i]));
  }
}

RC_GTEST_PROP(BitmapProperty, FillMatchesTheOracleAndLeavesTheRestAlone, ()) {
  const auto bits = *bit_vectors();
  auto packed = pack(bits);
  const auto offset = *rc::gen::inRange<size_t>(0, bits.size() + 1);
  const auto length = *rc::gen::inRange<size_t>(0, bits.size() - offset + 1);
  const bool value = *rc::gen::arbitrary<bool>();
  bitmap::fill(packed.data(), static_cast<int64_t>(offset), static_cast<int64_t>(length), value);
  auto after = unpack(packed, bits.size());
  for (size_t i = 0; i < bits.size(); ++i) {
    const bool inside = i >= offset && i < offset + length;
    RC_ASSERT(after[i] == (inside ? value : static_cast<bool>(bits[i])));
  }
  int64_t ones = 0;
  for (size_t i = 0; i < bits.size(); ++i) ones += after[i];
  RC_ASSERT(bitmap::count_set(packed.data(), 0, static_cast<int64_t>(bits.size())) == ones);
}

}  // namespace
}  // namespace braid
