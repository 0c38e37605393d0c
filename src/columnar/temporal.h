// Dates, times and timestamps: calendar arithmetic, text formatting and parsing.
//
// Dates are days since 1970-01-01 in the proleptic Gregorian calendar; times and timestamps are
// counts of microseconds or nanoseconds (TimeUnit). Negative values floor toward earlier
// instants (-1 us is 1969-12-31 23:59:59.999999). Years before 1 print with a sign ("-0044").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "columnar/data_type.h"

namespace braid::temporal {

inline constexpr int64_t kMicrosPerSecond = 1'000'000;
inline constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;
inline constexpr int64_t kNanosPerSecond = 1'000'000'000;
inline constexpr int64_t kNanosPerDay = 86'400 * kNanosPerSecond;

struct CivilDate {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};

int64_t days_from_civil(int64_t year, int month, int day);
CivilDate civil_from_days(int64_t days);
bool is_valid_civil(int64_t year, int month, int day);
int days_in_month(int64_t year, int month);

inline int64_t units_per_second(TimeUnit unit) {
  return unit == TimeUnit::kNano ? kNanosPerSecond : kMicrosPerSecond;
}
inline int fraction_digits(TimeUnit unit) { return unit == TimeUnit::kNano ? 9 : 6; }

// How timestamps and times are written.
struct TextStyle {
  char date_time_separator = 'T';  // 'T' (ISO, jsonl) or ' ' (SQL, CSV, tables)
  bool fixed_fraction = true;      // always 6/9 digits, or trimmed (none when zero)
  bool zone_suffix = true;         // "Z" after UTC-adjusted values
};

// "YYYY-MM-DD".
void append_date(std::string& out, int64_t days);
// "HH:MM:SS" plus the fraction as the style says; `value` is within one day.
void append_time(std::string& out, int64_t value, TimeUnit unit, const TextStyle& style, bool utc);
// "YYYY-MM-DDTHH:MM:SS.ffffff" (and "Z" when utc and the style asks for it).
void append_timestamp(std::string& out, int64_t value, TimeUnit unit, const TextStyle& style,
                      bool utc);

// Parses "YYYY-MM-DD" (month and day may have one digit; optional leading sign on the year).
std::optional<int32_t> parse_date(std::string_view text);

struct ParsedTimestamp {
  int64_t value;      // in the requested unit, adjusted to UTC when a zone offset was given
  bool has_zone;      // "Z" or "+hh:mm" was present
};
// Parses "YYYY-MM-DD[( |T)HH:MM[:SS[.f{1,9}]]][Z|(+|-)HH[:]MM]". Extra fraction digits beyond
// the unit are truncated.
std::optional<ParsedTimestamp> parse_timestamp(std::string_view text, TimeUnit unit);

// Parses "HH:MM[:SS[.f{1,9}]]" into the unit.
std::optional<int64_t> parse_time(std::string_view text, TimeUnit unit);

}  // namespace braid::temporal
