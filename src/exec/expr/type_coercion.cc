#include "exec/expr/internal/type_coercion.h"

#include <algorithm>

#include "exec/expr/internal/cast.h"
#include "exec/expr/internal/kernel.h"

namespace braid::exec::internal {

TypePtr timestamp_type() {
  static const TypePtr t = timestamp(TimeUnit::kMicro, "UTC");
  return t;
}

TypePtr timestamp_ntz_type() {
  static const TypePtr t = timestamp(TimeUnit::kMicro, "");
  return t;
}

bool is_integral(const DataType& t) { return t.is_signed_integer(); }
bool is_fractional(const DataType& t) { return t.is_floating(); }
bool is_decimal(const DataType& t) { return t.id() == TypeId::kDecimal128; }
bool is_numeric(const DataType& t) { return is_integral(t) || is_fractional(t) || is_decimal(t); }
bool is_string(const DataType& t) { return t.id() == TypeId::kString; }
bool is_timestamp(const DataType& t) { return t.id() == TypeId::kTimestamp; }
bool is_null_type(const DataType& t) { return t.id() == TypeId::kNull; }

int numeric_rank(const DataType& t) {
  switch (t.id()) {
    case TypeId::kInt8: return 1;
    case TypeId::kInt16: return 2;
    case TypeId::kInt32: return 3;
    case TypeId::kInt64: return 4;
    case TypeId::kFloat32: return 5;
    case TypeId::kFloat64: return 6;
    default: return 0;
  }
}

TypePtr decimal_for_integral(const ExprPtr& e) {
  if (auto v = literal_int(e)) {
    // Spark: DecimalType.fromLiteral, the digits of the value.
    uint64_t m = *v < 0 ? static_cast<uint64_t>(0) - static_cast<uint64_t>(*v) : static_cast<uint64_t>(*v);
    int digits = 1;
    while (m >= 10) {
      m /= 10;
      ++digits;
    }
    return decimal128(digits, 0);
  }
  switch (e->type()->id()) {
    case TypeId::kInt8: return decimal128(3, 0);
    case TypeId::kInt16: return decimal128(5, 0);
    case TypeId::kInt32: return decimal128(10, 0);
    default: return decimal128(20, 0);
  }
}

TypePtr adjust_precision_scale(int precision, int scale) {
  if (precision <= kMaxDecimalPrecision) return decimal128(precision, scale);
  const int int_digits = precision - scale;
  const int min_scale = std::min(scale, 6);
  const int adjusted = std::max(kMaxDecimalPrecision - int_digits, min_scale);
  return decimal128(kMaxDecimalPrecision, adjusted);
}

TypePtr bounded_decimal(int precision, int scale) {
  return decimal128(std::min(precision, kMaxDecimalPrecision), std::min(scale, kMaxDecimalPrecision));
}

namespace {

TypePtr wider_decimal(const DataType& a, const DataType& b) {
  const int scale = std::max(a.scale(), b.scale());
  const int range = std::max(a.precision() - a.scale(), b.precision() - b.scale());
  return bounded_decimal(range + scale, scale);
}

}  // namespace

TypePtr wider_type(const ExprPtr& ea, const ExprPtr& eb) {
  const TypePtr& a = ea->type();
  const TypePtr& b = eb->type();
  if (a->equals(*b)) return a;
  if (is_null_type(*a)) return b;
  if (is_null_type(*b)) return a;
  if (is_numeric(*a) && is_numeric(*b)) {
    if (is_decimal(*a) || is_decimal(*b)) {
      if (is_fractional(*a) || is_fractional(*b)) return float64();
      TypePtr da = is_decimal(*a) ? a : decimal_for_integral(ea);
      TypePtr db = is_decimal(*b) ? b : decimal_for_integral(eb);
      return wider_decimal(*da, *db);
    }
    return numeric_rank(*a) >= numeric_rank(*b) ? a : b;
  }
  auto string_with = [&](const TypePtr& other) -> TypePtr {
    if (is_integral(*other)) return int64();
    if (is_numeric(*other)) return float64();
    switch (other->id()) {
      case TypeId::kDate32:
      case TypeId::kTimestamp:
      case TypeId::kBoolean:
      case TypeId::kBinary:
        return other;
      default:
        return nullptr;
    }
  };
  if (is_string(*a)) return string_with(b);
  if (is_string(*b)) return string_with(a);
  if (is_timestamp(*a) && is_timestamp(*b)) return timestamp_type();
  if (is_timestamp(*a) && b->id() == TypeId::kDate32) return a;
  if (is_timestamp(*b) && a->id() == TypeId::kDate32) return b;
  return nullptr;
}

TypePtr wider_type(const std::vector<ExprPtr>& args) {
  if (args.empty()) return null_type();
  // Fold pairwise, keeping a representative expression so integral literals widen as literals.
  ExprPtr acc = args[0];
  TypePtr type = acc->type();
  for (size_t i = 1; i < args.size(); ++i) {
    TypePtr t = wider_type(acc, args[i]);
    if (t == nullptr) return nullptr;
    type = t;
    if (!type->equals(*acc->type())) acc = null_literal(type);  // the type alone from here on
  }
  return type;
}

Result<ExprPtr> implicit_cast(ExprPtr e, const TypePtr& to) {
  if (e->type()->equals(*to)) return e;
  return cast_expression(std::move(e), to, false, true);
}

Status implicit_cast_all(std::vector<ExprPtr>& args, const TypePtr& to) {
  for (auto& a : args) {
    BRAID_ASSIGN_OR_RETURN(a, implicit_cast(std::move(a), to));
  }
  return Status::OK();
}

Status no_signature(std::string_view name, const std::vector<ExprPtr>& args) {
  std::string types;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i) types += ", ";
    types += args[i]->type()->to_string();
  }
  return Status::invalid_argument("function '{}' does not accept ({})", name, types);
}

}  // namespace braid::exec::internal
