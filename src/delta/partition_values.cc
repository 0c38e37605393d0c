#include "delta/partition_values.h"

#include <fast_float/fast_float.h>
#include <fmt/core.h>

#include <charconv>

#include "columnar/column_builder.h"
#include "columnar/decimal.h"
#include "columnar/temporal.h"
#include "columnar/value_text.h"

namespace braid::delta {

namespace {

template <typename T>
bool parse_integer(std::string_view s, T* out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

Status bad(std::string_view value, const DataType& type) {
  return Status::corruption("partition value '{}' is not a valid {}", value, type.to_string());
}

}  // namespace

Result<ColumnPtr> partition_column(const TypePtr& type, const std::optional<std::string>& value,
                                   int64_t rows) {
  if (!value || value->empty() || type->id() == TypeId::kNull) return Column::make_null(type, rows);
  auto builder = make_builder(type);
  builder->reserve(rows);
  const std::string& s = *value;
  const DataType& t = *type;
  // Builds one value, then repeats it.
  auto repeat = [&](auto* b, auto v) {
    for (int64_t i = 0; i < rows; ++i) b->append(v);
  };
  switch (t.id()) {
    case TypeId::kString:
    case TypeId::kBinary: repeat(static_cast<BinaryBuilder*>(builder.get()), std::string_view(s)); break;
    case TypeId::kBoolean: {
      if (s != "true" && s != "false") return bad(s, t);
      repeat(static_cast<BooleanBuilder*>(builder.get()), s == "true");
      break;
    }
    case TypeId::kInt8: { int8_t v; if (!parse_integer(s, &v)) return bad(s, t); repeat(static_cast<Int8Builder*>(builder.get()), v); break; }
    case TypeId::kInt16: { int16_t v; if (!parse_integer(s, &v)) return bad(s, t); repeat(static_cast<Int16Builder*>(builder.get()), v); break; }
    case TypeId::kInt32: { int32_t v; if (!parse_integer(s, &v)) return bad(s, t); repeat(static_cast<Int32Builder*>(builder.get()), v); break; }
    case TypeId::kInt64: { int64_t v; if (!parse_integer(s, &v)) return bad(s, t); repeat(static_cast<Int64Builder*>(builder.get()), v); break; }
    case TypeId::kFloat32:
    case TypeId::kFloat64: {
      double v;
      auto r = fast_float::from_chars(s.data(), s.data() + s.size(), v);
      if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return bad(s, t);
      if (t.id() == TypeId::kFloat32) {
        repeat(static_cast<Float32Builder*>(builder.get()), static_cast<float>(v));
      } else {
        repeat(static_cast<Float64Builder*>(builder.get()), v);
      }
      break;
    }
    case TypeId::kDecimal128: {
      auto v = decimal::parse(s, t.precision(), t.scale());
      if (!v) return bad(s, t);
      repeat(static_cast<Decimal128Builder*>(builder.get()), *v);
      break;
    }
    case TypeId::kDate32: {
      auto v = temporal::parse_date(s);
      if (!v) return bad(s, t);
      repeat(static_cast<Int32Builder*>(builder.get()), *v);
      break;
    }
    case TypeId::kTimestamp: {
      auto v = temporal::parse_timestamp(s, t.unit());
      if (!v) return bad(s, t);
      repeat(static_cast<Int64Builder*>(builder.get()), v->value);
      break;
    }
    default:
      return Status::not_implemented("partition columns of type {} are not supported", t.to_string());
  }
  return builder->finish();
}

std::optional<std::string> format_partition_value(const Column& column, int64_t row) {
  if (column.is_null(row)) return std::nullopt;
  const DataType& t = *column.type();
  switch (t.id()) {
    case TypeId::kString:
    case TypeId::kBinary: return std::string(column.string_value(row));
    case TypeId::kTimestamp: {
      std::string s;
      temporal::append_timestamp(s, column.value<int64_t>(row), t.unit(),
                                 {t.timezone().empty() ? ' ' : 'T', true, true}, !t.timezone().empty());
      return s;
    }
    default: return value_text(column, row, TextFlavor::kPlain);
  }
}

std::string partition_folder(std::string_view column, const std::optional<std::string>& value) {
  auto escape = [](std::string_view s) {
    std::string out;
    for (char ch : s) {
      auto c = static_cast<unsigned char>(ch);
      bool special = c < 0x20 || c == 0x7f || ch == '"' || ch == '#' || ch == '%' || ch == '\'' ||
                     ch == '*' || ch == '/' || ch == ':' || ch == '=' || ch == '?' || ch == '\\' ||
                     ch == '{' || ch == '[' || ch == ']' || ch == '^';
      if (special) {
        out += fmt::format("%{:02X}", c);
      } else {
        out += ch;
      }
    }
    return out;
  };
  std::string v = value && !value->empty() ? escape(*value) : "__HIVE_DEFAULT_PARTITION__";
  return escape(column) + "=" + v;
}

std::string encode_path(std::string_view path) {
  std::string out;
  for (char ch : path) {
    auto c = static_cast<unsigned char>(ch);
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || ch == '-' ||
                ch == '_' || ch == '.' || ch == '~' || ch == '/' || ch == '=' || ch == '+' || ch == ',' ||
                ch == ';' || ch == '@' || ch == '&' || ch == '$' || ch == '!' || ch == '(' || ch == ')';
    if (keep) {
      out += ch;
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

}  // namespace braid::delta
