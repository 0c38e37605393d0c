#include "exec/expr/internal/kernel.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>

#include "columnar/column_builder.h"
#include "columnar/decimal.h"
#include "columnar/temporal.h"
#include "columnar/value_text.h"

namespace braid::exec::internal {

// ---- the kernel-call node

namespace {

class KernelCall final : public Expression {
 public:
  KernelCall(std::string name, std::vector<ExprPtr> args, TypePtr type, bool nullable,
             Kernel kernel, CallOptions options)
      : Expression(std::move(type), nullable),
        name_(std::move(name)),
        args_(std::move(args)),
        kernel_(std::move(kernel)),
        options_(std::move(options)) {}

  Result<ColumnPtr> evaluate(const RecordBatch& input, const EvalContext& ctx,
                             const std::vector<int32_t>* selection) const override {
    const int64_t n = input.num_rows();
    if (selection != nullptr && selection->empty()) return null_column(type(), n, ctx.memory);
    std::vector<Operand> ops;
    ops.reserve(args_.size());
    for (const auto& a : args_) {
      BRAID_ASSIGN_OR_RETURN(auto op, evaluate_operand(*a, input, ctx, selection));
      if (options_.null_intolerant && op.is_null_scalar()) {
        return null_column(type(), n, ctx.memory);
      }
      ops.push_back(std::move(op));
    }
    KernelContext kc{n, selection, &ctx};
    BRAID_ASSIGN_OR_RETURN(auto out, kernel_(ops, kc));
    if (out->length() != n) {
      return Status::internal("function '{}' returned {} rows for {}", name_, out->length(), n);
    }
    return out;
  }

  std::string to_string() const override {
    if (options_.printer) return options_.printer(args_);
    std::string s;
    switch (options_.style) {
      case CallStyle::kInfix:
        s = "(";
        for (size_t i = 0; i < args_.size(); ++i) {
          if (i) s += " " + name_ + " ";
          s += args_[i]->to_string();
        }
        return s + ")";
      case CallStyle::kPrefix:
        return "(" + name_ + " " + (args_.empty() ? std::string() : args_[0]->to_string()) + ")";
      case CallStyle::kFunction:
        break;
    }
    s = name_ + "(";
    for (size_t i = 0; i < args_.size(); ++i) {
      if (i) s += ", ";
      s += args_[i]->to_string();
    }
    return s + ")";
  }

  std::vector<ExprPtr> children() const override { return args_; }

