#include "columnar/data_type.h"

#include <fmt/core.h>

#include "common/ascii.h"

namespace braid {

namespace {

using ascii::iequals;

int find_field(const std::vector<FieldPtr>& fields, std::string_view name) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i]->name() == name) return static_cast<int>(i);
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    if (iequals(fields[i]->name(), name)) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

std::optional<std::string> Field::metadata_value(std::string_view key) const {
  for (const auto& [k, v] : metadata_) {
    if (k == key) return v;
  }
  return std::nullopt;
}

FieldPtr Field::with_name(std::string name) const {
  return std::make_shared<Field>(std::move(name), type_, nullable_, metadata_);
}
FieldPtr Field::with_type(TypePtr type) const {
  return std::make_shared<Field>(name_, std::move(type), nullable_, metadata_);
}
FieldPtr Field::with_nullable(bool nullable) const {
  return std::make_shared<Field>(name_, type_, nullable, metadata_);
}

bool Field::equals(const Field& other, bool check_metadata) const {
  return name_ == other.name_ && nullable_ == other.nullable_ && type_->equals(*other.type_) &&
         (!check_metadata || metadata_ == other.metadata_);
}

std::string Field::to_string() const {
  return name_ + ": " + type_->to_string() + (nullable_ ? "" : " not null");
}

FieldPtr field(std::string name, TypePtr type, bool nullable, KeyValueMetadata metadata) {
  return std::make_shared<Field>(std::move(name), std::move(type), nullable, std::move(metadata));
}

int DataType::field_index(std::string_view name) const { return find_field(fields_, name); }

bool DataType::is_integer() const { return is_signed_integer() || is_unsigned_integer(); }

bool DataType::is_signed_integer() const {
  return id_ == TypeId::kInt8 || id_ == TypeId::kInt16 || id_ == TypeId::kInt32 ||
         id_ == TypeId::kInt64;
}

bool DataType::is_unsigned_integer() const {
  return id_ == TypeId::kUInt8 || id_ == TypeId::kUInt16 || id_ == TypeId::kUInt32 ||
         id_ == TypeId::kUInt64;
}

bool DataType::equals(const DataType& other) const {
  if (this == &other) return true;
  if (id_ != other.id_ || extension_ != other.extension_) return false;
  switch (id_) {
    case TypeId::kDecimal128:
      return precision_ == other.precision_ && scale_ == other.scale_;
    case TypeId::kFixedSizeBinary:
      return byte_width_ == other.byte_width_;
    case TypeId::kTime64:
      return unit_ == other.unit_ && time_utc_ == other.time_utc_;
    case TypeId::kTimestamp:
      return unit_ == other.unit_ && timezone_ == other.timezone_;
    case TypeId::kStruct:
    case TypeId::kList:
    case TypeId::kMap:
      if (fields_.size() != other.fields_.size() || keys_sorted_ != other.keys_sorted_) return false;
      for (size_t i = 0; i < fields_.size(); ++i) {
        if (!fields_[i]->equals(*other.fields_[i])) return false;
      }
      return true;
    default:
      return true;
  }
}

std::string DataType::to_string() const {
  std::string s;
  switch (id_) {
    case TypeId::kNull: s = "void"; break;
    case TypeId::kBoolean: s = "boolean"; break;
    case TypeId::kInt8: s = "tinyint"; break;
    case TypeId::kInt16: s = "smallint"; break;
    case TypeId::kInt32: s = "int"; break;
    case TypeId::kInt64: s = "bigint"; break;
    case TypeId::kUInt8: s = "tinyint unsigned"; break;
    case TypeId::kUInt16: s = "smallint unsigned"; break;
    case TypeId::kUInt32: s = "int unsigned"; break;
    case TypeId::kUInt64: s = "bigint unsigned"; break;
    case TypeId::kFloat32: s = "float"; break;
    case TypeId::kFloat64: s = "double"; break;
    case TypeId::kDecimal128: s = fmt::format("decimal({},{})", precision_, scale_); break;
    case TypeId::kString: s = "string"; break;
    case TypeId::kBinary: s = "binary"; break;
    case TypeId::kFixedSizeBinary: s = fmt::format("binary({})", byte_width_); break;
    case TypeId::kDate32: s = "date"; break;
    case TypeId::kTime64:
      s = unit_ == TimeUnit::kNano ? "time(9)" : "time";
      if (time_utc_) s += " with time zone";
      break;
    case TypeId::kTimestamp:
      s = timezone_.empty() ? "timestamp_ntz" : "timestamp";
      if (unit_ == TimeUnit::kNano) s += "(9)";
      break;
    case TypeId::kInterval: s = "interval"; break;
    case TypeId::kStruct: {
      s = "struct<";
      for (size_t i = 0; i < fields_.size(); ++i) {
        if (i) s += ",";
        s += fields_[i]->name() + ":" + fields_[i]->type()->to_string();
      }
      s += ">";
      break;
    }
    case TypeId::kList: s = "array<" + fields_[0]->type()->to_string() + ">"; break;
    case TypeId::kMap:
      s = "map<" + key_field()->type()->to_string() + "," + value_field()->type()->to_string() +
          ">";
      break;
  }
  if (!extension_.empty()) s += " (" + extension_ + ")";
  return s;
}

TypePtr DataType::with_extension(std::string name) const {
  auto copy = std::shared_ptr<DataType>(new DataType(*this));
  copy->extension_ = std::move(name);
  return copy;
}

TypePtr make_primitive(TypeId id, int byte_width) {
  auto t = std::shared_ptr<DataType>(new DataType(id));
  t->byte_width_ = byte_width;
  return t;
}

