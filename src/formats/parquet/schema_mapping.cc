#include "formats/parquet/schema_mapping.h"

#include <fmt/core.h>

namespace braid::parquet {

namespace {

using Kind = SchemaNode::Kind;
using LKind = LogicalType::Kind;

constexpr int kMaxSchemaDepth = 100;

// The schema as a tree of elements, before any interpretation.
struct RawNode {
  const SchemaElement* element;
  std::vector<RawNode> children;
  bool is_group() const { return element->num_children.has_value() && !element->type.has_value(); }
};

Status parse_raw(const std::vector<SchemaElement>& elements, size_t& next, int depth, RawNode* out) {
  if (depth > kMaxSchemaDepth) return Status::corruption("schema nested deeper than {}", kMaxSchemaDepth);
  if (next >= elements.size()) return Status::corruption("schema ends in the middle of a group");
  out->element = &elements[next++];
  if (!out->element->num_children || out->element->type) return Status::OK();
  int32_t n = *out->element->num_children;
  if (n < 0 || static_cast<size_t>(n) > elements.size() - next) {
    return Status::corruption("schema element '{}' claims {} children but only {} elements follow",
                              out->element->name, n, elements.size() - next);
  }
  out->children.resize(static_cast<size_t>(n));
  for (auto& child : out->children) BRAID_RETURN_IF_ERROR(parse_raw(elements, next, depth + 1, &child));
  return Status::OK();
}

Repetition repetition_of(const RawNode& raw) {
  return raw.element->repetition.value_or(Repetition::kOptional);
}

bool has_converted(const RawNode& raw, ConvertedType t) {
  return raw.element->converted_type && *raw.element->converted_type == t;
}

bool is_list_annotated(const RawNode& raw) {
  return raw.element->logical_type.kind == LKind::kList || has_converted(raw, ConvertedType::kList);
}

bool is_map_annotated(const RawNode& raw) {
  return raw.element->logical_type.kind == LKind::kMap || has_converted(raw, ConvertedType::kMap) ||
         has_converted(raw, ConvertedType::kMapKeyValue);
}

class Mapper {
 public:
  Result<std::unique_ptr<SchemaNode>> map_field(const RawNode& raw, int parent_def, int parent_rep,
                                                const std::string& path, int depth);

