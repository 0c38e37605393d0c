#include "formats/csv/internal/value_parsers.h"

#include <fast_float/fast_float.h>

#include <algorithm>

#include "columnar/temporal.h"
#include "common/ascii.h"

namespace braid::csv::internal {

namespace {

template <typename T>
bool parse_floating(std::string_view s, T* out) {
  const char* first = s.data();
  const char* last = first + s.size();
  if (first == last) return false;
  if (*first == '+') {
    // fast_float, like std::from_chars, refuses a leading '+' (and "+-1" must stay an error).
    if (++first == last || *first == '-') return false;
  }
  auto r = fast_float::from_chars(first, last, *out);
  return r.ec == std::errc() && r.ptr == last;
}

}  // namespace

bool parse_bool(std::string_view s, bool* out) {
  if (ascii::iequals(s, "true")) {
    *out = true;
    return true;
  }
  if (ascii::iequals(s, "false")) {
    *out = false;
    return true;
  }
  return false;
}

bool parse_double_general(std::string_view s, double* out) { return parse_floating(s, out); }
bool parse_float(std::string_view s, float* out) { return parse_floating(s, out); }

bool parse_date_general(std::string_view s, int32_t* out) {
  auto d = temporal::parse_date(s);
  if (!d) return false;
  *out = *d;
  return true;
}

bool parse_timestamp_general(std::string_view s, TimeUnit unit, int64_t* out) {
  auto t = temporal::parse_timestamp(s, unit);
  if (!t) return false;
  *out = t->value;
  return true;
}

namespace {

// Whether a double holds v exactly.
bool double_holds(int64_t v) {
  const auto d = static_cast<double>(v);
  // 2^63 rounds up out of range; any other double in [-2^63, 2^63) converts back.
  return d < 9223372036854775808.0 && static_cast<int64_t>(d) == v;
}

// "[+-]digits" or "[+-]digits.digits" (digits on at least one side of the point), with its
// significant integer digits (leading zeros not counted) and its fraction digits.
bool plain_decimal(std::string_view s, int* integer_digits, int* fraction_digits, bool* point) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  const size_t digits_start = i;
  while (i < s.size() && s[i] == '0') ++i;
  const size_t significant = i;
  while (i < s.size() && is_digit(s[i])) ++i;
  bool any = i > digits_start;
  *integer_digits = static_cast<int>(std::min<size_t>(i - significant, 1000));
  *point = false;
  *fraction_digits = 0;
  if (i < s.size() && s[i] == '.') {
    *point = true;
    const size_t start = ++i;
    while (i < s.size() && is_digit(s[i])) ++i;
    *fraction_digits = static_cast<int>(std::min<size_t>(i - start, 1000));
    any |= i > start;
  }
  return any && i == s.size();
}

}  // namespace

bool is_inexact_integer(std::string_view s) {
  int integer_digits, fraction_digits;
  bool point;
  if (!plain_decimal(s, &integer_digits, &fraction_digits, &point) || point) return false;
  if (integer_digits < 16) return false;  // below 10^15 < 2^53
  int64_t i;
  // Beyond 64 bits counts as inexact (a few such integers are doubles exactly, most are not).
  return parse_integer(s, &i) != IntParse::kOk || !double_holds(i);
}

void ColumnInference::add(std::string_view s) {
  any_value = true;
  unsigned found = 0;
  if (candidates & kInferBoolean) {
    bool b;
    if (parse_bool(s, &b)) found |= kInferBoolean;
  }
  if (candidates & (kInferInt32 | kInferInt64 | kInferDecimal | kInferDouble)) {
    int64_t v;
    int digits, fraction_digits;
    bool point;
    const IntParse integer = parse_integer(s, &v);
    if (integer == IntParse::kOk) {
      found |= kInferInt64 | kInferDecimal | kInferDouble;
      if (v >= INT32_MIN && v <= INT32_MAX) found |= kInferInt32;
      const uint64_t magnitude = v < 0 ? uint64_t{0} - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
      digits = 1;
      for (uint64_t rest = magnitude; rest >= 10; rest /= 10) ++digits;
      integer_digits = std::max(integer_digits, digits);
      if (!double_holds(v)) inexact_integer = true;
    } else if (integer == IntParse::kRange) {
      plain_decimal(s, &digits, &fraction_digits, &point);
      // Beyond bigint: decimal(p,0) up to 38 digits, never a double (it would round).
      if (digits <= 38) found |= kInferDecimal | kInferDouble;
      integer_digits = std::max(integer_digits, digits);
      inexact_integer = true;
    } else if (candidates & (kInferDecimal | kInferDouble)) {
      // A digit is required, so that words like "nan" or "Infinity" keep a column a string.
      bool digit = false;
      for (char c : s) digit |= is_digit(c);
      double d;
      if (digit && parse_double(s, &d)) {
        found |= kInferDouble;
        fraction = true;
        if (plain_decimal(s, &digits, &fraction_digits, &point)) {
          found |= kInferDecimal;
          integer_digits = std::max(integer_digits, digits);
          scale = std::max(scale, fraction_digits);
        }
      }
    }
  }
  if ((candidates & (kInferDate | kInferTimestamp)) && s.size() >= 8 && is_digit(s[0]) &&
      is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3]) && s[4] == '-') {
    int32_t days;
    int64_t micros;
    if ((candidates & kInferDate) && parse_date(s, &days)) found |= kInferDate;
    if ((candidates & kInferTimestamp) && parse_timestamp(s, TimeUnit::kMicro, &micros)) {
      found |= kInferTimestamp;
    }
  }
  candidates &= found;
}

TypePtr ColumnInference::type() const {
  if (!any_value) return string_type();
  if (candidates & kInferBoolean) return boolean();
  if (candidates & kInferInt32) return int32();
  if (candidates & kInferInt64) return int64();
  if (candidates & (kInferDecimal | kInferDouble)) {
    if (!fraction) {
      // Integers only, some beyond bigint (kInferDecimal is set: none has more than 38 digits).
      return decimal128(std::max(integer_digits, 1), 0);
    }
    // Fractions: a double (Spark), unless it would round an integer of the column.
    if ((candidates & kInferDouble) && !inexact_integer) return float64();
    if ((candidates & kInferDecimal) && integer_digits + scale <= 38) {
      return decimal128(std::max(integer_digits + scale, 1), scale);
    }
    return string_type();
  }
  if (candidates & kInferDate) return date32();
  if (candidates & kInferTimestamp) return timestamp(TimeUnit::kMicro, "UTC");
  return string_type();
}

}  // namespace braid::csv::internal
