// DataType, Field and Schema: what a column holds.
//
// Types follow the Arrow type system (so the Arrow C Data Interface maps one to one) with the
// subset braid needs for Parquet, Delta Lake and Spark SQL. Physical layout per type is the
// Arrow columnar layout; see column.h. Types are immutable and shared (TypePtr).
//
// Timestamps and times are stored as int64 in microseconds or nanoseconds (millisecond data
// from files is widened to microseconds). A timestamp with a non-empty time zone is an instant
// (Spark TIMESTAMP, Parquet isAdjustedToUTC = true); without one it is a wall-clock value
// (Spark TIMESTAMP_NTZ). Intervals are Arrow's month/day/nanosecond intervals.
//
// An `extension` name marks a logical refinement of a storage type that readers and printers
// care about: "uuid" (fixed 16), "json" (string), "float16" (float32 storage), "geometry" and
// "geography" (binary WKB), "bson" (binary), "enum" (string).
//
// Thread-safety: immutable after construction.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace braid {

enum class TypeId : uint8_t {
  kNull,
  kBoolean,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUInt8,
  kUInt16,
  kUInt32,
  kUInt64,
  kFloat32,
  kFloat64,
  kDecimal128,
  kString,
  kBinary,
  kFixedSizeBinary,
  kDate32,
  kTime64,
  kTimestamp,
  kInterval,  // months (int32), days (int32), nanoseconds (int64)
  kStruct,
  kList,
  kMap,
};

enum class TimeUnit : uint8_t { kMicro, kNano };

class DataType;
class Field;
using TypePtr = std::shared_ptr<const DataType>;
using FieldPtr = std::shared_ptr<const Field>;
using KeyValueMetadata = std::vector<std::pair<std::string, std::string>>;

class Field {
 public:
  Field(std::string name, TypePtr type, bool nullable = true, KeyValueMetadata metadata = {})
      : name_(std::move(name)),
        type_(std::move(type)),
        nullable_(nullable),
        metadata_(std::move(metadata)) {}

  const std::string& name() const { return name_; }
  const TypePtr& type() const { return type_; }
  bool nullable() const { return nullable_; }
  const KeyValueMetadata& metadata() const { return metadata_; }
  std::optional<std::string> metadata_value(std::string_view key) const;

  FieldPtr with_name(std::string name) const;
  FieldPtr with_type(TypePtr type) const;
  FieldPtr with_nullable(bool nullable) const;

  // Same name, type, nullability (metadata is not compared unless asked).
  bool equals(const Field& other, bool check_metadata = false) const;
  std::string to_string() const;  // "name: type" plus " not null"

 private:
  std::string name_;
  TypePtr type_;
  bool nullable_;
  KeyValueMetadata metadata_;
};

FieldPtr field(std::string name, TypePtr type, bool nullable = true,
               KeyValueMetadata metadata = {});

class DataType {
 public:
  TypeId id() const { return id_; }

  // Decimal.
  int precision() const { return precision_; }
  int scale() const { return scale_; }
  // Fixed-size binary width, or the value width of a fixed-width type (booleans: 0).
  int byte_width() const { return byte_width_; }
  // Time and timestamp.
  TimeUnit unit() const { return unit_; }
  // Timestamp: the zone name ("UTC" for adjusted-to-UTC data), empty for wall-clock values.
  const std::string& timezone() const { return timezone_; }
  // Time: whether the value is adjusted to UTC (Parquet TIME with isAdjustedToUTC).
  bool time_utc() const { return time_utc_; }
  const std::string& extension() const { return extension_; }

  // Struct fields; the element of a list; the entries struct (key, value) of a map.
  const std::vector<FieldPtr>& fields() const { return fields_; }
  int num_fields() const { return static_cast<int>(fields_.size()); }
  const FieldPtr& field(int i) const { return fields_[static_cast<size_t>(i)]; }
  // -1 when absent; exact match first, then ASCII case-insensitive (Spark resolves either way).
  int field_index(std::string_view name) const;
  // List element; map key and value.
  const FieldPtr& element_field() const { return fields_[0]; }
  const FieldPtr& key_field() const { return fields_[0]->type()->fields_[0]; }
  const FieldPtr& value_field() const { return fields_[0]->type()->fields_[1]; }
  bool keys_sorted() const { return keys_sorted_; }

