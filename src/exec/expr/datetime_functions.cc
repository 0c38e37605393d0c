// Date and time functions. TIMESTAMP values are instants (UTC microseconds) shown and split into
// fields in the session time zone (UTC or a fixed offset); TIMESTAMP_NTZ values are wall-clock
// values used as they are. Date arguments accept dates, timestamps and strings (cast as Spark
// does); timestamp arguments accept timestamps, dates and strings.
//
// Datetime patterns (date_format, to_timestamp, to_date, unix_timestamp, from_unixtime) support
// the common letters of Spark's patterns: y, M (M, MM, MMM, MMMM), d, D, H, h, m, s, S (fraction),
// a, E, and quoted text; other letters are rejected when the call is built.
#include <fmt/format.h>

#include <cmath>

#include "columnar/temporal.h"
#include "common/ascii.h"
#include "common/floor_division.h"
#include "exec/expr/internal/cast.h"
#include "exec/expr/internal/function_registry.h"
#include "exec/expr/internal/row_kernels.h"
#include "exec/expr/internal/type_coercion.h"

namespace braid::exec::internal {

namespace {

using temporal::kMicrosPerDay;
using temporal::kMicrosPerSecond;

Result<int64_t> session_offset(const KernelContext& kc) {
  return zone_offset_micros(kc.eval->session_time_zone);
}

// Coerces to DATE (timestamps and strings are cast).
Result<ExprPtr> date_arg(std::string_view name, ExprPtr e, const std::vector<ExprPtr>& args) {
  const DataType& t = *e->type();
  if (t.id() == TypeId::kDate32) return e;
  if (is_timestamp(t) || is_string(t) || is_null_type(t)) return implicit_cast(std::move(e), date32());
  return no_signature(name, args);
}

// Coerces to a timestamp (TIMESTAMP_NTZ stays; dates and strings become TIMESTAMP).
Result<ExprPtr> timestamp_arg(std::string_view name, ExprPtr e, const std::vector<ExprPtr>& args) {
  const DataType& t = *e->type();
  if (is_timestamp(t)) return e;
  if (t.id() == TypeId::kDate32 || is_string(t) || is_null_type(t)) {
    return implicit_cast(std::move(e), timestamp_type());
  }
  return no_signature(name, args);
}

Result<ExprPtr> int_arg(std::string_view name, ExprPtr e, const std::vector<ExprPtr>& args) {
  const DataType& t = *e->type();
  if (!(is_integral(t) || is_null_type(t) || is_string(t))) return no_signature(name, args);
  return implicit_cast(std::move(e), int64());
}

Result<ExprPtr> string_arg(std::string_view name, ExprPtr e, const std::vector<ExprPtr>& args) {
  const DataType& t = *e->type();
  if (is_string(t)) return e;
  if (is_null_type(t)) return implicit_cast(std::move(e), string_type());
  return no_signature(name, args);
}

int32_t weekday_monday0(int64_t days) { return static_cast<int32_t>(floor_mod(days + 3, 7)); }

int32_t iso_week(int64_t days) {
  const int64_t thursday = days - weekday_monday0(days) + 3;
  const auto year = temporal::civil_from_days(thursday).year;
  return static_cast<int32_t>((thursday - temporal::days_from_civil(year, 1, 1)) / 7 + 1);
}

// ---- fields

enum class Field {
  kYear, kQuarter, kMonth, kWeek, kDay, kDayOfWeek, kDayOfWeekIso, kDayOfYear, kHour, kMinute,
  kSecond, kSecondWithFraction, kWeekday, kYearOfWeek
};

std::optional<Field> extract_field(std::string_view text) {
  const std::string f = ascii::upper(text);
  for (const char* s : {"YEAR", "Y", "YEARS", "YR", "YRS"}) if (f == s) return Field::kYear;
  for (const char* s : {"QUARTER", "QTR"}) if (f == s) return Field::kQuarter;
  for (const char* s : {"MONTH", "MON", "MONS", "MONTHS"}) if (f == s) return Field::kMonth;
  for (const char* s : {"WEEK", "W", "WEEKS"}) if (f == s) return Field::kWeek;
  for (const char* s : {"DAY", "D", "DAYS"}) if (f == s) return Field::kDay;
  for (const char* s : {"DAYOFWEEK", "DOW"}) if (f == s) return Field::kDayOfWeek;
  for (const char* s : {"DAYOFWEEK_ISO", "DOW_ISO"}) if (f == s) return Field::kDayOfWeekIso;
  if (f == "DOY") return Field::kDayOfYear;
  if (f == "YEAROFWEEK") return Field::kYearOfWeek;
  for (const char* s : {"HOUR", "H", "HOURS", "HR", "HRS"}) if (f == s) return Field::kHour;
  for (const char* s : {"MINUTE", "M", "MIN", "MINS", "MINUTES"}) if (f == s) return Field::kMinute;
  for (const char* s : {"SECOND", "S", "SEC", "SECONDS", "SECS"}) if (f == s) return Field::kSecondWithFraction;
  return std::nullopt;
}

bool is_time_field(Field f) {
  return f == Field::kHour || f == Field::kMinute || f == Field::kSecond || f == Field::kSecondWithFraction;
}

int64_t field_value(Field f, int64_t local_micros) {
  const int64_t days = floor_div(local_micros, kMicrosPerDay);
  const int64_t of_day = floor_mod(local_micros, kMicrosPerDay);
  switch (f) {
    case Field::kHour: return of_day / (3600 * kMicrosPerSecond);
    case Field::kMinute: return of_day / (60 * kMicrosPerSecond) % 60;
    case Field::kSecond: return of_day / kMicrosPerSecond % 60;
    case Field::kSecondWithFraction: return of_day % (60 * kMicrosPerSecond);  // decimal(8,6)
    default: break;
  }
  const auto c = temporal::civil_from_days(days);
  switch (f) {
    case Field::kYear: return c.year;
    case Field::kQuarter: return (c.month - 1) / 3 + 1;
    case Field::kMonth: return c.month;
    case Field::kWeek: return iso_week(days);
    case Field::kDay: return c.day;
    case Field::kDayOfWeek: return floor_mod(days + 4, 7) + 1;
    case Field::kDayOfWeekIso: return weekday_monday0(days) + 1;
    case Field::kWeekday: return weekday_monday0(days);
    case Field::kDayOfYear: return days - temporal::days_from_civil(c.year, 1, 1) + 1;
    case Field::kYearOfWeek: return temporal::civil_from_days(days - weekday_monday0(days) + 3).year;
    default: return 0;
  }
}

// A field of a date or timestamp argument, in the session zone.
Result<ExprPtr> make_field_call(std::string name, ExprPtr arg, Field field, CallOptions options = {}) {
  std::vector<ExprPtr> args{arg};
  if (is_time_field(field)) {
    BRAID_ASSIGN_OR_RETURN(arg, timestamp_arg(name, arg, args));
  } else if (!(arg->type()->id() == TypeId::kDate32 || is_timestamp(*arg->type()))) {
    BRAID_ASSIGN_OR_RETURN(arg, date_arg(name, arg, args));
  }
  const bool fraction = field == Field::kSecondWithFraction;
  TypePtr type = fraction ? decimal128(8, 6) : int32();
  Kernel kernel = [field, fraction, type](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    const Operand& a = ops[0];
    int64_t offset = 0;
    if (a.type()->id() == TypeId::kTimestamp && !a.type()->timezone().empty()) {
      BRAID_ASSIGN_OR_RETURN(offset, session_offset(kc));
    }
    const bool is_date = a.type()->id() == TypeId::kDate32;
    auto local = [&](int64_t i) {
      return is_date ? static_cast<int64_t>(a.value<int32_t>(i)) * kMicrosPerDay : a.value<int64_t>(i) + offset;
    };
    Status error;
    if (fraction) {
      return fixed_rows<Int128>(ops, type, kc, error, [&](int64_t i) -> std::optional<Int128> {
        return static_cast<Int128>(field_value(field, local(i)));
      });
    }
    return fixed_rows<int32_t>(ops, type, kc, error, [&](int64_t i) -> std::optional<int32_t> {
      return static_cast<int32_t>(field_value(field, local(i)));
    });
  };
  return make_kernel_call(std::move(name), {arg}, type, std::move(kernel), std::move(options));
}

Result<ExprPtr> resolve_extract(std::string_view name, std::vector<ExprPtr> args) {
  if (args.size() != 2) return no_signature(name, args);
  auto text = literal_string(args[0]);
  if (!text) {
    return Status::invalid_argument("function '{}': the field must be a string literal", name);
  }
  auto field = extract_field(*text);
  if (!field) {
    return Status::invalid_argument("[INVALID_EXTRACT_FIELD] Cannot extract {} from {}.", *text,
                                    args[1]->to_string());
  }
  CallOptions options;
  std::string field_name = ascii::upper(*text);
  options.printer = [field_name, name = std::string(name)](const std::vector<ExprPtr>& a) {
    if (name == "date_part") return "date_part(" + field_name + ", " + a[0]->to_string() + ")";
    return "extract(" + field_name + " FROM " + a[0]->to_string() + ")";
  };
  return make_field_call(std::string(name), args[1], *field, options);
}

// ---- current date and time

Result<ExprPtr> resolve_now(std::string_view name, std::vector<ExprPtr> args, bool date) {
  if (!args.empty()) return no_signature(name, args);
  TypePtr type = date ? date32() : timestamp_type();
  Kernel kernel = [date, type](const std::vector<Operand>&, const KernelContext& kc) -> Result<ColumnPtr> {
    const int64_t n = kc.num_rows;
    int64_t value = kc.eval->now_micros;
    if (date) {
      BRAID_ASSIGN_OR_RETURN(int64_t offset, session_offset(kc));
      value = floor_div(value + offset, kMicrosPerDay);
    }
    BRAID_ASSIGN_OR_RETURN(auto values, allocate(n * (date ? 4 : 8), kc.memory()));
    for (int64_t i = 0; i < n; ++i) {
      if (date) {
        values->mutable_as<int32_t>()[i] = static_cast<int32_t>(value);
      } else {
        values->mutable_as<int64_t>()[i] = value;
      }
    }
    return make_column(type, n, nullptr, values);
  };
  return make_kernel_call(std::string(name == "now" ? "now" : name), {}, type, std::move(kernel));
}

// ---- date arithmetic

Result<ExprPtr> resolve_date_add(std::string_view name, std::vector<ExprPtr> args, int sign) {
  if (args.size() != 2) return no_signature(name, args);
  BRAID_ASSIGN_OR_RETURN(auto d, date_arg(name, args[0], args));
  BRAID_ASSIGN_OR_RETURN(auto n, int_arg(name, args[1], args));
  Kernel kernel = [sign](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    Status error;
    return fixed_rows<int32_t>(ops, date32(), kc, error, [&](int64_t i) -> std::optional<int32_t> {
      int64_t delta, v;
      if (__builtin_mul_overflow(int_at(ops[1], i), sign, &delta) ||
          __builtin_add_overflow(static_cast<int64_t>(ops[0].value<int32_t>(i)), delta, &v) ||
          v < INT32_MIN || v > INT32_MAX) {
        error = Status::invalid_argument("[DATETIME_OVERFLOW] Datetime operation overflow: {}",
                                         "date_add");
        return std::nullopt;
      }
      return static_cast<int32_t>(v);
    });
  };
  return make_kernel_call(std::string(name), {d, n}, date32(), std::move(kernel));
}

Result<ExprPtr> resolve_datediff(std::string_view name, std::vector<ExprPtr> args) {
  if (args.size() != 2) return no_signature(name, args);
  BRAID_ASSIGN_OR_RETURN(auto end, date_arg(name, args[0], args));
  BRAID_ASSIGN_OR_RETURN(auto start, date_arg(name, args[1], args));
  Kernel kernel = [](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    Status error;
    return fixed_rows<int32_t>(ops, int32(), kc, error, [&](int64_t i) -> std::optional<int32_t> {
      return static_cast<int32_t>(static_cast<int64_t>(ops[0].value<int32_t>(i)) - ops[1].value<int32_t>(i));
    });
  };
  return make_kernel_call("datediff", {end, start}, int32(), std::move(kernel));
}

std::optional<int32_t> add_months_days(int32_t days, int64_t months) {
  const auto c = temporal::civil_from_days(days);
  // Dates span about +-5.9 million years: anything further is out of range.
  if (months > 100'000'000 || months < -100'000'000) return std::nullopt;
  int64_t total = c.year * 12 + (c.month - 1) + months;
  int64_t year = floor_div(total, 12);
  int month = static_cast<int>(floor_mod(total, 12)) + 1;
  int day = std::min(c.day, temporal::days_in_month(year, month));
  const int64_t out = temporal::days_from_civil(year, month, day);
  if (out < INT32_MIN || out > INT32_MAX) return std::nullopt;
  return static_cast<int32_t>(out);
}

Result<ExprPtr> resolve_add_months(std::string_view name, std::vector<ExprPtr> args) {
  if (args.size() != 2) return no_signature(name, args);
  BRAID_ASSIGN_OR_RETURN(auto d, date_arg(name, args[0], args));
  BRAID_ASSIGN_OR_RETURN(auto n, int_arg(name, args[1], args));
  Kernel kernel = [](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    Status error;
    return fixed_rows<int32_t>(ops, date32(), kc, error, [&](int64_t i) -> std::optional<int32_t> {
      auto out = add_months_days(ops[0].value<int32_t>(i), int_at(ops[1], i));
      if (!out) error = Status::invalid_argument("[DATETIME_OVERFLOW] Datetime operation overflow: add_months");
      return out;
    });
  };
  return make_kernel_call("add_months", {d, n}, date32(), std::move(kernel));
}

Result<ExprPtr> resolve_last_day(std::string_view name, std::vector<ExprPtr> args) {
  if (args.size() != 1) return no_signature(name, args);
  BRAID_ASSIGN_OR_RETURN(auto d, date_arg(name, args[0], args));
  Kernel kernel = [](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    Status error;
    return fixed_rows<int32_t>(ops, date32(), kc, error, [&](int64_t i) -> std::optional<int32_t> {
      const auto c = temporal::civil_from_days(ops[0].value<int32_t>(i));
      return static_cast<int32_t>(temporal::days_from_civil(c.year, c.month, temporal::days_in_month(c.year, c.month)));
    });
  };
  return make_kernel_call("last_day", {d}, date32(), std::move(kernel));
}

Result<ExprPtr> resolve_make_date(std::string_view name, std::vector<ExprPtr> args) {
  if (args.size() != 3) return no_signature(name, args);
  for (auto& a : args) {
    BRAID_ASSIGN_OR_RETURN(a, int_arg(name, a, args));
  }
  Kernel kernel = [](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    Status error;
    return fixed_rows<int32_t>(ops, date32(), kc, error, [&](int64_t i) -> std::optional<int32_t> {
      int64_t y = int_at(ops[0], i), m = int_at(ops[1], i), d = int_at(ops[2], i);
      if (m < 1 || m > 12 || d < 1 || y < -290000 || y > 290000 ||
          !temporal::is_valid_civil(y, static_cast<int>(m), static_cast<int>(d))) {
        error = Status::invalid_argument(
            "[DATETIME_FIELD_OUT_OF_BOUNDS] Invalid date: year {}, month {}, day {}. To get NULL "
            "for an invalid date instead, use try_cast(concat_ws('-', year, month, day) AS DATE).",
            y, m, d);
        return std::nullopt;
      }
      return static_cast<int32_t>(temporal::days_from_civil(y, static_cast<int>(m), static_cast<int>(d)));
    });
  };
  return make_kernel_call("make_date", std::move(args), date32(), std::move(kernel));
}

// ---- truncation

enum class Unit { kYear, kQuarter, kMonth, kWeek, kDay, kHour, kMinute, kSecond, kMillisecond, kMicrosecond };

std::optional<Unit> trunc_unit(std::string_view text, bool date_only) {
  const std::string u = ascii::upper(text);
  if (u == "YEAR" || u == "YYYY" || u == "YY") return Unit::kYear;
  if (u == "QUARTER") return Unit::kQuarter;
  if (u == "MONTH" || u == "MM" || u == "MON") return Unit::kMonth;
  if (u == "WEEK") return Unit::kWeek;
  if (date_only) return std::nullopt;
  if (u == "DAY" || u == "DD") return Unit::kDay;
  if (u == "HOUR") return Unit::kHour;
  if (u == "MINUTE") return Unit::kMinute;
  if (u == "SECOND") return Unit::kSecond;
  if (u == "MILLISECOND") return Unit::kMillisecond;
  if (u == "MICROSECOND") return Unit::kMicrosecond;
  return std::nullopt;
}

int64_t trunc_days(int64_t days, Unit unit) {
  const auto c = temporal::civil_from_days(days);
  switch (unit) {
    case Unit::kYear: return temporal::days_from_civil(c.year, 1, 1);
    case Unit::kQuarter: return temporal::days_from_civil(c.year, (c.month - 1) / 3 * 3 + 1, 1);
    case Unit::kMonth: return temporal::days_from_civil(c.year, c.month, 1);
    case Unit::kWeek: return days - weekday_monday0(days);
    default: return days;
  }
}

int64_t trunc_micros(int64_t local, Unit unit) {
  switch (unit) {
    case Unit::kHour: return floor_div(local, 3600 * kMicrosPerSecond) * 3600 * kMicrosPerSecond;
    case Unit::kMinute: return floor_div(local, 60 * kMicrosPerSecond) * 60 * kMicrosPerSecond;
    case Unit::kSecond: return floor_div(local, kMicrosPerSecond) * kMicrosPerSecond;
    case Unit::kMillisecond: return floor_div(local, 1000) * 1000;
    case Unit::kMicrosecond: return local;
    default: return trunc_days(floor_div(local, kMicrosPerDay), unit) * kMicrosPerDay;
  }
}

Result<ExprPtr> resolve_date_trunc(std::string_view name, std::vector<ExprPtr> args) {
  if (args.size() != 2) return no_signature(name, args);
  BRAID_ASSIGN_OR_RETURN(auto unit, string_arg(name, args[0], args));
  BRAID_ASSIGN_OR_RETURN(auto ts, timestamp_arg(name, args[1], args));
  TypePtr type = ts->type();
  CallOptions options;
  options.may_return_null = true;
  Kernel kernel = [type](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    int64_t offset = 0;
    if (!type->timezone().empty()) {
      BRAID_ASSIGN_OR_RETURN(offset, session_offset(kc));
    }
    Status error;
    return fixed_rows<int64_t>(ops, type, kc, error, [&](int64_t i) -> std::optional<int64_t> {
      auto u = trunc_unit(ops[0].string_value(i), false);
      if (!u) return std::nullopt;
      return trunc_micros(ops[1].value<int64_t>(i) + offset, *u) - offset;
    });
  };
  return make_kernel_call("date_trunc", {unit, ts}, type, std::move(kernel), options);
}

Result<ExprPtr> resolve_trunc(std::string_view name, std::vector<ExprPtr> args) {
  if (args.size() != 2) return no_signature(name, args);
  BRAID_ASSIGN_OR_RETURN(auto d, date_arg(name, args[0], args));
  BRAID_ASSIGN_OR_RETURN(auto unit, string_arg(name, args[1], args));
  CallOptions options;
  options.may_return_null = true;
  Kernel kernel = [](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    Status error;
    return fixed_rows<int32_t>(ops, date32(), kc, error, [&](int64_t i) -> std::optional<int32_t> {
      auto u = trunc_unit(ops[1].string_value(i), true);
      if (!u) return std::nullopt;
      return static_cast<int32_t>(trunc_days(ops[0].value<int32_t>(i), *u));
    });
  };
  return make_kernel_call("trunc", {d, unit}, date32(), std::move(kernel), options);
}

// ---- datetime patterns

struct PatternToken {
  char letter;       // 0 for literal text
  int count;
  std::string text;  // literal text
};

Result<std::vector<PatternToken>> parse_pattern(std::string_view p) {
  std::vector<PatternToken> out;
  for (size_t i = 0; i < p.size();) {
    char c = p[i];
    if (c == '\'') {
      size_t j = i + 1;
      std::string text;
      if (j < p.size() && p[j] == '\'') {
        out.push_back({0, 0, "'"});
        i = j + 1;
        continue;
      }
      while (j < p.size()) {
        if (p[j] == '\'') {
          if (j + 1 < p.size() && p[j + 1] == '\'') {
            text += '\'';
            j += 2;
            continue;
          }
          break;
        }
        text += p[j++];
      }
      if (j >= p.size()) return Status::invalid_argument("datetime pattern '{}': unclosed quote", p);
      out.push_back({0, 0, text});
      i = j + 1;
      continue;
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      size_t j = i;
      while (j < p.size() && p[j] == c) ++j;
      const int count = static_cast<int>(j - i);
      switch (c) {
        case 'y': case 'M': case 'L': case 'd': case 'D': case 'H': case 'h': case 'm': case 's':
        case 'S': case 'a': case 'E':
          break;
        default:
          return Status::invalid_argument(
              "[INVALID_DATETIME_PATTERN] Unsupported datetime pattern letter '{}' in '{}'", c, p);
      }
      out.push_back({c == 'L' ? 'M' : c, count, ""});
      i = j;
      continue;
    }
    out.push_back({0, 0, std::string(1, c)});
    ++i;
  }
  return out;
}

const char* const kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                               "July",    "August",   "September", "October", "November", "December"};
const char* const kDays[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

void pad_number(std::string& out, int64_t v, int width) {
  if (v < 0) {
    out += '-';
    v = -v;
  }
  std::string digits = std::to_string(v);
  if (static_cast<int>(digits.size()) < width) out.append(static_cast<size_t>(width) - digits.size(), '0');
  out += digits;
}

void format_local(std::string& out, int64_t local, const std::vector<PatternToken>& tokens) {
  const int64_t days = floor_div(local, kMicrosPerDay);
  const int64_t of_day = floor_mod(local, kMicrosPerDay);
  const auto c = temporal::civil_from_days(days);
  const int64_t hour = of_day / (3600 * kMicrosPerSecond);
  for (const auto& t : tokens) {
    switch (t.letter) {
      case 0: out += t.text; break;
      case 'y':
        if (t.count == 2) {
          pad_number(out, floor_mod(c.year, 100), 2);
        } else {
          pad_number(out, c.year, t.count);
        }
        break;
      case 'M':
        if (t.count >= 4) {
          out += kMonths[c.month - 1];
        } else if (t.count == 3) {
          out += std::string_view(kMonths[c.month - 1]).substr(0, 3);
        } else {
          pad_number(out, c.month, t.count);
        }
        break;
      case 'd': pad_number(out, c.day, t.count); break;
      case 'D': pad_number(out, days - temporal::days_from_civil(c.year, 1, 1) + 1, t.count); break;
      case 'H': pad_number(out, hour, t.count); break;
      case 'h': pad_number(out, hour % 12 == 0 ? 12 : hour % 12, t.count); break;
      case 'm': pad_number(out, of_day / (60 * kMicrosPerSecond) % 60, t.count); break;
      case 's': pad_number(out, of_day / kMicrosPerSecond % 60, t.count); break;
      case 'S': {
        std::string frac = fmt::format("{:06d}", of_day % kMicrosPerSecond);
        if (t.count <= 6) {
          out += frac.substr(0, static_cast<size_t>(t.count));
        } else {
          out += frac;
          out.append(static_cast<size_t>(t.count - 6), '0');
        }
        break;
      }
      case 'a': out += hour < 12 ? "AM" : "PM"; break;
      case 'E': {
        std::string_view day = kDays[weekday_monday0(days)];
        out += t.count >= 4 ? day : day.substr(0, 3);
        break;
      }
      default: break;
    }
  }
}

// Parses text with a pattern into local microseconds; nullopt with the failing index.
std::optional<int64_t> parse_local(std::string_view s, const std::vector<PatternToken>& tokens,
                                   size_t* fail_at) {
  int64_t year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, micros = 0;
  int64_t hour12 = -1;
  int64_t day_of_year = -1;
  bool pm = false, has_ampm = false;
  size_t i = 0;
  auto fail = [&]() -> std::optional<int64_t> {
    *fail_at = i;
    return std::nullopt;
  };
  auto number = [&](int min_digits, int max_digits, int64_t& out) {
    size_t j = i;
    bool negative = false;
    int64_t v = 0;
    int n = 0;
    while (j < s.size() && n < max_digits && s[j] >= '0' && s[j] <= '9') {
      v = v * 10 + (s[j++] - '0');
      ++n;
    }
    if (n < min_digits) return false;
    out = negative ? -v : v;
    i = j;
    return true;
  };
  for (size_t k = 0; k < tokens.size(); ++k) {
    const auto& t = tokens[k];
    // Adjacent numeric fields: a field takes exactly its width when the next token is numeric.
    const bool next_numeric = k + 1 < tokens.size() && tokens[k + 1].letter != 0 &&
                              tokens[k + 1].letter != 'a' && tokens[k + 1].letter != 'E' &&
                              !(tokens[k + 1].letter == 'M' && tokens[k + 1].count >= 3);
    const int fixed = next_numeric ? t.count : 0;
    switch (t.letter) {
      case 0:
        if (s.substr(i, t.text.size()) != t.text) return fail();
        i += t.text.size();
        break;
      case 'y':
        if (t.count == 2) {
          int64_t yy;
          if (!number(2, 2, yy)) return fail();
          year = 2000 + yy;
        } else if (!number(std::max(t.count, 1), fixed ? t.count : 9, year)) {
          return fail();
        }
        break;
      case 'M':
        if (t.count >= 3) {
          bool found = false;
          for (int m = 0; m < 12 && !found; ++m) {
            std::string_view name = kMonths[m];
            if (t.count == 3) name = name.substr(0, 3);
            if (s.substr(i, name.size()) == name) {
              month = m + 1;
              i += name.size();
              found = true;
            }
          }
          if (!found) return fail();
        } else if (!number(t.count, fixed ? t.count : 2, month)) {
          return fail();
        }
        break;
      case 'd':
        if (!number(t.count, fixed ? t.count : 2, day)) return fail();
        break;
      case 'D':
        if (!number(t.count, fixed ? t.count : 3, day_of_year)) return fail();
        break;
      case 'H':
        if (!number(t.count, fixed ? t.count : 2, hour)) return fail();
        break;
      case 'h':
        if (!number(t.count, fixed ? t.count : 2, hour12)) return fail();
        break;
      case 'm':
        if (!number(t.count, fixed ? t.count : 2, minute)) return fail();
        break;
      case 's':
        if (!number(t.count, fixed ? t.count : 2, second)) return fail();
        break;
      case 'S': {
        const size_t start = i;
        int64_t v;
        if (!number(1, t.count, v)) return fail();
        int digits = static_cast<int>(i - start);
        while (digits < 6) {
          v *= 10;
          ++digits;
        }
        while (digits > 6) {
          v /= 10;
          --digits;
        }
        micros = v;
        break;
      }
      case 'a':
        if (s.substr(i, 2) == "AM" || s.substr(i, 2) == "am") {
          pm = false;
        } else if (s.substr(i, 2) == "PM" || s.substr(i, 2) == "pm") {
          pm = true;
        } else {
          return fail();
        }
        has_ampm = true;
        i += 2;
        break;
      case 'E': {
        bool found = false;
        for (int d = 0; d < 7 && !found; ++d) {
          std::string_view name = kDays[d];
          if (t.count < 4) name = name.substr(0, 3);
          if (s.substr(i, name.size()) == name) {
            i += name.size();
            found = true;
          }
        }
        if (!found) return fail();
        break;
      }
      default:
        return fail();
    }
  }
  if (i != s.size()) return fail();
  if (hour12 >= 0) {
    if (hour12 < 1 || hour12 > 12) return fail();
    hour = hour12 % 12 + (has_ampm && pm ? 12 : 0);
  } else if (has_ampm && pm && hour < 12) {
    hour += 12;
  }
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59 || year > 294000 ||
      year < -290000 || day_of_year > 366) {
    return fail();
  }
  int64_t days;
  if (day_of_year >= 0) {
    days = temporal::days_from_civil(year, 1, 1) + day_of_year - 1;
  } else {
    if (!temporal::is_valid_civil(year, static_cast<int>(month), static_cast<int>(day))) return fail();
    days = temporal::days_from_civil(year, static_cast<int>(month), static_cast<int>(day));
  }
  return days * kMicrosPerDay + ((hour * 60 + minute) * 60 + second) * kMicrosPerSecond + micros;
}

// A pattern argument: parsed once when literal, else per row (cached).
class PatternSource {
 public:
  explicit PatternSource(std::shared_ptr<const std::vector<PatternToken>> fixed) : fixed_(std::move(fixed)) {}
  const std::vector<PatternToken>* get(const Operand* pattern, int64_t i, Status& error) {
    if (fixed_) return fixed_.get();
    std::string_view p = pattern->string_value(i);
    if (!cached_ || p != cached_text_) {
      auto t = parse_pattern(p);
      if (!t.ok()) {
        error = t.status();
        return nullptr;
      }
      cached_ = std::move(*t);
      cached_text_ = std::string(p);
    }
    return &*cached_;
  }

