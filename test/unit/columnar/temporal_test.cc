#include "columnar/temporal.h"

#include <fmt/core.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <limits>

namespace braid {
namespace {

using temporal::TextStyle;

constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr TextStyle kIso{'T', true, true};          // jsonl
constexpr TextStyle kPlain{' ', false, true};       // tables and CSV
constexpr TextStyle kIsoNoZone{'T', true, false};

std::string date(int64_t days) {
  std::string s;
  temporal::append_date(s, days);
  return s;
}

std::string ts(int64_t v, TimeUnit unit, TextStyle style = kIso, bool utc = false) {
  std::string s;
  temporal::append_timestamp(s, v, unit, style, utc);
  return s;
}

std::string time_text(int64_t v, TimeUnit unit, TextStyle style = kIso, bool utc = false) {
  std::string s;
  temporal::append_time(s, v, unit, style, utc);
  return s;
}

// ---- calendar

TEST(TemporalTest, DaysFromCivilKnownValues) {
  EXPECT_EQ(temporal::days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(temporal::days_from_civil(1969, 12, 31), -1);
  EXPECT_EQ(temporal::days_from_civil(2000, 3, 1), 11017);
  EXPECT_EQ(temporal::days_from_civil(2024, 2, 29), 19782);
  EXPECT_EQ(temporal::days_from_civil(2024, 1, 31), 19753);
  EXPECT_EQ(temporal::days_from_civil(1, 1, 1), -719162);
  EXPECT_EQ(temporal::days_from_civil(0, 1, 1), -719528);
  EXPECT_EQ(temporal::days_from_civil(0, 12, 31), -719528 + 365);  // year 0 is a leap year
  EXPECT_EQ(temporal::days_from_civil(-1, 12, 31), -719529);
  EXPECT_EQ(temporal::days_from_civil(-400, 3, 1) - temporal::days_from_civil(-400, 2, 28), 2);
  EXPECT_EQ(temporal::days_from_civil(1900, 3, 1) - temporal::days_from_civil(1900, 2, 28), 1);
  EXPECT_EQ(temporal::days_from_civil(5881580, 7, 11), std::numeric_limits<int32_t>::max());
  EXPECT_EQ(temporal::days_from_civil(-5877641, 6, 23), std::numeric_limits<int32_t>::min());
}

TEST(TemporalTest, CivilFromDaysKnownValues) {
  auto c = temporal::civil_from_days(-719529);
  EXPECT_EQ(c.year, -1);
  EXPECT_EQ(c.month, 12);
  EXPECT_EQ(c.day, 31);
  c = temporal::civil_from_days(19782);
  EXPECT_EQ(c.year, 2024);
  EXPECT_EQ(c.month, 2);
  EXPECT_EQ(c.day, 29);
}

TEST(TemporalTest, LeapYearsAndMonthLengths) {
  EXPECT_EQ(temporal::days_in_month(2024, 2), 29);
  EXPECT_EQ(temporal::days_in_month(2023, 2), 28);
  EXPECT_EQ(temporal::days_in_month(1900, 2), 28);
  EXPECT_EQ(temporal::days_in_month(2000, 2), 29);
  EXPECT_EQ(temporal::days_in_month(0, 2), 29);
  EXPECT_EQ(temporal::days_in_month(-4, 2), 29);
  EXPECT_EQ(temporal::days_in_month(-1, 2), 28);
  EXPECT_EQ(temporal::days_in_month(-100, 2), 28);
  EXPECT_EQ(temporal::days_in_month(-400, 2), 29);
  const int lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (int m = 1; m <= 12; ++m) EXPECT_EQ(temporal::days_in_month(2023, m), lengths[m - 1]) << m;
  EXPECT_TRUE(temporal::is_valid_civil(2024, 2, 29));
  EXPECT_FALSE(temporal::is_valid_civil(2023, 2, 29));
  EXPECT_FALSE(temporal::is_valid_civil(2024, 4, 31));
  EXPECT_FALSE(temporal::is_valid_civil(2024, 0, 1));
  EXPECT_FALSE(temporal::is_valid_civil(2024, 13, 1));
  EXPECT_FALSE(temporal::is_valid_civil(2024, 1, 0));
  EXPECT_FALSE(temporal::is_valid_civil(2024, 1, 32));
  EXPECT_TRUE(temporal::is_valid_civil(-44, 3, 15));
}

RC_GTEST_PROP(TemporalProperty, CivilRoundTripOverAWideRange, ()) {
  const auto days = *rc::gen::inRange<int64_t>(-400'000'000, 400'000'000);
  const auto c = temporal::civil_from_days(days);
  RC_ASSERT(temporal::is_valid_civil(c.year, c.month, c.day));
  RC_ASSERT(temporal::days_from_civil(c.year, c.month, c.day) == days);
  // The next day is the next calendar date.
  const auto n = temporal::civil_from_days(days + 1);
  if (c.day < temporal::days_in_month(c.year, c.month)) {
    RC_ASSERT(n.year == c.year && n.month == c.month && n.day == c.day + 1);
  } else if (c.month < 12) {
    RC_ASSERT(n.year == c.year && n.month == c.month + 1 && n.day == 1);
  } else {
    RC_ASSERT(n.year == c.year + 1 && n.month == 1 && n.day == 1);
  }
}

RC_GTEST_PROP(TemporalProperty, CivilRoundTripFromDates, ()) {
  const auto year = *rc::gen::inRange<int64_t>(-1'000'000, 1'000'000);
  const auto month = *rc::gen::inRange(1, 13);
  const auto day = *rc::gen::inRange(1, temporal::days_in_month(year, month) + 1);
  const auto c = temporal::civil_from_days(temporal::days_from_civil(year, month, day));
  RC_ASSERT(c.year == year);
  RC_ASSERT(c.month == month);
  RC_ASSERT(c.day == day);
}

RC_GTEST_PROP(TemporalProperty, DateTextRoundTrip, ()) {
  // Years of up to six digits, either sign.
  const auto days = *rc::gen::inRange<int64_t>(-365'000'000, 365'000'000);
  const std::string text = date(days);
  const auto back = temporal::parse_date(text);
  RC_ASSERT(back.has_value());
  RC_ASSERT(*back == days);
}

// ---- formatting

TEST(TemporalTest, Dates) {
  EXPECT_EQ(date(0), "1970-01-01");
  EXPECT_EQ(date(-1), "1969-12-31");
  EXPECT_EQ(date(19753), "2024-01-31");
  EXPECT_EQ(date(19782), "2024-02-29");
  EXPECT_EQ(date(temporal::days_from_civil(999, 5, 6)), "0999-05-06");
  EXPECT_EQ(date(temporal::days_from_civil(1, 1, 1)), "0001-01-01");
  EXPECT_EQ(date(temporal::days_from_civil(0, 1, 1)), "0000-01-01");
  EXPECT_EQ(date(temporal::days_from_civil(-1, 12, 31)), "-0001-12-31");
  EXPECT_EQ(date(temporal::days_from_civil(-44, 3, 15)), "-0044-03-15");
  EXPECT_EQ(date(temporal::days_from_civil(-12345, 1, 2)), "-12345-01-02");
  EXPECT_EQ(date(temporal::days_from_civil(10000, 1, 1)), "10000-01-01");
  EXPECT_EQ(date(std::numeric_limits<int32_t>::max()), "5881580-07-11");
  EXPECT_EQ(date(std::numeric_limits<int32_t>::min()), "-5877641-06-23");
}

TEST(TemporalTest, TimesFixedAndTrimmed) {
  EXPECT_EQ(time_text(0, TimeUnit::kMicro), "00:00:00.000000");
  EXPECT_EQ(time_text(0, TimeUnit::kNano), "00:00:00.000000000");
  EXPECT_EQ(time_text(0, TimeUnit::kMicro, kPlain), "00:00:00");
  EXPECT_EQ(time_text(45296789012, TimeUnit::kMicro), "12:34:56.789012");
  EXPECT_EQ(time_text(45296789012345, TimeUnit::kNano), "12:34:56.789012345");
  EXPECT_EQ(time_text(45296500000, TimeUnit::kMicro, kPlain), "12:34:56.5");
  EXPECT_EQ(time_text(45296000001, TimeUnit::kMicro, kPlain), "12:34:56.000001");
  EXPECT_EQ(time_text(45296000000100, TimeUnit::kNano, kPlain), "12:34:56.0000001");
  EXPECT_EQ(time_text(temporal::kMicrosPerDay - 1, TimeUnit::kMicro), "23:59:59.999999");
  EXPECT_EQ(time_text(temporal::kNanosPerDay - 1, TimeUnit::kNano), "23:59:59.999999999");
}

TEST(TemporalTest, TimeZoneSuffix) {
  EXPECT_EQ(time_text(1000, TimeUnit::kMicro, kIso, true), "00:00:00.001000Z");
  EXPECT_EQ(time_text(1000, TimeUnit::kMicro, kIsoNoZone, true), "00:00:00.001000");
  EXPECT_EQ(time_text(1000, TimeUnit::kMicro, kIso, false), "00:00:00.001000");
  EXPECT_EQ(time_text(0, TimeUnit::kNano, kPlain, true), "00:00:00Z");
}

TEST(TemporalTest, TimesOutsideOneDayWrap) {
  EXPECT_EQ(time_text(-1, TimeUnit::kMicro), "23:59:59.999999");
  EXPECT_EQ(time_text(temporal::kMicrosPerDay, TimeUnit::kMicro), "00:00:00.000000");
  EXPECT_EQ(time_text(kInt64Min, TimeUnit::kNano), "00:12:43.145224192");
  EXPECT_EQ(time_text(kInt64Max, TimeUnit::kNano), "23:47:16.854775807");
  EXPECT_EQ(time_text(kInt64Min, TimeUnit::kMicro), "19:59:05.224192");
}

TEST(TemporalTest, TimestampsMicroAndNano) {
  EXPECT_EQ(ts(0, TimeUnit::kMicro), "1970-01-01T00:00:00.000000");
  EXPECT_EQ(ts(0, TimeUnit::kNano), "1970-01-01T00:00:00.000000000");
  EXPECT_EQ(ts(1735689600000000, TimeUnit::kMicro), "2025-01-01T00:00:00.000000");
  EXPECT_EQ(ts(1735689600000000, TimeUnit::kMicro, kPlain), "2025-01-01 00:00:00");
  EXPECT_EQ(ts(1735689600123000, TimeUnit::kMicro, kPlain, true), "2025-01-01 00:00:00.123Z");
  EXPECT_EQ(ts(1706696430123456789, TimeUnit::kNano), "2024-01-31T10:20:30.123456789");
  EXPECT_EQ(ts(1706696430123456789, TimeUnit::kNano, kIso, true), "2024-01-31T10:20:30.123456789Z");
  EXPECT_EQ(ts(1706696430123456789, TimeUnit::kNano, kIsoNoZone, true), "2024-01-31T10:20:30.123456789");
  EXPECT_EQ(ts(1706696430100000000, TimeUnit::kNano, kPlain), "2024-01-31 10:20:30.1");
}

TEST(TemporalTest, TimestampsBeforeTheEpochFloor) {
  EXPECT_EQ(ts(-1, TimeUnit::kMicro), "1969-12-31T23:59:59.999999");
  EXPECT_EQ(ts(-1, TimeUnit::kNano, kIso, true), "1969-12-31T23:59:59.999999999Z");
  EXPECT_EQ(ts(-1000000, TimeUnit::kMicro), "1969-12-31T23:59:59.000000");
  EXPECT_EQ(ts(-1000000, TimeUnit::kMicro, kPlain), "1969-12-31 23:59:59");
  EXPECT_EQ(ts(-1000001, TimeUnit::kMicro), "1969-12-31T23:59:58.999999");
  EXPECT_EQ(ts(-temporal::kMicrosPerDay, TimeUnit::kMicro), "1969-12-31T00:00:00.000000");
  EXPECT_EQ(ts(-temporal::kMicrosPerDay - 1, TimeUnit::kMicro), "1969-12-30T23:59:59.999999");
  // Julius Caesar's last day.
  const int64_t ides = temporal::days_from_civil(-44, 3, 15) * temporal::kMicrosPerDay +
                       12 * 3600 * temporal::kMicrosPerSecond;
  EXPECT_EQ(ts(ides, TimeUnit::kMicro), "-0044-03-15T12:00:00.000000");
}

TEST(TemporalTest, TimestampsAtTheEndsOfInt64) {
  EXPECT_EQ(ts(kInt64Max, TimeUnit::kNano), "2262-04-11T23:47:16.854775807");
  EXPECT_EQ(ts(kInt64Min, TimeUnit::kNano), "1677-09-21T00:12:43.145224192");
  EXPECT_EQ(ts(kInt64Max, TimeUnit::kMicro), "294247-01-10T04:00:54.775807");
  EXPECT_EQ(ts(kInt64Min, TimeUnit::kMicro), "-290308-12-21T19:59:05.224192");
}

// ---- parsing

TEST(TemporalTest, ParseDateAccepts) {
  EXPECT_EQ(temporal::parse_date("1970-01-01"), 0);
  EXPECT_EQ(temporal::parse_date("2024-01-05"), temporal::days_from_civil(2024, 1, 5));
  EXPECT_EQ(temporal::parse_date("2024-1-5"), temporal::days_from_civil(2024, 1, 5));
  EXPECT_EQ(temporal::parse_date("+2024-01-05"), temporal::days_from_civil(2024, 1, 5));
  EXPECT_EQ(temporal::parse_date("2024-02-29"), 19782);
  EXPECT_EQ(temporal::parse_date("-0044-03-15"), temporal::days_from_civil(-44, 3, 15));
  EXPECT_EQ(temporal::parse_date("0000-01-01"), temporal::days_from_civil(0, 1, 1));
  EXPECT_EQ(temporal::parse_date("1-1-1"), temporal::days_from_civil(1, 1, 1));
  EXPECT_EQ(temporal::parse_date("999999-12-31"), temporal::days_from_civil(999999, 12, 31));
  EXPECT_EQ(temporal::parse_date("-999999-01-01"), temporal::days_from_civil(-999999, 1, 1));
}

TEST(TemporalTest, ParseDateRejects) {
  for (const char* text :
       {"", "2024", "2024-01", "2024-01-", "-", "+", "2024-13-01", "2024-00-01", "2024-01-00",
        "2024-01-32", "2023-02-29", "1900-02-29", "2024-04-31", "2024-01-01x", " 2024-01-01",
        "2024-01-01 ", "2024/01/01", "1234567-01-01", "2024-001-01", "2024-01-001", "--2024-01-01",
        "2024-01-01T00:00", "2024-+1-01", "a024-01-01", "2024-0a-01"}) {
    EXPECT_EQ(temporal::parse_date(text), std::nullopt) << text;
  }
}

int64_t micros(int64_t y, int mo, int d, int h, int mi, int s, int64_t frac = 0) {
  return temporal::days_from_civil(y, mo, d) * temporal::kMicrosPerDay +
         ((h * 60 + mi) * 60 + s) * temporal::kMicrosPerSecond + frac;
}

TEST(TemporalTest, ParseTimestampAccepts) {
  struct Case {
    const char* text;
    int64_t value;
    bool zone;
  };
  const Case cases[] = {
      {"2024-01-31", micros(2024, 1, 31, 0, 0, 0), false},
      {"2024-01-31 10:20", micros(2024, 1, 31, 10, 20, 0), false},
      {"2024-01-31T10:20:30", micros(2024, 1, 31, 10, 20, 30), false},
      {"2024-01-31 1:02:03", micros(2024, 1, 31, 1, 2, 3), false},
      {"2024-01-31 10:20:30.5", micros(2024, 1, 31, 10, 20, 30, 500000), false},
      {"2024-01-31 10:20:30.123456", micros(2024, 1, 31, 10, 20, 30, 123456), false},
      {"2024-01-31 10:20:30.1234569", micros(2024, 1, 31, 10, 20, 30, 123456), false},  // truncated
      {"2024-01-31 10:20:30.123456999999999999999999999999", micros(2024, 1, 31, 10, 20, 30, 123456), false},
      {"2024-01-31T10:20:30Z", micros(2024, 1, 31, 10, 20, 30), true},
      {"2024-01-31T10:20:30z", micros(2024, 1, 31, 10, 20, 30), true},
      {"2024-01-31 10:20:30 UTC", micros(2024, 1, 31, 10, 20, 30), true},
      {"2024-01-31 10:20:30UTC", micros(2024, 1, 31, 10, 20, 30), true},
      {"2024-01-31T10:20:30+02:00", micros(2024, 1, 31, 8, 20, 30), true},
      {"2024-01-31T10:20:30 +02:00", micros(2024, 1, 31, 8, 20, 30), true},
      {"2024-01-31T10:20:30+0200", micros(2024, 1, 31, 8, 20, 30), true},
      {"2024-01-31T10:20:30+02", micros(2024, 1, 31, 8, 20, 30), true},
      {"2024-01-31T10:20:30-05:30", micros(2024, 1, 31, 15, 50, 30), true},
      {"2024-01-31T00:30:00+01:00", micros(2024, 1, 30, 23, 30, 0), true},  // the day before
      {"2024-01-31T10:20:30.25+18:00", micros(2024, 1, 30, 16, 20, 30, 250000), true},
      {"1969-12-31T23:59:59.999999", -1, false},
      {"-0044-03-15T12:00:00", micros(-44, 3, 15, 12, 0, 0), false},
  };
  for (const auto& c : cases) {
    auto p = temporal::parse_timestamp(c.text, TimeUnit::kMicro);
    ASSERT_TRUE(p.has_value()) << c.text;
    EXPECT_EQ(p->value, c.value) << c.text;
    EXPECT_EQ(p->has_zone, c.zone) << c.text;
  }
}

TEST(TemporalTest, ParseTimestampNanos) {
  auto p = temporal::parse_timestamp("2024-01-31 10:20:30.123456789", TimeUnit::kNano);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->value, 1706696430123456789);
  p = temporal::parse_timestamp("2024-01-31 10:20:30.1234567891", TimeUnit::kNano);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->value, 1706696430123456789);
  p = temporal::parse_timestamp("1969-12-31T23:59:59.999999999Z", TimeUnit::kNano);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->value, -1);
  EXPECT_TRUE(p->has_zone);
}

