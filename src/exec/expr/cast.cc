// CAST and TRY_CAST with Spark's ANSI rules (Spark: Cast.scala, "ANSI compliance" docs):
// fractions truncate toward zero when cast to integral types, out-of-range values are
// [CAST_OVERFLOW] errors, malformed strings are [CAST_INVALID_INPUT] errors, decimals round
// HALF_UP and overflow with [NUMERIC_VALUE_OUT_OF_RANGE]. TRY_CAST gives NULL instead of each
// error. Only selected rows are converted (and can fail).
#include "exec/expr/internal/cast.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <limits>

#include "columnar/decimal.h"
#include "columnar/temporal.h"
#include "common/ascii.h"

namespace braid::exec::internal {

namespace {

using temporal::kMicrosPerDay;
using temporal::kMicrosPerSecond;

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

std::string_view trim_spaces(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && static_cast<unsigned char>(s[b]) <= ' ') ++b;
  while (e > b && static_cast<unsigned char>(s[e - 1]) <= ' ') --e;
  return s.substr(b, e - b);
}

// ---- parsing of text

bool parse_int64(std::string_view s, int64_t& out) {
  s = trim_spaces(s);
  if (s.empty()) return false;
  size_t i = 0;
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    ++i;
  }
  if (i == s.size()) return false;
  int64_t v = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c < '0' || c > '9') return false;
    // Accumulate negatively so INT64_MIN parses.
    if (__builtin_mul_overflow(v, 10, &v) || __builtin_sub_overflow(v, c - '0', &v)) return false;
  }
  if (!negative) {
    if (v == std::numeric_limits<int64_t>::min()) return false;
    v = -v;
  }
  out = v;
  return true;
}

bool parse_double(std::string_view s, double& out) {
  s = trim_spaces(s);
  if (s.empty()) return false;
  bool negative = false;
  std::string_view body = s;
  if (body[0] == '+' || body[0] == '-') {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  if (ascii::iequals(body, "nan")) {
    if (s[0] == '+' || s[0] == '-') return false;
    out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (ascii::iequals(body, "inf") || ascii::iequals(body, "infinity")) {
    out = negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    return true;
  }
  // Java's Double.parseDouble accepts a trailing type suffix.
  if (!body.empty() && (body.back() == 'd' || body.back() == 'D' || body.back() == 'f' || body.back() == 'F')) {
    body.remove_suffix(1);
  }
  if (body.empty()) return false;
  for (char c : body) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) return false;
  }
  double v = 0;
  auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
  if (ptr != body.data() + body.size()) return false;
  if (ec == std::errc::result_out_of_range) {
    // Overflow gives infinity, underflow zero, as Java does.
    bool big = false;
    for (size_t i = 0; i < body.size(); ++i) {
      if (body[i] == 'e' || body[i] == 'E') big = i + 1 < body.size() && body[i + 1] != '-';
    }
    v = big ? std::numeric_limits<double>::infinity() : 0.0;
  } else if (ec != std::errc()) {
    return false;
  }
  out = negative ? -v : v;
  return true;
}

struct Scanner {
  std::string_view s;
  size_t pos = 0;
  bool done() const { return pos >= s.size(); }
  char peek() const { return pos < s.size() ? s[pos] : '\0'; }
  // Reads between min and max digits.
  bool digits(int min, int max, int64_t& out, int* count = nullptr) {
    int n = 0;
    int64_t v = 0;
    while (pos < s.size() && n < max && s[pos] >= '0' && s[pos] <= '9') {
      v = v * 10 + (s[pos] - '0');
      ++pos;
      ++n;
    }
    if (count) *count = n;
    if (n < min) return false;
    out = v;
    return true;
  }
};

// "yyyy[-[m]m[-[d]d]]" with an optional sign on the year (4 to 7 digits).
bool parse_date_fields(Scanner& sc, int64_t& days) {
  bool negative = false;
  if (sc.peek() == '+' || sc.peek() == '-') {
    negative = sc.peek() == '-';
    ++sc.pos;
  }
  int64_t year, month = 1, day = 1;
  if (!sc.digits(4, 7, year)) return false;
  if (sc.peek() >= '0' && sc.peek() <= '9') return false;
  if (negative) year = -year;
  if (sc.peek() == '-') {
    ++sc.pos;
    if (!sc.digits(1, 2, month)) return false;
    if (sc.peek() == '-') {
      ++sc.pos;
      if (!sc.digits(1, 2, day)) return false;
    }
  }
  if (!temporal::is_valid_civil(year, static_cast<int>(month), static_cast<int>(day))) return false;
  days = temporal::days_from_civil(year, static_cast<int>(month), static_cast<int>(day));
  return true;
}