 private:
  std::shared_ptr<const std::vector<PatternToken>> fixed_;
  std::optional<std::vector<PatternToken>> cached_;
  std::string cached_text_;
};

// The pattern of argument `index` (or the default), parsed when literal.
Result<std::shared_ptr<const std::vector<PatternToken>>> fixed_pattern(const std::vector<ExprPtr>& args, size_t index,
                                                                       std::string_view fallback) {
  std::optional<std::string> text;
  if (index < args.size()) {
    text = literal_string(args[index]);
    if (!text) return std::shared_ptr<const std::vector<PatternToken>>();
  } else {
    text = std::string(fallback);
  }
  BRAID_ASSIGN_OR_RETURN(auto tokens, parse_pattern(*text));
  return std::make_shared<const std::vector<PatternToken>>(std::move(tokens));
}

constexpr std::string_view kDefaultPattern = "yyyy-MM-dd HH:mm:ss";

Result<ExprPtr> resolve_date_format(std::string_view name, std::vector<ExprPtr> args) {
  if (args.size() != 2) return no_signature(name, args);
  BRAID_ASSIGN_OR_RETURN(auto ts, timestamp_arg(name, args[0], args));
  BRAID_ASSIGN_OR_RETURN(auto fmt_arg, string_arg(name, args[1], args));
  BRAID_ASSIGN_OR_RETURN(auto fixed, fixed_pattern({ts, fmt_arg}, 1, kDefaultPattern));
  const bool ntz = ts->type()->timezone().empty();
  Kernel kernel = [fixed, ntz](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    int64_t offset = 0;
    if (!ntz) {
      BRAID_ASSIGN_OR_RETURN(offset, session_offset(kc));
    }
    PatternSource source(fixed);
    std::string text;
    return string_rows(ops, string_type(), kc, 0, [&](int64_t i, StringWriter& w) -> Status {
      Status error;
      const auto* tokens = source.get(&ops[1], i, error);
      if (tokens == nullptr) return error;
      text.clear();
      format_local(text, ops[0].value<int64_t>(i) + offset, *tokens);
      w.append(text);
      return Status::OK();
    });
  };
  return make_kernel_call("date_format", {ts, fmt_arg}, string_type(), std::move(kernel));
}

Result<ExprPtr> resolve_from_unixtime(std::string_view name, std::vector<ExprPtr> args) {
  if (args.empty() || args.size() > 2) return no_signature(name, args);
  BRAID_ASSIGN_OR_RETURN(auto secs, int_arg(name, args[0], args));
  std::vector<ExprPtr> call_args{secs};
  if (args.size() == 2) {
    BRAID_ASSIGN_OR_RETURN(auto f, string_arg(name, args[1], args));
    call_args.push_back(f);
  }
  BRAID_ASSIGN_OR_RETURN(auto fixed, fixed_pattern(call_args, 1, kDefaultPattern));
  Kernel kernel = [fixed](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    BRAID_ASSIGN_OR_RETURN(int64_t offset, session_offset(kc));
    PatternSource source(fixed);
    std::string text;
    return string_rows(ops, string_type(), kc, 0, [&](int64_t i, StringWriter& w) -> Status {
      Status error;
      const auto* tokens = source.get(ops.size() > 1 ? &ops[1] : nullptr, i, error);
      if (tokens == nullptr) return error;
      int64_t micros;
      if (__builtin_mul_overflow(int_at(ops[0], i), kMicrosPerSecond, &micros)) {
        return Status::invalid_argument("[DATETIME_OVERFLOW] from_unixtime: {} seconds", int_at(ops[0], i));
      }
      text.clear();
      format_local(text, micros + offset, *tokens);
      w.append(text);
      return Status::OK();
    });
  };
  return make_kernel_call("from_unixtime", std::move(call_args), string_type(), std::move(kernel));
}

Status cannot_parse(std::string_view text, size_t index, bool try_mode) {
  return Status::invalid_argument(
      "[CANNOT_PARSE_TIMESTAMP] Text '{}' could not be parsed at index {}. Use `try_to_timestamp` "
      "to tolerate invalid input string and return NULL instead.", text, index);
}

// to_timestamp / to_date / unix_timestamp over a string with a pattern. `out`: 0 timestamp,
// 1 date, 2 seconds since the epoch (bigint).
Result<ExprPtr> parse_with_pattern(std::string name, ExprPtr str, ExprPtr pattern, int out,
                                   bool try_mode, std::string_view default_pattern) {
  std::vector<ExprPtr> call_args{str};
  if (pattern != nullptr) call_args.push_back(pattern);
  BRAID_ASSIGN_OR_RETURN(auto fixed, fixed_pattern(call_args, 1, default_pattern));
  TypePtr type = out == 0 ? timestamp_type() : out == 1 ? date32() : int64();
  Kernel kernel = [fixed, out, try_mode, type](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    BRAID_ASSIGN_OR_RETURN(int64_t offset, session_offset(kc));
    PatternSource source(fixed);
    Status error;
    auto parse = [&](int64_t i) -> std::optional<int64_t> {
      const auto* tokens = source.get(ops.size() > 1 ? &ops[1] : nullptr, i, error);
      if (tokens == nullptr) return std::nullopt;
      std::string_view s = ops[0].string_value(i);
      size_t at = 0;
      auto local = parse_local(s, *tokens, &at);
      if (!local) {
        if (!try_mode) error = cannot_parse(s, at, try_mode);
        return std::nullopt;
      }
      return *local;
    };
    if (out == 1) {
      return fixed_rows<int32_t>(ops, type, kc, error, [&](int64_t i) -> std::optional<int32_t> {
        auto local = parse(i);
        if (!local) return std::nullopt;
        return static_cast<int32_t>(floor_div(*local, kMicrosPerDay));
      });
    }
    return fixed_rows<int64_t>(ops, type, kc, error, [&](int64_t i) -> std::optional<int64_t> {
      auto local = parse(i);
      if (!local) return std::nullopt;
      const int64_t instant = *local - offset;
      return out == 2 ? floor_div(instant, kMicrosPerSecond) : instant;
    });
  };
  CallOptions options;
  options.may_return_null = try_mode;
  return make_kernel_call(std::move(name), std::move(call_args), type, std::move(kernel), options);
}

Result<ExprPtr> resolve_to_timestamp(std::string_view name, std::vector<ExprPtr> args, bool try_mode, bool date) {
  if (args.empty() || args.size() > 2) return no_signature(name, args);
  const DataType& t = *args[0]->type();
  if (args.size() == 1 || !is_string(t)) {
    if (args.size() == 2) {
      BRAID_RETURN_IF_ERROR(string_arg(name, args[1], args).status());
    }
    // Without a pattern (or on dates and timestamps): a cast.
    if (!(is_string(t) || is_timestamp(t) || t.id() == TypeId::kDate32 || is_null_type(t))) {
      return no_signature(name, args);
    }
    return make_cast(args[0], date ? date32() : timestamp_type(), try_mode);
  }
  BRAID_ASSIGN_OR_RETURN(auto pattern, string_arg(name, args[1], args));
  return parse_with_pattern(std::string(name), args[0], pattern, date ? 1 : 0, try_mode, kDefaultPattern);
}

Result<ExprPtr> resolve_unix_timestamp(std::string_view name, std::vector<ExprPtr> args) {
  if (args.size() > 2) return no_signature(name, args);
  if (args.empty()) {
    BRAID_ASSIGN_OR_RETURN(auto now, make_call("current_timestamp", {}));
    args.push_back(now);
  }
  const DataType& t = *args[0]->type();
  if (is_string(t)) {
    ExprPtr pattern;
    if (args.size() == 2) {
      BRAID_ASSIGN_OR_RETURN(pattern, string_arg(name, args[1], args));
    }
    return parse_with_pattern(std::string(name), args[0], pattern, 2, false, kDefaultPattern);
  }
  BRAID_ASSIGN_OR_RETURN(auto ts, timestamp_arg(name, args[0], args));
  Kernel kernel = [](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    Status error;
    const bool ntz = ops[0].type()->timezone().empty();
    int64_t offset = 0;
    if (ntz) {
      BRAID_ASSIGN_OR_RETURN(offset, session_offset(kc));
    }
    return fixed_rows<int64_t>(ops, int64(), kc, error, [&](int64_t i) -> std::optional<int64_t> {
      return floor_div(ops[0].value<int64_t>(i) - offset, kMicrosPerSecond);
    });
  };
  return make_kernel_call(std::string(name), {ts}, int64(), std::move(kernel));
}

}  // namespace