TEST(TemporalTest, ParseTimestampRejects) {
  for (const char* text :
       {"", "2024-01-31T", "2024-01-31 ", "2024-01-31 10", "2024-01-31 10:2", "2024-01-31 10:20:3",
        "2024-01-31 24:00", "2024-01-31 10:60", "2024-01-31 10:20:60", "2024-01-31 100:00",
        "2024-01-31 10:20:30.", "2024-01-31 10:20:30.x", "2024-01-31 10:20:30+",
        "2024-01-31 10:20:30+2", "2024-01-31 10:20:30+19:00", "2024-01-31 10:20:30+02:60",
        "2024-01-31 10:20:30+02:", "2024-01-31 10:20:30+02:0", "2024-01-31 10:20:30 x",
        "2024-01-31Z", "2024-01-31 10:20:30Zjunk", "2024-01-31 10:20:30UTCx",
        "2024-01-31 10:20:30 ", "2024-01-31 10:20:30Z ", "2024-02-30 00:00:00", "2024-01-31_10:20",
        "2024-01-31t10:20", "2024-01-31  10:20"}) {
    EXPECT_EQ(temporal::parse_timestamp(text, TimeUnit::kMicro).has_value(), false) << text;
  }
}

TEST(TemporalTest, ParseTimestampRejectsOverflow) {
  EXPECT_FALSE(temporal::parse_timestamp("3000-01-01 00:00:00", TimeUnit::kNano));
  EXPECT_FALSE(temporal::parse_timestamp("1000-01-01 00:00:00", TimeUnit::kNano));
  EXPECT_FALSE(temporal::parse_timestamp("999999-01-01", TimeUnit::kMicro));
  EXPECT_FALSE(temporal::parse_timestamp("-999999-01-01", TimeUnit::kMicro));
  // The exact ends of int64 nanoseconds.
  auto max = temporal::parse_timestamp("2262-04-11T23:47:16.854775807", TimeUnit::kNano);
  ASSERT_TRUE(max);
  EXPECT_EQ(max->value, kInt64Max);
  EXPECT_FALSE(temporal::parse_timestamp("2262-04-11T23:47:16.854775808", TimeUnit::kNano));
  EXPECT_FALSE(temporal::parse_timestamp("2262-04-11T23:47:16.854775807-00:01", TimeUnit::kNano));
  auto min = temporal::parse_timestamp("1677-09-21T00:12:43.145224192", TimeUnit::kNano);
  ASSERT_TRUE(min);
  EXPECT_EQ(min->value, kInt64Min);
  EXPECT_FALSE(temporal::parse_timestamp("1677-09-21T00:12:43.145224191", TimeUnit::kNano));
  EXPECT_FALSE(temporal::parse_timestamp("1677-09-21T00:12:43.145224192+00:01", TimeUnit::kNano));
  auto min_micros = temporal::parse_timestamp("-290308-12-21T19:59:05.224192", TimeUnit::kMicro);
  ASSERT_TRUE(min_micros);
  EXPECT_EQ(min_micros->value, kInt64Min);
}

