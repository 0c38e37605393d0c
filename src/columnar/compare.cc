#include "columnar/compare.h"

namespace braid {

namespace {

template <typename T>
int three_way(T x, T y) {
  return x < y ? -1 : (y < x ? 1 : 0);
}

}  // namespace

std::optional<int> compare_values(const Column& a, int64_t i, const Column& b, int64_t j) {
  if (!a.type()->equals(*b.type())) return std::nullopt;
  switch (a.type_id()) {
    case TypeId::kBoolean: return three_way<int>(a.bool_value(i), b.bool_value(j));
    case TypeId::kInt8: return three_way(a.value<int8_t>(i), b.value<int8_t>(j));
    case TypeId::kInt16: return three_way(a.value<int16_t>(i), b.value<int16_t>(j));
    case TypeId::kInt32:
    case TypeId::kDate32: return three_way(a.value<int32_t>(i), b.value<int32_t>(j));
    case TypeId::kInt64:
    case TypeId::kTime64:
    case TypeId::kTimestamp: return three_way(a.value<int64_t>(i), b.value<int64_t>(j));
    case TypeId::kUInt8: return three_way(a.value<uint8_t>(i), b.value<uint8_t>(j));
    case TypeId::kUInt16: return three_way(a.value<uint16_t>(i), b.value<uint16_t>(j));
    case TypeId::kUInt32: return three_way(a.value<uint32_t>(i), b.value<uint32_t>(j));
    case TypeId::kUInt64: return three_way(a.value<uint64_t>(i), b.value<uint64_t>(j));
    case TypeId::kFloat32: {
      float x = a.value<float>(i), y = b.value<float>(j);
      if (x != x || y != y) return std::nullopt;  // NaN has no place in min/max reasoning
      return three_way(x, y);
    }
    case TypeId::kFloat64: {
      double x = a.value<double>(i), y = b.value<double>(j);
      if (x != x || y != y) return std::nullopt;
      return three_way(x, y);
    }
    case TypeId::kDecimal128: return three_way(a.value<Int128>(i), b.value<Int128>(j));
    case TypeId::kString:
    case TypeId::kBinary: {
      int c = a.string_value(i).compare(b.string_value(j));
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case TypeId::kFixedSizeBinary: {
      int c = a.fixed_value(i).compare(b.fixed_value(j));
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    default:
      return std::nullopt;
  }
}

}  // namespace braid
