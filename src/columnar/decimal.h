// Decimal128 values: text conversion, rescaling and precision checks.
//
// A decimal(p, s) value is an Int128 holding value * 10^s, with at most p digits.
// Rounding is HALF_UP (away from zero on ties), Spark's rule for casts and round().
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "columnar/physical_types.h"

namespace braid::decimal {

// 10^n for n in [0, 38].
Int128 power_of_ten(int n);
// Whether |v| < 10^precision.
bool fits_precision(Int128 v, int precision);

// "-12.50" for (-1250, 2); "42" for scale 0. Exactly `scale` fraction digits.
void append(std::string& out, Int128 v, int scale);
std::string to_string(Int128 v, int scale);
// Decimal digits of an Int128 (no scale).
std::string int128_to_string(Int128 v);

enum class ParseError { kNone, kSyntax, kOverflow };
// Parses "[+-]digits[.digits][e[+-]digits]" into decimal(precision, scale), rounding extra
// fraction digits HALF_UP. Leading/trailing spaces are not accepted.
std::optional<Int128> parse(std::string_view text, int precision, int scale,
                            ParseError* error = nullptr);

// Changes scale, rounding HALF_UP when reducing it; nullopt when the result does not fit
// `precision` digits.
std::optional<Int128> rescale(Int128 v, int from_scale, int to_scale, int precision);

double to_double(Int128 v, int scale);

}  // namespace braid::decimal
