#include "columnar/value_text.h"

#include <fmt/format.h>

#include <cmath>
#include <iterator>

#include "columnar/decimal.h"
#include "columnar/temporal.h"
#include "common/json_writer.h"

namespace braid {

namespace {

constexpr temporal::TextStyle kJsonStyle{'T', true, true};
constexpr temporal::TextStyle kPlainStyle{' ', false, true};

template <typename T>
void append_integer(std::string& out, T v) {
  fmt::format_to(std::back_inserter(out), "{}", v);
}

template <typename T>
void append_floating(std::string& out, T v, TextFlavor flavor) {
  if (std::isnan(v)) {
    out += flavor == TextFlavor::kJson ? "\"NaN\"" : "NaN";
  } else if (std::isinf(v)) {
    if (flavor == TextFlavor::kJson) out += '"';
    out += v < 0 ? "-Infinity" : "Infinity";
    if (flavor == TextFlavor::kJson) out += '"';
  } else {
    // Shortest text that reads back to the same value.
    fmt::format_to(std::back_inserter(out), "{}", v);
  }
}

void append_uuid(std::string& out, std::string_view bytes) {
  static const char* kHex = "0123456789abcdef";
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    auto b = static_cast<unsigned char>(bytes[i]);
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
}

}  // namespace

void append_base64(std::string& out, std::string_view bytes) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t i = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = (uint32_t{p[i]} << 16) | (uint32_t{p[i + 1]} << 8) | p[i + 2];
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  size_t rest = bytes.size() - i;
  if (rest == 1) {
    uint32_t v = uint32_t{p[i]} << 16;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (rest == 2) {
    uint32_t v = (uint32_t{p[i]} << 16) | (uint32_t{p[i + 1]} << 8);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
}

void append_value_text(std::string& out, const Column& c, int64_t row, TextFlavor flavor) {
  if (!c.is_valid(row)) {
    if (flavor == TextFlavor::kJson) out += "null";
    return;
  }
  const DataType& t = *c.type();
  const bool json = flavor == TextFlavor::kJson;
  switch (t.id()) {
    case TypeId::kNull:
      return;
    case TypeId::kBoolean:
      out += c.bool_value(row) ? "true" : "false";
      return;
    case TypeId::kInt8: return append_integer(out, c.value<int8_t>(row));
    case TypeId::kInt16: return append_integer(out, c.value<int16_t>(row));
    case TypeId::kInt32: return append_integer(out, c.value<int32_t>(row));
    case TypeId::kInt64: return append_integer(out, c.value<int64_t>(row));
    case TypeId::kUInt8: return append_integer(out, c.value<uint8_t>(row));
    case TypeId::kUInt16: return append_integer(out, c.value<uint16_t>(row));
    case TypeId::kUInt32: return append_integer(out, c.value<uint32_t>(row));
    case TypeId::kUInt64: return append_integer(out, c.value<uint64_t>(row));
    case TypeId::kFloat32: return append_floating(out, c.value<float>(row), flavor);
    case TypeId::kFloat64: return append_floating(out, c.value<double>(row), flavor);
    case TypeId::kDecimal128:
      if (json) out += '"';
      decimal::append(out, c.value<Int128>(row), t.scale());
      if (json) out += '"';
      return;
    case TypeId::kString:
      if (json) {
        append_json_string(out, c.string_value(row));
      } else {
        out += c.string_value(row);
      }
      return;
    case TypeId::kBinary:
    case TypeId::kFixedSizeBinary: {
      std::string_view bytes =
          t.id() == TypeId::kBinary ? c.string_value(row) : c.fixed_value(row);
      if (json) out += '"';
      if (t.extension() == "uuid" && bytes.size() == 16) {
        append_uuid(out, bytes);
      } else {
        append_base64(out, bytes);
      }
      if (json) out += '"';
      return;
    }
    case TypeId::kDate32: {
      if (json) out += '"';
      temporal::append_date(out, c.value<int32_t>(row));
      if (json) out += '"';
      return;
    }
    case TypeId::kTime64: {
      if (json) out += '"';
      temporal::append_time(out, c.value<int64_t>(row), t.unit(), json ? kJsonStyle : kPlainStyle,
                            t.time_utc());
      if (json) out += '"';
      return;
    }
    case TypeId::kTimestamp: {
      if (json) out += '"';
      temporal::append_timestamp(out, c.value<int64_t>(row), t.unit(),
                                 json ? kJsonStyle : kPlainStyle, !t.timezone().empty());
      if (json) out += '"';
      return;
    }
    case TypeId::kInterval: {
      auto v = c.value<MonthDayNanos>(row);
      fmt::format_to(std::back_inserter(out), "{{\"months\":{},\"days\":{},\"millis\":{}}}",
                     v.months, v.days, v.nanos / 1'000'000);
      return;
    }
    case TypeId::kStruct: {
      out += '{';
      for (int i = 0; i < t.num_fields(); ++i) {
        if (i) out += ',';
        append_json_string(out, t.field(i)->name());
        out += ':';
        append_value_text(out, *c.child(i), c.offset() + row, TextFlavor::kJson);
      }
      out += '}';
      return;
    }
    case TypeId::kList: {
      out += '[';
      const int32_t* o = c.offsets();
      for (int32_t i = o[row]; i < o[row + 1]; ++i) {
        if (i != o[row]) out += ',';
        append_value_text(out, *c.list_values(), i, TextFlavor::kJson);
      }
      out += ']';
      return;
    }
    case TypeId::kMap: {
      out += '[';
      const int32_t* o = c.offsets();
      const Column& entries = *c.list_values();
      for (int32_t i = o[row]; i < o[row + 1]; ++i) {
        if (i != o[row]) out += ',';
        out += "{\"key\":";
        append_value_text(out, *entries.child(0), entries.offset() + i, TextFlavor::kJson);
        out += ",\"value\":";
        append_value_text(out, *entries.child(1), entries.offset() + i, TextFlavor::kJson);
        out += '}';
      }
      out += ']';
      return;
    }
  }
}

std::string value_text(const Column& column, int64_t row, TextFlavor flavor) {
  std::string out;
  append_value_text(out, column, row, flavor);
  return out;
}

}  // namespace braid