struct ParsedText {
  int64_t local_micros = 0;
  bool has_zone = false;
  int64_t zone_micros = 0;
};

bool parse_zone(std::string_view z, int64_t& offset) {
  if (z.empty()) return false;
  auto r = zone_offset_micros(z);
  if (!r.ok()) return false;
  offset = *r;
  return true;
}

std::optional<ParsedText> parse_timestamp_text(std::string_view text) {
  Scanner sc{trim_spaces(text)};
  int64_t days;
  if (!parse_date_fields(sc, days)) return std::nullopt;
  ParsedText out;
  int64_t micros = 0;
  if (!sc.done()) {
    if (sc.peek() != ' ' && sc.peek() != 'T') return std::nullopt;
    ++sc.pos;
    int64_t hh, mm, ss = 0, frac = 0;
    if (!sc.digits(1, 2, hh) || sc.peek() != ':') return std::nullopt;
    ++sc.pos;
    if (!sc.digits(1, 2, mm)) return std::nullopt;
    if (sc.peek() == ':') {
      ++sc.pos;
      if (!sc.digits(1, 2, ss)) return std::nullopt;
      if (sc.peek() == '.') {
        ++sc.pos;
        int count = 0;
        int64_t f;
        if (!sc.digits(0, 9, f, &count)) return std::nullopt;
        if (count > 0) {
          // Keep microseconds; further digits are truncated.
          while (count < 6) {
            f *= 10;
            ++count;
          }
          while (count > 6) {
            f /= 10;
            --count;
          }
          frac = f;
        }
        while (sc.peek() >= '0' && sc.peek() <= '9') ++sc.pos;
      }
    }
    if (hh > 23 || mm > 59 || ss > 59) return std::nullopt;
    micros = ((hh * 60 + mm) * 60 + ss) * kMicrosPerSecond + frac;
    while (sc.peek() == ' ') ++sc.pos;
    if (!sc.done()) {
      if (!parse_zone(sc.s.substr(sc.pos), out.zone_micros)) return std::nullopt;
      out.has_zone = true;
    }
  }
  if (__builtin_mul_overflow(days, kMicrosPerDay, &out.local_micros) ||
      __builtin_add_overflow(out.local_micros, micros, &out.local_micros)) {
    return std::nullopt;
  }
  return out;
}

// ---- errors

std::string quoted_type(const DataType& t) { return "\"" + sql_type_name(t) + "\""; }

Status invalid_input(const Column& in, int64_t row, const DataType& to) {
  return Status::invalid_argument(
      "[CAST_INVALID_INPUT] The value {} of the type {} cannot be cast to {} because it is "
      "malformed. Correct the value as per the syntax, or change its target type. Use `try_cast` "
      "to tolerate malformed input and return NULL instead.",
      sql_value_text(in, row), quoted_type(*in.type()), quoted_type(to));
}

Status cast_overflow(const Column& in, int64_t row, const DataType& to) {
  return Status::invalid_argument(
      "[CAST_OVERFLOW] The value {} of the type {} cannot be cast to {} due to an overflow. Use "
      "`try_cast` to tolerate overflow and return NULL instead.",
      sql_value_text(in, row), quoted_type(*in.type()), quoted_type(to));
}

Status out_of_range(const Column& in, int64_t row, const DataType& to) {
  return Status::invalid_argument(
      "[NUMERIC_VALUE_OUT_OF_RANGE] {} cannot be represented as Decimal({}, {}). Use `try_cast` "
      "to return NULL instead.",
      sql_value_text(in, row), to.precision(), to.scale());
}

enum class Failure : uint8_t { kNone, kInvalid, kOverflow, kOutOfRange };

struct CastJob {
  const Column& in;
  const TypePtr& to;
  bool try_cast;
  int64_t offset_micros;
  const std::vector<int32_t>* selection;
  MemoryTracker* memory;
};

Status failure_status(const CastJob& job, int64_t row, Failure f) {
  switch (f) {
    case Failure::kInvalid: return invalid_input(job.in, row, *job.to);
    case Failure::kOutOfRange: return out_of_range(job.in, row, *job.to);
    default: return cast_overflow(job.in, row, *job.to);
  }
}