 private:
  Result<std::unique_ptr<SchemaNode>> map_present(const RawNode& raw, int def, int rep,
                                                  bool nullable, const std::string& path, int depth);
  Result<std::unique_ptr<SchemaNode>> map_list(const RawNode& raw, int def, int rep, bool nullable,
                                               const std::string& path, int depth);
  Result<std::unique_ptr<SchemaNode>> map_map(const RawNode& raw, int def, int rep, bool nullable,
                                              const std::string& path, int depth);
  Result<std::unique_ptr<SchemaNode>> map_struct(const RawNode& raw,
                                                 const std::vector<RawNode>& children, int def,
                                                 int rep, bool nullable, const std::string& path,
                                                 int depth);
  Status map_leaf(const RawNode& raw, SchemaNode* node, const std::string& path);
};

// The braid field of a node; a Parquet field id travels as "PARQUET:field_id" metadata (the
// Arrow convention), which Delta column mapping in id mode resolves columns by.
FieldPtr node_field(const SchemaNode& node, std::string name) {
  KeyValueMetadata metadata;
  if (node.element && node.element->field_id) {
    metadata.emplace_back("PARQUET:field_id", std::to_string(*node.element->field_id));
  }
  return field(std::move(name), node.type, node.nullable, std::move(metadata));
}

std::string child_path(const std::string& path, const std::string& name) {
  return path.empty() ? name : path + "." + name;
}

Result<std::unique_ptr<SchemaNode>> Mapper::map_field(const RawNode& raw, int parent_def,
                                                      int parent_rep, const std::string& path,
                                                      int depth) {
  if (depth > kMaxSchemaDepth) return Status::corruption("schema nested deeper than {}", kMaxSchemaDepth);
  const Repetition rep = repetition_of(raw);
  if (rep == Repetition::kRepeated) {
    // A repeated field outside a LIST or MAP annotation is a required list of that field: no
    // occurrences is an empty list, never null (LogicalTypes.md, backward-compatibility rules).
    auto list = std::make_unique<SchemaNode>();
    list->kind = Kind::kList;
    list->name = raw.element->name;
    list->element = raw.element;
    list->def_level = parent_def;
    list->rep_level = parent_rep;
    list->nullable = false;
    list->repeated_def_level = parent_def + 1;
    list->repeated_rep_level = parent_rep + 1;
    BRAID_ASSIGN_OR_RETURN(auto element, map_present(raw, parent_def + 1, parent_rep + 1, false, path, depth + 1));
    list->type = braid::list(field(element->name, element->type, element->nullable));
    list->children.push_back(std::move(element));
    return list;
  }
  const bool optional = rep == Repetition::kOptional;
  return map_present(raw, parent_def + (optional ? 1 : 0), parent_rep, optional, path, depth);
}

Result<std::unique_ptr<SchemaNode>> Mapper::map_present(const RawNode& raw, int def, int rep,
                                                        bool nullable, const std::string& path,
                                                        int depth) {
  if (raw.is_group()) {
    if (is_list_annotated(raw)) return map_list(raw, def, rep, nullable, path, depth);
    if (is_map_annotated(raw)) return map_map(raw, def, rep, nullable, path, depth);
    return map_struct(raw, raw.children, def, rep, nullable, path, depth);
  }
  auto node = std::make_unique<SchemaNode>();
  node->kind = Kind::kLeaf;
  node->name = raw.element->name;
  node->element = raw.element;
  node->def_level = def;
  node->rep_level = rep;
  node->nullable = nullable;
  BRAID_RETURN_IF_ERROR(map_leaf(raw, node.get(), path));
  return node;
}

Result<std::unique_ptr<SchemaNode>> Mapper::map_struct(const RawNode& raw,
                                                       const std::vector<RawNode>& children,
                                                       int def, int rep, bool nullable,
                                                       const std::string& path, int depth) {
  auto node = std::make_unique<SchemaNode>();
  node->kind = Kind::kStruct;
  node->name = raw.element->name;
  node->element = raw.element;
  node->def_level = def;
  node->rep_level = rep;
  node->nullable = nullable;
  std::vector<FieldPtr> fields;
  for (const RawNode& c : children) {
    BRAID_ASSIGN_OR_RETURN(auto child, map_field(c, def, rep, child_path(path, c.element->name), depth + 1));
    fields.push_back(node_field(*child, child->name));
    node->children.push_back(std::move(child));
  }
  node->type = struct_(std::move(fields));
  return node;
}

Result<std::unique_ptr<SchemaNode>> Mapper::map_list(const RawNode& raw, int def, int rep,
                                                     bool nullable, const std::string& path,
                                                     int depth) {
  if (raw.children.size() != 1 || repetition_of(raw.children[0]) != Repetition::kRepeated) {
    // Not a list after all (a LIST annotation without one repeated child): read it as a struct.
    return map_struct(raw, raw.children, def, rep, nullable, path, depth);
  }
  const RawNode& repeated = raw.children[0];
  auto list = std::make_unique<SchemaNode>();
  list->kind = Kind::kList;
  list->name = raw.element->name;
  list->element = raw.element;
  list->def_level = def;
  list->rep_level = rep;
  list->nullable = nullable;
  list->repeated_def_level = def + 1;
  list->repeated_rep_level = rep + 1;
  const int edef = def + 1, erep = rep + 1;
  const std::string epath = child_path(path, repeated.element->name);
  // Which node is the element: LogicalTypes.md, Lists, "Backward-compatibility rules", in order.
  // Rules 1-4 make the repeated field itself the element, required (never null); its own
  // annotation decides what it is (rule 3's group is typically a LIST: a 2-level list serving as
  // the element of this one).
  const bool repeated_is_element =
      !repeated.is_group() ||                                                      // rule 1
      repeated.children.size() != 1 ||                                             // rule 2
      repetition_of(repeated.children[0]) == Repetition::kRepeated ||              // rule 3
      repeated.element->name == "array" ||                                         // rule 4
      repeated.element->name == raw.element->name + "_tuple";
  std::unique_ptr<SchemaNode> element;
  if (repeated_is_element) {
    BRAID_ASSIGN_OR_RETURN(element, map_present(repeated, edef, erep, false, epath, depth + 1));
  } else {
    // Rule 5 (and the standard 3-level list): repeated group "list" { element }, the element
    // with its own repetition.
    const RawNode& e = repeated.children[0];
    BRAID_ASSIGN_OR_RETURN(element, map_field(e, edef, erep, child_path(epath, e.element->name), depth + 1));
  }
  list->type = braid::list(node_field(*element, "element"));
  list->children.push_back(std::move(element));
  return list;
}

Result<std::unique_ptr<SchemaNode>> Mapper::map_map(const RawNode& raw, int def, int rep,
                                                    bool nullable, const std::string& path,
                                                    int depth) {
  const RawNode* kv = raw.children.size() == 1 ? &raw.children[0] : nullptr;
  if (kv == nullptr || repetition_of(*kv) != Repetition::kRepeated || !kv->is_group() ||
      kv->children.size() != 2) {
    // Not a key/value map (e.g. a key-only repeated group): read the annotated group as a struct,
    // as other readers do.
    return map_struct(raw, raw.children, def, rep, nullable, path, depth);
  }
  auto map = std::make_unique<SchemaNode>();
  map->kind = Kind::kMap;
  map->name = raw.element->name;
  map->element = raw.element;
  map->def_level = def;
  map->rep_level = rep;
  map->nullable = nullable;
  map->repeated_def_level = def + 1;
  map->repeated_rep_level = rep + 1;
  const std::string kvpath = child_path(path, kv->element->name);
  for (const RawNode& c : kv->children) {
    BRAID_ASSIGN_OR_RETURN(auto child, map_field(c, def + 1, rep + 1, child_path(kvpath, c.element->name), depth + 1));
    map->children.push_back(std::move(child));
  }
  const SchemaNode& key = *map->children[0];
  const SchemaNode& value = *map->children[1];
  map->type = braid::map(node_field(key, "key")->with_nullable(false), node_field(value, "value"));
  return map;
}

Status Mapper::map_leaf(const RawNode& raw, SchemaNode* node, const std::string& path) {
  const SchemaElement& e = *raw.element;
  const LogicalType& lt = e.logical_type;
  if (!e.type) return Status::corruption("column '{}': the schema element has neither a type nor children", path);
  node->physical = *e.type;
  node->type_length = e.type_length;
  auto conv = [&](TypePtr type, LeafConversion c) {
    node->type = std::move(type);
    node->conversion = c;
    return Status::OK();
  };
  auto converted = [&](ConvertedType t) { return e.converted_type && *e.converted_type == t; };
  auto decimal_type = [&]() -> Result<TypePtr> {
    int precision = lt.kind == LKind::kDecimal ? lt.precision : e.precision.value_or(0);
    int scale = lt.kind == LKind::kDecimal ? lt.scale : e.scale.value_or(0);
    if (precision <= 0 || scale < 0 || scale > precision) {
      return Status::corruption("column '{}': invalid decimal precision {} and scale {}", path, precision, scale);
    }
    if (precision > kMaxDecimalPrecision) {
      return Status::not_implemented("column '{}': decimal precision {} is above 38", path, precision);
    }
    return decimal128(precision, scale);
  };
  const bool is_decimal = lt.kind == LKind::kDecimal || (lt.kind == LKind::kNone && converted(ConvertedType::kDecimal));
  if (lt.kind == LKind::kUnknown) return conv(null_type(), LeafConversion::kNull);
  // A logical type that cannot annotate this physical type (LogicalTypes.md lists which may) is
  // refused rather than read as the bare physical value, which would drop its meaning. Types
  // added to parquet-format after this code (kOther) are read as the physical type, as the
  // format asks of readers that do not know them.
  auto misannotated = [&]() {
    return Status::not_implemented("column '{}': {} cannot annotate {} (LogicalTypes.md); braid does not "
                                   "guess what the values mean", path, logical_type_name(lt),
                                   physical_type_name(*e.type));
  };
  const bool annotated = lt.kind != LKind::kNone && lt.kind != LKind::kOther;

  switch (*e.type) {
    case PhysicalType::kBoolean:
      if (annotated) return misannotated();
      return conv(boolean(), LeafConversion::kBoolean);
    case PhysicalType::kInt32: {
      if (is_decimal) {
        BRAID_ASSIGN_OR_RETURN(auto t, decimal_type());
        return conv(t, LeafConversion::kInt32ToDecimal);
      }
      if (lt.kind == LKind::kDate || (lt.kind == LKind::kNone && converted(ConvertedType::kDate))) {
        return conv(date32(), LeafConversion::kCopy);
      }
      if (lt.kind == LKind::kTime && lt.unit != TimeUnitKind::kMillis) return misannotated();  // MICROS/NANOS need INT64
      if (lt.kind == LKind::kTime || (lt.kind == LKind::kNone && converted(ConvertedType::kTimeMillis))) {
        bool utc = lt.kind == LKind::kTime ? lt.adjusted_to_utc : true;
        return conv(time64(TimeUnit::kMicro, utc), LeafConversion::kInt32MillisToMicros);
      }
      if (annotated && lt.kind != LKind::kInteger) return misannotated();
      int width = 32;
      bool is_signed = true;
      if (lt.kind == LKind::kInteger) {
        width = lt.bit_width;
        is_signed = lt.is_signed;
      } else if (lt.kind == LKind::kNone && e.converted_type) {
        switch (*e.converted_type) {
          case ConvertedType::kInt8: width = 8; break;
          case ConvertedType::kInt16: width = 16; break;
          case ConvertedType::kUint8: width = 8; is_signed = false; break;
          case ConvertedType::kUint16: width = 16; is_signed = false; break;
          case ConvertedType::kUint32: is_signed = false; break;
          default: break;
        }
      }
      if (width == 8) return conv(is_signed ? int8() : uint8(), is_signed ? LeafConversion::kInt32ToInt8 : LeafConversion::kInt32ToUInt8);
      if (width == 16) return conv(is_signed ? int16() : uint16(), is_signed ? LeafConversion::kInt32ToInt16 : LeafConversion::kInt32ToUInt16);
      return conv(is_signed ? int32() : uint32(), LeafConversion::kCopy);
    }
    case PhysicalType::kInt64: {
      if (is_decimal) {
        BRAID_ASSIGN_OR_RETURN(auto t, decimal_type());
        return conv(t, LeafConversion::kInt64ToDecimal);
      }
      if (lt.kind == LKind::kTimestamp) {
        std::string tz = lt.adjusted_to_utc ? "UTC" : "";
        if (lt.unit == TimeUnitKind::kMillis) return conv(timestamp(TimeUnit::kMicro, tz), LeafConversion::kInt64MillisToMicros);
        return conv(timestamp(lt.unit == TimeUnitKind::kNanos ? TimeUnit::kNano : TimeUnit::kMicro, tz), LeafConversion::kCopy);
      }
      if (lt.kind == LKind::kTime) {
        if (lt.unit == TimeUnitKind::kMillis) {
          return conv(time64(TimeUnit::kMicro, lt.adjusted_to_utc), LeafConversion::kInt64MillisToMicros);
        }
        return conv(time64(lt.unit == TimeUnitKind::kNanos ? TimeUnit::kNano : TimeUnit::kMicro, lt.adjusted_to_utc),
                    LeafConversion::kCopy);
      }
      if (lt.kind == LKind::kNone) {
        if (converted(ConvertedType::kTimestampMillis)) return conv(timestamp(TimeUnit::kMicro, "UTC"), LeafConversion::kInt64MillisToMicros);
        if (converted(ConvertedType::kTimestampMicros)) return conv(timestamp(TimeUnit::kMicro, "UTC"), LeafConversion::kCopy);
        if (converted(ConvertedType::kTimeMicros)) return conv(time64(TimeUnit::kMicro, true), LeafConversion::kCopy);
        if (converted(ConvertedType::kUint64)) return conv(uint64(), LeafConversion::kCopy);
      }
      if (annotated && lt.kind != LKind::kInteger) return misannotated();
      if (lt.kind == LKind::kInteger && !lt.is_signed) return conv(uint64(), LeafConversion::kCopy);
      return conv(int64(), LeafConversion::kCopy);
    }
    case PhysicalType::kInt96:
      if (annotated) return misannotated();
      return conv(timestamp(TimeUnit::kMicro, ""), LeafConversion::kInt96ToMicros);
    case PhysicalType::kFloat:
      if (annotated) return misannotated();
      return conv(float32(), LeafConversion::kCopy);
    case PhysicalType::kDouble:
      if (annotated) return misannotated();
      return conv(float64(), LeafConversion::kCopy);
    case PhysicalType::kByteArray: {
      if (is_decimal) {
        BRAID_ASSIGN_OR_RETURN(auto t, decimal_type());
        return conv(t, LeafConversion::kBytesToDecimal);
      }
      switch (lt.kind) {
        case LKind::kString: return conv(string_type(), LeafConversion::kBinary);
        case LKind::kEnum: return conv(string_type()->with_extension("enum"), LeafConversion::kBinary);
        case LKind::kJson: return conv(string_type()->with_extension("json"), LeafConversion::kBinary);
        case LKind::kBson: return conv(binary()->with_extension("bson"), LeafConversion::kBinary);
        case LKind::kGeometry: return conv(binary()->with_extension("geometry"), LeafConversion::kBinary);
        case LKind::kGeography: return conv(binary()->with_extension("geography"), LeafConversion::kBinary);
        case LKind::kNone:
          if (converted(ConvertedType::kUtf8)) return conv(string_type(), LeafConversion::kBinary);
          if (converted(ConvertedType::kEnum)) return conv(string_type()->with_extension("enum"), LeafConversion::kBinary);
          if (converted(ConvertedType::kJson)) return conv(string_type()->with_extension("json"), LeafConversion::kBinary);
          if (converted(ConvertedType::kBson)) return conv(binary()->with_extension("bson"), LeafConversion::kBinary);
          return conv(binary(), LeafConversion::kBinary);
        case LKind::kOther:
          return conv(binary(), LeafConversion::kBinary);
        default:
          return misannotated();
      }
    }
    case PhysicalType::kFixedLenByteArray: {
      if (e.type_length <= 0) {
        return Status::corruption("column '{}': FIXED_LEN_BYTE_ARRAY with type_length {}", path, e.type_length);
      }
      if (is_decimal) {
        BRAID_ASSIGN_OR_RETURN(auto t, decimal_type());
        if (e.type_length > 16) {
          return Status::not_implemented("column '{}': decimal stored in {} bytes", path, e.type_length);
        }
        return conv(t, LeafConversion::kBytesToDecimal);
      }
      if (lt.kind == LKind::kUuid && e.type_length == 16) {
        return conv(fixed_size_binary(16)->with_extension("uuid"), LeafConversion::kFixedBinary);
      }
      if (lt.kind == LKind::kFloat16 && e.type_length == 2) {
        return conv(float32()->with_extension("float16"), LeafConversion::kFloat16ToFloat32);
      }
      if (lt.kind == LKind::kNone && converted(ConvertedType::kInterval) && e.type_length == 12) {
        return conv(interval(), LeafConversion::kIntervalToMonthDayNanos);
      }
      if (annotated) return misannotated();  // includes UUID and FLOAT16 of the wrong length
      return conv(fixed_size_binary(e.type_length), LeafConversion::kFixedBinary);
    }
  }
  return Status::not_implemented("column '{}': physical type {} is not supported", path,
                                 static_cast<int32_t>(*e.type));
}

void collect_leaves(SchemaNode* node, std::vector<SchemaNode*>& out) {
  if (node->kind == Kind::kLeaf) {
    out.push_back(node);
    return;
  }
  for (auto& c : node->children) collect_leaves(c.get(), out);
}

// The Parquet column paths (path_in_schema, dotted) of the leaves below `raw`, in file order:
// every group counts, also the repeated ones a list or map hides ("a.list.element").
void raw_leaf_paths(const RawNode& raw, const std::string& path, std::vector<std::string>& out) {
  if (!raw.is_group()) {
    out.push_back(path);
    return;
  }
  for (const RawNode& c : raw.children) raw_leaf_paths(c, child_path(path, c.element->name), out);
}

}  // namespace

Result<std::unique_ptr<FileSchema>> FileSchema::build(const FileMetaData& metadata) {
  if (metadata.schema.empty()) return Status::corruption("the file has an empty schema");
  RawNode root;
  size_t next = 0;
  BRAID_RETURN_IF_ERROR(parse_raw(metadata.schema, next, 0, &root));
  if (next != metadata.schema.size()) {
    return Status::corruption("schema has {} elements after the root's children", metadata.schema.size() - next);
  }
  if (!root.is_group()) return Status::corruption("the schema root is not a group");
  auto fs = std::unique_ptr<FileSchema>(new FileSchema());
  Mapper mapper;
  std::vector<FieldPtr> fields;
  for (const RawNode& c : root.children) {
    BRAID_ASSIGN_OR_RETURN(auto node, mapper.map_field(c, 0, 0, c.element->name, 1));
    fields.push_back(node_field(*node, node->name));
    fs->root_.children.push_back(std::move(node));
  }
  KeyValueMetadata kv;
  for (const auto& [k, v] : metadata.key_value_metadata) kv.emplace_back(k, v);
  fs->schema_ = braid::schema(std::move(fields), std::move(kv));
  // Leaves in file order: the depth-first order of the tree is the order of column chunks.
  for (size_t f = 0; f < fs->root_.children.size(); ++f) {
    std::vector<SchemaNode*> leaves;
    std::vector<std::string> paths;
    collect_leaves(fs->root_.children[f].get(), leaves);
    raw_leaf_paths(root.children[f], root.children[f].element->name, paths);
    if (paths.size() != leaves.size()) {
      return Status::internal("column '{}': {} leaves but {} column paths", root.children[f].element->name,
                              leaves.size(), paths.size());
    }
    std::vector<int> indices;
    for (size_t i = 0; i < leaves.size(); ++i) {
      leaves[i]->leaf_index = static_cast<int>(fs->leaves_.size());
      indices.push_back(leaves[i]->leaf_index);
      fs->leaves_.push_back(leaves[i]);
      fs->leaf_paths_.push_back(paths[i]);
    }
    fs->field_leaves_.push_back(std::move(indices));
  }
  return fs;
}

std::string sql_type_name(const DataType& t) {
  const std::string& ext = t.extension();
  switch (t.id()) {
    case TypeId::kNull: return "\"NULL\"";
    case TypeId::kBoolean: return "BOOLEAN";
    case TypeId::kInt8: return "TINYINT";
    case TypeId::kInt16: return "SMALLINT";
    case TypeId::kInt32: return "INTEGER";
    case TypeId::kInt64: return "BIGINT";
    case TypeId::kUInt8: return "UTINYINT";
    case TypeId::kUInt16: return "USMALLINT";
    case TypeId::kUInt32: return "UINTEGER";
    case TypeId::kUInt64: return "UBIGINT";
    case TypeId::kFloat32: return ext == "float16" ? "FLOAT16" : "FLOAT";
    case TypeId::kFloat64: return "DOUBLE";
    case TypeId::kDecimal128: return fmt::format("DECIMAL({},{})", t.precision(), t.scale());
    case TypeId::kString: return ext == "json" ? "JSON" : "VARCHAR";
    case TypeId::kBinary:
      if (ext == "geometry") return "GEOMETRY";
      if (ext == "geography") return "GEOGRAPHY";
      return "BLOB";
    case TypeId::kFixedSizeBinary: return ext == "uuid" ? "UUID" : "BLOB";
    case TypeId::kDate32: return "DATE";
    case TypeId::kTime64: {
      std::string s = t.unit() == TimeUnit::kNano ? "TIME_NS" : "TIME";
      return t.time_utc() ? s + " WITH TIME ZONE" : s;
    }
    case TypeId::kTimestamp: {
      std::string s = t.unit() == TimeUnit::kNano ? "TIMESTAMP_NS" : "TIMESTAMP";
      return t.timezone().empty() ? s : s + " WITH TIME ZONE";
    }
    case TypeId::kInterval: return "INTERVAL";
    case TypeId::kStruct: {
      std::string s = "STRUCT(";
      for (int i = 0; i < t.num_fields(); ++i) {
        if (i) s += ", ";
        s += "\"" + t.field(i)->name() + "\" " + sql_type_name(*t.field(i)->type());
      }
      return s + ")";
    }
    case TypeId::kList: return sql_type_name(*t.element_field()->type()) + "[]";
    case TypeId::kMap:
      return "MAP(" + sql_type_name(*t.key_field()->type()) + ", " +
             sql_type_name(*t.value_field()->type()) + ")";
  }
  return "?";
}

}  // namespace braid::parquet
