#include "formats/parquet/write_schema.h"

#include "columnar/decimal.h"

namespace braid::parquet {

namespace {

using Kind = WriteNode::Kind;
using LKind = LogicalType::Kind;

class Builder {
 public:
  explicit Builder(std::vector<SchemaElement>& elements) : elements_(elements) {}

  // Appends the elements of `field` (and its subtree) and returns its node.
  Result<std::unique_ptr<WriteNode>> add(const std::string& name, const TypePtr& type,
                                         bool nullable, Repetition repetition, int parent_def,
                                         int parent_rep, std::vector<std::string> path) {
    auto node = std::make_unique<WriteNode>();
    node->name = name;
    node->type = type;
    node->nullable = repetition == Repetition::kOptional;
    node->def_level = parent_def + (repetition != Repetition::kRequired ? 1 : 0);
    node->rep_level = parent_rep + (repetition == Repetition::kRepeated ? 1 : 0);
    path.push_back(name);
    SchemaElement e;
    e.name = name;
    e.repetition = repetition;
    const size_t index = elements_.size();
    elements_.push_back(e);
    switch (type->id()) {
      case TypeId::kStruct: {
        if (type->num_fields() == 0) {
          return Status::not_implemented("column '{}': Parquet cannot store a struct with no fields", name);
        }
        node->kind = Kind::kStruct;
        elements_[index].num_children = type->num_fields();
        for (const auto& f : type->fields()) {
          BRAID_ASSIGN_OR_RETURN(auto child, add(f->name(), f->type(), f->nullable(),
                                                 f->nullable() ? Repetition::kOptional : Repetition::kRequired,
                                                 node->def_level, node->rep_level, path));
          node->children.push_back(std::move(child));
        }
        return node;
      }
      case TypeId::kList: {
        node->kind = Kind::kList;
        elements_[index].num_children = 1;
        elements_[index].converted_type = ConvertedType::kList;
        elements_[index].logical_type.kind = LKind::kList;
        node->repeated_def_level = node->def_level + 1;
        node->repeated_rep_level = node->rep_level + 1;
        SchemaElement list;
        list.name = "list";
        list.repetition = Repetition::kRepeated;
        list.num_children = 1;
        elements_.push_back(list);
        path.push_back("list");
        const FieldPtr& el = type->element_field();
        BRAID_ASSIGN_OR_RETURN(auto element, add("element", el->type(), el->nullable(),
                                                 el->nullable() ? Repetition::kOptional : Repetition::kRequired,
                                                 node->repeated_def_level, node->repeated_rep_level, path));
        node->children.push_back(std::move(element));
        return node;
      }
      case TypeId::kMap: {
        node->kind = Kind::kMap;
        elements_[index].num_children = 1;
        elements_[index].converted_type = ConvertedType::kMap;
        elements_[index].logical_type.kind = LKind::kMap;
        node->repeated_def_level = node->def_level + 1;
        node->repeated_rep_level = node->rep_level + 1;
        SchemaElement kv;
        kv.name = "key_value";
        kv.repetition = Repetition::kRepeated;
        kv.num_children = 2;
        elements_.push_back(kv);
        path.push_back("key_value");
        BRAID_ASSIGN_OR_RETURN(auto key, add("key", type->key_field()->type(), false, Repetition::kRequired,
                                             node->repeated_def_level, node->repeated_rep_level, path));
        const FieldPtr& vf = type->value_field();
        BRAID_ASSIGN_OR_RETURN(auto value, add("value", vf->type(), vf->nullable(),
                                               vf->nullable() ? Repetition::kOptional : Repetition::kRequired,
                                               node->repeated_def_level, node->repeated_rep_level, path));
        node->children.push_back(std::move(key));
        node->children.push_back(std::move(value));
        return node;
      }
      default:
        break;
    }
    node->kind = Kind::kLeaf;
    node->path = path;
    BRAID_RETURN_IF_ERROR(annotate_leaf(*type, elements_[index], *node));
    return node;
  }

