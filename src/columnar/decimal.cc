#include "columnar/decimal.h"

#include <cmath>

namespace braid::decimal {

namespace {

constexpr Int128 kTen = 10;

struct PowersOfTen {
  Int128 values[39];
  constexpr PowersOfTen() : values() {
    values[0] = 1;
    for (int i = 1; i < 39; ++i) values[i] = values[i - 1] * kTen;
  }
};
constexpr PowersOfTen kPowers;

UInt128 magnitude(Int128 v) {
  return v < 0 ? static_cast<UInt128>(0) - static_cast<UInt128>(v) : static_cast<UInt128>(v);
}

}  // namespace

Int128 power_of_ten(int n) { return kPowers.values[n]; }

bool fits_precision(Int128 v, int precision) {
  return magnitude(v) < static_cast<UInt128>(kPowers.values[precision]);
}

std::string int128_to_string(Int128 v) {
  UInt128 m = magnitude(v);
  char buf[48];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + static_cast<int>(m % 10));
    m /= 10;
  } while (m != 0);
  std::string out;
  if (v < 0) out += '-';
  while (n > 0) out += buf[--n];
  return out;
}

void append(std::string& out, Int128 v, int scale) {
  UInt128 m = magnitude(v);
  char buf[48];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + static_cast<int>(m % 10));
    m /= 10;
  } while (m != 0);
  while (n <= scale) buf[n++] = '0';  // at least one digit before the point
  if (v < 0) out += '-';
  for (int i = n - 1; i >= 0; --i) {
    out += buf[i];
    if (i == scale && scale > 0) out += '.';
  }
}

std::string to_string(Int128 v, int scale) {
  std::string out;
  append(out, v, scale);
  return out;
}

std::optional<Int128> parse(std::string_view text, int precision, int scale, ParseError* error) {
  auto fail = [&](ParseError e) -> std::optional<Int128> {
    if (error) *error = e;
    return std::nullopt;
  };
  if (error) *error = ParseError::kNone;
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  // Significant digits (leading zeros stripped), at most 40 kept: enough for 38 digits of result
  // plus the rounding digit. `int_digits` is the number of them before the decimal point, which
  // the exponent then moves.
  char digits[40];
  int kept = 0;
  int64_t int_digits = 0;
  bool any = false, point = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.') {
      if (point) return fail(ParseError::kSyntax);
      point = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    any = true;
    if (kept == 0 && c == '0') {
      if (point) --int_digits;  // 0.05: the first significant digit is in the hundredths
      continue;
    }
    if (kept < 40) digits[kept++] = c;
    if (!point) ++int_digits;
  }
  if (!any) return fail(ParseError::kSyntax);
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) exp_negative = text[i++] == '-';
    if (i >= text.size()) return fail(ParseError::kSyntax);
    int64_t exponent = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      if (exponent < 100000) exponent = exponent * 10 + (text[i] - '0');
    }
    int_digits += exp_negative ? -exponent : exponent;
  }
  if (i != text.size()) return fail(ParseError::kSyntax);
  if (kept == 0) return Int128{0};
  // The result's digits are the first k significant digits, then zeros; digit k rounds.
  const int64_t k = int_digits + scale;
  if (k > 38) return fail(ParseError::kOverflow);
  Int128 v = 0;
  for (int64_t d = 0; d < k; ++d) v = v * 10 + (d < kept ? digits[d] - '0' : 0);
  if (k >= 0 && k < kept && digits[k] >= '5') ++v;  // HALF_UP
  if (!fits_precision(v, precision)) return fail(ParseError::kOverflow);
  return negative ? -v : v;
}

std::optional<Int128> rescale(Int128 v, int from_scale, int to_scale, int precision) {
  Int128 out;
  if (to_scale >= from_scale) {
    int up = to_scale - from_scale;
    if (up > 38) return v == 0 ? std::optional<Int128>(0) : std::nullopt;
    if (__builtin_mul_overflow(v, kPowers.values[up], &out)) return std::nullopt;
  } else {
    int down = from_scale - to_scale;
    if (down > 38) return Int128{0};
    Int128 p = kPowers.values[down];
    Int128 q = v / p, r = v % p;
    if (r < 0) r = -r;
    if (r >= p - r) q += v < 0 ? -1 : 1;  // r * 2 >= p, without overflowing for p = 10^38
    out = q;
  }
  if (!fits_precision(out, precision)) return std::nullopt;
  return out;
}

double to_double(Int128 v, int scale) {
  // Exact for up to 15-16 significant digits; correctly rounded division otherwise is close.
  return static_cast<double>(v) / std::pow(10.0, scale);
}

}  // namespace braid::decimal