 private:
  std::string name_;
  std::vector<ExprPtr> args_;
  Kernel kernel_;
  CallOptions options_;
};

}  // namespace

ExprPtr make_kernel_call(std::string name, std::vector<ExprPtr> args, TypePtr type,
                         Kernel kernel, CallOptions options) {
  bool nullable = options.may_return_null;
  for (const auto& a : args) nullable = nullable || a->nullable();
  if (!options.null_intolerant) nullable = true;
  if (options.never_null) nullable = false;
  return std::make_shared<KernelCall>(std::move(name), std::move(args), std::move(type), nullable,
                                      std::move(kernel), std::move(options));
}

Result<Operand> evaluate_operand(const Expression& e, const RecordBatch& input,
                                 const EvalContext& ctx, const std::vector<int32_t>* selection) {
  if (const ColumnPtr* v = e.literal_value()) return Operand{*v, true};
  BRAID_ASSIGN_OR_RETURN(auto column, e.evaluate(input, ctx, selection));
  return Operand{std::move(column), false};
}

// ---- buffers and columns

Result<BufferPtr> allocate(int64_t bytes, MemoryTracker* memory) {
  return Buffer::allocate(bytes, memory);
}

ColumnPtr make_column(TypePtr type, int64_t length, BufferPtr validity, BufferPtr values) {
  return std::make_shared<const Column>(std::move(type), length,
                                        std::vector<BufferPtr>{std::move(validity), std::move(values)});
}

Result<BufferPtr> aligned_bits(const BufferPtr& bits, int64_t offset, int64_t n,
                               MemoryTracker* memory) {
  if (offset == 0) return bits;
  BRAID_ASSIGN_OR_RETURN(auto out, allocate(bitmap::bytes_for(n), memory));
  bitmap::copy(bits->data(), offset, out->mutable_data(), 0, n);
  return out;
}

Result<BufferPtr> and_validity(const std::vector<const Operand*>& operands, int64_t n,
                               MemoryTracker* memory) {
  BufferPtr out;
  std::vector<uint8_t> scratch;
  for (const Operand* op : operands) {
    if (op->scalar) continue;
    const Column& c = *op->column;
    if (c.type_id() == TypeId::kNull) {
      BRAID_ASSIGN_OR_RETURN(out, allocate(bitmap::bytes_for(n), memory));  // all zero: all NULL
      return out;
    }
    const uint8_t* bits = c.validity_bits();
    if (bits == nullptr) continue;
    if (out == nullptr) {
      BRAID_ASSIGN_OR_RETURN(out, allocate(bitmap::bytes_for(n), memory));
      bitmap::copy(bits, c.offset(), out->mutable_data(), 0, n);
      continue;
    }
    const uint8_t* src = bits + c.offset() / 8;
    if (c.offset() % 8 != 0) {
      scratch.assign(static_cast<size_t>(bitmap::bytes_for(n)), 0);
      bitmap::copy(bits, c.offset(), scratch.data(), 0, n);
      src = scratch.data();
    }
    uint8_t* dst = out->mutable_data();
    const int64_t bytes = bitmap::bytes_for(n);
    for (int64_t i = 0; i < bytes; ++i) dst[i] &= src[i];
  }
  return out;
}

ColumnPtr string_scalar(std::string_view s) {
  StringWriter w(string_type(), 1, static_cast<int64_t>(s.size()), nullptr);
  w.append(s);
  return *w.finish();
}

Result<ColumnPtr> null_column(const TypePtr& type, int64_t n, MemoryTracker* memory) {
  return Column::make_null(type, n, memory);
}

Result<ColumnPtr> to_column(const Operand& operand, int64_t n, MemoryTracker* memory) {
  if (!operand.scalar) return operand.column;
  if (operand.column->is_null(0)) return null_column(operand.type(), n, memory);
  std::vector<int16_t> which(static_cast<size_t>(n), 0);
  return merge_rows(operand.type(), {operand}, which, memory);
}

namespace {

template <typename T>
void merge_fixed(const std::vector<Operand>& branches, const std::vector<int16_t>& which,
                 T* out) {
  std::vector<const T*> src(branches.size());
  std::vector<int64_t> stride(branches.size());
  for (size_t b = 0; b < branches.size(); ++b) {
    src[b] = branches[b].column->type()->is_fixed_width() ? branches[b].values<T>() : nullptr;
    stride[b] = branches[b].stride();
  }
  const int64_t n = static_cast<int64_t>(which.size());
  if (branches.size() == 1 && src[0] != nullptr) {
    const T* s = src[0];
    const int64_t st = stride[0];
    for (int64_t i = 0; i < n; ++i) out[i] = s[i * st];
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    int b = which[static_cast<size_t>(i)];
    if (b >= 0 && src[static_cast<size_t>(b)] != nullptr) {
      out[i] = src[static_cast<size_t>(b)][i * stride[static_cast<size_t>(b)]];
    }
  }
}

}  // namespace

Result<ColumnPtr> merge_rows(const TypePtr& type, const std::vector<Operand>& branches,
                             const std::vector<int16_t>& which, MemoryTracker* memory) {
  const int64_t n = static_cast<int64_t>(which.size());
  if (type->id() == TypeId::kNull) return null_column(type, n, memory);
  // Validity.
  BRAID_ASSIGN_OR_RETURN(auto validity, allocate(bitmap::bytes_for(n), memory));
  uint8_t* vbits = validity->mutable_data();
  int64_t nulls = 0;
  for (int64_t i = 0; i < n; ++i) {
    int b = which[static_cast<size_t>(i)];
    if (b >= 0 && branches[static_cast<size_t>(b)].is_valid(i)) {
      bitmap::set(vbits, i);
    } else {
      ++nulls;
    }
  }
  BufferPtr out_validity = nulls == 0 ? nullptr : validity;
  const TypeId id = type->id();
  if (id == TypeId::kBoolean) {
    BRAID_ASSIGN_OR_RETURN(auto bits, allocate(bitmap::bytes_for(n), memory));
    uint8_t* out = bits->mutable_data();
    for (int64_t i = 0; i < n; ++i) {
      int b = which[static_cast<size_t>(i)];
      if (b >= 0) {
        const Operand& op = branches[static_cast<size_t>(b)];
        if (op.column->type_id() == TypeId::kBoolean && op.is_valid(i) && op.bool_value(i)) {
          bitmap::set(out, i);
        }
      }
    }
    auto col = std::make_shared<const Column>(type, n, std::vector<BufferPtr>{out_validity, bits},
                                              std::vector<ColumnPtr>{}, nulls);
    return ColumnPtr(col);
  }
  if (type->is_fixed_width()) {
    const int w = type->byte_width();
    BRAID_ASSIGN_OR_RETURN(auto values, allocate(n * w, memory));
    switch (w) {
      case 1: merge_fixed<uint8_t>(branches, which, values->mutable_as<uint8_t>()); break;
      case 2: merge_fixed<uint16_t>(branches, which, values->mutable_as<uint16_t>()); break;
      case 4: merge_fixed<uint32_t>(branches, which, values->mutable_as<uint32_t>()); break;
      case 8: merge_fixed<uint64_t>(branches, which, values->mutable_as<uint64_t>()); break;
      default: {
        uint8_t* out = values->mutable_data();
        for (int64_t i = 0; i < n; ++i) {
          int b = which[static_cast<size_t>(i)];
          if (b < 0) continue;
          const Operand& op = branches[static_cast<size_t>(b)];
          if (op.column->type_id() == TypeId::kNull) continue;
          std::memcpy(out + i * w, op.column->buffer(1)->data() + (op.column->offset() + op.at(i)) * w,
                      static_cast<size_t>(w));
        }
      }
    }
    return std::make_shared<const Column>(type, n, std::vector<BufferPtr>{out_validity, values},
                                          std::vector<ColumnPtr>{}, nulls);
  }
  if (type->is_binary_like()) {
    int64_t total = 0;
    for (int64_t i = 0; i < n; ++i) {
      int b = which[static_cast<size_t>(i)];
      if (b >= 0 && bitmap::get(vbits, i)) {
        total += static_cast<int64_t>(branches[static_cast<size_t>(b)].string_value(i).size());
      }
    }
    if (total > INT32_MAX) {
      return Status::invalid_argument("string column of {} bytes is too large", total);
    }
    BRAID_ASSIGN_OR_RETURN(auto offsets, allocate((n + 1) * 4, memory));
    BRAID_ASSIGN_OR_RETURN(auto data, allocate(total, memory));
    int32_t* o = offsets->mutable_as<int32_t>();
    char* d = reinterpret_cast<char*>(data->mutable_data());
    int32_t pos = 0;
    o[0] = 0;
    for (int64_t i = 0; i < n; ++i) {
      int b = which[static_cast<size_t>(i)];
      if (b >= 0 && bitmap::get(vbits, i)) {
        std::string_view s = branches[static_cast<size_t>(b)].string_value(i);
        if (!s.empty()) std::memcpy(d + pos, s.data(), s.size());
        pos += static_cast<int32_t>(s.size());
      }
      o[i + 1] = pos;
    }
    return std::make_shared<const Column>(
        type, n, std::vector<BufferPtr>{out_validity, offsets, data}, std::vector<ColumnPtr>{}, nulls);
  }
  // Nested and other types: through a builder.
  auto builder = make_builder(type, memory);
  builder->reserve(n);
  for (int64_t i = 0; i < n; ++i) {
    int b = which[static_cast<size_t>(i)];
    if (b >= 0 && bitmap::get(vbits, i)) {
      const Operand& op = branches[static_cast<size_t>(b)];
      builder->append_from(*op.column, op.at(i));
    } else {
      builder->append_null();
    }
  }
  return builder->finish();
}

// ---- StringWriter

StringWriter::StringWriter(TypePtr type, int64_t expected_rows, int64_t expected_bytes,
                           MemoryTracker* memory)
    : type_(std::move(type)), memory_(memory), offsets_(memory), data_(memory), validity_(memory) {
  offsets_.reserve((expected_rows + 1) * 4);
  offsets_.append_value(int32_t{0});
  if (expected_bytes > 0) data_.reserve(expected_bytes);
}

void StringWriter::append_null() {
  if (!has_validity_) {
    has_validity_ = true;
    validity_.resize(bitmap::bytes_for(rows_ + 1));
    bitmap::fill(validity_.data(), 0, rows_, true);
  }
  offsets_.append_value(static_cast<int32_t>(data_.size()));
  validity_.resize(bitmap::bytes_for(rows_ + 1));
  bitmap::clear(validity_.data(), rows_);
  ++rows_;
}

Result<ColumnPtr> StringWriter::finish() {
  if (overflow_) {
    return Status::invalid_argument("string column of more than 2 GiB in one batch");
  }
  // A limit crossed while growing (here or on any ancestor) is reported as ColumnBuilder reports
  // it; what was written is freed with this writer.
  for (MemoryTracker* t = memory_; t != nullptr; t = t->parent()) {
    if (t->limit() > 0 && t->current() > t->limit()) {
      return Status::out_of_memory("memory limit of {} ({}) exceeded: {} in use", t->name(),
                                   format_bytes(t->limit()), format_bytes(t->current()));
    }
  }
  BufferPtr validity = has_validity_ ? validity_.finish() : nullptr;
  auto col = std::make_shared<const Column>(
      type_, rows_, std::vector<BufferPtr>{validity, offsets_.finish(), data_.finish()});
  return ColumnPtr(col);
}

// ---- text

std::string sql_type_name(const DataType& type) {
  std::string s = type.to_string();
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  if (s == "VOID") return "VOID";
  return s;
}

void shortest_digits(double v, std::string& digits, int& exponent, bool& negative) {
  negative = std::signbit(v);
  std::string text = fmt::format("{}", std::fabs(v));
  digits.clear();
  int point = 0;
  bool seen_point = false;
  size_t i = 0;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.') {
      seen_point = true;
    } else if (c >= '0' && c <= '9') {
      digits += c;
      if (!seen_point) ++point;
    } else {
      break;
    }
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) point += std::atoi(text.c_str() + i + 1);
  size_t lead = 0;
  while (lead < digits.size() && digits[lead] == '0') ++lead;
  digits.erase(0, lead);
  point -= static_cast<int>(lead);
  while (!digits.empty() && digits.back() == '0') digits.pop_back();
  if (digits.empty()) {
    digits = "0";
    point = 1;
  }
  exponent = point;
}

