// Text-to-value parsers of the CSV reader, and the type inference built on them (private to
// formats/csv). All take the field text already trimmed and never allocate.
//
// The shapes nearly every file uses ("617.54", "2024-01-29 23:44:35.485374") have inline fast
// paths, checked eight bytes at a time; anything else goes to the general parsers (fast_float,
// columnar/temporal.h), and both give the same value for the same text.
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <string_view>
#include <type_traits>

#include "columnar/data_type.h"

namespace braid::csv::internal {

// Spaces and tabs around a value of a non-string column are not part of it.
[[gnu::always_inline]] inline std::string_view trim_blanks(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return {s.data() + b, e - b};
}

inline bool is_digit(char c) { return static_cast<unsigned char>(c) - unsigned{'0'} <= 9; }

// "true"/"false" in any case.
bool parse_bool(std::string_view s, bool* out);

enum class IntParse { kOk, kSyntax, kRange };

// "[+-]digits" into T. kRange: digits that do not fit T (a sign on zero is fine for unsigned
// types, any other negative value is out of range).
template <typename T>
[[gnu::always_inline]] inline IntParse parse_integer(std::string_view s, T* out) {
  static_assert(std::is_integral_v<T>);
  const char* p = s.data();
  const char* end = p + s.size();
  if (p == end) return IntParse::kSyntax;
  bool negative = false;
  if (*p == '-' || *p == '+') {
    negative = *p == '-';
    if (++p == end) return IntParse::kSyntax;
  }
  uint64_t v = 0;
  bool overflow = false;
  if (end - p <= 18) {
    // 18 digits cannot overflow 64 bits.
    for (; p < end; ++p) {
      const unsigned d = static_cast<unsigned char>(*p) - static_cast<unsigned>('0');
      if (d > 9) return IntParse::kSyntax;
      v = v * 10 + d;
    }
  } else {
    for (; p < end; ++p) {
      const unsigned d = static_cast<unsigned char>(*p) - static_cast<unsigned>('0');
      if (d > 9) return IntParse::kSyntax;
      if (v > (UINT64_MAX - d) / 10) overflow = true;
      v = v * 10 + d;
    }
  }
  if (overflow) return IntParse::kRange;
  if constexpr (std::is_signed_v<T>) {
    const uint64_t limit = static_cast<uint64_t>(std::numeric_limits<T>::max()) + (negative ? 1 : 0);
    if (v > limit) return IntParse::kRange;
    *out = negative ? static_cast<T>(0 - v) : static_cast<T>(v);
  } else {
    if (negative && v != 0) return IntParse::kRange;
    if (v > static_cast<uint64_t>(std::numeric_limits<T>::max())) return IntParse::kRange;
    *out = static_cast<T>(v);
  }
  return IntParse::kOk;
}

// ---- fast paths

namespace fast {

// Powers of ten that doubles hold exactly.
inline constexpr double kExactPowersOfTen[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                               1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

// "[+-]digits[.digits]" with at most 15 digits: the digits are an exact integer m < 2^53 and
// 10^k is exact, so m / 10^k is one correctly rounded division, the double fast_float gives too
// (Clinger's fast path). False for other texts.
[[gnu::always_inline]] inline bool short_decimal(std::string_view s, double* out) {
  const char* p = s.data();
  const char* const end = p + s.size();
  bool negative = false;
  if (p < end && (*p == '-' || *p == '+')) negative = *p++ == '-';
  uint64_t m = 0;
  const char* digits_start = p;
  while (p < end && is_digit(*p)) m = m * 10 + static_cast<uint64_t>(*p++ - '0');
  size_t digits = static_cast<size_t>(p - digits_start);
  size_t fraction = 0;
  if (p < end && *p == '.') {
    const char* fraction_start = ++p;
    while (p < end && is_digit(*p)) m = m * 10 + static_cast<uint64_t>(*p++ - '0');
    fraction = static_cast<size_t>(p - fraction_start);
    digits += fraction;
  }
  if (p != end || digits == 0 || digits > 15) return false;
  const double v = static_cast<double>(m) / kExactPowersOfTen[fraction];
  *out = negative ? -v : v;
  return true;
}

inline constexpr int64_t kPowersOfTen[] = {1,
                                           10,
                                           100,
                                           1000,
                                           10000,
                                           100000,
                                           1000000,
                                           10000000,
                                           100000000,
                                           1000000000,
                                           10000000000,
                                           100000000000,
                                           1000000000000,
                                           10000000000000,
                                           100000000000000,
                                           1000000000000000,
                                           10000000000000000,
                                           100000000000000000,
                                           1000000000000000000};

// "[+-]digits[.digits]" into decimal(precision, scale) when everything fits 18 digits: the
// same value as decimal::parse, rounding extra fraction digits HALF_UP (the first dropped digit
// decides). False for other texts and for values that do not fit `precision` (the general
// parser then tells why).
[[gnu::always_inline]] inline bool short_decimal128(std::string_view s, int precision, int scale,
                                                    __int128* out) {
  const char* p = s.data();
  const char* const end = p + s.size();
  bool negative = false;
  if (p < end && (*p == '-' || *p == '+')) negative = *p++ == '-';
  // Unsigned, so that texts with too many digits wrap harmlessly before they are rejected.
  uint64_t integer_value = 0;
  const char* integer_start = p;
  while (p < end && is_digit(*p)) integer_value = integer_value * 10 + static_cast<uint64_t>(*p++ - '0');
  const auto integer_digits = static_cast<int>(p - integer_start);
  uint64_t fraction_value = 0;
  int fraction_digits = 0;
  if (p < end && *p == '.') {
    const char* fraction_start = ++p;
    while (p < end && is_digit(*p)) fraction_value = fraction_value * 10 + static_cast<uint64_t>(*p++ - '0');
    fraction_digits = static_cast<int>(p - fraction_start);
  }
  if (p != end || integer_digits + fraction_digits == 0 ||
      integer_digits + (fraction_digits > scale ? fraction_digits : scale) > 18) {
    return false;
  }
  const auto integer = static_cast<int64_t>(integer_value);
  const auto fraction = static_cast<int64_t>(fraction_value);
  int64_t v = integer * kPowersOfTen[scale];
  if (fraction_digits <= scale) {
    v += fraction * kPowersOfTen[scale - fraction_digits];
  } else {
    const int64_t dropped = kPowersOfTen[fraction_digits - scale];
    v += fraction / dropped;
    if ((fraction / (dropped / 10)) % 10 >= 5) ++v;  // HALF_UP
  }
  if (precision < 19 && v >= kPowersOfTen[precision]) return false;
  *out = negative ? -static_cast<__int128>(v) : static_cast<__int128>(v);
  return true;
}

// Fixed-shape text checked eight bytes at a time: 'D' in a shape is a digit, '?' any byte,
// anything else that byte exactly.
struct Shape {
  uint64_t digits = 0;        // 0xFF in digit bytes
  uint64_t literal_mask = 0;  // 0xFF in literal bytes
  uint64_t literal = 0;       // the literal bytes
};

constexpr Shape make_shape(const char (&text)[9]) {
  Shape s;
  for (int i = 0; i < 8; ++i) {
    const uint64_t byte = uint64_t{0xFF} << (8 * i);
    if (text[i] == 'D') {
      s.digits |= byte;
    } else if (text[i] != '?') {
      s.literal_mask |= byte;
      s.literal |= static_cast<uint64_t>(static_cast<unsigned char>(text[i])) << (8 * i);
    }
  }
  return s;
}

inline uint64_t load8(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;  // little-endian (byte i in bits 8i..8i+7), as on every machine braid runs on
}

inline bool matches(uint64_t w, const Shape& s) {
  constexpr uint64_t kHigh = 0xF0F0F0F0F0F0F0F0ULL, k30 = 0x3030303030303030ULL;
  constexpr uint64_t k06 = 0x0606060606060606ULL;
  const uint64_t digits = w & s.digits;
  // A digit byte is 0x30..0x39: high nibble 3, and still 3 after adding 6.
  const bool high = (digits & kHigh) == (s.digits & k30);
  const bool low = ((digits + (s.digits & k06)) & kHigh & s.digits) == (s.digits & k30);
  const bool literal = (w & s.literal_mask) == s.literal;
  return high & low & literal;
}

// Byte i of w as a digit value (after matches()).
inline int digit(uint64_t w, int i) { return static_cast<int>((w >> (8 * i)) & 0xFF) - '0'; }

inline constexpr Shape kDateShape = make_shape("DDDD-DD-");
inline constexpr Shape kTimeShape = make_shape("DD:DD:DD");

inline bool is_leap(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

// Days since 1970-01-01 of a valid proleptic Gregorian date (eras of 400 years starting in
// March, so that the leap day comes last).
inline int64_t days_from_ymd(int64_t year, int month, int day) {
  const int64_t y = year - (month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t year_of_era = y - era * 400;
  const int64_t day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

// "YYYY-MM-DD" at s (10 bytes readable) into days; false for any other shape or an invalid
// date.
[[gnu::always_inline]] inline bool date(const char* s, int64_t* days) {
  const uint64_t w = load8(s);
  const unsigned d8 = static_cast<unsigned char>(s[8]) - unsigned{'0'};
  const unsigned d9 = static_cast<unsigned char>(s[9]) - unsigned{'0'};
  if (!matches(w, kDateShape) || d8 > 9 || d9 > 9) return false;
  const int64_t year = digit(w, 0) * 1000 + digit(w, 1) * 100 + digit(w, 2) * 10 + digit(w, 3);
  const int month = digit(w, 5) * 10 + digit(w, 6);
  const int day = static_cast<int>(d8 * 10 + d9);
  if (month < 1 || month > 12 || day < 1) return false;
  if (day > 28) {
    static constexpr int kDaysInMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const int limit = month == 2 && is_leap(year) ? 29 : kDaysInMonth[month - 1];
    if (day > limit) return false;
  }
  *days = days_from_ymd(year, month, day);
  return true;
}

// "YYYY-MM-DD HH:MM:SS" (or 'T' between) with an optional fraction of up to 9 digits and no
// zone; false for anything else, including values out of range of the unit.
[[gnu::always_inline]] inline bool timestamp(std::string_view s, TimeUnit unit, int64_t* out) {
  const char* p = s.data();
  const size_t n = s.size();
  int64_t days;
  if (n < 19 || (p[10] != ' ' && p[10] != 'T') || !date(p, &days)) return false;
  const uint64_t t = load8(p + 11);
  const int hour = digit(t, 0) * 10 + digit(t, 1);
  const int minute = digit(t, 3) * 10 + digit(t, 4);
  const int second = digit(t, 6) * 10 + digit(t, 7);
  if (!matches(t, kTimeShape) || hour > 23 || minute > 59 || second > 59) return false;
  int64_t nanos = 0;
  if (n > 19) {
    const size_t digits = n - 20;
    if (p[19] != '.' || digits < 1 || digits > 9) return false;
    for (size_t i = 20; i < n; ++i) {
      const unsigned d = static_cast<unsigned char>(p[i]) - unsigned{'0'};
      if (d > 9) return false;
      nanos = nanos * 10 + d;
    }
    static constexpr int64_t kScale[] = {1,      10,      100,      1000,      10000,
                                         100000, 1000000, 10000000, 100000000, 1000000000};
    nanos *= kScale[9 - digits];
  }
  const int64_t second_of_day = (hour * 60 + minute) * 60 + second;
  if (unit == TimeUnit::kMicro) {
    // Years 0..9999 in microseconds fit easily.
    *out = (days * 86'400 + second_of_day) * 1'000'000 + nanos / 1000;
    return true;
  }
  int64_t v;
  if (__builtin_mul_overflow(days, int64_t{86'400'000'000'000}, &v) ||
      __builtin_add_overflow(v, second_of_day * 1'000'000'000 + nanos, &v)) {
    return false;
  }
  *out = v;
  return true;
}

}  // namespace fast

// Decimal or scientific notation, "inf", "nan" (fast_float), with an optional leading '+'.
bool parse_double_general(std::string_view s, double* out);
[[gnu::always_inline]] inline bool parse_double(std::string_view s, double* out) {
  return fast::short_decimal(s, out) || parse_double_general(s, out);
}
bool parse_float(std::string_view s, float* out);

// "YYYY-MM-DD" (see temporal::parse_date for the accepted variants) into days since the epoch.
bool parse_date_general(std::string_view s, int32_t* out);
[[gnu::always_inline]] inline bool parse_date(std::string_view s, int32_t* out) {
  int64_t days;
  if (s.size() == 10 && fast::date(s.data(), &days)) {
    *out = static_cast<int32_t>(days);
    return true;
  }
  return parse_date_general(s, out);
}

// A timestamp (see temporal::parse_timestamp) in `unit`, adjusted to UTC when it has a zone.
bool parse_timestamp_general(std::string_view s, TimeUnit unit, int64_t* out);
[[gnu::always_inline]] inline bool parse_timestamp(std::string_view s, TimeUnit unit, int64_t* out) {
  return fast::timestamp(s, unit, out) || parse_timestamp_general(s, unit, out);
}

// ---- type inference

// Candidate types of a column, each a bit; a column's type is the first candidate that every
// sampled value parses as (string when none is left).
enum InferenceCandidate : unsigned {
  kInferBoolean = 1,
  kInferInt32 = 2,
  kInferInt64 = 4,
  kInferDecimal = 8,  // every number is plain decimal notation ([+-]digits[.digits])
  kInferDouble = 16,
  kInferDate = 32,
  kInferTimestamp = 64,
  kInferAll = 127,
};

// The inference state of one column, refined by each sampled value. Numbers follow Spark's
// order (int, bigint, decimal(p,0) for integers beyond bigint, double for values with a fraction
// or exponent), except that a value is never made a double that a double cannot hold exactly:
// integers of more than 38 digits make the column a string, and a column that mixes integers
// that doubles do not hold exactly with fractions is a decimal wide enough for both (or a string when none is).
struct ColumnInference {
  unsigned candidates = kInferAll;
  bool any_value = false;     // the sample held a non-null value (all-null columns are strings)
  int integer_digits = 0;     // the most significant digits before the point, over all numbers
  int scale = 0;              // the most digits after the point, over the plain decimals
  bool fraction = false;      // some number has a fraction or an exponent
  bool inexact_integer = false;  // some integer is not exactly a double (beyond 2^53)

  // Refines the state by a (trimmed, non-empty) value.
  void add(std::string_view s);
  TypePtr type() const;
};

// An integer literal ([+-]digits) that a double does not hold exactly: what a column inferred
// as double must not silently round.
bool is_inexact_integer(std::string_view s);

}  // namespace braid::csv::internal