  bool is_integer() const;
  bool is_signed_integer() const;
  bool is_unsigned_integer() const;
  bool is_floating() const { return id_ == TypeId::kFloat32 || id_ == TypeId::kFloat64; }
  bool is_numeric() const { return is_integer() || is_floating() || id_ == TypeId::kDecimal128; }
  bool is_nested() const {
    return id_ == TypeId::kStruct || id_ == TypeId::kList || id_ == TypeId::kMap;
  }
  // string and binary: offsets + data buffers.
  bool is_binary_like() const { return id_ == TypeId::kString || id_ == TypeId::kBinary; }
  // A single values buffer of byte_width() bytes per row (not boolean, not nested).
  bool is_fixed_width() const { return byte_width_ > 0; }

  // Structural equality, including extension names and nested field names/nullability.
  bool equals(const DataType& other) const;
  // Spark SQL spelling: "bigint", "decimal(12,2)", "timestamp", "timestamp_ntz",
  // "array<int>", "struct<a:int,b:string>", "map<string,int>".
  std::string to_string() const;

  // Same storage type with an extension name (an empty name removes it).
  TypePtr with_extension(std::string name) const;

 private:
  friend TypePtr make_primitive(TypeId id, int byte_width);
  friend TypePtr decimal128(int precision, int scale);
  friend TypePtr fixed_size_binary(int width);
  friend TypePtr time64(TimeUnit unit, bool utc);
  friend TypePtr timestamp(TimeUnit unit, std::string timezone);
  friend TypePtr struct_(std::vector<FieldPtr> fields);
  friend TypePtr list(FieldPtr element);
  friend TypePtr map(FieldPtr key, FieldPtr value, bool keys_sorted);

  explicit DataType(TypeId id) : id_(id) {}

  TypeId id_;
  int precision_ = 0;
  int scale_ = 0;
  int byte_width_ = 0;
  TimeUnit unit_ = TimeUnit::kMicro;
  bool time_utc_ = false;
  bool keys_sorted_ = false;
  std::string timezone_;
  std::string extension_;
  std::vector<FieldPtr> fields_;
};

// Factories. Primitive types are singletons.
TypePtr null_type();
TypePtr boolean();
TypePtr int8();
TypePtr int16();
TypePtr int32();
TypePtr int64();
TypePtr uint8();
TypePtr uint16();
TypePtr uint32();
TypePtr uint64();
TypePtr float32();
TypePtr float64();
TypePtr string_type();
TypePtr binary();
TypePtr date32();
TypePtr interval();
TypePtr decimal128(int precision, int scale);
TypePtr fixed_size_binary(int width);
TypePtr time64(TimeUnit unit, bool utc = false);
TypePtr timestamp(TimeUnit unit, std::string timezone = "");
TypePtr struct_(std::vector<FieldPtr> fields);
TypePtr list(FieldPtr element);
TypePtr list(TypePtr element_type);  // element named "element", nullable
// Arrow layout: a list of struct<key: K not null, value: V> named "entries".
TypePtr map(FieldPtr key, FieldPtr value, bool keys_sorted = false);
TypePtr map(TypePtr key_type, TypePtr value_type);

inline constexpr int kMaxDecimalPrecision = 38;

std::string_view type_id_name(TypeId id);

class Schema;
using SchemaPtr = std::shared_ptr<const Schema>;

class Schema {
 public:
  explicit Schema(std::vector<FieldPtr> fields, KeyValueMetadata metadata = {})
      : fields_(std::move(fields)), metadata_(std::move(metadata)) {}

  const std::vector<FieldPtr>& fields() const { return fields_; }
  int num_fields() const { return static_cast<int>(fields_.size()); }
  const FieldPtr& field(int i) const { return fields_[static_cast<size_t>(i)]; }
  // -1 when absent; exact match first, then ASCII case-insensitive.
  int field_index(std::string_view name) const;
  const KeyValueMetadata& metadata() const { return metadata_; }

  bool equals(const Schema& other, bool check_metadata = false) const;
  // One field per line: "name: type".
  std::string to_string() const;

 private:
  std::vector<FieldPtr> fields_;
  KeyValueMetadata metadata_;
};

SchemaPtr schema(std::vector<FieldPtr> fields, KeyValueMetadata metadata = {});

}  // namespace braid