#define BRAID_PRIMITIVE_FACTORY(fn, id, width)            \
  TypePtr fn() {                                          \
    static const TypePtr type = make_primitive(id, width); \
    return type;                                          \
  }
BRAID_PRIMITIVE_FACTORY(null_type, TypeId::kNull, 0)
BRAID_PRIMITIVE_FACTORY(boolean, TypeId::kBoolean, 0)
BRAID_PRIMITIVE_FACTORY(int8, TypeId::kInt8, 1)
BRAID_PRIMITIVE_FACTORY(int16, TypeId::kInt16, 2)
BRAID_PRIMITIVE_FACTORY(int32, TypeId::kInt32, 4)
BRAID_PRIMITIVE_FACTORY(int64, TypeId::kInt64, 8)
BRAID_PRIMITIVE_FACTORY(uint8, TypeId::kUInt8, 1)
BRAID_PRIMITIVE_FACTORY(uint16, TypeId::kUInt16, 2)
BRAID_PRIMITIVE_FACTORY(uint32, TypeId::kUInt32, 4)
BRAID_PRIMITIVE_FACTORY(uint64, TypeId::kUInt64, 8)
BRAID_PRIMITIVE_FACTORY(float32, TypeId::kFloat32, 4)
BRAID_PRIMITIVE_FACTORY(float64, TypeId::kFloat64, 8)
BRAID_PRIMITIVE_FACTORY(string_type, TypeId::kString, 0)
BRAID_PRIMITIVE_FACTORY(binary, TypeId::kBinary, 0)
BRAID_PRIMITIVE_FACTORY(date32, TypeId::kDate32, 4)
BRAID_PRIMITIVE_FACTORY(interval, TypeId::kInterval, 16)
#undef BRAID_PRIMITIVE_FACTORY

TypePtr decimal128(int precision, int scale) {
  auto t = std::shared_ptr<DataType>(new DataType(TypeId::kDecimal128));
  t->precision_ = precision;
  t->scale_ = scale;
  t->byte_width_ = 16;
  return t;
}

TypePtr fixed_size_binary(int width) {
  auto t = std::shared_ptr<DataType>(new DataType(TypeId::kFixedSizeBinary));
  t->byte_width_ = width;
  return t;
}

TypePtr time64(TimeUnit unit, bool utc) {
  auto t = std::shared_ptr<DataType>(new DataType(TypeId::kTime64));
  t->byte_width_ = 8;
  t->unit_ = unit;
  t->time_utc_ = utc;
  return t;
}

TypePtr timestamp(TimeUnit unit, std::string timezone) {
  auto t = std::shared_ptr<DataType>(new DataType(TypeId::kTimestamp));
  t->byte_width_ = 8;
  t->unit_ = unit;
  t->timezone_ = std::move(timezone);
  return t;
}

TypePtr struct_(std::vector<FieldPtr> fields) {
  auto t = std::shared_ptr<DataType>(new DataType(TypeId::kStruct));
  t->fields_ = std::move(fields);
  return t;
}

TypePtr list(FieldPtr element) {
  auto t = std::shared_ptr<DataType>(new DataType(TypeId::kList));
  t->fields_ = {std::move(element)};
  return t;
}

TypePtr list(TypePtr element_type) { return list(field("element", std::move(element_type))); }

TypePtr map(FieldPtr key, FieldPtr value, bool keys_sorted) {
  auto t = std::shared_ptr<DataType>(new DataType(TypeId::kMap));
  auto entries = struct_({key->with_nullable(false), std::move(value)});
  t->fields_ = {field("entries", std::move(entries), false)};
  t->keys_sorted_ = keys_sorted;
  return t;
}

TypePtr map(TypePtr key_type, TypePtr value_type) {
  return map(field("key", std::move(key_type), false), field("value", std::move(value_type)));
}

std::string_view type_id_name(TypeId id) {
  switch (id) {
    case TypeId::kNull: return "null";
    case TypeId::kBoolean: return "boolean";
    case TypeId::kInt8: return "int8";
    case TypeId::kInt16: return "int16";
    case TypeId::kInt32: return "int32";
    case TypeId::kInt64: return "int64";
    case TypeId::kUInt8: return "uint8";
    case TypeId::kUInt16: return "uint16";
    case TypeId::kUInt32: return "uint32";
    case TypeId::kUInt64: return "uint64";
    case TypeId::kFloat32: return "float32";
    case TypeId::kFloat64: return "float64";
    case TypeId::kDecimal128: return "decimal128";
    case TypeId::kString: return "string";
    case TypeId::kBinary: return "binary";
    case TypeId::kFixedSizeBinary: return "fixed_size_binary";
    case TypeId::kDate32: return "date32";
    case TypeId::kTime64: return "time64";
    case TypeId::kTimestamp: return "timestamp";
    case TypeId::kInterval: return "interval";
    case TypeId::kStruct: return "struct";
    case TypeId::kList: return "list";
    case TypeId::kMap: return "map";
  }
  return "unknown";
}

int Schema::field_index(std::string_view name) const { return find_field(fields_, name); }

bool Schema::equals(const Schema& other, bool check_metadata) const {
  if (fields_.size() != other.fields_.size()) return false;
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (!fields_[i]->equals(*other.fields_[i], check_metadata)) return false;
  }
  return !check_metadata || metadata_ == other.metadata_;
}

std::string Schema::to_string() const {
  std::string s;
  for (const auto& f : fields_) {
    s += f->to_string();
    s += '\n';
  }
  return s;
}

SchemaPtr schema(std::vector<FieldPtr> fields, KeyValueMetadata metadata) {
  return std::make_shared<Schema>(std::move(fields), std::move(metadata));
}

}  // namespace braid