void register_datetime_functions(FunctionRegistry& r) {
  r.add("current_date", [](std::string_view n, std::vector<ExprPtr> a) { return resolve_now(n, std::move(a), true); });
  r.add("curdate", [](std::string_view n, std::vector<ExprPtr> a) { return resolve_now(n, std::move(a), true); });
  for (const char* n : {"current_timestamp", "now"}) {
    r.add(n, [](std::string_view nm, std::vector<ExprPtr> a) { return resolve_now(nm, std::move(a), false); });
  }
  r.add("date_add", [](std::string_view n, std::vector<ExprPtr> a) { return resolve_date_add(n, std::move(a), 1); });
  r.add("dateadd", [](std::string_view n, std::vector<ExprPtr> a) { return resolve_date_add(n, std::move(a), 1); });
  r.add("date_sub", [](std::string_view n, std::vector<ExprPtr> a) { return resolve_date_add(n, std::move(a), -1); });
  r.add("datediff", resolve_datediff);
  r.add("add_months", resolve_add_months);
  r.add("last_day", resolve_last_day);
  r.add("make_date", resolve_make_date);
  r.add("date_trunc", resolve_date_trunc);
  r.add("trunc", resolve_trunc);
  r.add("extract", resolve_extract);
  r.add("date_part", resolve_extract);
  auto field = [&r](const char* name, Field f) {
    r.add(name, [f](std::string_view n, std::vector<ExprPtr> a) -> Result<ExprPtr> {
      if (a.size() != 1) return no_signature(n, a);
      return make_field_call(std::string(n), a[0], f);
    });
  };
  field("year", Field::kYear);
  field("quarter", Field::kQuarter);
  field("month", Field::kMonth);
  field("day", Field::kDay);
  field("dayofmonth", Field::kDay);
  field("dayofweek", Field::kDayOfWeek);
  field("weekday", Field::kWeekday);
  field("dayofyear", Field::kDayOfYear);
  field("weekofyear", Field::kWeek);
  field("hour", Field::kHour);
  field("minute", Field::kMinute);
  field("second", Field::kSecond);
  r.add("date_format", resolve_date_format);
  r.add("from_unixtime", resolve_from_unixtime);
  r.add("to_timestamp", [](std::string_view n, std::vector<ExprPtr> a) { return resolve_to_timestamp(n, std::move(a), false, false); });
  r.add("try_to_timestamp", [](std::string_view n, std::vector<ExprPtr> a) { return resolve_to_timestamp(n, std::move(a), true, false); });
  r.add("to_date", [](std::string_view n, std::vector<ExprPtr> a) { return resolve_to_timestamp(n, std::move(a), false, true); });
  r.add("unix_timestamp", resolve_unix_timestamp);
  r.add("to_unix_timestamp", resolve_unix_timestamp);
}

}  // namespace braid::exec::internal
