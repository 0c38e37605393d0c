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
    int32_t days;
    int64_t micros;
    if ((candidates & kInferDate) && parse_date(s, &days)) found |= kInferDate;
    if ((candidates & kInferTimestamp) && parse_timestamp(s, TimeUnit::kMicro, &micros)) {
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