// Converts every selected valid row with convert(row, Out&) -> Failure into a fixed-width column
// (Out = bool: a boolean column).
template <typename Out, typename Convert>
Result<ColumnPtr> convert_rows(const CastJob& job, Convert&& convert) {
  const Column& in = job.in;
  const int64_t n = in.length();
  BufferPtr validity;
  if (const uint8_t* bits = in.validity_bits()) {
    BRAID_ASSIGN_OR_RETURN(validity, allocate(bitmap::bytes_for(n), job.memory));
    bitmap::copy(bits, in.offset(), validity->mutable_data(), 0, n);
  }
  constexpr bool kBool = std::is_same_v<Out, bool>;
  const int64_t bytes = kBool ? bitmap::bytes_for(n) : n * static_cast<int64_t>(sizeof(Out));
  BRAID_ASSIGN_OR_RETURN(auto values, allocate(bytes, job.memory));
  Out* out = kBool ? nullptr : reinterpret_cast<Out*>(values->mutable_data());
  uint8_t* out_bits = values->mutable_data();
  Status error;
  auto row = [&](int64_t i) {
    if (!error.ok()) return;
    if (validity != nullptr && !bitmap::get(validity->data(), i)) return;
    Out v{};
    Failure f = convert(i, v);
    if (f != Failure::kNone) {
      if (job.try_cast) {
        if (validity == nullptr) {
          auto b = allocate(bitmap::bytes_for(n), job.memory);
          if (!b.ok()) {
            error = b.status();
            return;
          }
          validity = *b;
          bitmap::fill(validity->mutable_data(), 0, n, true);
        }
        bitmap::clear(validity->mutable_data(), i);
      } else {
        error = failure_status(job, i, f);
      }
      return;
    }
    if constexpr (kBool) {
      if (v) bitmap::set(out_bits, i);
    } else {
      out[i] = v;
    }
  };
  for_each_selected(n, job.selection, row, [](int64_t, int64_t) {});
  BRAID_RETURN_IF_ERROR(error);
  return make_column(job.to, n, validity, values);
}

// ---- reading numbers of any numeric type

enum class NumKind { kIntegral, kFloating, kDecimal, kBoolean };

NumKind kind_of(const DataType& t) {
  if (t.is_floating()) return NumKind::kFloating;
  if (t.id() == TypeId::kDecimal128) return NumKind::kDecimal;
  if (t.id() == TypeId::kBoolean) return NumKind::kBoolean;
  return NumKind::kIntegral;
}

// Integral and boolean sources as int64 (uint64 above INT64_MAX is flagged via `ok`).
int64_t integral_at(const Column& c, int64_t i, bool& ok) {
  ok = true;
  switch (c.type_id()) {
    case TypeId::kBoolean: return c.bool_value(i) ? 1 : 0;
    case TypeId::kInt8: return c.value<int8_t>(i);
    case TypeId::kInt16: return c.value<int16_t>(i);
    case TypeId::kInt32: return c.value<int32_t>(i);
    case TypeId::kInt64: return c.value<int64_t>(i);
    case TypeId::kUInt8: return c.value<uint8_t>(i);
    case TypeId::kUInt16: return c.value<uint16_t>(i);
    case TypeId::kUInt32: return c.value<uint32_t>(i);
    case TypeId::kUInt64: {
      uint64_t v = c.value<uint64_t>(i);
      if (v > static_cast<uint64_t>(INT64_MAX)) ok = false;
      return static_cast<int64_t>(v);
    }
    case TypeId::kDate32: return c.value<int32_t>(i);
    default: return c.value<int64_t>(i);
  }
}

double floating_at(const Column& c, int64_t i) {
  return c.type_id() == TypeId::kFloat32 ? static_cast<double>(c.value<float>(i)) : c.value<double>(i);
}

