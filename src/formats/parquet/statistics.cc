#include "formats/parquet/statistics.h"

#include <cmath>
#include <cstring>

#include "formats/parquet/leaf_writer.h"
#include "formats/parquet/value_decoder.h"

namespace braid::parquet {

namespace {

// A decoder over one statistics value: fixed types as PLAIN, byte arrays as the bare bytes.
class SingleValueDecoder final : public ValueDecoder {
 public:
  explicit SingleValueDecoder(std::string_view bytes) : bytes_(bytes) {}
  Status set_data(const uint8_t*, size_t, int64_t) override { return Status::OK(); }
  Status decode_fixed(int64_t n, uint8_t* out) override {
    if (n != 1) return Status::internal("one statistics value at a time");
    std::memcpy(out, bytes_.data(), bytes_.size());
    return Status::OK();
  }
  Status decode_binary(int64_t n, std::string_view* out) override {
    if (n != 1) return Status::internal("one statistics value at a time");
    out[0] = bytes_;
    return Status::OK();
  }

 private:
  std::string_view bytes_;
};

bool is_nan(const Column& c) {
  if (c.type_id() == TypeId::kFloat32) return std::isnan(c.value<float>(0));
  if (c.type_id() == TypeId::kFloat64) return std::isnan(c.value<double>(0));
  return false;
}

}  // namespace

ColumnPtr decode_statistic(const SchemaNode& leaf, std::string_view bytes) {
  if (leaf.conversion == LeafConversion::kNull) return nullptr;
  int width = physical_width(leaf.physical, leaf.type_length);
  if (leaf.physical == PhysicalType::kBoolean) {
    if (bytes.size() != 1) return nullptr;
  } else if (width > 0 && bytes.size() != static_cast<size_t>(width)) {
    return nullptr;
  }
  auto writer = make_leaf_writer(leaf, nullptr);
  if (!writer.ok()) return nullptr;
  SingleValueDecoder decoder(bytes);
  if (!(*writer)->load(decoder, 1).ok()) return nullptr;
  (*writer)->emit(nullptr, 1, 0);
  auto column = (*writer)->finish();
  if (!column.ok() || (*column)->length() != 1) return nullptr;
  return std::move(column).value();
}

ColumnStatistics column_statistics(const SchemaNode& leaf, const ColumnMetaData& metadata,
                                   bool type_defined_order) {
  ColumnStatistics out;
  out.num_values = metadata.num_values;
  if (!metadata.statistics) return out;
  const Statistics& s = *metadata.statistics;
  out.null_count = s.null_count;
  // Undefined sort orders (LogicalTypes.md: INT96, INTERVAL): no bound means anything.
  if (leaf.conversion == LeafConversion::kInt96ToMicros ||
      leaf.conversion == LeafConversion::kIntervalToMonthDayNanos) {
    return out;
  }
  std::optional<std::string> min, max;
  if (type_defined_order) {
    min = s.min_value;
    max = s.max_value;
  }
  if (!min && !max) {
    // Deprecated fields: computed with signed byte-wise order, right only for these types.
    bool signed_order = (leaf.physical == PhysicalType::kInt32 || leaf.physical == PhysicalType::kInt64 ||
                         leaf.physical == PhysicalType::kFloat || leaf.physical == PhysicalType::kDouble ||
                         leaf.physical == PhysicalType::kBoolean) &&
                        !leaf.type->is_unsigned_integer() && leaf.type->id() != TypeId::kDecimal128;
    if (signed_order) {
      min = s.min;
      max = s.max;
    }
  }
  if (min) out.min = decode_statistic(leaf, *min);
  if (max) out.max = decode_statistic(leaf, *max);
  if ((out.min && is_nan(*out.min)) || (out.max && is_nan(*out.max))) {
    out.min = nullptr;
    out.max = nullptr;
  }
  return out;
}

}  // namespace braid::parquet
