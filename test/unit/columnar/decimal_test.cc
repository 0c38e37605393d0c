#include "columnar/decimal.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <limits>
#include <string>

namespace braid {
namespace {

using decimal::ParseError;

const Int128 kMaxInt128 = static_cast<Int128>(~UInt128{0} >> 1);
const Int128 kMinInt128 = -kMaxInt128 - 1;
const Int128 kMax38 = decimal::power_of_ten(38) - 1;  // 38 nines

std::string dec(Int128 v, int scale) { return decimal::to_string(v, scale); }

// Parses with precision 38 and reports why it failed.
std::string parse_text(std::string_view text, int precision, int scale) {
  ParseError error = ParseError::kNone;
  auto v = decimal::parse(text, precision, scale, &error);
  if (v) {
    EXPECT_EQ(error, ParseError::kNone);
    return dec(*v, scale);
  }
  return error == ParseError::kSyntax ? "syntax" : error == ParseError::kOverflow ? "overflow" : "none";
}

// ---- text

TEST(DecimalTest, ToStringHasExactlyScaleDigits) {
  EXPECT_EQ(dec(-1250, 2), "-12.50");
  EXPECT_EQ(dec(1250, 2), "12.50");
  EXPECT_EQ(dec(5, 2), "0.05");
  EXPECT_EQ(dec(-5, 2), "-0.05");
  EXPECT_EQ(dec(0, 2), "0.00");
  EXPECT_EQ(dec(0, 0), "0");
  EXPECT_EQ(dec(42, 0), "42");
  EXPECT_EQ(dec(-42, 0), "-42");
  EXPECT_EQ(dec(100, 2), "1.00");
  EXPECT_EQ(dec(123, 1), "12.3");
  EXPECT_EQ(dec(123, 3), "0.123");
  EXPECT_EQ(dec(123, 4), "0.0123");
}

TEST(DecimalTest, ToStringAtTheEdges) {
  EXPECT_EQ(dec(kMax38, 0), std::string(38, '9'));
  EXPECT_EQ(dec(-kMax38, 0), "-" + std::string(38, '9'));
  EXPECT_EQ(dec(kMax38, 38), "0." + std::string(38, '9'));
  EXPECT_EQ(dec(-kMax38, 38), "-0." + std::string(38, '9'));
  EXPECT_EQ(dec(1, 38), "0." + std::string(37, '0') + "1");
  EXPECT_EQ(dec(0, 38), "0." + std::string(38, '0'));
  EXPECT_EQ(dec(kMaxInt128, 0), "170141183460469231731687303715884105727");
  EXPECT_EQ(dec(kMinInt128, 0), "-170141183460469231731687303715884105728");
  EXPECT_EQ(dec(kMinInt128, 38), "-1.70141183460469231731687303715884105728");
}

TEST(DecimalTest, AppendAppends) {
  std::string s = "amount=";
  decimal::append(s, -7, 1);
  EXPECT_EQ(s, "amount=-0.7");
}

TEST(DecimalTest, Int128ToString) {
  EXPECT_EQ(decimal::int128_to_string(0), "0");
  EXPECT_EQ(decimal::int128_to_string(-1), "-1");
  EXPECT_EQ(decimal::int128_to_string(-kMax38), "-" + std::string(38, '9'));
  EXPECT_EQ(decimal::int128_to_string(kMinInt128), "-170141183460469231731687303715884105728");
}

TEST(DecimalTest, PowersOfTenAndPrecision) {
  EXPECT_EQ(decimal::power_of_ten(0), 1);
  EXPECT_EQ(decimal::power_of_ten(1), 10);
  EXPECT_EQ(decimal::power_of_ten(18), Int128{1'000'000'000'000'000'000});
  EXPECT_EQ(decimal::int128_to_string(decimal::power_of_ten(38)), "1" + std::string(38, '0'));
  EXPECT_TRUE(decimal::fits_precision(0, 1));
  EXPECT_TRUE(decimal::fits_precision(999, 3));
  EXPECT_TRUE(decimal::fits_precision(-999, 3));
  EXPECT_FALSE(decimal::fits_precision(1000, 3));
  EXPECT_FALSE(decimal::fits_precision(-1000, 3));
  EXPECT_TRUE(decimal::fits_precision(kMax38, 38));
  EXPECT_TRUE(decimal::fits_precision(-kMax38, 38));
  EXPECT_FALSE(decimal::fits_precision(kMax38 + 1, 38));
  EXPECT_FALSE(decimal::fits_precision(kMinInt128, 38));
  EXPECT_FALSE(decimal::fits_precision(kMaxInt128, 38));
}

// ---- parsing

TEST(DecimalTest, ParsePlainNumbers) {
  EXPECT_EQ(decimal::parse("12.34", 10, 2), Int128{1234});
  EXPECT_EQ(decimal::parse("-12.34", 10, 2), Int128{-1234});
  EXPECT_EQ(decimal::parse("+12.34", 10, 2), Int128{1234});
  EXPECT_EQ(decimal::parse("12", 10, 2), Int128{1200});
  EXPECT_EQ(decimal::parse("12.3", 10, 2), Int128{1230});
  EXPECT_EQ(decimal::parse("0", 1, 0), Int128{0});
  EXPECT_EQ(decimal::parse("-0", 5, 2), Int128{0});
  EXPECT_EQ(decimal::parse("-0.00", 5, 2), Int128{0});
  EXPECT_EQ(decimal::parse("000", 5, 2), Int128{0});
  EXPECT_EQ(decimal::parse(".5", 3, 1), Int128{5});
  EXPECT_EQ(decimal::parse("-.5", 3, 1), Int128{-5});
  EXPECT_EQ(decimal::parse("5.", 3, 1), Int128{50});
  EXPECT_EQ(decimal::parse("+007.10", 4, 2), Int128{710});
  EXPECT_EQ(decimal::parse("0000000000000000000000000000000000000000000001.5", 2, 0), Int128{2});
  EXPECT_EQ(decimal::parse("0.05", 3, 2), Int128{5});
  EXPECT_EQ(decimal::parse("100", 3, 0), Int128{100});
}

TEST(DecimalTest, ParseRoundsHalfUp) {
  EXPECT_EQ(parse_text("12.345", 10, 2), "12.35");
  EXPECT_EQ(parse_text("-12.345", 10, 2), "-12.35");
  EXPECT_EQ(parse_text("12.344", 10, 2), "12.34");
  EXPECT_EQ(parse_text("-12.344", 10, 2), "-12.34");
  EXPECT_EQ(parse_text("2.5", 5, 0), "3");
  EXPECT_EQ(parse_text("-2.5", 5, 0), "-3");
  EXPECT_EQ(parse_text("3.5", 5, 0), "4");  // not banker's rounding
  EXPECT_EQ(parse_text("-3.5", 5, 0), "-4");
  EXPECT_EQ(parse_text("0.5", 5, 0), "1");
  EXPECT_EQ(parse_text("-0.5", 5, 0), "-1");
  EXPECT_EQ(parse_text("0.49999", 5, 0), "0");
  EXPECT_EQ(parse_text("-0.49999", 5, 0), "0");
  EXPECT_EQ(parse_text("1.45", 5, 1), "1.5");
  EXPECT_EQ(parse_text("-1.45", 5, 1), "-1.5");
  EXPECT_EQ(parse_text("0.004", 5, 2), "0.00");
  EXPECT_EQ(parse_text("0.005", 5, 2), "0.01");
  EXPECT_EQ(parse_text("-0.005", 5, 2), "-0.01");
  EXPECT_EQ(parse_text("0.0004", 5, 2), "0.00");
  EXPECT_EQ(parse_text("0.0009", 5, 3), "0.001");
  EXPECT_EQ(parse_text("9.994", 3, 2), "9.99");
  // 60 fraction digits: digit 39 rounds.
  EXPECT_EQ(parse_text("0.123456789012345678901234567890123456789012345678901234567890", 38, 38),
            "0.12345678901234567890123456789012345679");
}

TEST(DecimalTest, ParseExponents) {
  EXPECT_EQ(parse_text("1.5e2", 5, 0), "150");
  EXPECT_EQ(parse_text("1.5E2", 5, 0), "150");
  EXPECT_EQ(parse_text("1.5e+2", 5, 0), "150");
  EXPECT_EQ(parse_text("1e0", 5, 0), "1");
  EXPECT_EQ(parse_text("25e-3", 5, 2), "0.03");
  EXPECT_EQ(parse_text("-1.25e1", 5, 1), "-12.5");
  EXPECT_EQ(parse_text("-1.25e-1", 5, 1), "-0.1");
  EXPECT_EQ(parse_text("-1.25e-1", 5, 3), "-0.125");
  EXPECT_EQ(parse_text("123e-5", 5, 2), "0.00");
  EXPECT_EQ(parse_text(".5e1", 5, 0), "5");
  EXPECT_EQ(parse_text("5.e1", 5, 0), "50");
  EXPECT_EQ(parse_text("0e5", 5, 0), "0");
  EXPECT_EQ(parse_text("0.0e99999999", 5, 0), "0");
  EXPECT_EQ(parse_text("1e-100000000", 5, 2), "0.00");
  EXPECT_EQ(parse_text("1e100000000", 38, 0), "overflow");
  EXPECT_EQ(parse_text("1e37", 38, 0), "1" + std::string(37, '0'));
  EXPECT_EQ(parse_text("1e38", 38, 0), "overflow");
  EXPECT_EQ(parse_text("000.000123e3", 5, 3), "0.123");
}

TEST(DecimalTest, ParseOverflowAgainstPrecision) {
  EXPECT_EQ(parse_text("123.45", 4, 2), "overflow");
  EXPECT_EQ(parse_text("123.45", 5, 2), "123.45");
  EXPECT_EQ(parse_text("-123.45", 4, 2), "overflow");
  EXPECT_EQ(parse_text("9.995", 3, 2), "overflow");  // rounds up to 10.00
  EXPECT_EQ(parse_text("-9.995", 3, 2), "overflow");
  EXPECT_EQ(parse_text("10", 1, 0), "overflow");
  EXPECT_EQ(parse_text("1", 1, 1), "overflow");  // 1.0 needs two digits
  EXPECT_EQ(parse_text("0.9", 1, 1), "0.9");
  EXPECT_EQ(parse_text(std::string(38, '9'), 38, 0), std::string(38, '9'));
  EXPECT_EQ(parse_text("-" + std::string(38, '9'), 38, 0), "-" + std::string(38, '9'));
  EXPECT_EQ(parse_text(std::string(39, '9'), 38, 0), "overflow");
  EXPECT_EQ(parse_text(std::string(38, '9') + ".5", 38, 0), "overflow");
  EXPECT_EQ(parse_text(std::string(38, '9') + ".4", 38, 0), std::string(38, '9'));
  EXPECT_EQ(parse_text("1" + std::string(60, '0'), 38, 0), "overflow");
  EXPECT_EQ(parse_text("1", 38, 38), "overflow");
}

TEST(DecimalTest, ParseSyntaxErrors) {
  for (const char* text : {"", "+", "-", ".", "1.2.3", "abc", "1e", "1e+", "1e-", "1ex", " 1", "1 ",
                           "1,5", "--1", "+-1", "1-", "0x10", "e5", ".e5", "1..2", "NaN",
                           "Infinity", "1e5.5", "1e--5", "12a"}) {
    EXPECT_EQ(parse_text(text, 10, 2), "syntax") << "'" << text << "'";
  }
  EXPECT_EQ(decimal::parse("x", 10, 2), std::nullopt);  // the error is optional
}

// ---- rescale

TEST(DecimalTest, RescaleUp) {
  EXPECT_EQ(decimal::rescale(12, 0, 3, 10), Int128{12000});
  EXPECT_EQ(decimal::rescale(-12, 1, 2, 10), Int128{-120});
  EXPECT_EQ(decimal::rescale(12, 2, 2, 10), Int128{12});
  EXPECT_EQ(decimal::rescale(99999, 0, 2, 6), std::nullopt);
  EXPECT_EQ(decimal::rescale(99999, 0, 1, 6), Int128{999990});
  EXPECT_EQ(decimal::rescale(decimal::power_of_ten(37), 0, 2, 38), std::nullopt);  // Int128 overflow
  EXPECT_EQ(decimal::rescale(1, 0, 38, 38), std::nullopt);
  EXPECT_EQ(decimal::rescale(1, 0, 37, 38), decimal::power_of_ten(37));
  EXPECT_EQ(decimal::rescale(0, 0, 39, 38), Int128{0});
  EXPECT_EQ(decimal::rescale(1, 0, 39, 38), std::nullopt);
}

TEST(DecimalTest, RescaleDownRoundsHalfUp) {
  EXPECT_EQ(decimal::rescale(12345, 3, 2, 10), Int128{1235});
  EXPECT_EQ(decimal::rescale(-12345, 3, 2, 10), Int128{-1235});
  EXPECT_EQ(decimal::rescale(12344, 3, 2, 10), Int128{1234});
  EXPECT_EQ(decimal::rescale(-12344, 3, 2, 10), Int128{-1234});
  EXPECT_EQ(decimal::rescale(5, 1, 0, 10), Int128{1});
  EXPECT_EQ(decimal::rescale(-5, 1, 0, 10), Int128{-1});
  EXPECT_EQ(decimal::rescale(4, 1, 0, 10), Int128{0});
  EXPECT_EQ(decimal::rescale(-4, 1, 0, 10), Int128{0});
  EXPECT_EQ(decimal::rescale(15, 1, 0, 10), Int128{2});
  EXPECT_EQ(decimal::rescale(25, 1, 0, 10), Int128{3});
  EXPECT_EQ(decimal::rescale(950, 2, 0, 1), std::nullopt);  // 10 needs two digits
  EXPECT_EQ(decimal::rescale(949, 2, 0, 1), Int128{9});
  EXPECT_EQ(decimal::rescale(12345, 45, 0, 10), Int128{0});
  EXPECT_EQ(decimal::rescale(kMaxInt128, 39, 0, 1), Int128{0});
}

TEST(DecimalTest, RescaleDownFromTheWidestValues) {
  // The remainder is close to the divisor: doubling it would not fit in Int128.
  EXPECT_EQ(decimal::rescale(kMax38, 38, 0, 1), Int128{1});
  EXPECT_EQ(decimal::rescale(-kMax38, 38, 0, 1), Int128{-1});
  EXPECT_EQ(decimal::rescale(kMaxInt128, 38, 0, 1), Int128{2});
  EXPECT_EQ(decimal::rescale(kMinInt128, 38, 0, 1), Int128{-2});
  EXPECT_EQ(decimal::rescale(decimal::power_of_ten(38) / 2, 38, 0, 1), Int128{1});
  EXPECT_EQ(decimal::rescale(decimal::power_of_ten(38) / 2 - 1, 38, 0, 1), Int128{0});
  EXPECT_EQ(decimal::rescale(kMax38, 38, 37, 38), decimal::power_of_ten(37));
}

TEST(DecimalTest, ToDouble) {
  EXPECT_DOUBLE_EQ(decimal::to_double(12345, 2), 123.45);
  EXPECT_DOUBLE_EQ(decimal::to_double(-5, 1), -0.5);
  EXPECT_DOUBLE_EQ(decimal::to_double(0, 10), 0.0);
  EXPECT_DOUBLE_EQ(decimal::to_double(42, 0), 42.0);
  EXPECT_DOUBLE_EQ(decimal::to_double(kMax38, 0), 1e38);
}

// ---- properties

rc::Gen<Int128> decimal_values() {
  // Any value of up to 38 digits, with a bias toward short ones.
  return rc::gen::map(rc::gen::tuple(rc::gen::arbitrary<int64_t>(), rc::gen::arbitrary<uint64_t>(),
                                     rc::gen::inRange(0, 39)),
                      [](const std::tuple<int64_t, uint64_t, int>& t) {
                        Int128 v = (static_cast<Int128>(std::get<0>(t)) << 64) |
                                   static_cast<Int128>(std::get<1>(t));
                        return v % decimal::power_of_ten(std::get<2>(t));
                      });
}

RC_GTEST_PROP(DecimalProperty, TextRoundTrip, ()) {
  const Int128 v = *decimal_values();
  const int scale = *rc::gen::inRange(0, 39);
  const std::string text = dec(v, scale);
  // Exactly `scale` fraction digits.
  const auto point = text.find('.');
  RC_ASSERT((scale == 0) == (point == std::string::npos));
  if (scale > 0) RC_ASSERT(text.size() - point - 1 == static_cast<size_t>(scale));
  ParseError error = ParseError::kSyntax;
  auto back = decimal::parse(text, 38, scale, &error);
  RC_ASSERT(back.has_value());
  RC_ASSERT(error == ParseError::kNone);
  RC_ASSERT(*back == v);
  RC_ASSERT(decimal::int128_to_string(v) == dec(v, 0));
}

RC_GTEST_PROP(DecimalProperty, RescaleDownAgreesWithParsing, ()) {
  // Two independent HALF_UP implementations: integer rescaling and text parsing.
  const Int128 v = *decimal_values();
  const int from = *rc::gen::inRange(0, 39);
  const int to = *rc::gen::inRange(0, from + 1);
  const auto rescaled = decimal::rescale(v, from, to, 38);
  const auto parsed = decimal::parse(dec(v, from), 38, to);
  RC_ASSERT(rescaled == parsed);
}

RC_GTEST_PROP(DecimalProperty, RescaleUpThenDownIsIdentity, ()) {
  const Int128 v = *decimal_values();
  const int from = *rc::gen::inRange(0, 39);
  const int to = *rc::gen::inRange(from, 39);
  const auto up = decimal::rescale(v, from, to, 38);
  if (up.has_value()) {
    RC_ASSERT(decimal::rescale(*up, to, from, 38) == v);
  } else {
    RC_ASSERT(!decimal::fits_precision(v, 38 - (to - from)));
  }
}

}  // namespace
}  // namespace braid