 private:
  Status annotate_leaf(const DataType& t, SchemaElement& e, WriteNode& node) {
    auto set = [&](PhysicalType p) {
      e.type = p;
      node.physical = p;
    };
    auto integer = [&](int width, bool is_signed) {
      e.logical_type.kind = LKind::kInteger;
      e.logical_type.bit_width = static_cast<int8_t>(width);
      e.logical_type.is_signed = is_signed;
    };
    switch (t.id()) {
      case TypeId::kNull:
        set(PhysicalType::kInt32);
        e.logical_type.kind = LKind::kUnknown;
        return Status::OK();
      case TypeId::kBoolean: set(PhysicalType::kBoolean); return Status::OK();
      case TypeId::kInt8: set(PhysicalType::kInt32); integer(8, true); e.converted_type = ConvertedType::kInt8; return Status::OK();
      case TypeId::kInt16: set(PhysicalType::kInt32); integer(16, true); e.converted_type = ConvertedType::kInt16; return Status::OK();
      case TypeId::kInt32: set(PhysicalType::kInt32); return Status::OK();
      case TypeId::kInt64: set(PhysicalType::kInt64); return Status::OK();
      case TypeId::kUInt8: set(PhysicalType::kInt32); integer(8, false); e.converted_type = ConvertedType::kUint8; return Status::OK();
      case TypeId::kUInt16: set(PhysicalType::kInt32); integer(16, false); e.converted_type = ConvertedType::kUint16; return Status::OK();
      case TypeId::kUInt32: set(PhysicalType::kInt32); integer(32, false); e.converted_type = ConvertedType::kUint32; return Status::OK();
      case TypeId::kUInt64: set(PhysicalType::kInt64); integer(64, false); e.converted_type = ConvertedType::kUint64; return Status::OK();
      case TypeId::kFloat32: set(PhysicalType::kFloat); return Status::OK();
      case TypeId::kFloat64: set(PhysicalType::kDouble); return Status::OK();
      case TypeId::kDecimal128: {
        int p = t.precision();
        if (p <= 9) {
          set(PhysicalType::kInt32);
        } else if (p <= 18) {
          set(PhysicalType::kInt64);
        } else {
          set(PhysicalType::kFixedLenByteArray);
          e.type_length = decimal_byte_width(p);
          node.type_length = e.type_length;
        }
        e.logical_type.kind = LKind::kDecimal;
        e.logical_type.precision = p;
        e.logical_type.scale = t.scale();
        e.converted_type = ConvertedType::kDecimal;
        e.precision = p;
        e.scale = t.scale();
        return Status::OK();
      }
      case TypeId::kString:
        set(PhysicalType::kByteArray);
        if (t.extension() == "json") {
          e.logical_type.kind = LKind::kJson;
          e.converted_type = ConvertedType::kJson;
        } else if (t.extension() == "enum") {
          e.logical_type.kind = LKind::kEnum;
          e.converted_type = ConvertedType::kEnum;
        } else {
          e.logical_type.kind = LKind::kString;
          e.converted_type = ConvertedType::kUtf8;
        }
        return Status::OK();
      case TypeId::kBinary:
        set(PhysicalType::kByteArray);
        if (t.extension() == "bson") {
          e.logical_type.kind = LKind::kBson;
          e.converted_type = ConvertedType::kBson;
        } else if (t.extension() == "geometry") {
          e.logical_type.kind = LKind::kGeometry;
        } else if (t.extension() == "geography") {
          e.logical_type.kind = LKind::kGeography;
        }
        return Status::OK();
      case TypeId::kFixedSizeBinary:
        set(PhysicalType::kFixedLenByteArray);
        e.type_length = t.byte_width();
        node.type_length = t.byte_width();
        if (t.extension() == "uuid" && t.byte_width() == 16) e.logical_type.kind = LKind::kUuid;
        return Status::OK();
      case TypeId::kDate32:
        set(PhysicalType::kInt32);
        e.logical_type.kind = LKind::kDate;
        e.converted_type = ConvertedType::kDate;
        return Status::OK();
      case TypeId::kTime64:
        set(PhysicalType::kInt64);
        e.logical_type.kind = LKind::kTime;
        e.logical_type.adjusted_to_utc = t.time_utc();
        e.logical_type.unit = t.unit() == TimeUnit::kNano ? TimeUnitKind::kNanos : TimeUnitKind::kMicros;
        if (t.unit() == TimeUnit::kMicro && t.time_utc()) e.converted_type = ConvertedType::kTimeMicros;
        return Status::OK();
      case TypeId::kTimestamp: {
        set(PhysicalType::kInt64);
        const bool utc = !t.timezone().empty();
        e.logical_type.kind = LKind::kTimestamp;
        e.logical_type.adjusted_to_utc = utc;
        e.logical_type.unit = t.unit() == TimeUnit::kNano ? TimeUnitKind::kNanos : TimeUnitKind::kMicros;
        if (t.unit() == TimeUnit::kMicro && utc) e.converted_type = ConvertedType::kTimestampMicros;
        return Status::OK();
      }
      case TypeId::kInterval:
        set(PhysicalType::kFixedLenByteArray);
        e.type_length = 12;
        node.type_length = 12;
        e.converted_type = ConvertedType::kInterval;
        return Status::OK();
      default:
        return Status::not_implemented("writing {} columns to Parquet is not supported", t.to_string());
    }
  }

  std::vector<SchemaElement>& elements_;
};

void collect(WriteNode* node, std::vector<const WriteNode*>& leaves) {
  if (node->kind == Kind::kLeaf) {
    node->leaf_index = static_cast<int>(leaves.size());
    leaves.push_back(node);
    return;
  }
  for (auto& c : node->children) collect(c.get(), leaves);
}

}  // namespace

int decimal_byte_width(int precision) {
  // The smallest n with 2^(8n - 1) > 10^precision.
  for (int n = 1; n <= 16; ++n) {
    if (n == 16) return 16;
    UInt128 limit = UInt128{1} << (8 * n - 1);
    if (limit > static_cast<UInt128>(decimal::power_of_ten(precision))) return n;
  }
  return 16;
}

Result<std::unique_ptr<WriteSchema>> WriteSchema::build(const Schema& schema) {
  auto ws = std::unique_ptr<WriteSchema>(new WriteSchema());
  SchemaElement root;
  root.name = "schema";
  root.num_children = schema.num_fields();
  ws->elements_.push_back(root);
  Builder builder(ws->elements_);
  for (const auto& f : schema.fields()) {
    BRAID_ASSIGN_OR_RETURN(auto node, builder.add(f->name(), f->type(), f->nullable(),
                                                  f->nullable() ? Repetition::kOptional : Repetition::kRequired,
                                                  0, 0, {}));
    ws->fields_.push_back(std::move(node));
  }
  for (auto& f : ws->fields_) collect(f.get(), ws->leaves_);
  return ws;
}

}  // namespace braid::parquet