namespace {

void append_java_digits(std::string& out, const std::string& digits, int point, bool negative,
                        bool zero) {
  if (negative) out += '-';
  if (zero) {
    out += "0.0";
    return;
  }
  const int len = static_cast<int>(digits.size());
  // Java: plain notation for 10^-3 <= |v| < 10^7, computerized scientific otherwise.
  if (point >= -2 && point <= 7) {
    if (point <= 0) {
      out += "0.";
      out.append(static_cast<size_t>(-point), '0');
      out += digits;
    } else if (point >= len) {
      out += digits;
      out.append(static_cast<size_t>(point - len), '0');
      out += ".0";
    } else {
      out.append(digits, 0, static_cast<size_t>(point));
      out += '.';
      out.append(digits, static_cast<size_t>(point), std::string::npos);
    }
    return;
  }
  out += digits[0];
  out += '.';
  if (len > 1) {
    out.append(digits, 1, std::string::npos);
  } else {
    out += '0';
  }
  out += 'E';
  out += std::to_string(point - 1);
}

}  // namespace

void append_java_double(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    out += v < 0 ? "-Infinity" : "Infinity";
    return;
  }
  std::string digits;
  int point;
  bool negative;
  shortest_digits(v, digits, point, negative);
  append_java_digits(out, digits, point, negative, v == 0);
}

