#include "columnar/temporal.h"

#include <fmt/core.h>

#include "columnar/physical_types.h"
#include "common/floor_division.h"

namespace braid::temporal {

namespace {

void append_digits(std::string& out, int64_t value, int width) {
  char buf[24];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value > 0);
  for (int i = n; i < width; ++i) out += '0';
  while (n > 0) out += buf[--n];
}

void append_fraction(std::string& out, int64_t frac, TimeUnit unit, bool fixed) {
  int digits = fraction_digits(unit);
  if (!fixed) {
    if (frac == 0) return;
    while (frac % 10 == 0) {
      frac /= 10;
      --digits;
    }
  }
  out += '.';
  append_digits(out, frac, digits);
}

// A cursor over text being parsed.
struct Scanner {
  std::string_view s;
  size_t pos = 0;
  bool done() const { return pos >= s.size(); }
  char peek() const { return done() ? '\0' : s[pos]; }
  bool take(char c) {
    if (peek() == c) {
      ++pos;
      return true;
    }
    return false;
  }
  // Reads between min and max decimal digits.
  bool digits(int min, int max, int64_t& value, int* count = nullptr) {
    int n = 0;
    value = 0;
    while (n < max && !done() && s[pos] >= '0' && s[pos] <= '9') {
      value = value * 10 + (s[pos] - '0');
      ++pos;
      ++n;
    }
    if (count) *count = n;
    return n >= min;
  }
};

bool parse_date_part(Scanner& sc, int64_t& days) {
  bool negative = false;
  if (sc.take('-')) {
    negative = true;
  } else {
    sc.take('+');
  }
  int64_t year, month, day;
  if (!sc.digits(1, 6, year)) return false;
  if (negative) year = -year;
  if (!sc.take('-') || !sc.digits(1, 2, month) || !sc.take('-') || !sc.digits(1, 2, day)) {
    return false;
  }
  if (!is_valid_civil(year, static_cast<int>(month), static_cast<int>(day))) return false;
  days = days_from_civil(year, static_cast<int>(month), static_cast<int>(day));
  return true;
}

// HH:MM[:SS[.fffffffff]] into nanoseconds of the day.
bool parse_time_part(Scanner& sc, int64_t& nanos) {
  int64_t h, m, sec = 0, frac = 0;
  if (!sc.digits(1, 2, h) || !sc.take(':') || !sc.digits(2, 2, m)) return false;
  if (sc.take(':')) {
    if (!sc.digits(2, 2, sec)) return false;
    if (sc.take('.')) {
      int n;
      if (!sc.digits(1, 9, frac, &n)) return false;
      for (int i = n; i < 9; ++i) frac *= 10;
      while (sc.peek() >= '0' && sc.peek() <= '9') ++sc.pos;  // digits past nanoseconds: truncated
    }
  }
  if (h > 23 || m > 59 || sec > 59) return false;
  nanos = ((h * 60 + m) * 60 + sec) * kNanosPerSecond + frac;
  return true;
}

bool to_unit(int64_t days, int64_t nanos_of_day, int64_t offset_seconds, TimeUnit unit,
             int64_t& out) {
  const int64_t per_day = unit == TimeUnit::kNano ? kNanosPerDay : kMicrosPerDay;
  const int64_t of_day = unit == TimeUnit::kNano ? nanos_of_day : nanos_of_day / 1000;
  const int64_t offset = offset_seconds * units_per_second(unit);
  // In 128 bits: days * per_day alone may leave int64 on the earliest day that still fits.
  const Int128 v = Int128{days} * per_day + of_day - offset;
  if (v < INT64_MIN || v > INT64_MAX) return false;
  out = static_cast<int64_t>(v);
  return true;
}

}  // namespace

