#include "formats/csv/internal/value_parsers.h"

#include <fast_float/fast_float.h>

#include "columnar/temporal.h"

namespace braid::csv::internal {

namespace {

bool iequals_ascii(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
    if (c != lower[i]) return false;
  }
  return true;
}

inline bool is_digit(char c) { return static_cast<unsigned>(c - '0') <= 9; }

inline int two_digits(const char* p) { return (p[0] - '0') * 10 + (p[1] - '0'); }

// Fixed "YYYY-MM-DD" (the shape nearly every file uses), or nullopt to try the general parser.
inline bool fixed_date(const char* s, int64_t* days) {
  if (!is_digit(s[0]) || !is_digit(s[1]) || !is_digit(s[2]) || !is_digit(s[3]) || s[4] != '-' ||
      !is_digit(s[5]) || !is_digit(s[6]) || s[7] != '-' || !is_digit(s[8]) || !is_digit(s[9])) {
    return false;
  }
  const int64_t year = two_digits(s) * 100 + two_digits(s + 2);
  const int month = two_digits(s + 5);
  const int day = two_digits(s + 8);
  if (month < 1 || month > 12 || day < 1 || day > 28) {
    if (!temporal::is_valid_civil(year, month, day)) return false;
  }
  *days = temporal::days_from_civil(year, month, day);
  return true;
}

template <typename T>
bool parse_floating(std::string_view s, T* out) {
  const char* first = s.data();
  const char* last = first + s.size();
  if (first == last) return false;
  if (*first == '+') ++first;  // fast_float, like std::from_chars, refuses a leading '+'
  auto r = fast_float::from_chars(first, last, *out);
  return r.ec == std::errc() && r.ptr == last;
}

}  // namespace

bool parse_bool(std::string_view s, bool* out) {
  if (iequals_ascii(s, "true")) {
    *out = true;
    return true;
  }
  if (iequals_ascii(s, "false")) {
    *out = false;
    return true;
  }
  return false;
}

bool parse_double(std::string_view s, double* out) { return parse_floating(s, out); }
bool parse_float(std::string_view s, float* out) { return parse_floating(s, out); }

std::optional<int32_t> parse_date(std::string_view s) {
  int64_t days;
  if (s.size() == 10 && fixed_date(s.data(), &days)) return static_cast<int32_t>(days);
  return temporal::parse_date(s);
}

std::optional<int64_t> parse_timestamp(std::string_view s, TimeUnit unit) {
  // "YYYY-MM-DD HH:MM:SS" with an optional fraction of up to 9 digits and no zone: the same
  // result as temporal::parse_timestamp, without its general scanner.
  const char* p = s.data();
  const size_t n = s.size();
  int64_t days;
  if (n >= 19 && (p[10] == ' ' || p[10] == 'T') && is_digit(p[11]) && is_digit(p[12]) &&
      p[13] == ':' && is_digit(p[14]) && is_digit(p[15]) && p[16] == ':' && is_digit(p[17]) &&
      is_digit(p[18]) && fixed_date(p, &days)) {
    const int hour = two_digits(p + 11), minute = two_digits(p + 14), second = two_digits(p + 17);
    int64_t nanos = 0;
    bool fast = hour <= 23 && minute <= 59 && second <= 59;
    if (fast && n > 19) {
      const size_t digits = n - 20;
      fast = p[19] == '.' && digits >= 1 && digits <= 9;
      for (size_t i = 20; fast && i < n; ++i) {
        if (!is_digit(p[i])) {
          fast = false;
        } else {
          nanos = nanos * 10 + (p[i] - '0');
        }
      }
      for (size_t i = digits; fast && i < 9; ++i) nanos *= 10;
    }
    if (fast) {
      const int64_t second_of_day = (hour * 60 + minute) * 60 + second;
      const int64_t per_second = temporal::units_per_second(unit);
      const int64_t of_day =
          second_of_day * per_second + (unit == TimeUnit::kNano ? nanos : nanos / 1000);
      int64_t v;
      if (__builtin_mul_overflow(days, 86'400 * per_second, &v) ||
          __builtin_add_overflow(v, of_day, &v)) {
        return std::nullopt;
      }
      return v;
    }
  }
  auto parsed = temporal::parse_timestamp(s, unit);
  if (!parsed) return std::nullopt;
  return parsed->value;
}

unsigned refine_candidates(unsigned candidates, std::string_view s) {
  unsigned found = 0;
  if (candidates & kInferBoolean) {
    bool b;
    if (parse_bool(s, &b)) found |= kInferBoolean;
  }
  if (candidates & (kInferInt32 | kInferInt64 | kInferDouble)) {
    int64_t v;
    if (parse_integer(s, &v) == IntParse::kOk) {
      found |= kInferInt64 | kInferDouble;
      if (v >= INT32_MIN && v <= INT32_MAX) found |= kInferInt32;
    } else if (candidates & kInferDouble) {
      // A digit is required, so that words like "nan" or "Infinity" keep a column a string.
      bool digit = false;
      for (char c : s) digit |= is_digit(c);
      double d;
      if (digit && parse_double(s, &d)) found |= kInferDouble;
    }
  }
  if ((candidates & (kInferDate | kInferTimestamp)) && s.size() >= 8 && is_digit(s[0]) &&
      is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3]) && s[4] == '-') {
    if ((candidates & kInferDate) && parse_date(s)) found |= kInferDate;
    if ((candidates & kInferTimestamp) && parse_timestamp(s, TimeUnit::kMicro)) {
      found |= kInferTimestamp;
    }
  }
  return candidates & found;
}

TypePtr inferred_type(unsigned candidates, bool any_value) {
  if (!any_value) return string_type();
  if (candidates & kInferBoolean) return boolean();
  if (candidates & kInferInt32) return int32();
  if (candidates & kInferInt64) return int64();
  if (candidates & kInferDouble) return float64();
  if (candidates & kInferDate) return date32();
  if (candidates & kInferTimestamp) return timestamp(TimeUnit::kMicro, "UTC");
  return string_type();
}

}  // namespace braid::csv::internal