void append_java_float(std::string& out, float v) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    out += v < 0 ? "-Infinity" : "Infinity";
    return;
  }
  // Shortest digits of the float itself.
  std::string text = fmt::format("{}", std::fabs(v));
  std::string digits;
  int point = 0;
  bool seen_point = false;
  size_t i = 0;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.') {
      seen_point = true;
    } else if (c >= '0' && c <= '9') {
      digits += c;
      if (!seen_point) ++point;
    } else {
      break;
    }
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) point += std::atoi(text.c_str() + i + 1);
  size_t lead = 0;
  while (lead < digits.size() && digits[lead] == '0') ++lead;
  digits.erase(0, lead);
  point -= static_cast<int>(lead);
  while (!digits.empty() && digits.back() == '0') digits.pop_back();
  if (digits.empty()) digits = "0";
  append_java_digits(out, digits, point, std::signbit(v), v == 0);
}

std::string sql_value_text(const Column& c, int64_t row) {
  if (c.is_null(row)) return "NULL";
  std::string out;
  switch (c.type_id()) {
    case TypeId::kString: {
      out += '\'';
      for (char ch : c.string_value(row)) {
        if (ch == '\'' || ch == '\\') out += '\\';
        out += ch;
      }
      out += '\'';
      return out;
    }
    case TypeId::kInt8: return fmt::format("{}Y", c.value<int8_t>(row));
    case TypeId::kInt16: return fmt::format("{}S", c.value<int16_t>(row));
    case TypeId::kInt32: return fmt::format("{}", c.value<int32_t>(row));
    case TypeId::kInt64: return fmt::format("{}L", c.value<int64_t>(row));
    case TypeId::kFloat64:
      append_java_double(out, c.value<double>(row));
      return out + "D";
    case TypeId::kFloat32:
      append_java_float(out, c.value<float>(row));
      return out + "F";
    case TypeId::kDecimal128:
      decimal::append(out, c.value<Int128>(row), c.type()->scale());
      return out + "BD";
    case TypeId::kDate32:
      return "DATE '" + value_text(c, row, TextFlavor::kPlain) + "'";
    case TypeId::kTimestamp: {
      std::string text;
      temporal::append_timestamp(text, c.value<int64_t>(row), c.type()->unit(),
                                 temporal::TextStyle{' ', false, false}, false);
      return (c.type()->timezone().empty() ? "TIMESTAMP_NTZ '" : "TIMESTAMP '") + text + "'";
    }
    case TypeId::kBinary: {
      out = "X'";
      static const char* kHex = "0123456789ABCDEF";
      for (char ch : c.string_value(row)) {
        auto b = static_cast<unsigned char>(ch);
        out += kHex[b >> 4];
        out += kHex[b & 15];
      }
      return out + "'";
    }
    default:
      return value_text(c, row, TextFlavor::kPlain);
  }
}