TEST(TemporalTest, ParseTimeAccepts) {
  EXPECT_EQ(temporal::parse_time("00:00", TimeUnit::kMicro), 0);
  EXPECT_EQ(temporal::parse_time("1:02", TimeUnit::kMicro), int64_t{3720000000});
  EXPECT_EQ(temporal::parse_time("01:02:03", TimeUnit::kMicro), int64_t{3723000000});
  EXPECT_EQ(temporal::parse_time("01:02:03.5", TimeUnit::kMicro), int64_t{3723500000});
  EXPECT_EQ(temporal::parse_time("01:02:03.5", TimeUnit::kNano), int64_t{3723500000000});
  EXPECT_EQ(temporal::parse_time("23:59:59.999999999", TimeUnit::kNano), temporal::kNanosPerDay - 1);
  EXPECT_EQ(temporal::parse_time("23:59:59.999999999", TimeUnit::kMicro), temporal::kMicrosPerDay - 1);
  EXPECT_EQ(temporal::parse_time("12:00:00.0000001239999999999999999999999", TimeUnit::kNano),
            int64_t{12} * 3600 * temporal::kNanosPerSecond + 123);
}

TEST(TemporalTest, ParseTimeRejects) {
  for (const char* text : {"", "12", "12:0", "12:", "12:00:", "12:00:0", "24:00", "12:60",
                           "12:00:60", "12:00:00.", "12:00:00Z", "-01:00", " 12:00", "12:00 ",
                           "123:00", "12-00", "12:00:00.1.2"}) {
    EXPECT_EQ(temporal::parse_time(text, TimeUnit::kMicro), std::nullopt) << text;
  }
}