double decimal_to_double(Int128 v, int scale) {
  constexpr Int128 kExact = Int128{1} << 53;
  if (v > -kExact && v < kExact && scale <= 22) {
    static const double kPow[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                  1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                  1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    return static_cast<double>(static_cast<int64_t>(v)) / kPow[scale];
  }
  std::string text = decimal::to_string(v, scale);
  double d = 0;
  std::from_chars(text.data(), text.data() + text.size(), d);
  return d;
}

// A finite double as a decimal(p, s), through its shortest text (Spark: BigDecimal(d.toString)).
std::optional<Int128> double_to_decimal(double d, int precision, int scale) {
  if (!std::isfinite(d)) return std::nullopt;
  std::string digits;
  int exponent;
  bool negative;
  shortest_digits(d, digits, exponent, negative);
  std::string text = (negative ? "-0." : "0.") + digits + "e" + std::to_string(exponent);
  return decimal::parse(text, precision, scale);
}

template <typename To>
bool integral_fits(int64_t v) {
  return v >= static_cast<int64_t>(std::numeric_limits<To>::min()) &&
         v <= static_cast<int64_t>(std::numeric_limits<To>::max());
}

template <typename To>
Result<ColumnPtr> cast_to_integral(const CastJob& job) {
  const Column& in = job.in;
  switch (kind_of(*in.type())) {
    case NumKind::kIntegral:
    case NumKind::kBoolean:
      if (in.type_id() == TypeId::kTimestamp) {
        return convert_rows<To>(job, [&](int64_t i, To& out) {
          int64_t seconds = floor_div(in.value<int64_t>(i), kMicrosPerSecond);
          if (!integral_fits<To>(seconds)) return Failure::kOverflow;
          out = static_cast<To>(seconds);
          return Failure::kNone;
        });
      }
      return convert_rows<To>(job, [&](int64_t i, To& out) {
        bool ok;
        int64_t v = integral_at(in, i, ok);
        if (!ok || !integral_fits<To>(v)) return Failure::kOverflow;
        out = static_cast<To>(v);
        return Failure::kNone;
      });
    case NumKind::kFloating:
      return convert_rows<To>(job, [&](int64_t i, To& out) {
        double d = std::trunc(floating_at(in, i));
        if (!(d >= static_cast<double>(std::numeric_limits<To>::min()) &&
              d <= static_cast<double>(std::numeric_limits<To>::max()))) {
          return Failure::kOverflow;
        }
        if constexpr (std::is_same_v<To, int64_t>) {
          if (d >= 9223372036854775808.0) return Failure::kOverflow;
        }
        out = static_cast<To>(d);
        return Failure::kNone;
      });
    case NumKind::kDecimal: {
      const Int128 p = decimal::power_of_ten(in.type()->scale());
      return convert_rows<To>(job, [&](int64_t i, To& out) {
        Int128 v = in.value<Int128>(i) / p;
        if (v < std::numeric_limits<To>::min() || v > std::numeric_limits<To>::max()) {
          return Failure::kOverflow;
        }
        out = static_cast<To>(v);
        return Failure::kNone;
      });
    }
  }
  return Status::internal("unreachable");
}

template <typename To>
Result<ColumnPtr> cast_to_floating(const CastJob& job) {
  const Column& in = job.in;
  switch (kind_of(*in.type())) {
    case NumKind::kIntegral:
    case NumKind::kBoolean:
      if (in.type_id() == TypeId::kTimestamp) {
        return convert_rows<To>(job, [&](int64_t i, To& out) {
          out = static_cast<To>(static_cast<double>(in.value<int64_t>(i)) / 1e6);
          return Failure::kNone;
        });
      }
      if (in.type_id() == TypeId::kUInt64) {
        return convert_rows<To>(job, [&](int64_t i, To& out) {
          out = static_cast<To>(in.value<uint64_t>(i));
          return Failure::kNone;
        });
      }
      return convert_rows<To>(job, [&](int64_t i, To& out) {
        bool ok;
        out = static_cast<To>(integral_at(in, i, ok));
        return Failure::kNone;
      });
    case NumKind::kFloating:
      return convert_rows<To>(job, [&](int64_t i, To& out) {
        out = static_cast<To>(floating_at(in, i));
        return Failure::kNone;
      });
    case NumKind::kDecimal: {
      const int scale = in.type()->scale();
      return convert_rows<To>(job, [&](int64_t i, To& out) {
        out = static_cast<To>(decimal_to_double(in.value<Int128>(i), scale));
        return Failure::kNone;
      });
    }
  }
  return Status::internal("unreachable");
}

Result<ColumnPtr> cast_to_decimal(const CastJob& job) {
  const Column& in = job.in;
  const int p = job.to->precision(), s = job.to->scale();
  switch (kind_of(*in.type())) {
    case NumKind::kIntegral:
    case NumKind::kBoolean: {
      if (in.type_id() == TypeId::kTimestamp) {
        return convert_rows<Int128>(job, [&](int64_t i, Int128& out) {
          auto v = decimal::rescale(in.value<int64_t>(i), 6, s, p);
          if (!v) return Failure::kOutOfRange;
          out = *v;
          return Failure::kNone;
        });
      }
      return convert_rows<Int128>(job, [&](int64_t i, Int128& out) {
        bool ok;
        Int128 v = in.type_id() == TypeId::kUInt64 ? static_cast<Int128>(in.value<uint64_t>(i))
                                                   : static_cast<Int128>(integral_at(in, i, ok));
        auto r = decimal::rescale(v, 0, s, p);
        if (!r) return Failure::kOutOfRange;
        out = *r;
        return Failure::kNone;
      });
    }
    case NumKind::kFloating:
      return convert_rows<Int128>(job, [&](int64_t i, Int128& out) {
        double d = floating_at(in, i);
        if (!std::isfinite(d)) return Failure::kInvalid;
        auto r = in.type_id() == TypeId::kFloat32 ? std::optional<Int128>() : double_to_decimal(d, p, s);
        if (in.type_id() == TypeId::kFloat32) {
          std::string text;
          append_java_float(text, in.value<float>(i));
          r = decimal::parse(text, p, s);
        }
        if (!r) return Failure::kOutOfRange;
        out = *r;
        return Failure::kNone;
      });
    case NumKind::kDecimal: {
      const int from = in.type()->scale();
      return convert_rows<Int128>(job, [&](int64_t i, Int128& out) {
        auto r = decimal::rescale(in.value<Int128>(i), from, s, p);
        if (!r) return Failure::kOutOfRange;
        out = *r;
        return Failure::kNone;
      });
    }
  }
  return Status::internal("unreachable");
}

Result<ColumnPtr> cast_to_boolean(const CastJob& job) {
  const Column& in = job.in;
  if (in.type_id() == TypeId::kString) {
    return convert_rows<bool>(job, [&](int64_t i, bool& out) {
      std::string_view s = trim_spaces(in.string_value(i));
      for (std::string_view t : {"t", "true", "y", "yes", "1"}) {
        if (ascii::iequals(s, t)) {
          out = true;
          return Failure::kNone;
        }
      }
      for (std::string_view f : {"f", "false", "n", "no", "0"}) {
        if (ascii::iequals(s, f)) {
          out = false;
          return Failure::kNone;
        }
      }
      return Failure::kInvalid;
    });
  }
  switch (kind_of(*in.type())) {
    case NumKind::kFloating:
      return convert_rows<bool>(job, [&](int64_t i, bool& out) {
        out = floating_at(in, i) != 0;
        return Failure::kNone;
      });
    case NumKind::kDecimal:
      return convert_rows<bool>(job, [&](int64_t i, bool& out) {
        out = in.value<Int128>(i) != 0;
        return Failure::kNone;
      });
    default:
      return convert_rows<bool>(job, [&](int64_t i, bool& out) {
        bool ok;
        out = integral_at(in, i, ok) != 0 || !ok;
        return Failure::kNone;
      });
  }
}

template <typename To>
Result<ColumnPtr> string_to_integral(const CastJob& job) {
  const Column& in = job.in;
  return convert_rows<To>(job, [&](int64_t i, To& out) {
    int64_t v;
    if (!parse_int64(in.string_value(i), v) || !integral_fits<To>(v)) return Failure::kInvalid;
    out = static_cast<To>(v);
    return Failure::kNone;
  });
}

template <typename To>
Result<ColumnPtr> string_to_floating(const CastJob& job) {
  const Column& in = job.in;
  return convert_rows<To>(job, [&](int64_t i, To& out) {
    double v;
    if (!parse_double(in.string_value(i), v)) return Failure::kInvalid;
    out = static_cast<To>(v);
    return Failure::kNone;
  });
}

Result<ColumnPtr> string_to_decimal(const CastJob& job) {
  const Column& in = job.in;
  const int p = job.to->precision(), s = job.to->scale();
  return convert_rows<Int128>(job, [&](int64_t i, Int128& out) {
    decimal::ParseError e;
    std::string_view text = trim_spaces(in.string_value(i));
    if (!text.empty() && text[0] == '+') text.remove_prefix(1);
    auto v = decimal::parse(text, p, s, &e);
    if (!v) return e == decimal::ParseError::kOverflow ? Failure::kOutOfRange : Failure::kInvalid;
    out = *v;
    return Failure::kNone;
  });
}

Result<ColumnPtr> to_date(const CastJob& job) {
  const Column& in = job.in;
  switch (in.type_id()) {
    case TypeId::kString:
      return convert_rows<int32_t>(job, [&](int64_t i, int32_t& out) {
        auto d = parse_spark_date(in.string_value(i));
        if (!d) return Failure::kInvalid;
        out = *d;
        return Failure::kNone;
      });
    case TypeId::kTimestamp: {
      const int64_t shift = in.type()->timezone().empty() ? 0 : job.offset_micros;
      return convert_rows<int32_t>(job, [&](int64_t i, int32_t& out) {
        out = static_cast<int32_t>(floor_div(in.value<int64_t>(i) + shift, kMicrosPerDay));
        return Failure::kNone;
      });
    }
    default:
      return Status::internal("cast to date from {}", in.type()->to_string());
  }
}

Result<ColumnPtr> to_timestamp(const CastJob& job) {
  const Column& in = job.in;
  const bool ntz = job.to->timezone().empty();
  const int64_t zone = job.offset_micros;
  switch (in.type_id()) {
    case TypeId::kString:
      return convert_rows<int64_t>(job, [&](int64_t i, int64_t& out) {
        auto t = parse_timestamp_text(in.string_value(i));
        if (!t) return Failure::kInvalid;
        // TIMESTAMP_NTZ ignores a zone in the text; TIMESTAMP reads text without one in the
        // session zone.
        int64_t shift = ntz ? 0 : (t->has_zone ? t->zone_micros : zone);
        if (__builtin_sub_overflow(t->local_micros, shift, &out)) return Failure::kInvalid;
        return Failure::kNone;
      });
    case TypeId::kDate32:
      return convert_rows<int64_t>(job, [&](int64_t i, int64_t& out) {
        out = static_cast<int64_t>(in.value<int32_t>(i)) * kMicrosPerDay - (ntz ? 0 : zone);
        return Failure::kNone;
      });
    case TypeId::kTimestamp: {
      const bool from_ntz = in.type()->timezone().empty();
      const int64_t shift = from_ntz == ntz ? 0 : (ntz ? zone : -zone);
      return convert_rows<int64_t>(job, [&](int64_t i, int64_t& out) {
        out = in.value<int64_t>(i) + shift;
        return Failure::kNone;
      });
    }
    default:
      break;
  }
  // Numbers are seconds since the epoch.
  switch (kind_of(*in.type())) {
    case NumKind::kFloating:
      return convert_rows<int64_t>(job, [&](int64_t i, int64_t& out) {
        double d = floating_at(in, i) * 1e6;
        if (!(d >= -9.2233720368547758e18 && d < 9.2233720368547758e18)) return Failure::kOverflow;
        out = static_cast<int64_t>(d);
        return Failure::kNone;
      });
    case NumKind::kDecimal: {
      const int scale = in.type()->scale();
      return convert_rows<int64_t>(job, [&](int64_t i, int64_t& out) {
        auto v = decimal::rescale(in.value<Int128>(i), scale, 6, 38);
        if (!v || *v < INT64_MIN || *v > INT64_MAX) return Failure::kOverflow;
        out = static_cast<int64_t>(*v);
        return Failure::kNone;
      });
    }
    default:
      return convert_rows<int64_t>(job, [&](int64_t i, int64_t& out) {
        bool ok;
        int64_t v = integral_at(in, i, ok);
        if (!ok || __builtin_mul_overflow(v, kMicrosPerSecond, &out)) return Failure::kOverflow;
        return Failure::kNone;
      });
  }
}

Result<ColumnPtr> to_string_column(const CastJob& job) {
  const Column& in = job.in;
  const int64_t n = in.length();
  StringWriter w(job.to, n, n * 8, job.memory);
  std::string text;
  for_each_selected(
      n, job.selection,
      [&](int64_t i) {
        if (in.is_null(i)) {
          w.append_null();
          return;
        }
        switch (in.type_id()) {
          case TypeId::kString:
          case TypeId::kBinary:
            w.append(in.string_value(i));
            return;
          case TypeId::kInt32: {
            char* p = w.reserve(16);
            auto r = std::to_chars(p, p + 16, in.value<int32_t>(i));
            w.commit(r.ptr - p);
            return;
          }
          case TypeId::kInt64: {
            char* p = w.reserve(24);
            auto r = std::to_chars(p, p + 24, in.value<int64_t>(i));
            w.commit(r.ptr - p);
            return;
          }
          default:
            text.clear();
            append_cast_text(text, in, i, job.offset_micros);
            w.append(text);
        }
      },
      [&](int64_t, int64_t count) { w.append_nulls(count); });
  return w.finish();
}

Result<ColumnPtr> cast_column(const CastJob& job) {
  const Column& in = job.in;
  const DataType& from = *in.type();
  const DataType& to = *job.to;
  if (from.id() == TypeId::kNull) return null_column(job.to, in.length(), job.memory);
  if (from.equals(to)) return job.in.slice(0, in.length());
  if (from.id() == to.id() && from.id() == TypeId::kTimestamp && from.unit() == to.unit() &&
      from.timezone().empty() == to.timezone().empty()) {
    // Same instants, another zone label.
    return ColumnPtr(std::make_shared<const Column>(job.to, in.length(), in.buffers(),
                                                    std::vector<ColumnPtr>{}, Column::kUnknownNullCount,
                                                    in.offset()));
  }
  if (from.id() == TypeId::kTimestamp && from.unit() == TimeUnit::kNano) {
    // Nanoseconds: truncate to microseconds first.
    TypePtr micro = timestamp(TimeUnit::kMicro, from.timezone().empty() ? "" : "UTC");
    CastJob first{in, micro, job.try_cast, job.offset_micros, job.selection, job.memory};
    BRAID_ASSIGN_OR_RETURN(auto m, convert_rows<int64_t>(first, [&](int64_t i, int64_t& out) {
      out = floor_div(in.value<int64_t>(i), 1000);
      return Failure::kNone;
    }));
    CastJob second{*m, job.to, job.try_cast, job.offset_micros, job.selection, job.memory};
    return cast_column(second);
  }
  if (!can_cast(from, to)) {
    return Status::invalid_argument("cannot cast {} to {}", from.to_string(), to.to_string());
  }
  switch (to.id()) {
    case TypeId::kString:
      return to_string_column(job);
    case TypeId::kBinary:
      return ColumnPtr(std::make_shared<const Column>(job.to, in.length(), in.buffers(),
                                                      std::vector<ColumnPtr>{},
                                                      Column::kUnknownNullCount, in.offset()));
    case TypeId::kBoolean:
      return cast_to_boolean(job);
    case TypeId::kInt8:
      return from.id() == TypeId::kString ? string_to_integral<int8_t>(job) : cast_to_integral<int8_t>(job);
    case TypeId::kInt16:
      return from.id() == TypeId::kString ? string_to_integral<int16_t>(job) : cast_to_integral<int16_t>(job);
    case TypeId::kInt32:
      return from.id() == TypeId::kString ? string_to_integral<int32_t>(job) : cast_to_integral<int32_t>(job);
    case TypeId::kInt64:
      return from.id() == TypeId::kString ? string_to_integral<int64_t>(job) : cast_to_integral<int64_t>(job);
    case TypeId::kFloat32:
      return from.id() == TypeId::kString ? string_to_floating<float>(job) : cast_to_floating<float>(job);
    case TypeId::kFloat64:
      return from.id() == TypeId::kString ? string_to_floating<double>(job) : cast_to_floating<double>(job);
    case TypeId::kDecimal128:
      return from.id() == TypeId::kString ? string_to_decimal(job) : cast_to_decimal(job);
    case TypeId::kDate32:
      return to_date(job);
    case TypeId::kTimestamp:
      return to_timestamp(job);
    default:
      return Status::invalid_argument("cannot cast {} to {}", from.to_string(), to.to_string());
  }
}

bool needs_zone(const DataType& from, const DataType& to) {
  return from.id() == TypeId::kTimestamp || to.id() == TypeId::kTimestamp;
}

class CastExpr final : public Expression {
 public:
  CastExpr(ExprPtr input, TypePtr to, bool try_cast, bool implicit)
      : Expression(std::move(to), input->nullable() || try_cast),
        input_(std::move(input)),
        try_cast_(try_cast),
        implicit_(implicit) {}

  Result<ColumnPtr> evaluate(const RecordBatch& input, const EvalContext& ctx,
                             const std::vector<int32_t>* selection) const override {
    const int64_t n = input.num_rows();
    if (selection != nullptr && selection->empty()) return null_column(type(), n, ctx.memory);
    if (folded_) return to_column(Operand{folded_, true}, n, ctx.memory);
    BRAID_ASSIGN_OR_RETURN(auto op, evaluate_operand(*input_, input, ctx, selection));
    KernelContext kc{n, selection, &ctx};
    BRAID_ASSIGN_OR_RETURN(auto out, cast_operand(op, type(), try_cast_, kc));
    if (op.scalar) return to_column(Operand{out, true}, n, ctx.memory);
    return out;
  }

  std::string to_string() const override {
    if (implicit_) return input_->to_string();
    return fmt::format("{}({} AS {})", try_cast_ ? "TRY_CAST" : "CAST", input_->to_string(),
                       sql_type_name(*type()));
  }
  std::vector<ExprPtr> children() const override { return {input_}; }
  const ColumnPtr* literal_value() const override { return folded_ ? &folded_ : nullptr; }
  // The value of a cast of a literal, computed once when the cast is built.
  void set_folded(ColumnPtr value) { folded_ = std::move(value); }

 private:
  ColumnPtr folded_;
  ExprPtr input_;
  bool try_cast_;
  bool implicit_;
};

}  // namespace