std::string literal_name(const Column& c) {
  if (c.is_null(0)) return "NULL";
  std::string out;
  switch (c.type_id()) {
    case TypeId::kFloat64:
      append_java_double(out, c.value<double>(0));
      return out;
    case TypeId::kFloat32:
      append_java_float(out, c.value<float>(0));
      return out;
    case TypeId::kTimestamp:
      temporal::append_timestamp(out, c.value<int64_t>(0), c.type()->unit(),
                                 temporal::TextStyle{' ', false, false}, false);
      return out;
    default:
      return value_text(c, 0, TextFlavor::kPlain);
  }
}

// ---- time zones

Result<int64_t> zone_offset_micros(std::string_view zone) {
  std::string z(zone);
  for (char& c : z) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  std::string_view s = z;
  auto unsupported = [&]() {
    return Status::not_implemented(
        "session time zone '{}' is not supported (use UTC or a fixed offset like +02:00)", zone);
  };
  if (s == "UTC" || s == "GMT" || s == "Z" || s == "UT" || s == "ETC/UTC" || s == "ETC/GMT" ||
      s.empty()) {
    return int64_t{0};
  }
  for (std::string_view prefix : {"UTC", "GMT", "UT"}) {
    if (s.substr(0, prefix.size()) == prefix && s.size() > prefix.size() &&
        (s[prefix.size()] == '+' || s[prefix.size()] == '-')) {
      s.remove_prefix(prefix.size());
      break;
    }
  }
  if (s.empty() || (s[0] != '+' && s[0] != '-')) return unsupported();
  const bool negative = s[0] == '-';
  s.remove_prefix(1);
  int hours = 0, minutes = 0, seconds = 0;
  size_t i = 0;
  int hour_digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9' && hour_digits < 2) {
    hours = hours * 10 + (s[i++] - '0');
    ++hour_digits;
  }
  if (hour_digits == 0) return unsupported();
  auto two = [&](int& out) {
    if (i < s.size() && s[i] == ':') ++i;
    if (i + 2 > s.size() || s[i] < '0' || s[i] > '9' || s[i + 1] < '0' || s[i + 1] > '9') return false;
    out = (s[i] - '0') * 10 + (s[i + 1] - '0');
    i += 2;
    return true;
  };
  if (i < s.size() && !two(minutes)) return unsupported();
  if (i < s.size() && !two(seconds)) return unsupported();
  if (i != s.size() || hours > 18 || minutes > 59 || seconds > 59) return unsupported();
  int64_t total = (hours * 3600 + minutes * 60 + seconds) * temporal::kMicrosPerSecond;
  return negative ? -total : total;
}

// ---- literals

std::optional<int64_t> literal_int(const ExprPtr& e) {
  const ColumnPtr* v = e->literal_value();
  if (v == nullptr || (*v)->is_null(0)) return std::nullopt;
  const Column& c = **v;
  switch (c.type_id()) {
    case TypeId::kInt8: return c.value<int8_t>(0);
    case TypeId::kInt16: return c.value<int16_t>(0);
    case TypeId::kInt32: return c.value<int32_t>(0);
    case TypeId::kInt64: return c.value<int64_t>(0);
    default: return std::nullopt;
  }
}

std::optional<std::string> literal_string(const ExprPtr& e) {
  const ColumnPtr* v = e->literal_value();
  if (v == nullptr || (*v)->is_null(0) || (*v)->type_id() != TypeId::kString) return std::nullopt;
  return std::string((*v)->string_value(0));
}

}  // namespace braid::exec::internal
