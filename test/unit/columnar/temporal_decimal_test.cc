#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "columnar/bitmap.h"
#include "columnar/decimal.h"
#include "columnar/temporal.h"
#include "columnar/utf8.h"

namespace braid {
namespace {

using temporal::TextStyle;

std::string date(int64_t days) {
  std::string s;
  temporal::append_date(s, days);
  return s;
}

std::string ts(int64_t v, TimeUnit unit, TextStyle style, bool utc) {
  std::string s;
  temporal::append_timestamp(s, v, unit, style, utc);
  return s;
}

TEST(TemporalTest, DatesAroundTheEpochAndLongAgo) {
  EXPECT_EQ(date(0), "1970-01-01");
  EXPECT_EQ(date(-1), "1969-12-31");
  EXPECT_EQ(date(19753), "2024-01-31");
  EXPECT_EQ(date(temporal::days_from_civil(2024, 2, 29)), "2024-02-29");
  EXPECT_EQ(date(temporal::days_from_civil(1, 1, 1)), "0001-01-01");
  EXPECT_EQ(date(temporal::days_from_civil(-44, 3, 15)), "-0044-03-15");
  EXPECT_EQ(date(temporal::days_from_civil(10000, 1, 1)), "10000-01-01");
}

TEST(TemporalTest, TimestampsFloorBeforeTheEpoch) {
  const TextStyle iso{'T', true, true};
  const TextStyle plain{' ', false, true};
  EXPECT_EQ(ts(-1, TimeUnit::kMicro, iso, false), "1969-12-31T23:59:59.999999");
  EXPECT_EQ(ts(-1, TimeUnit::kNano, iso, true), "1969-12-31T23:59:59.999999999Z");
  EXPECT_EQ(ts(1735689600000000, TimeUnit::kMicro, iso, false), "2025-01-01T00:00:00.000000");
  EXPECT_EQ(ts(1735689600000000, TimeUnit::kMicro, plain, false), "2025-01-01 00:00:00");
  EXPECT_EQ(ts(1735689600123000, TimeUnit::kMicro, plain, true), "2025-01-01 00:00:00.123Z");
  std::string t;
  temporal::append_time(t, 45296789012, TimeUnit::kMicro, iso, false);
  EXPECT_EQ(t, "12:34:56.789012");
}

TEST(TemporalTest, ParsingAcceptsAndRejects) {
  EXPECT_EQ(temporal::parse_date("2024-1-5"), temporal::days_from_civil(2024, 1, 5));
  EXPECT_FALSE(temporal::parse_date("2023-02-29"));
  EXPECT_FALSE(temporal::parse_date("2024-13-01"));
  EXPECT_FALSE(temporal::parse_date("2024-01-01x"));
  auto p = temporal::parse_timestamp("2024-01-31 10:20:30.123456789", TimeUnit::kNano);
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->has_zone);
  EXPECT_EQ(ts(p->value, TimeUnit::kNano, {'T', true, false}, false), "2024-01-31T10:20:30.123456789");
  auto z = temporal::parse_timestamp("2024-01-31T10:20:30+02:00", TimeUnit::kMicro);
  ASSERT_TRUE(z);
  EXPECT_TRUE(z->has_zone);
  EXPECT_EQ(ts(z->value, TimeUnit::kMicro, {' ', false, false}, false), "2024-01-31 08:20:30");
  EXPECT_TRUE(temporal::parse_timestamp("2024-01-31", TimeUnit::kMicro));
  EXPECT_FALSE(temporal::parse_timestamp("2024-01-31 25:00:00", TimeUnit::kMicro));
  EXPECT_FALSE(temporal::parse_timestamp("3000-01-01 00:00:00", TimeUnit::kNano));  // overflows int64 ns
  EXPECT_EQ(temporal::parse_time("01:02:03.5", TimeUnit::kMicro), int64_t{3723500000});
}

RC_GTEST_PROP(TemporalProperty, CivilRoundTrip, ()) {
  const auto days = *rc::gen::inRange<int64_t>(-3'000'000, 3'000'000);
  auto c = temporal::civil_from_days(days);
  RC_ASSERT(temporal::is_valid_civil(c.year, c.month, c.day));
  RC_ASSERT(temporal::days_from_civil(c.year, c.month, c.day) == days);
  if (c.year >= 1 && c.year <= 9999) {
    std::string s;
    temporal::append_date(s, days);
    RC_ASSERT(temporal::parse_date(s) == static_cast<int32_t>(days));
  }
}

std::string dec(Int128 v, int scale) { return decimal::to_string(v, scale); }

TEST(DecimalTest, Text) {
  EXPECT_EQ(dec(-1250, 2), "-12.50");
  EXPECT_EQ(dec(5, 2), "0.05");
  EXPECT_EQ(dec(-5, 2), "-0.05");
  EXPECT_EQ(dec(0, 2), "0.00");
  EXPECT_EQ(dec(42, 0), "42");
  EXPECT_EQ(dec(decimal::power_of_ten(38) - 1, 38), "0.99999999999999999999999999999999999999");
  EXPECT_EQ(decimal::int128_to_string(-(decimal::power_of_ten(38) - 1)),
            "-99999999999999999999999999999999999999");
}

TEST(DecimalTest, ParseRoundsHalfUpAndChecksPrecision) {
  EXPECT_EQ(decimal::parse("12.345", 10, 2), Int128{1235});
  EXPECT_EQ(decimal::parse("-12.345", 10, 2), Int128{-1235});
  EXPECT_EQ(decimal::parse("12.344", 10, 2), Int128{1234});
  EXPECT_EQ(decimal::parse(".5", 3, 1), Int128{5});
  EXPECT_EQ(decimal::parse("5.", 3, 1), Int128{50});
  EXPECT_EQ(decimal::parse("+007.10", 4, 2), Int128{710});
  EXPECT_EQ(decimal::parse("1.5e2", 5, 0), Int128{150});
  EXPECT_EQ(decimal::parse("25e-3", 5, 2), Int128{3});
  EXPECT_EQ(decimal::parse("0.004", 5, 2), Int128{0});
  decimal::ParseError why;
  EXPECT_FALSE(decimal::parse("123.45", 4, 2, &why));
  EXPECT_EQ(why, decimal::ParseError::kOverflow);
  EXPECT_FALSE(decimal::parse("1.2.3", 10, 2, &why));
  EXPECT_EQ(why, decimal::ParseError::kSyntax);
  EXPECT_FALSE(decimal::parse("", 10, 2, &why));
  EXPECT_FALSE(decimal::parse("abc", 10, 2, &why));
  EXPECT_FALSE(decimal::parse("1e", 10, 2, &why));
}

TEST(DecimalTest, Rescale) {
  EXPECT_EQ(decimal::rescale(12345, 3, 2, 10), Int128{1235});
  EXPECT_EQ(decimal::rescale(-12345, 3, 2, 10), Int128{-1235});
  EXPECT_EQ(decimal::rescale(12, 0, 3, 10), Int128{12000});
  EXPECT_FALSE(decimal::rescale(99999, 0, 2, 6));
  EXPECT_TRUE(decimal::fits_precision(999, 3));
  EXPECT_FALSE(decimal::fits_precision(-1000, 3));
}

RC_GTEST_PROP(DecimalProperty, TextRoundTrip, (int64_t hi, uint64_t lo)) {
  Int128 v = (static_cast<Int128>(hi) << 64) | lo;
  const int scale = *rc::gen::inRange(0, 39);
  if (!decimal::fits_precision(v, 38)) v %= decimal::power_of_ten(38);
  auto back = decimal::parse(decimal::to_string(v, scale), 38, scale);
  RC_ASSERT(back.has_value());
  RC_ASSERT(*back == v);
}

// Bitmaps against a naive oracle at unaligned offsets.
RC_GTEST_PROP(BitmapProperty, CountCopyFill, (const std::vector<bool>& bits)) {
  std::vector<uint8_t> buf(bits.size() / 8 + 2, 0);
  for (size_t i = 0; i < bits.size(); ++i) bitmap::set_to(buf.data(), static_cast<int64_t>(i), bits[i]);
  const auto offset = *rc::gen::inRange<size_t>(0, bits.size() + 1);
  const auto length = *rc::gen::inRange<size_t>(0, bits.size() - offset + 1);
  int64_t expected = 0;
  for (size_t i = offset; i < offset + length; ++i) expected += bits[i];
  RC_ASSERT(bitmap::count_set(buf.data(), static_cast<int64_t>(offset), static_cast<int64_t>(length)) == expected);
  const auto dst_offset = *rc::gen::inRange<size_t>(0, 17);
  std::vector<uint8_t> dst((dst_offset + length) / 8 + 2, 0xAA);
  bitmap::copy(buf.data(), static_cast<int64_t>(offset), dst.data(), static_cast<int64_t>(dst_offset), static_cast<int64_t>(length));
  for (size_t i = 0; i < length; ++i) RC_ASSERT(bitmap::get(dst.data(), static_cast<int64_t>(dst_offset + i)) == bits[offset + i]);
  const bool value = *rc::gen::arbitrary<bool>();
  bitmap::fill(buf.data(), static_cast<int64_t>(offset), static_cast<int64_t>(length), value);
  for (size_t i = 0; i < bits.size(); ++i) {
    bool inside = i >= offset && i < offset + length;
    RC_ASSERT(bitmap::get(buf.data(), static_cast<int64_t>(i)) == (inside ? value : static_cast<bool>(bits[i])));
  }
}

TEST(Utf8Test, Validation) {
  EXPECT_TRUE(utf8::is_valid("plain ascii, long enough to take the fast path"));
  EXPECT_TRUE(utf8::is_valid("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"));  // é € 😀
  EXPECT_FALSE(utf8::is_valid("\xC0\xAF"));                          // overlong '/'
  EXPECT_FALSE(utf8::is_valid("\xE0\x80\xAF"));                      // overlong
  EXPECT_FALSE(utf8::is_valid("\xED\xA0\x80"));                      // surrogate
  EXPECT_FALSE(utf8::is_valid("\xF4\x90\x80\x80"));                  // > U+10FFFF
  EXPECT_FALSE(utf8::is_valid("\xE2\x82"));                          // truncated
  EXPECT_FALSE(utf8::is_valid("\x80"));
  EXPECT_EQ(utf8::length("h\xC3\xA9llo"), 5);
  EXPECT_EQ(utf8::prefix_bytes("\xC3\xA9\xC3\xA9x", 1), 2u);
}

}  // namespace
}  // namespace braid
