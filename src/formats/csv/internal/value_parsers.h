// Text-to-value parsers of the CSV reader, and the type inference built on them (private to
// formats/csv). All take the field text already trimmed and never allocate.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <type_traits>

#include "columnar/data_type.h"

namespace braid::csv::internal {

// Spaces and tabs around a value of a non-string column are not part of it.
inline std::string_view trim_blanks(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return s.substr(b, e - b);
}

// "true"/"false" in any case.
bool parse_bool(std::string_view s, bool* out);

enum class IntParse { kOk, kSyntax, kRange };

// "[+-]digits" into T. kRange: digits that do not fit T (or a sign on zero for unsigned types
// is fine, any other negative is out of range).
template <typename T>
inline IntParse parse_integer(std::string_view s, T* out) {
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

// Decimal or scientific notation, "inf", "nan" (fast_float), with an optional leading '+'.
bool parse_double(std::string_view s, double* out);
bool parse_float(std::string_view s, float* out);

// "YYYY-MM-DD" (see temporal::parse_date for the accepted variants) into days since the epoch.
std::optional<int32_t> parse_date(std::string_view s);
// A timestamp (see temporal::parse_timestamp) in `unit`, adjusted to UTC when it has a zone.
// The common "YYYY-MM-DD HH:MM:SS[.fraction]" shape is parsed without the general parser.
std::optional<int64_t> parse_timestamp(std::string_view s, TimeUnit unit);

// ---- type inference

// Candidate types of a column, each a bit; a column's type is the first candidate that every
// sampled value parses as (string when none is left).
enum InferenceCandidate : unsigned {
  kInferBoolean = 1,
  kInferInt32 = 2,
  kInferInt64 = 4,
  kInferDouble = 8,
  kInferDate = 16,
  kInferTimestamp = 32,
  kInferAll = 63,
};

// The candidates of `candidates` that the (trimmed, non-empty) value `s` parses as.
unsigned refine_candidates(unsigned candidates, std::string_view s);

// The inferred type. `any_value`: the sample held a non-null value (all-null columns are
// strings).
TypePtr inferred_type(unsigned candidates, bool any_value);

}  // namespace braid::csv::internal
