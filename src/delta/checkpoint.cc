#include "delta/checkpoint.h"

#include <fmt/core.h>
#include <strings.h>

#include "columnar/column_builder.h"
#include "delta/snapshot.h"
#include "columnar/value_text.h"
#include "common/json_writer.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/parquet_writer.h"

namespace braid::delta {

namespace {

// ---- reading: struct rows -> actions

// Access to the fields of a struct column by name (absent fields read as null).
class StructView {
 public:
  StructView() = default;
  explicit StructView(ColumnPtr column) : column_(std::move(column)) {
    if (column_) {
      for (int i = 0; i < column_->type()->num_fields(); ++i) fields_.push_back(column_->struct_field(i));
    }
  }
  bool present(int64_t row) const { return column_ && column_->is_valid(row); }
  const Column* field(std::string_view name) const {
    if (!column_) return nullptr;
    int i = column_->type()->field_index(name);
    return i < 0 ? nullptr : fields_[static_cast<size_t>(i)].get();
  }
  StructView child(std::string_view name) const {
    if (!column_) return StructView();
    int i = column_->type()->field_index(name);
    if (i < 0 || fields_[static_cast<size_t>(i)]->type_id() != TypeId::kStruct) return StructView();
    return StructView(fields_[static_cast<size_t>(i)]);
  }

  std::optional<std::string> str(std::string_view name, int64_t row) const {
    const Column* c = field(name);
    if (!c || c->is_null(row) || !c->type()->is_binary_like()) return std::nullopt;
    return std::string(c->string_value(row));
  }
  std::optional<int64_t> integer(std::string_view name, int64_t row) const {
    const Column* c = field(name);
    if (!c || c->is_null(row)) return std::nullopt;
    switch (c->type_id()) {
      case TypeId::kInt8: return c->value<int8_t>(row);
      case TypeId::kInt16: return c->value<int16_t>(row);
      case TypeId::kInt32: return c->value<int32_t>(row);
      case TypeId::kInt64: return c->value<int64_t>(row);
      default: return std::nullopt;
    }
  }
  std::optional<bool> boolean(std::string_view name, int64_t row) const {
    const Column* c = field(name);
    if (!c || c->is_null(row) || c->type_id() != TypeId::kBoolean) return std::nullopt;
    return c->bool_value(row);
  }
  // map<string,string> (values may be null).
  PartitionValues map(std::string_view name, int64_t row) const {
    PartitionValues out;
    const Column* c = field(name);
    if (!c || c->is_null(row) || c->type_id() != TypeId::kMap) return out;
    const int32_t* o = c->offsets();
    const Column& entries = *c->list_values();
    const Column& keys = *entries.child(0);
    const Column& values = *entries.child(1);
    for (int32_t i = o[row]; i < o[row + 1]; ++i) {
      int64_t e = entries.offset() + i;
      std::string key(keys.string_value(e));
      if (values.is_null(e)) {
        out.emplace_back(std::move(key), std::nullopt);
      } else {
        out.emplace_back(std::move(key), std::string(values.string_value(e)));
      }
    }
    return out;
  }
  StringMap string_map(std::string_view name, int64_t row) const {
    StringMap out;
    for (auto& [k, v] : map(name, row)) {
      if (v) out.emplace_back(std::move(k), std::move(*v));
    }
    return out;
  }
  std::optional<std::vector<std::string>> strings(std::string_view name, int64_t row) const {
    const Column* c = field(name);
    if (!c || c->is_null(row) || c->type_id() != TypeId::kList) return std::nullopt;
    std::vector<std::string> out;
    const int32_t* o = c->offsets();
    const Column& values = *c->list_values();
    for (int32_t i = o[row]; i < o[row + 1]; ++i) out.emplace_back(values.string_value(i));
    return out;
  }
  const ColumnPtr& column() const { return column_; }