bool can_cast(const DataType& from, const DataType& to) {
  if (from.equals(to) || from.id() == TypeId::kNull) return true;
  auto numeric = [](const DataType& t) {
    return t.is_integer() || t.is_floating() || t.id() == TypeId::kDecimal128;
  };
  switch (to.id()) {
    case TypeId::kString:
      return numeric(from) || from.id() == TypeId::kBoolean || from.id() == TypeId::kString ||
             from.id() == TypeId::kBinary || from.id() == TypeId::kDate32 ||
             from.id() == TypeId::kTimestamp;
    case TypeId::kBinary:
      return from.id() == TypeId::kString || from.id() == TypeId::kBinary;
    case TypeId::kBoolean:
      return numeric(from) || from.id() == TypeId::kString || from.id() == TypeId::kBoolean;
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kFloat32:
    case TypeId::kFloat64:
    case TypeId::kDecimal128:
      return numeric(from) || from.id() == TypeId::kString || from.id() == TypeId::kBoolean ||
             (from.id() == TypeId::kTimestamp && !from.timezone().empty());
    case TypeId::kDate32:
      return from.id() == TypeId::kString || from.id() == TypeId::kTimestamp || from.id() == TypeId::kDate32;
    case TypeId::kTimestamp:
      if (to.unit() != TimeUnit::kMicro) return false;
      return from.id() == TypeId::kString || from.id() == TypeId::kDate32 ||
             from.id() == TypeId::kTimestamp || (!to.timezone().empty() && numeric(from));
    default:
      return false;
  }
}

