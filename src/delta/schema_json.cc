#include "delta/schema_json.h"

#include <simdjson.h>

#include <charconv>

#include "common/json_writer.h"

namespace braid::delta {

namespace dom = simdjson::dom;

namespace {

// A boolean member, or `fallback` when absent or not a boolean.
bool bool_or(dom::object o, std::string_view key, bool fallback) {
  bool v = fallback;
  if (o[key].get_bool().get(v) != simdjson::SUCCESS) return fallback;
  return v;
}

Result<TypePtr> parse_type(dom::element e, int depth);

Result<FieldPtr> parse_field(dom::object f, int depth) {
  std::string_view name;
  if (f["name"].get_string().get(name) != simdjson::SUCCESS) {
    return Status::corruption("schema field without a name");
  }
  dom::element type;
  if (f["type"].get(type) != simdjson::SUCCESS) {
    return Status::corruption("schema field '{}' without a type", name);
  }
  BRAID_ASSIGN_OR_RETURN(TypePtr t, parse_type(type, depth + 1).with_context_f("field '{}'", name));
  const bool nullable = bool_or(f, "nullable", true);
  KeyValueMetadata metadata;
  dom::object m;
  if (f["metadata"].get_object().get(m) == simdjson::SUCCESS) {
    for (auto kv : m) metadata.emplace_back(std::string(kv.key), simdjson::minify(kv.value));
  }
  return field(std::string(name), std::move(t), nullable, std::move(metadata));
}

Result<TypePtr> primitive(std::string_view s) {
  if (s == "string") return string_type();
  if (s == "long") return int64();
  if (s == "integer") return int32();
  if (s == "short") return int16();
  if (s == "byte") return int8();
  if (s == "float") return float32();
  if (s == "double") return float64();
  if (s == "boolean") return boolean();
  if (s == "binary") return binary();
  if (s == "date") return date32();
  if (s == "timestamp") return timestamp(TimeUnit::kMicro, "UTC");
  if (s == "timestamp_ntz") return timestamp(TimeUnit::kMicro);
  if (s == "void") return null_type();
  if (s.starts_with("decimal")) {
    int p = 10, sc = 0;  // Spark's "decimal" alone is decimal(10,0)
    if (s.size() > 7) {
      if (s[7] != '(' || s.back() != ')') return Status::corruption("bad decimal type '{}'", s);
      auto comma = s.find(',');
      if (comma == std::string_view::npos) return Status::corruption("bad decimal type '{}'", s);
      auto a = s.substr(8, comma - 8), b = s.substr(comma + 1, s.size() - comma - 2);
      while (!b.empty() && b.front() == ' ') b.remove_prefix(1);
      if (std::from_chars(a.data(), a.data() + a.size(), p).ec != std::errc() ||
          std::from_chars(b.data(), b.data() + b.size(), sc).ec != std::errc()) {
        return Status::corruption("bad decimal type '{}'", s);
      }
    }
    if (p < 1 || p > kMaxDecimalPrecision || sc < 0 || sc > p) {
      return Status::corruption("decimal({},{}) is out of range", p, sc);
    }
    return decimal128(p, sc);
  }
  if (s == "variant") return Status::not_implemented("the variant type is not supported");
  return Status::not_implemented("unknown type '{}' in the table schema", s);
}

Result<TypePtr> parse_type(dom::element e, int depth) {
  if (depth > 64) return Status::corruption("table schema nested deeper than 64");
  std::string_view s;
  if (e.get_string().get(s) == simdjson::SUCCESS) return primitive(s);
  dom::object o;
  if (e.get_object().get(o) != simdjson::SUCCESS) return Status::corruption("a schema type must be a string or an object");
  std::string_view kind;
  if (o["type"].get_string().get(kind) != simdjson::SUCCESS) return Status::corruption("a complex type without 'type'");
  if (kind == "struct") {
    dom::array fields;
    if (o["fields"].get_array().get(fields) != simdjson::SUCCESS) return Status::corruption("a struct without 'fields'");
    std::vector<FieldPtr> out;
    for (auto f : fields) {
      dom::object fo;
      if (f.get_object().get(fo) != simdjson::SUCCESS) return Status::corruption("a struct field must be an object");
      BRAID_ASSIGN_OR_RETURN(auto fp, parse_field(fo, depth));
      out.push_back(std::move(fp));
    }
    return struct_(std::move(out));
  }
  if (kind == "array") {
    dom::element el;
    if (o["elementType"].get(el) != simdjson::SUCCESS) return Status::corruption("an array without 'elementType'");
    BRAID_ASSIGN_OR_RETURN(TypePtr t, parse_type(el, depth + 1));
    const bool contains_null = bool_or(o, "containsNull", true);
    return list(field("element", std::move(t), contains_null));
  }
  if (kind == "map") {
    dom::element k, v;
    if (o["keyType"].get(k) != simdjson::SUCCESS || o["valueType"].get(v) != simdjson::SUCCESS) {
      return Status::corruption("a map without 'keyType' or 'valueType'");
    }
    BRAID_ASSIGN_OR_RETURN(TypePtr kt, parse_type(k, depth + 1));
    BRAID_ASSIGN_OR_RETURN(TypePtr vt, parse_type(v, depth + 1));
    const bool value_null = bool_or(o, "valueContainsNull", true);
    return map(field("key", std::move(kt), false), field("value", std::move(vt), value_null));
  }
  return Status::not_implemented("unknown complex type '{}' in the table schema", kind);
}

Status write_type(JsonWriter& w, const DataType& t);

Status write_field(JsonWriter& w, const Field& f) {
  w.begin_object();
  w.field("name", f.name());
  w.key("type");
  BRAID_RETURN_IF_ERROR(write_type(w, *f.type()).with_context_f("column '{}'", f.name()));
  w.field("nullable", f.nullable());
  w.key("metadata");
  w.begin_object();
  for (const auto& [k, v] : f.metadata()) {
    w.key(k);
    w.raw(v);
  }
  w.end_object();
  w.end_object();
  return Status::OK();
}

Status write_type(JsonWriter& w, const DataType& t) {
  switch (t.id()) {
    case TypeId::kStruct:
      w.begin_object();
      w.field("type", "struct");
      w.key("fields");
      w.begin_array();
      for (const auto& f : t.fields()) BRAID_RETURN_IF_ERROR(write_field(w, *f));
      w.end_array();
      w.end_object();
      return Status::OK();
    case TypeId::kList:
      w.begin_object();
      w.field("type", "array");
      w.key("elementType");
      BRAID_RETURN_IF_ERROR(write_type(w, *t.element_field()->type()));
      w.field("containsNull", t.element_field()->nullable());
      w.end_object();
      return Status::OK();
    case TypeId::kMap:
      w.begin_object();
      w.field("type", "map");
      w.key("keyType");
      BRAID_RETURN_IF_ERROR(write_type(w, *t.key_field()->type()));
      w.key("valueType");
      BRAID_RETURN_IF_ERROR(write_type(w, *t.value_field()->type()));
      w.field("valueContainsNull", t.value_field()->nullable());
      w.end_object();
      return Status::OK();
    default: {
      std::string name = spark_type_name(t);
      if (name.empty()) {
        return Status::not_implemented("Delta tables cannot store {} columns", t.to_string());
      }
      w.value(name);
      return Status::OK();
    }
  }
}

}  // namespace

std::string spark_type_name(const DataType& t) {
  switch (t.id()) {
    case TypeId::kNull: return "void";
    case TypeId::kBoolean: return "boolean";
    case TypeId::kInt8: return "byte";
    case TypeId::kInt16: return "short";
    case TypeId::kInt32: return "integer";
    case TypeId::kInt64: return "long";
    case TypeId::kFloat32: return "float";
    case TypeId::kFloat64: return "double";
    case TypeId::kDecimal128: return "decimal(" + std::to_string(t.precision()) + "," + std::to_string(t.scale()) + ")";
    case TypeId::kString: return "string";
    case TypeId::kBinary: return "binary";
    case TypeId::kDate32: return "date";
    case TypeId::kTimestamp:
      if (t.unit() != TimeUnit::kMicro) return "";
      return t.timezone().empty() ? "timestamp_ntz" : "timestamp";
    case TypeId::kList: {
      std::string e = spark_type_name(*t.element_field()->type());
      return e.empty() ? "" : "array<" + e + ">";
    }
    case TypeId::kMap: {
      std::string k = spark_type_name(*t.key_field()->type()), v = spark_type_name(*t.value_field()->type());
      return k.empty() || v.empty() ? "" : "map<" + k + "," + v + ">";
    }
    case TypeId::kStruct: {
      std::string s = "struct<";
      for (int i = 0; i < t.num_fields(); ++i) {
        std::string f = spark_type_name(*t.field(i)->type());
        if (f.empty()) return "";
        s += (i ? "," : "") + t.field(i)->name() + ":" + f;
      }
      return s + ">";
    }
    default: return "";
  }
}

Result<SchemaPtr> parse_schema_json(std::string_view json) {
  thread_local dom::parser parser;
  dom::element doc;
  auto error = parser.parse(json.data(), json.size(), true).get(doc);
  if (error != simdjson::SUCCESS) {
    return Status::corruption("the table schema is not valid JSON ({})", simdjson::error_message(error));
  }
  BRAID_ASSIGN_OR_RETURN(TypePtr t, parse_type(doc, 0));
  if (t->id() != TypeId::kStruct) return Status::corruption("the table schema is not a struct");
  return schema(t->fields());
}

Result<std::string> schema_to_json(const Schema& schema) {
  JsonWriter w;
  w.begin_object();
  w.field("type", "struct");
  w.key("fields");
  w.begin_array();
  for (const auto& f : schema.fields()) BRAID_RETURN_IF_ERROR(write_field(w, *f));
  w.end_array();
  w.end_object();
  return w.take();
}

std::optional<std::string> metadata_string(const Field& field, std::string_view key) {
  auto raw = field.metadata_value(key);
  if (!raw) return std::nullopt;
  thread_local dom::parser parser;
  dom::element e;
  if (parser.parse(raw->data(), raw->size(), true).get(e) != simdjson::SUCCESS) return std::nullopt;
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS) return std::nullopt;
  return std::string(s);
}

std::optional<int64_t> metadata_int(const Field& field, std::string_view key) {
  auto raw = field.metadata_value(key);
  if (!raw) return std::nullopt;
  int64_t v;
  auto r = std::from_chars(raw->data(), raw->data() + raw->size(), v);
  if (r.ec != std::errc()) return std::nullopt;
  return v;
}

}  // namespace braid::delta