 private:
  ColumnPtr column_;
  std::vector<ColumnPtr> fields_;
};

std::optional<DeletionVectorDescriptor> dv_of(const StructView& parent, int64_t row) {
  StructView dv = parent.child("deletionVector");
  if (!dv.present(row)) return std::nullopt;
  DeletionVectorDescriptor d;
  d.storage_type = dv.str("storageType", row).value_or("");
  d.path_or_inline_dv = dv.str("pathOrInlineDv", row).value_or("");
  if (auto o = dv.integer("offset", row)) d.offset = static_cast<int32_t>(*o);
  d.size_in_bytes = static_cast<int32_t>(dv.integer("sizeInBytes", row).value_or(0));
  d.cardinality = dv.integer("cardinality", row).value_or(0);
  d.max_row_index = dv.integer("maxRowIndex", row);
  return d;
}

// A typed stats value as the JSON Delta writes in `stats`.
void write_stat_value(JsonWriter& w, const Column& c, int64_t row) {
  if (c.is_null(row)) {
    w.null();
    return;
  }
  switch (c.type_id()) {
    case TypeId::kStruct: {
      w.begin_object();
      for (int i = 0; i < c.type()->num_fields(); ++i) {
        w.key(c.type()->field(i)->name());
        write_stat_value(w, *c.child(i), c.offset() + row);
      }
      w.end_object();
      return;
    }
    case TypeId::kDecimal128: w.raw(value_text(c, row, TextFlavor::kPlain)); return;  // a number
    default: w.raw(value_text(c, row, TextFlavor::kJson)); return;
  }
}

std::string stats_json_from_struct(const StructView& add, int64_t row) {
  StructView parsed = add.child("stats_parsed");
  if (!parsed.present(row)) return "";
  JsonWriter w;
  write_stat_value(w, *parsed.column(), row);
  return w.take();
}

Status append_actions(const RecordBatch& batch, std::vector<Action>& out) {
  auto col = [&](std::string_view name) { return StructView(batch.column_by_name(name)); };
  StructView add = col("add"), remove = col("remove"), meta = col("metaData"), protocol = col("protocol"),
             txn = col("txn"), domain = col("domainMetadata"), cpmeta = col("checkpointMetadata"),
             sidecar = col("sidecar");
  for (int64_t r = 0; r < batch.num_rows(); ++r) {
    if (add.present(r)) {
      AddFile a;
      a.path = add.str("path", r).value_or("");
      a.partition_values = add.map("partitionValues", r);
      a.size = add.integer("size", r).value_or(0);
      a.modification_time = add.integer("modificationTime", r).value_or(0);
      a.data_change = add.boolean("dataChange", r).value_or(true);
      a.stats = add.str("stats", r);
      if (!a.stats) {
        std::string parsed = stats_json_from_struct(add, r);
        if (!parsed.empty()) a.stats = std::move(parsed);
      }
      a.tags = add.string_map("tags", r);
      a.deletion_vector = dv_of(add, r);
      a.base_row_id = add.integer("baseRowId", r);
      a.default_row_commit_version = add.integer("defaultRowCommitVersion", r);
      a.clustering_provider = add.str("clusteringProvider", r);
      out.emplace_back(std::move(a));
    } else if (remove.present(r)) {
      RemoveFile d;
      d.path = remove.str("path", r).value_or("");
      d.deletion_timestamp = remove.integer("deletionTimestamp", r);
      d.data_change = remove.boolean("dataChange", r).value_or(true);
      d.extended_file_metadata = remove.boolean("extendedFileMetadata", r);
      d.partition_values = remove.map("partitionValues", r);
      d.size = remove.integer("size", r);
      d.deletion_vector = dv_of(remove, r);
      out.emplace_back(std::move(d));
    } else if (meta.present(r)) {
      Metadata m;
      m.id = meta.str("id", r).value_or("");
      m.name = meta.str("name", r);
      m.description = meta.str("description", r);
      StructView format = meta.child("format");
      if (format.present(r)) {
        m.format.provider = format.str("provider", r).value_or("parquet");
        m.format.options = format.string_map("options", r);
      }
      m.schema_string = meta.str("schemaString", r).value_or("");
      m.partition_columns = meta.strings("partitionColumns", r).value_or(std::vector<std::string>{});
      m.configuration = meta.string_map("configuration", r);
      m.created_time = meta.integer("createdTime", r);
      out.emplace_back(std::move(m));
    } else if (protocol.present(r)) {
      Protocol p;
      p.min_reader_version = static_cast<int32_t>(protocol.integer("minReaderVersion", r).value_or(1));
      p.min_writer_version = static_cast<int32_t>(protocol.integer("minWriterVersion", r).value_or(2));
      p.reader_features = protocol.strings("readerFeatures", r);
      p.writer_features = protocol.strings("writerFeatures", r);
      out.emplace_back(std::move(p));
    } else if (txn.present(r)) {
      SetTransaction t;
      t.app_id = txn.str("appId", r).value_or("");
      t.version = txn.integer("version", r).value_or(0);
      t.last_updated = txn.integer("lastUpdated", r);
      out.emplace_back(std::move(t));
    } else if (domain.present(r)) {
      DomainMetadata d;
      d.domain = domain.str("domain", r).value_or("");
      d.configuration = domain.str("configuration", r).value_or("");
      d.removed = domain.boolean("removed", r).value_or(false);
      out.emplace_back(std::move(d));
    } else if (cpmeta.present(r)) {
      CheckpointMetadata c;
      c.version = cpmeta.integer("version", r).value_or(0);
      c.tags = cpmeta.string_map("tags", r);
      out.emplace_back(std::move(c));
    } else if (sidecar.present(r)) {
      Sidecar s;
      s.path = sidecar.str("path", r).value_or("");
      s.size_in_bytes = sidecar.integer("sizeInBytes", r).value_or(0);
      s.modification_time = sidecar.integer("modificationTime", r).value_or(0);
      s.tags = sidecar.string_map("tags", r);
      out.emplace_back(std::move(s));
    }
  }
  return Status::OK();
}

Status read_parquet_actions(const LogStore& store, const std::string& path, std::vector<Action>& out) {
  auto batches = parquet::read_parquet(store.fs(), path);
  if (!batches.ok()) return std::move(batches).status().with_context("reading checkpoint");
  for (const auto& b : *batches) BRAID_RETURN_IF_ERROR(append_actions(*b, out).with_context(path));
  return Status::OK();
}

}  // namespace

Result<std::vector<Action>> read_checkpoint(const LogStore& store, const CheckpointFiles& checkpoint) {
  std::vector<Action> out;
  for (const auto& path : checkpoint.paths) {
    if (checkpoint.json) {
      BRAID_ASSIGN_OR_RETURN(std::string text, store.fs()->read_file(path));
      BRAID_ASSIGN_OR_RETURN(auto actions, parse_actions(text, path));
      for (auto& a : actions) out.push_back(std::move(a));
    } else {
      BRAID_RETURN_IF_ERROR(read_parquet_actions(store, path, out));
    }
  }
  // v2 checkpoints may keep their file actions in sidecars (_delta_log/_sidecars/<path>).
  std::vector<std::string> sidecars;
  for (const auto& a : out) {
    if (const auto* s = std::get_if<Sidecar>(&a)) sidecars.push_back(s->path);
  }
  for (const auto& s : sidecars) {
    std::string path = s.find('/') == std::string::npos ? join_path(join_path(store.log_dir(), "_sidecars"), s) : s;
    BRAID_RETURN_IF_ERROR(read_parquet_actions(store, path, out));
  }
  return out;
}

// ---- writing

namespace {

TypePtr string_map_type() { return map(field("key", string_type(), false), field("value", string_type())); }

TypePtr dv_type() {
  return struct_({field("storageType", string_type()), field("pathOrInlineDv", string_type()),
                  field("offset", int32()), field("sizeInBytes", int32()), field("cardinality", int64()),
                  field("maxRowIndex", int64())});
}

SchemaPtr checkpoint_schema() {
  static const SchemaPtr s = schema({
      field("txn", struct_({field("appId", string_type()), field("version", int64()), field("lastUpdated", int64())})),
      field("add", struct_({field("path", string_type()), field("partitionValues", string_map_type()),
                            field("size", int64()), field("modificationTime", int64()),
                            field("dataChange", boolean()), field("stats", string_type()),
                            field("tags", string_map_type()), field("deletionVector", dv_type()),
                            field("baseRowId", int64()), field("defaultRowCommitVersion", int64()),
                            field("clusteringProvider", string_type())})),
      field("remove", struct_({field("path", string_type()), field("deletionTimestamp", int64()),
                               field("dataChange", boolean()), field("extendedFileMetadata", boolean()),
                               field("partitionValues", string_map_type()), field("size", int64()),
                               field("deletionVector", dv_type()), field("baseRowId", int64()),
                               field("defaultRowCommitVersion", int64())})),
      field("metaData", struct_({field("id", string_type()), field("name", string_type()),
                                 field("description", string_type()),
                                 field("format", struct_({field("provider", string_type()), field("options", string_map_type())})),
                                 field("schemaString", string_type()), field("partitionColumns", list(string_type())),
                                 field("configuration", string_map_type()), field("createdTime", int64())})),
      field("protocol", struct_({field("minReaderVersion", int32()), field("minWriterVersion", int32()),
                                 field("readerFeatures", list(string_type())), field("writerFeatures", list(string_type()))})),
      field("domainMetadata", struct_({field("domain", string_type()), field("configuration", string_type()),
                                       field("removed", boolean())})),
  });
  return s;
}

// Builders for one struct column, field by field.
class Row {
 public:
  explicit Row(ColumnBuilder* b) : b_(static_cast<StructBuilder*>(b)) {}
  void begin() { b_->append(); }
  void null() { b_->append_null(); }
  ColumnBuilder* at(int i) { return b_->field_builder(i); }
  void str(int i, const std::optional<std::string>& v) {
    v ? static_cast<BinaryBuilder*>(at(i))->append(*v) : at(i)->append_null();
  }
  void i64(int i, std::optional<int64_t> v) {
    v ? static_cast<Int64Builder*>(at(i))->append(*v) : at(i)->append_null();
  }
  void i32(int i, std::optional<int64_t> v) {
    v ? static_cast<Int32Builder*>(at(i))->append(static_cast<int32_t>(*v)) : at(i)->append_null();
  }
  void flag(int i, std::optional<bool> v) {
    v ? static_cast<BooleanBuilder*>(at(i))->append(*v) : at(i)->append_null();
  }
  void map(int i, const PartitionValues& values) {
    auto* m = static_cast<ListBuilder*>(at(i));
    m->append();
    for (const auto& [k, v] : values) {
      static_cast<StructBuilder*>(m->values())->append();
      static_cast<BinaryBuilder*>(m->map_keys())->append(k);
      v ? static_cast<BinaryBuilder*>(m->map_items())->append(*v) : m->map_items()->append_null();
    }
  }
  void map(int i, const StringMap& values) {
    PartitionValues pv;
    for (const auto& [k, v] : values) pv.emplace_back(k, v);
    map(i, pv);
  }
  void strings(int i, const std::optional<std::vector<std::string>>& v) {
    auto* l = static_cast<ListBuilder*>(at(i));
    if (!v) {
      l->append_null();
      return;
    }
    l->append();
    for (const auto& s : *v) static_cast<BinaryBuilder*>(l->values())->append(s);
  }
  void dv(int i, const std::optional<DeletionVectorDescriptor>& d) {
    Row r(at(i));
    if (!d) {
      r.null();
      return;
    }
    r.begin();
    r.str(0, d->storage_type);
    r.str(1, d->path_or_inline_dv);
    r.i32(2, d->offset ? std::optional<int64_t>(*d->offset) : std::nullopt);
    r.i32(3, d->size_in_bytes);
    r.i64(4, d->cardinality);
    r.i64(5, d->max_row_index);
  }