Result<ColumnPtr> cast_operand(const Operand& in, const TypePtr& to, bool try_cast,
                               const KernelContext& kc) {
  int64_t offset = 0;
  if (needs_zone(*in.type(), *to)) {
    BRAID_ASSIGN_OR_RETURN(offset, zone_offset_micros(kc.eval->session_time_zone));
  }
  CastJob job{*in.column, to, try_cast, offset, in.scalar ? nullptr : kc.selection, kc.memory()};
  return cast_column(job);
}

Result<ExprPtr> cast_expression(ExprPtr input, TypePtr to, bool try_cast, bool implicit) {
  const DataType& from = *input->type();
  if (!can_cast(from, *to) && !(from.id() == TypeId::kTimestamp && to->id() == TypeId::kTimestamp)) {
    return Status::invalid_argument(
        "[DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION] cannot cast {} to {}: {}",
        sql_type_name(from), sql_type_name(*to), input->to_string());
  }
  auto cast = std::make_shared<CastExpr>(input, to, try_cast, implicit);
  if (input->literal_value() != nullptr && !needs_zone(from, *to)) {
    // Fold a literal now; when the cast fails, keep the expression so the error is raised where
    // the value is used.
    EvalContext ctx;
    auto folded = evaluate_constant(cast, ctx);
    if (folded.ok()) {
      if (implicit) return literal(*folded);
      cast->set_folded(*folded);  // keeps CAST(...) in the generated name
    }
  }
  return ExprPtr(cast);
}