// Any instant prints and parses back to itself, in either unit and either style.
RC_GTEST_PROP(TemporalProperty, TimestampTextRoundTrip, ()) {
  const auto value = *rc::gen::oneOf(rc::gen::arbitrary<int64_t>(),
                                     rc::gen::inRange<int64_t>(-4'000'000'000'000'000, 4'000'000'000'000'000),
                                     rc::gen::element(kInt64Min, kInt64Max, int64_t{-1}, int64_t{0}));
  const auto unit = *rc::gen::element(TimeUnit::kMicro, TimeUnit::kNano);
  const bool utc = *rc::gen::arbitrary<bool>();
  const auto style = *rc::gen::element(kIso, kPlain, kIsoNoZone);
  const std::string text = ts(value, unit, style, utc);
  const auto back = temporal::parse_timestamp(text, unit);
  RC_ASSERT(back.has_value());
  RC_ASSERT(back->value == value);
  RC_ASSERT(back->has_zone == (utc && style.zone_suffix));
}

RC_GTEST_PROP(TemporalProperty, ZoneOffsetsShiftTheInstant, ()) {
  const auto local = *rc::gen::inRange<int64_t>(-2'000'000'000'000'000, 2'000'000'000'000'000);
  const auto hours = *rc::gen::inRange(0, 19);
  const auto minutes = *rc::gen::inRange(0, 60);
  const bool negative = *rc::gen::arbitrary<bool>();
  const std::string text = ts(local, TimeUnit::kMicro, kIsoNoZone) +
                           fmt::format("{}{:02}:{:02}", negative ? '-' : '+', hours, minutes);
  const auto parsed = temporal::parse_timestamp(text, TimeUnit::kMicro);
  RC_ASSERT(parsed.has_value());
  RC_ASSERT(parsed->has_zone);
  const int64_t offset = (hours * 3600 + minutes * 60) * temporal::kMicrosPerSecond;
  RC_ASSERT(parsed->value == local + (negative ? offset : -offset));
}

RC_GTEST_PROP(TemporalProperty, TimeTextRoundTrip, ()) {
  const auto unit = *rc::gen::element(TimeUnit::kMicro, TimeUnit::kNano);
  const int64_t per_day = unit == TimeUnit::kNano ? temporal::kNanosPerDay : temporal::kMicrosPerDay;
  const auto value = *rc::gen::inRange<int64_t>(0, per_day);
  const auto style = *rc::gen::element(kIso, kPlain);
  const auto back = temporal::parse_time(time_text(value, unit, style, false), unit);
  RC_ASSERT(back.has_value());
  RC_ASSERT(*back == value);
}

}  // namespace
}  // namespace braid