 private:
  StructBuilder* b_;
};

}  // namespace

Status write_checkpoint(const LogStore& store, int64_t version, const std::vector<Action>& actions) {
  const SchemaPtr& s = checkpoint_schema();
  std::vector<std::unique_ptr<ColumnBuilder>> builders;
  for (const auto& f : s->fields()) builders.push_back(make_builder(f->type()));
  Row txn(builders[0].get()), add(builders[1].get()), remove(builders[2].get()), meta(builders[3].get()),
      protocol(builders[4].get()), domain(builders[5].get());
  int64_t rows = 0;
  // delta.checkpoint.writeStatsAsJson = false: file stats stay out of the checkpoint.
  bool stats_as_json = true;
  for (const Action& a : actions) {
    if (const auto* m = std::get_if<Metadata>(&a)) {
      const std::string* v = find_value(m->configuration, "delta.checkpoint.writeStatsAsJson");
      stats_as_json = !v || ::strcasecmp(v->c_str(), "false") != 0;
    }
  }
  for (const Action& a : actions) {
    Row* which = nullptr;
    if (const auto* t = std::get_if<SetTransaction>(&a)) {
      txn.begin();
      txn.str(0, t->app_id);
      txn.i64(1, t->version);
      txn.i64(2, t->last_updated);
      which = &txn;
    } else if (const auto* f = std::get_if<AddFile>(&a)) {
      add.begin();
      add.str(0, f->path);
      add.map(1, f->partition_values);
      add.i64(2, f->size);
      add.i64(3, f->modification_time);
      add.flag(4, f->data_change);
      add.str(5, stats_as_json ? f->stats : std::nullopt);
      add.map(6, f->tags);
      add.dv(7, f->deletion_vector);
      add.i64(8, f->base_row_id);
      add.i64(9, f->default_row_commit_version);
      add.str(10, f->clustering_provider);
      which = &add;
    } else if (const auto* r = std::get_if<RemoveFile>(&a)) {
      remove.begin();
      remove.str(0, r->path);
      remove.i64(1, r->deletion_timestamp);
      remove.flag(2, r->data_change);
      remove.flag(3, r->extended_file_metadata);
      remove.map(4, r->partition_values);
      remove.i64(5, r->size);
      remove.dv(6, r->deletion_vector);
      remove.i64(7, r->base_row_id);
      remove.i64(8, r->default_row_commit_version);
      which = &remove;
    } else if (const auto* m = std::get_if<Metadata>(&a)) {
      meta.begin();
      meta.str(0, m->id);
      meta.str(1, m->name);
      meta.str(2, m->description);
      Row format(meta.at(3));
      format.begin();
      format.str(0, m->format.provider);
      format.map(1, m->format.options);
      meta.str(4, m->schema_string);
      meta.strings(5, m->partition_columns);
      meta.map(6, m->configuration);
      meta.i64(7, m->created_time);
      which = &meta;
    } else if (const auto* p = std::get_if<Protocol>(&a)) {
      protocol.begin();
      protocol.i32(0, p->min_reader_version);
      protocol.i32(1, p->min_writer_version);
      protocol.strings(2, p->reader_features);
      protocol.strings(3, p->writer_features);
      which = &protocol;
    } else if (const auto* d = std::get_if<DomainMetadata>(&a)) {
      domain.begin();
      domain.str(0, d->domain);
      domain.str(1, d->configuration);
      domain.flag(2, d->removed);
      which = &domain;
    }
    if (which == nullptr) continue;  // commitInfo, cdc: never in checkpoints
    for (Row* r : {&txn, &add, &remove, &meta, &protocol, &domain}) {
      if (r != which) r->null();
    }
    ++rows;
  }
  std::vector<ColumnPtr> columns;
  for (auto& b : builders) {
    BRAID_ASSIGN_OR_RETURN(auto c, b->finish());
    columns.push_back(std::move(c));
  }
  auto batch = std::make_shared<const RecordBatch>(s, rows, std::move(columns));
  // Written under a temporary name and renamed: a reader never sees a partial checkpoint.
  const std::string final_path = join_path(store.log_dir(), version_file_prefix(version) + ".checkpoint.parquet");
  const std::string tmp = join_path(store.log_dir(), fmt::format(".{}.checkpoint.parquet.tmp", version_file_prefix(version)));
  parquet::ParquetWriteOptions options;
  options.codec = parquet::Codec::kSnappy;  // what Spark writes, and cheap to read
  BRAID_RETURN_IF_ERROR(parquet::write_parquet(store.fs(), tmp, s, {batch}, options).status());
  Status renamed = store.fs()->rename(tmp, final_path, false);
  if (renamed.code() == StatusCode::kAlreadyExists) {
    (void)store.fs()->remove(tmp);  // another writer checkpointed this version first: fine
    return Status::OK();
  }
  BRAID_RETURN_IF_ERROR(renamed);
  LastCheckpoint last;
  last.version = version;
  last.size = rows;
  return store.write_last_checkpoint(last);
}

std::vector<Action> checkpoint_actions(const Snapshot& snapshot) {
  std::vector<Action> state;
  state.emplace_back(snapshot.protocol());
  state.emplace_back(snapshot.metadata());
  for (const auto& [id, t] : snapshot.transactions()) state.emplace_back(t);
  for (const auto& [name, d] : snapshot.domains()) state.emplace_back(d);
  for (const auto& f : snapshot.files()) state.emplace_back(f);
  for (const auto& r : snapshot.tombstones()) state.emplace_back(r);
  return state;
}

Result<int64_t> cleanup_expired_log(const LogStore& store, int64_t cutoff_ms) {
  BRAID_ASSIGN_OR_RETURN(auto listing, store.list());
  // The newest complete checkpoint written before the cutoff: everything it makes redundant
  // may go.
  // A file system that cannot date its files (modified_ms 0) never has its log cleaned up.
  auto expired_at = [cutoff_ms](int64_t modified_ms) { return modified_ms > 0 && modified_ms <= cutoff_ms; };
  std::optional<int64_t> keep_from;
  for (const auto& cp : listing.checkpoints) {
    if (!cp.complete) continue;
    bool expired = true;
    for (const auto& path : cp.paths) {
      BRAID_ASSIGN_OR_RETURN(auto info, store.fs()->stat(path));
      expired = expired && expired_at(info.modified_ms);
    }
    if (expired) keep_from = cp.version;
  }
  int64_t removed = 0;
  auto remove = [&](const std::string& path) -> Status {
    Status s = store.fs()->remove(path);
    if (s.ok()) ++removed;
    return s.code() == StatusCode::kNotFound ? Status::OK() : s;  // a concurrent cleanup got it
  };
  // Temporary files of commits whose writer died between writing and linking (".NAME.PID.N.tmp").
  BRAID_ASSIGN_OR_RETURN(auto entries, store.fs()->list(store.log_dir()));
  for (const auto& e : entries) {
    if (!e.is_directory && e.name.starts_with(".") && e.name.ends_with(".tmp") && expired_at(e.modified_ms)) {
      BRAID_RETURN_IF_ERROR(remove(join_path(store.log_dir(), e.name)));
    }
  }
  if (!keep_from) return removed;
  for (const auto& commit : listing.commits) {
    if (commit.version < *keep_from && expired_at(commit.modified_ms)) BRAID_RETURN_IF_ERROR(remove(commit.path));
  }
  for (const auto& cp : listing.checkpoints) {
    if (cp.version >= *keep_from) continue;
    for (const auto& path : cp.paths) BRAID_RETURN_IF_ERROR(remove(path));
  }
  return removed;
}

}  // namespace braid::delta