void append_cast_text(std::string& out, const Column& c, int64_t row, int64_t offset_micros) {
  switch (c.type_id()) {
    case TypeId::kBoolean:
      out += c.bool_value(row) ? "true" : "false";
      return;
    case TypeId::kFloat64:
      append_java_double(out, c.value<double>(row));
      return;
    case TypeId::kFloat32:
      append_java_float(out, c.value<float>(row));
      return;
    case TypeId::kDecimal128:
      decimal::append(out, c.value<Int128>(row), c.type()->scale());
      return;
    case TypeId::kDate32:
      temporal::append_date(out, c.value<int32_t>(row));
      return;
    case TypeId::kTimestamp: {
      int64_t v = c.value<int64_t>(row);
      if (!c.type()->timezone().empty()) v += offset_micros;
      temporal::append_timestamp(out, v, c.type()->unit(), temporal::TextStyle{' ', false, false},
                                 false);
      return;
    }
    case TypeId::kString:
    case TypeId::kBinary:
      out += c.string_value(row);
      return;
    default: {
      bool ok;
      int64_t v = integral_at(c, row, ok);
      if (c.type_id() == TypeId::kUInt64) {
        fmt::format_to(std::back_inserter(out), "{}", c.value<uint64_t>(row));
      } else {
        fmt::format_to(std::back_inserter(out), "{}", v);
      }
    }
  }
}

std::optional<int32_t> parse_spark_date(std::string_view text) {
  Scanner sc{trim_spaces(text)};
  int64_t days;
  if (!parse_date_fields(sc, days)) return std::nullopt;
  if (!sc.done() && sc.peek() != ' ' && sc.peek() != 'T') return std::nullopt;
  if (days < INT32_MIN || days > INT32_MAX) return std::nullopt;
  return static_cast<int32_t>(days);
}

std::optional<int64_t> parse_spark_timestamp(std::string_view text, int64_t offset_micros,
                                             bool* has_zone) {
  auto t = parse_timestamp_text(text);
  if (!t) return std::nullopt;
  if (has_zone) *has_zone = t->has_zone;
  return t->local_micros - (t->has_zone ? t->zone_micros : offset_micros);
}

}  // namespace braid::exec::internal
