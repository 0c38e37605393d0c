#include "delta/actions.h"

#include <simdjson.h>

#include <charconv>

#include "common/json_writer.h"

namespace braid::delta {

namespace dom = simdjson::dom;

const std::string* find_value(const StringMap& map, std::string_view key) {
  for (const auto& [k, v] : map) {
    if (k == key) return &v;
  }
  return nullptr;
}

const std::optional<std::string>* find_partition(const PartitionValues& values, std::string_view key) {
  for (const auto& [k, v] : values) {
    if (k == key) return &v;
  }
  return nullptr;
}

std::string DeletionVectorDescriptor::unique_id() const {
  std::string id = storage_type + path_or_inline_dv;
  if (offset) id += "@" + std::to_string(*offset);
  return id;
}

namespace {

// ---- lenient field access

std::optional<std::string> get_string(dom::object obj, std::string_view key) {
  dom::element e;
  if (obj[key].get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
  std::string_view s;
  if (e.get_string().get(s) == simdjson::SUCCESS) return std::string(s);
  return simdjson::minify(e);  // a number or object where a string was expected: keep its text
}

std::optional<int64_t> get_int(dom::object obj, std::string_view key) {
  dom::element e;
  if (obj[key].get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
  int64_t v;
  if (e.get_int64().get(v) == simdjson::SUCCESS) return v;
  uint64_t u;
  if (e.get_uint64().get(u) == simdjson::SUCCESS) return static_cast<int64_t>(u);
  double d;
  if (e.get_double().get(d) == simdjson::SUCCESS) return static_cast<int64_t>(d);
  std::string_view s;
  if (e.get_string().get(s) == simdjson::SUCCESS) {
    int64_t parsed;
    auto r = std::from_chars(s.data(), s.data() + s.size(), parsed);
    if (r.ec == std::errc() && r.ptr == s.data() + s.size()) return parsed;
  }
  return std::nullopt;
}

std::optional<bool> get_bool(dom::object obj, std::string_view key) {
  dom::element e;
  if (obj[key].get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
  bool b;
  if (e.get_bool().get(b) == simdjson::SUCCESS) return b;
  std::string_view s;
  if (e.get_string().get(s) == simdjson::SUCCESS) {
    if (s == "true") return true;
    if (s == "false") return false;
  }
  return std::nullopt;
}

std::optional<std::string> get_raw(dom::object obj, std::string_view key) {
  dom::element e;
  if (obj[key].get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
  return simdjson::minify(e);
}

StringMap get_string_map(dom::object obj, std::string_view key) {
  StringMap out;
  dom::object m;
  if (obj[key].get(m) != simdjson::SUCCESS) return out;
  for (auto field : m) {
    std::string_view s;
    if (field.value.get_string().get(s) == simdjson::SUCCESS) {
      out.emplace_back(std::string(field.key), std::string(s));
    } else if (!field.value.is_null()) {
      out.emplace_back(std::string(field.key), simdjson::minify(field.value));
    }
  }
  return out;
}

PartitionValues get_partition_values(dom::object obj) {
  PartitionValues out;
  dom::object m;
  if (obj["partitionValues"].get(m) != simdjson::SUCCESS) return out;
  for (auto field : m) {
    std::string_view s;
    if (field.value.is_null()) {
      out.emplace_back(std::string(field.key), std::nullopt);
    } else if (field.value.get_string().get(s) == simdjson::SUCCESS) {
      out.emplace_back(std::string(field.key), std::string(s));
    } else {
      out.emplace_back(std::string(field.key), simdjson::minify(field.value));
    }
  }
  return out;
}

std::optional<std::vector<std::string>> get_string_list(dom::object obj, std::string_view key) {
  dom::array a;
  if (obj[key].get(a) != simdjson::SUCCESS) return std::nullopt;
  std::vector<std::string> out;
  for (auto e : a) {
    std::string_view s;
    if (e.get_string().get(s) == simdjson::SUCCESS) out.emplace_back(s);
  }
  return out;
}

std::optional<DeletionVectorDescriptor> get_dv(dom::object obj) {
  dom::object d;
  if (obj["deletionVector"].get(d) != simdjson::SUCCESS) return std::nullopt;
  DeletionVectorDescriptor dv;
  dv.storage_type = get_string(d, "storageType").value_or("");
  dv.path_or_inline_dv = get_string(d, "pathOrInlineDv").value_or("");
  if (auto o = get_int(d, "offset")) dv.offset = static_cast<int32_t>(*o);
  dv.size_in_bytes = static_cast<int32_t>(get_int(d, "sizeInBytes").value_or(0));
  dv.cardinality = get_int(d, "cardinality").value_or(0);
  dv.max_row_index = get_int(d, "maxRowIndex");
  return dv;
}

Status missing(std::string_view action, std::string_view field) {
  return Status::corruption("{} action without '{}'", action, field);
}

Result<std::optional<Action>> parse_action(dom::object line) {
  for (auto field : line) {
    std::string_view name = field.key;
    dom::object obj;
    if (field.value.get_object().get(obj) != simdjson::SUCCESS) continue;
    if (name == "add") {
      AddFile a;
      auto path = get_string(obj, "path");
      if (!path) return missing("add", "path");
      a.path = std::move(*path);
      a.partition_values = get_partition_values(obj);
      a.size = get_int(obj, "size").value_or(0);
      a.modification_time = get_int(obj, "modificationTime").value_or(0);
      a.data_change = get_bool(obj, "dataChange").value_or(true);
      a.stats = get_string(obj, "stats");
      a.tags = get_string_map(obj, "tags");
      a.deletion_vector = get_dv(obj);
      a.base_row_id = get_int(obj, "baseRowId");
      a.default_row_commit_version = get_int(obj, "defaultRowCommitVersion");
      a.clustering_provider = get_string(obj, "clusteringProvider");
      return std::optional<Action>(std::move(a));
    }
    if (name == "remove") {
      RemoveFile r;
      auto path = get_string(obj, "path");
      if (!path) return missing("remove", "path");
      r.path = std::move(*path);
      r.deletion_timestamp = get_int(obj, "deletionTimestamp");
      r.data_change = get_bool(obj, "dataChange").value_or(true);
      r.extended_file_metadata = get_bool(obj, "extendedFileMetadata");
      r.partition_values = get_partition_values(obj);
      r.size = get_int(obj, "size");
      r.stats = get_string(obj, "stats");
      r.tags = get_string_map(obj, "tags");
      r.deletion_vector = get_dv(obj);
      r.base_row_id = get_int(obj, "baseRowId");
      r.default_row_commit_version = get_int(obj, "defaultRowCommitVersion");
      return std::optional<Action>(std::move(r));
    }
    if (name == "metaData") {
      Metadata m;
      auto id = get_string(obj, "id");
      if (!id) return missing("metaData", "id");
      m.id = std::move(*id);
      m.name = get_string(obj, "name");
      m.description = get_string(obj, "description");
      dom::object fmt;
      if (obj["format"].get(fmt) == simdjson::SUCCESS) {
        m.format.provider = get_string(fmt, "provider").value_or("parquet");
        m.format.options = get_string_map(fmt, "options");
      }
      auto schema = get_string(obj, "schemaString");
      if (!schema) return missing("metaData", "schemaString");
      m.schema_string = std::move(*schema);
      m.partition_columns = get_string_list(obj, "partitionColumns").value_or(std::vector<std::string>{});
      m.created_time = get_int(obj, "createdTime");
      m.configuration = get_string_map(obj, "configuration");
      return std::optional<Action>(std::move(m));
    }
    if (name == "protocol") {
      Protocol p;
      auto r = get_int(obj, "minReaderVersion");
      auto w = get_int(obj, "minWriterVersion");
      if (!r) return missing("protocol", "minReaderVersion");
      if (!w) return missing("protocol", "minWriterVersion");
      p.min_reader_version = static_cast<int32_t>(*r);
      p.min_writer_version = static_cast<int32_t>(*w);
      p.reader_features = get_string_list(obj, "readerFeatures");
      p.writer_features = get_string_list(obj, "writerFeatures");
      return std::optional<Action>(std::move(p));
    }
    if (name == "txn") {
      SetTransaction t;
      auto app = get_string(obj, "appId");
      auto version = get_int(obj, "version");
      if (!app) return missing("txn", "appId");
      if (!version) return missing("txn", "version");
      t.app_id = std::move(*app);
      t.version = *version;
      t.last_updated = get_int(obj, "lastUpdated");
      return std::optional<Action>(std::move(t));
    }
    if (name == "commitInfo") {
      CommitInfo c;
      c.json = simdjson::minify(field.value);
      c.timestamp = get_int(obj, "timestamp");
      c.in_commit_timestamp = get_int(obj, "inCommitTimestamp");
      c.operation = get_string(obj, "operation");
      c.operation_parameters = get_raw(obj, "operationParameters");
      c.operation_metrics = get_raw(obj, "operationMetrics");
      c.user_metadata = get_string(obj, "userMetadata");
      c.engine_info = get_string(obj, "engineInfo");
      c.isolation_level = get_string(obj, "isolationLevel");
      c.is_blind_append = get_bool(obj, "isBlindAppend");
      c.read_version = get_int(obj, "readVersion");
      return std::optional<Action>(std::move(c));
    }
    if (name == "cdc") {
      AddCdcFile c;
      c.path = get_string(obj, "path").value_or("");
      c.partition_values = get_partition_values(obj);
      c.size = get_int(obj, "size").value_or(0);
      c.data_change = get_bool(obj, "dataChange").value_or(false);
      c.tags = get_string_map(obj, "tags");
      return std::optional<Action>(std::move(c));
    }
    if (name == "domainMetadata") {
      DomainMetadata d;
      auto domain = get_string(obj, "domain");
      if (!domain) return missing("domainMetadata", "domain");
      d.domain = std::move(*domain);
      d.configuration = get_string(obj, "configuration").value_or("");
      d.removed = get_bool(obj, "removed").value_or(false);
      return std::optional<Action>(std::move(d));
    }
    if (name == "checkpointMetadata") {
      CheckpointMetadata c;
      c.version = get_int(obj, "version").value_or(0);
      c.tags = get_string_map(obj, "tags");
      return std::optional<Action>(std::move(c));
    }
    if (name == "sidecar") {
      Sidecar s;
      s.path = get_string(obj, "path").value_or("");
      s.size_in_bytes = get_int(obj, "sizeInBytes").value_or(0);
      s.modification_time = get_int(obj, "modificationTime").value_or(0);
      s.tags = get_string_map(obj, "tags");
      return std::optional<Action>(std::move(s));
    }
    // Unknown actions are ignored (PROTOCOL.md: readers must tolerate them).
  }
  return std::optional<Action>();
}

// ---- writing

void write_string_map(JsonWriter& w, std::string_view key, const StringMap& map) {
  w.key(key);
  w.begin_object();
  for (const auto& [k, v] : map) w.field(k, v);
  w.end_object();
}

void write_partition_values(JsonWriter& w, const PartitionValues& values) {
  w.key("partitionValues");
  w.begin_object();
  for (const auto& [k, v] : values) {
    w.key(k);
    if (v) {
      w.value(*v);
    } else {
      w.null();
    }
  }
  w.end_object();
}

void write_dv(JsonWriter& w, const DeletionVectorDescriptor& dv) {
  w.key("deletionVector");
  w.begin_object();
  w.field("storageType", dv.storage_type);
  w.field("pathOrInlineDv", dv.path_or_inline_dv);
  if (dv.offset) w.field("offset", static_cast<int64_t>(*dv.offset));
  w.field("sizeInBytes", static_cast<int64_t>(dv.size_in_bytes));
  w.field("cardinality", dv.cardinality);
  if (dv.max_row_index) w.field("maxRowIndex", *dv.max_row_index);
  w.end_object();
}

struct ActionWriter {
  JsonWriter& w;
  void operator()(const Protocol& p) {
    w.key("protocol");
    w.begin_object();
    w.field("minReaderVersion", static_cast<int64_t>(p.min_reader_version));
    w.field("minWriterVersion", static_cast<int64_t>(p.min_writer_version));
    auto list = [&](std::string_view key, const std::optional<std::vector<std::string>>& v) {
      if (!v) return;
      w.key(key);
      w.begin_array();
      for (const auto& s : *v) w.value(s);
      w.end_array();
    };
    list("readerFeatures", p.reader_features);
    list("writerFeatures", p.writer_features);
    w.end_object();
  }
  void operator()(const Metadata& m) {
    w.key("metaData");
    w.begin_object();
    w.field("id", m.id);
    if (m.name) w.field("name", *m.name);
    if (m.description) w.field("description", *m.description);
    w.key("format");
    w.begin_object();
    w.field("provider", m.format.provider);
    write_string_map(w, "options", m.format.options);
    w.end_object();
    w.field("schemaString", m.schema_string);
    w.key("partitionColumns");
    w.begin_array();
    for (const auto& c : m.partition_columns) w.value(c);
    w.end_array();
    write_string_map(w, "configuration", m.configuration);
    if (m.created_time) w.field("createdTime", *m.created_time);
    w.end_object();
  }
  void operator()(const AddFile& a) {
    w.key("add");
    w.begin_object();
    w.field("path", a.path);
    write_partition_values(w, a.partition_values);
    w.field("size", a.size);
    w.field("modificationTime", a.modification_time);
    w.field("dataChange", a.data_change);
    if (a.stats) w.field("stats", *a.stats);
    if (!a.tags.empty()) write_string_map(w, "tags", a.tags);
    if (a.deletion_vector) write_dv(w, *a.deletion_vector);
    if (a.base_row_id) w.field("baseRowId", *a.base_row_id);
    if (a.default_row_commit_version) w.field("defaultRowCommitVersion", *a.default_row_commit_version);
    if (a.clustering_provider) w.field("clusteringProvider", *a.clustering_provider);
    w.end_object();
  }
  void operator()(const RemoveFile& r) {
    w.key("remove");
    w.begin_object();
    w.field("path", r.path);
    if (r.deletion_timestamp) w.field("deletionTimestamp", *r.deletion_timestamp);
    w.field("dataChange", r.data_change);
    if (r.extended_file_metadata) w.field("extendedFileMetadata", *r.extended_file_metadata);
    if (r.extended_file_metadata.value_or(false) || !r.partition_values.empty()) {
      write_partition_values(w, r.partition_values);
    }
    if (r.size) w.field("size", *r.size);
    if (r.stats) w.field("stats", *r.stats);
    if (!r.tags.empty()) write_string_map(w, "tags", r.tags);
    if (r.deletion_vector) write_dv(w, *r.deletion_vector);
    if (r.base_row_id) w.field("baseRowId", *r.base_row_id);
    if (r.default_row_commit_version) w.field("defaultRowCommitVersion", *r.default_row_commit_version);
    w.end_object();
  }
  void operator()(const AddCdcFile& c) {
    w.key("cdc");
    w.begin_object();
    w.field("path", c.path);
    write_partition_values(w, c.partition_values);
    w.field("size", c.size);
    w.field("dataChange", c.data_change);
    if (!c.tags.empty()) write_string_map(w, "tags", c.tags);
    w.end_object();
  }
  void operator()(const SetTransaction& t) {
    w.key("txn");
    w.begin_object();
    w.field("appId", t.app_id);
    w.field("version", t.version);
    if (t.last_updated) w.field("lastUpdated", *t.last_updated);
    w.end_object();
  }
  void operator()(const CommitInfo& c) {
    w.key("commitInfo");
    w.raw(c.json.empty() ? "{}" : c.json);
  }
  void operator()(const DomainMetadata& d) {
    w.key("domainMetadata");
    w.begin_object();
    w.field("domain", d.domain);
    w.field("configuration", d.configuration);
    w.field("removed", d.removed);
    w.end_object();
  }
  void operator()(const CheckpointMetadata& c) {
    w.key("checkpointMetadata");
    w.begin_object();
    w.field("version", c.version);
    if (!c.tags.empty()) write_string_map(w, "tags", c.tags);
    w.end_object();
  }
  void operator()(const Sidecar& s) {
    w.key("sidecar");
    w.begin_object();
    w.field("path", s.path);
    w.field("sizeInBytes", s.size_in_bytes);
    w.field("modificationTime", s.modification_time);
    if (!s.tags.empty()) write_string_map(w, "tags", s.tags);
    w.end_object();
  }
};

}  // namespace

Result<std::vector<Action>> parse_actions(std::string_view text, std::string_view source) {
  thread_local dom::parser parser;
  std::vector<Action> out;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty()) continue;
    dom::element doc;
    auto error = parser.parse(line.data(), line.size(), true).get(doc);
    if (error != simdjson::SUCCESS) {
      return Status::corruption("{}:{}: not valid JSON ({})", source, line_no, simdjson::error_message(error));
    }
    dom::object obj;
    if (doc.get_object().get(obj) != simdjson::SUCCESS) {
      return Status::corruption("{}:{}: an action must be a JSON object", source, line_no);
    }
    auto action = parse_action(obj);
    if (!action.ok()) return std::move(action).status().with_context_f("{}:{}", source, line_no);
    if (*action) out.push_back(std::move(**action));
  }
  return out;
}

std::string action_to_json(const Action& action) {
  JsonWriter w;
  w.begin_object();
  std::visit(ActionWriter{w}, action);
  w.end_object();
  return w.take();
}

std::string actions_to_json(const std::vector<Action>& actions) {
  std::string out;
  for (const auto& a : actions) {
    out += action_to_json(a);
    out += '\n';
  }
  return out;
}

}  // namespace braid::delta