int64_t days_from_civil(int64_t year, int month, int day) {
  // Shift the year to start in March so the leap day is last (Gregorian 400-year eras).
  const int64_t y = year - (month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t year_of_era = y - era * 400;
  const int64_t mp = month > 2 ? month - 3 : month + 9;
  const int64_t day_of_year = (153 * mp + 2) / 5 + day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

CivilDate civil_from_days(int64_t days) {
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t day_of_era = z - era * 146097;
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t mp = (5 * day_of_year + 2) / 153;
  const int day = static_cast<int>(day_of_year - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {year_of_era + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

int days_in_month(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2) {
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return leap ? 29 : 28;
  }
  return kDays[month - 1];
}

bool is_valid_civil(int64_t year, int month, int day) {
  return month >= 1 && month <= 12 && day >= 1 && day <= days_in_month(year, month);
}

void append_date(std::string& out, int64_t days) {
  CivilDate d = civil_from_days(days);
  if (d.year < 0) {
    out += '-';
    append_digits(out, -d.year, 4);
  } else {
    append_digits(out, d.year, 4);
  }
  out += '-';
  append_digits(out, d.month, 2);
  out += '-';
  append_digits(out, d.day, 2);
}

void append_time(std::string& out, int64_t value, TimeUnit unit, const TextStyle& style,
                 bool utc) {
  const int64_t per_second = units_per_second(unit);
  const int64_t of_day = floor_mod(value, 86400 * per_second);
  const int64_t seconds = of_day / per_second;
  const int64_t frac = of_day % per_second;
  append_digits(out, seconds / 3600, 2);
  out += ':';
  append_digits(out, seconds / 60 % 60, 2);
  out += ':';
  append_digits(out, seconds % 60, 2);
  append_fraction(out, frac, unit, style.fixed_fraction);
  if (utc && style.zone_suffix) out += 'Z';
}

void append_timestamp(std::string& out, int64_t value, TimeUnit unit, const TextStyle& style,
                      bool utc) {
  const int64_t per_day = unit == TimeUnit::kNano ? kNanosPerDay : kMicrosPerDay;
  append_date(out, floor_div(value, per_day));
  out += style.date_time_separator;
  append_time(out, floor_mod(value, per_day), unit, style, utc);
}

std::optional<int32_t> parse_date(std::string_view text) {
  Scanner sc{text};
  int64_t days;
  if (!parse_date_part(sc, days) || !sc.done()) return std::nullopt;
  if (days < INT32_MIN || days > INT32_MAX) return std::nullopt;
  return static_cast<int32_t>(days);
}

std::optional<ParsedTimestamp> parse_timestamp(std::string_view text, TimeUnit unit) {
  Scanner sc{text};
  int64_t days, nanos = 0, offset_seconds = 0;
  bool has_zone = false;
  if (!parse_date_part(sc, days)) return std::nullopt;
  if (sc.take(' ') || sc.take('T')) {
    if (!parse_time_part(sc, nanos)) return std::nullopt;
    const size_t after_time = sc.pos;
    while (sc.take(' ')) {  // spaces may separate the zone ("10:00:00 UTC")
    }
    if (sc.take('Z') || sc.take('z')) {
      has_zone = true;
    } else if (sc.s.substr(sc.pos) == "UTC") {
      sc.pos += 3;
      has_zone = true;
    } else if (sc.peek() == '+' || sc.peek() == '-') {
      bool negative = sc.peek() == '-';
      ++sc.pos;
      int64_t hh, mm = 0;
      if (!sc.digits(2, 2, hh)) return std::nullopt;
      const bool colon = sc.take(':');
      if ((colon || !sc.done()) && !sc.digits(2, 2, mm)) return std::nullopt;
      if (hh > 18 || mm > 59) return std::nullopt;
      offset_seconds = (hh * 3600 + mm * 60) * (negative ? -1 : 1);
      has_zone = true;
    } else {
      sc.pos = after_time;  // trailing spaces without a zone are not part of a timestamp
    }
  }
  if (!sc.done()) return std::nullopt;
  ParsedTimestamp out{0, has_zone};
  if (!to_unit(days, nanos, offset_seconds, unit, out.value)) return std::nullopt;
  return out;
}

std::optional<int64_t> parse_time(std::string_view text, TimeUnit unit) {
  Scanner sc{text};
  int64_t nanos;
  if (!parse_time_part(sc, nanos) || !sc.done()) return std::nullopt;
  return unit == TimeUnit::kNano ? nanos : nanos / 1000;
}

}  // namespace braid::temporal
