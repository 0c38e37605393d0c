#include "exec/ops/value_order.h"

#include <cmath>

namespace braid::exec {

namespace {

template <typename T>
int compare_fixed(const Column& a, int64_t i, const Column& b, int64_t j) {
  const T x = a.value<T>(i);
  const T y = b.value<T>(j);
  return x < y ? -1 : (y < x ? 1 : 0);
}

// NaN == NaN, NaN above everything, -0.0 == 0.0 (Spark's SQLOrderingUtil).
template <typename T>
int compare_floating(const Column& a, int64_t i, const Column& b, int64_t j) {
  const T x = a.value<T>(i);
  const T y = b.value<T>(j);
  if (x < y) return -1;
  if (y < x) return 1;
  if (x == y) return 0;
  const bool x_nan = std::isnan(x);
  const bool y_nan = std::isnan(y);
  return x_nan == y_nan ? 0 : (x_nan ? 1 : -1);
}

int compare_boolean(const Column& a, int64_t i, const Column& b, int64_t j) {
  return static_cast<int>(a.bool_value(i)) - static_cast<int>(b.bool_value(j));
}

int compare_binary(const Column& a, int64_t i, const Column& b, int64_t j) {
  const int c = a.string_value(i).compare(b.string_value(j));
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

int compare_fixed_binary(const Column& a, int64_t i, const Column& b, int64_t j) {
  const int c = a.fixed_value(i).compare(b.fixed_value(j));
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

int compare_null(const Column&, int64_t, const Column&, int64_t) { return 0; }

}  // namespace

Result<ValueCompare> value_compare_for(const DataType& type) {
  switch (type.id()) {
    case TypeId::kNull: return &compare_null;
    case TypeId::kBoolean: return &compare_boolean;
    case TypeId::kInt8: return &compare_fixed<int8_t>;
    case TypeId::kInt16: return &compare_fixed<int16_t>;
    case TypeId::kInt32:
    case TypeId::kDate32: return &compare_fixed<int32_t>;
    case TypeId::kInt64:
    case TypeId::kTime64:
    case TypeId::kTimestamp: return &compare_fixed<int64_t>;
    case TypeId::kUInt8: return &compare_fixed<uint8_t>;
    case TypeId::kUInt16: return &compare_fixed<uint16_t>;
    case TypeId::kUInt32: return &compare_fixed<uint32_t>;
    case TypeId::kUInt64: return &compare_fixed<uint64_t>;
    case TypeId::kFloat32: return &compare_floating<float>;
    case TypeId::kFloat64: return &compare_floating<double>;
    case TypeId::kDecimal128: return &compare_fixed<Int128>;
    case TypeId::kString:
    case TypeId::kBinary: return &compare_binary;
    case TypeId::kFixedSizeBinary: return &compare_fixed_binary;
    default:
      return Status::invalid_argument("values of type {} have no order", type.to_string());
  }
}

Result<RowComparator> RowComparator::make(const Schema& schema, const std::vector<SortKey>& keys) {
  RowComparator comparator;
  for (const auto& k : keys) {
    if (k.column < 0 || k.column >= schema.num_fields()) {
      return Status::invalid_argument("sort key column {} is out of range (the input has {})",
                                      k.column, schema.num_fields());
    }
    BRAID_ASSIGN_OR_RETURN(auto compare, value_compare_for(*schema.field(k.column)->type())
                                             .with_context_f("sort key '{}'",
                                                             schema.field(k.column)->name()));
    comparator.keys_.push_back({k.column, k.ascending, k.nulls_first, compare});
  }
  return comparator;
}

}  // namespace braid::exec
