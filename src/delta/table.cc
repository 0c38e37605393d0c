#include "delta/table.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <set>

#include "columnar/take.h"
#include "common/json_writer.h"
#include "common/worker_pool.h"
#include "delta/checkpoint.h"
#include "delta/deletion_vector.h"
#include "delta/scan.h"
#include "delta/schema_json.h"

namespace braid::delta {

namespace {

std::string json_list(const std::vector<std::string>& items) {
  JsonWriter w;
  w.begin_array();
  for (const auto& s : items) w.value(s);
  w.end_array();
  return w.take();
}

std::string json_map(const StringMap& items) {
  JsonWriter w;
  w.begin_object();
  for (const auto& [k, v] : items) w.field(k, v);
  w.end_object();
  return w.take();
}

bool has_ntz(const DataType& t) {
  if (t.id() == TypeId::kTimestamp && t.timezone().empty()) return true;
  for (const auto& f : t.fields()) {
    if (has_ntz(*f->type())) return true;
  }
  return false;
}

// Assigns column mapping ids and physical names to every field (nested included).
FieldPtr map_field(const FieldPtr& f, int64_t& next_id) {
  TypePtr type = f->type();
  if (type->id() == TypeId::kStruct) {
    std::vector<FieldPtr> children;
    for (const auto& c : type->fields()) children.push_back(map_field(c, next_id));
    type = struct_(std::move(children));
  }
  KeyValueMetadata md = f->metadata();
  md.emplace_back("delta.columnMapping.id", std::to_string(++next_id));
  md.emplace_back("delta.columnMapping.physicalName", json_quote("col-" + new_uuid()));
  return field(f->name(), std::move(type), f->nullable(), std::move(md));
}

int64_t rows_of(const std::vector<RecordBatchPtr>& batches) {
  int64_t n = 0;
  for (const auto& b : batches) n += b->num_rows();
  return n;
}

int64_t bytes_of(const std::vector<AddFile>& files) {
  int64_t n = 0;
  for (const auto& f : files) n += f.size;
  return n;
}

}  // namespace

Protocol protocol_for(const Schema& schema, const StringMap& properties) {
  Protocol p;  // (1, 2): what every Delta reader can read
  std::vector<std::string> reader, writer;
  bool ntz = false;
  for (const auto& f : schema.fields()) ntz = ntz || has_ntz(*f->type());
  const std::string* dv = find_value(properties, "delta.enableDeletionVectors");
  const std::string* cm = find_value(properties, "delta.columnMapping.mode");
  const bool column_mapping = cm && *cm != "none";
  if (ntz) {
    reader.push_back("timestampNtz");
    writer.push_back("timestampNtz");
  }
  if (dv && *dv == "true") {
    reader.push_back("deletionVectors");
    writer.push_back("deletionVectors");
  }
  if (!reader.empty()) {
    if (column_mapping) {
      reader.push_back("columnMapping");
      writer.push_back("columnMapping");
    }
    writer.insert(writer.begin(), {"appendOnly", "invariants"});  // what versions (1, 2) implied
    p.min_reader_version = 3;
    p.min_writer_version = 7;
    p.reader_features = reader;
    p.writer_features = writer;
  } else if (column_mapping) {
    p.min_reader_version = 2;
    p.min_writer_version = 5;
  }
  return p;
}

bool DeltaTable::exists(FileSystem& fs, const std::string& root) {
  auto entries = fs.list(join_path(root, "_delta_log"));
  if (!entries.ok()) return false;
  for (const auto& e : *entries) {
    if (e.name.size() > 20 && e.name.ends_with(".json")) return true;
  }
  return false;
}

Result<DeltaTable> DeltaTable::open(std::shared_ptr<FileSystem> fs, const std::string& root) {
  if (!exists(*fs, root)) return Status::not_found("'{}' is not a Delta table", root);
  return DeltaTable(std::make_shared<const LogStore>(std::move(fs), root));
}

Result<SnapshotPtr> DeltaTable::snapshot(std::optional<int64_t> version) const {
  return load_snapshot(store_, version);
}

Result<NewTable> plan_new_table(SchemaPtr schema, const CreateOptions& options) {
  if (schema->num_fields() == 0) return Status::invalid_argument("a table needs at least one column");
  std::set<std::string> seen;
  for (const auto& f : schema->fields()) {
    std::string lower = f->name();
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (!seen.insert(lower).second) return Status::invalid_argument("column '{}' appears twice (names are case-insensitive)", f->name());
    if (spark_type_name(*f->type()).empty()) {
      return Status::not_implemented("column '{}': Delta tables cannot store {} values", f->name(), f->type()->to_string());
    }
  }
  for (const auto& p : options.partition_columns) {
    int i = schema->field_index(p);
    if (i < 0) return Status::invalid_argument("partition column '{}' is not a column of the table", p);
    if (schema->field(i)->type()->is_nested()) {
      return Status::invalid_argument("partition column '{}' has type {}; partition columns must be primitive", p,
                                      schema->field(i)->type()->to_string());
    }
  }
  if (options.partition_columns.size() == static_cast<size_t>(schema->num_fields())) {
    return Status::invalid_argument("every column is a partition column; a table needs at least one data column");
  }
  NewTable plan;
  StringMap properties = options.properties;
  SchemaPtr stored = schema;
  ColumnMappingMode mode = ColumnMappingMode::kNone;
  const std::string* cm = find_value(properties, "delta.columnMapping.mode");
  if (cm && *cm != "none") {
    if (*cm != "name" && *cm != "id") return Status::invalid_argument("delta.columnMapping.mode must be none, name or id, not '{}'", *cm);
    mode = *cm == "name" ? ColumnMappingMode::kName : ColumnMappingMode::kId;
    int64_t next_id = 0;
    std::vector<FieldPtr> fields;
    for (const auto& f : schema->fields()) fields.push_back(map_field(f, next_id));
    stored = braid::schema(std::move(fields));
    properties.emplace_back("delta.columnMapping.maxColumnId", std::to_string(next_id));
  }
  plan.metadata.id = new_uuid();
  plan.metadata.name = options.name;
  plan.metadata.description = options.description;
  BRAID_ASSIGN_OR_RETURN(plan.metadata.schema_string, schema_to_json(*stored));
  plan.metadata.partition_columns = options.partition_columns;
  plan.metadata.configuration = properties;
  plan.metadata.created_time = now_ms();
  plan.protocol = protocol_for(*stored, properties);
  plan.layout = TableLayout{stored, options.partition_columns, mode};
  return plan;
}

StringMap create_parameters(const CreateOptions& options) {
  return {{"isManaged", "false"},
          {"description", options.description.value_or("")},
          {"partitionBy", json_list(options.partition_columns)},
          {"properties", json_map(options.properties)}};
}

Result<DeltaTable> DeltaTable::create(std::shared_ptr<FileSystem> fs, const std::string& root, SchemaPtr schema,
                                      const CreateOptions& options, const std::vector<RecordBatchPtr>& initial,
                                      const WriteOptions& write) {
  if (exists(*fs, root)) return Status::already_exists("a Delta table already exists at '{}'", root);
  BRAID_ASSIGN_OR_RETURN(NewTable plan, plan_new_table(std::move(schema), options));
  auto store = std::make_shared<const LogStore>(fs, root);
  BRAID_RETURN_IF_ERROR(fs->create_directories(store->log_dir()));
  Transaction txn(store, nullptr);
  txn.set_protocol(plan.protocol);
  txn.set_metadata(plan.metadata);
  if (write.txn) txn.set_transaction(*write.txn);
  if (!initial.empty()) {
    BRAID_ASSIGN_OR_RETURN(auto adds, write_data_files(fs, root, plan.layout, initial, write.data));
    for (auto& a : adds) txn.add_file(std::move(a));
  }
  CommitOptions commit = write.commit;
  commit.operation = options.operation;
  commit.operation_parameters = create_parameters(options);
  if (!initial.empty()) {
    commit.operation_metrics = {{"numFiles", std::to_string(txn.adds().size())},
                                {"numOutputRows", std::to_string(rows_of(initial))},
                                {"numOutputBytes", std::to_string(bytes_of(txn.adds()))}};
  }
  auto result = txn.commit(commit);
  if (!result.ok()) {
    if (result.status().code() == StatusCode::kConflict) {
      return Status::already_exists("a Delta table was created at '{}' concurrently", root);
    }
    return result.status();
  }
  return DeltaTable(store);
}

Result<CommitResult> DeltaTable::append(const std::vector<RecordBatchPtr>& batches, WriteOptions options) const {
  BRAID_ASSIGN_OR_RETURN(auto snap, snapshot());
  Transaction txn = begin(snap);
  if (options.txn) {
    auto done = txn.read_app_version(options.txn->app_id);
    if (done && *done >= options.txn->version) {
      CommitResult skipped;
      skipped.skipped = true;
      return skipped;
    }
    txn.set_transaction(*options.txn);
  }
  BRAID_ASSIGN_OR_RETURN(auto adds, write_data_files(store_->fs(), root(), TableLayout::of(*snap), batches, options.data));
  options.commit.operation = "WRITE";
  options.commit.operation_parameters = {{"mode", "Append"}, {"partitionBy", json_list(snap->partition_columns())}};
  options.commit.operation_metrics = {{"numFiles", std::to_string(adds.size())},
                                      {"numOutputRows", std::to_string(rows_of(batches))},
                                      {"numOutputBytes", std::to_string(bytes_of(adds))}};
  for (auto& a : adds) txn.add_file(std::move(a));
  return txn.commit(options.commit);
}

Result<CommitResult> DeltaTable::overwrite(const std::vector<RecordBatchPtr>& batches, WriteOptions options) const {
  BRAID_ASSIGN_OR_RETURN(auto snap, snapshot());
  Transaction txn = begin(snap);
  if (options.txn) {
    auto done = txn.read_app_version(options.txn->app_id);
    if (done && *done >= options.txn->version) {
      CommitResult skipped;
      skipped.skipped = true;
      return skipped;
    }
    txn.set_transaction(*options.txn);
  }
  txn.read_whole_table();
  BRAID_ASSIGN_OR_RETURN(auto adds, write_data_files(store_->fs(), root(), TableLayout::of(*snap), batches, options.data));
  for (const auto& f : snap->files()) txn.remove_existing(f);
  options.commit.operation = "WRITE";
  options.commit.operation_parameters = {{"mode", "Overwrite"}, {"partitionBy", json_list(snap->partition_columns())}};
  options.commit.operation_metrics = {{"numFiles", std::to_string(adds.size())},
                                      {"numOutputRows", std::to_string(rows_of(batches))},
                                      {"numOutputBytes", std::to_string(bytes_of(adds))},
                                      {"numRemovedFiles", std::to_string(snap->files().size())},
                                      {"numRemovedBytes", std::to_string(snap->total_size())}};
  for (auto& a : adds) txn.add_file(std::move(a));
  return txn.commit(options.commit);
}

Result<MutationResult> DeltaTable::rewrite(const std::vector<parquet::ColumnPredicate>& skipping,
                                           const RowPredicate& matches, const RowUpdater* update,
                                           const std::vector<RecordBatchPtr>& extra, WriteOptions options,
                                           const std::string& operation) const {
  BRAID_ASSIGN_OR_RETURN(auto snap, snapshot());
  Transaction txn = begin(snap);
  if (options.txn) {
    auto done = txn.read_app_version(options.txn->app_id);
    if (done && *done >= options.txn->version) {
      MutationResult skipped;
      skipped.commit.skipped = true;
      return skipped;
    }
    txn.set_transaction(*options.txn);
  }
  ScanOptions scan_options;
  scan_options.predicates = skipping;
  BRAID_ASSIGN_OR_RETURN(auto scan, DeltaScan::make(snap, scan_options));
  if (skipping.empty()) {
    txn.read_whole_table();
  } else {
    txn.read_predicates(skipping);
  }
  txn.read_files(scan->files());
  const auto& files = scan->files();
  // Per file: the rows to keep (or their updated values) when some row matched.
  struct FileOutcome {
    std::vector<RecordBatchPtr> rewritten;
    int64_t matched = 0;
    int64_t copied = 0;
  };
  std::vector<FileOutcome> outcomes(files.size());
  BRAID_RETURN_IF_ERROR(parallel_for(files.size(), [&](size_t i) -> Status {
    BRAID_ASSIGN_OR_RETURN(auto batches, scan->read_file(*files[i]).with_context_f("file '{}'", files[i]->path));
    FileOutcome& out = outcomes[i];
    for (const auto& batch : batches) {
      BRAID_ASSIGN_OR_RETURN(std::vector<bool> mask, matches(*batch));
      if (static_cast<int64_t>(mask.size()) != batch->num_rows()) {
        return Status::internal("row predicate returned {} values for {} rows", mask.size(), batch->num_rows());
      }
      int64_t hit = std::count(mask.begin(), mask.end(), true);
      out.matched += hit;
      out.copied += batch->num_rows() - hit;
      if (update) {
        BRAID_ASSIGN_OR_RETURN(auto updated, (*update)(*batch, mask));
        out.rewritten.push_back(std::move(updated));
      } else {
        std::vector<bool> keep(mask.size());
        for (size_t r = 0; r < mask.size(); ++r) keep[r] = !mask[r];
        BRAID_ASSIGN_OR_RETURN(auto kept, filter(*batch, keep));
        if (kept->num_rows() > 0) out.rewritten.push_back(std::move(kept));
      }
    }
    return Status::OK();
  }));
  MutationResult result;
  std::vector<RecordBatchPtr> to_write;
  for (size_t i = 0; i < files.size(); ++i) {
    if (outcomes[i].matched == 0) continue;  // untouched: neither removed nor rewritten
    txn.remove_existing(*files[i]);
    ++result.files_removed;
    result.rows_matched += outcomes[i].matched;
    result.rows_copied += outcomes[i].copied;
    for (auto& b : outcomes[i].rewritten) to_write.push_back(std::move(b));
  }
  for (const auto& b : extra) to_write.push_back(b);
  if (result.files_removed == 0 && extra.empty()) return result;  // nothing to change: no commit
  BRAID_ASSIGN_OR_RETURN(auto adds, write_data_files(store_->fs(), root(), TableLayout::of(*snap), to_write, options.data));
  result.files_added = static_cast<int64_t>(adds.size());
  options.commit.operation = operation;
  std::vector<std::string> predicate_text;
  for (const auto& p : skipping) predicate_text.push_back(p.column);
  options.commit.operation_parameters = {{"predicate", json_list(predicate_text)}};
  const std::string rows_key = operation == "UPDATE" ? "numUpdatedRows" : "numDeletedRows";
  options.commit.operation_metrics = {{"numRemovedFiles", std::to_string(result.files_removed)},
                                      {"numAddedFiles", std::to_string(result.files_added)},
                                      {rows_key, std::to_string(result.rows_matched)},
                                      {"numCopiedRows", std::to_string(result.rows_copied)},
                                      {"numAddedBytes", std::to_string(bytes_of(adds))}};
  if (!extra.empty()) options.commit.operation_metrics.emplace_back("numOutputRows", std::to_string(rows_of(extra)));
  for (auto& a : adds) txn.add_file(std::move(a));
  BRAID_ASSIGN_OR_RETURN(result.commit, txn.commit(options.commit));
  return result;
}

Result<MutationResult> DeltaTable::replace_where(const std::vector<parquet::ColumnPredicate>& skipping,
                                                 const RowPredicate& matches, const std::vector<RecordBatchPtr>& batches,
                                                 WriteOptions options) const {
  for (const auto& b : batches) {
    BRAID_ASSIGN_OR_RETURN(auto mask, matches(*b));
    if (std::count(mask.begin(), mask.end(), false) > 0) {
      return Status::invalid_argument("replace-where: some new rows do not satisfy the replace condition");
    }
  }
  return rewrite(skipping, matches, nullptr, batches, std::move(options), "WRITE");
}

Result<MutationResult> DeltaTable::delete_where(const std::vector<parquet::ColumnPredicate>& skipping,
                                                const RowPredicate& matches, WriteOptions options) const {
  return rewrite(skipping, matches, nullptr, {}, std::move(options), "DELETE");
}

Result<MutationResult> DeltaTable::update_where(const std::vector<parquet::ColumnPredicate>& skipping,
                                                const RowPredicate& matches, const RowUpdater& update,
                                                WriteOptions options) const {
  return rewrite(skipping, matches, &update, {}, std::move(options), "UPDATE");
}

Result<CommitResult> DeltaTable::optimize(const OptimizeOptions& options) const {
  BRAID_ASSIGN_OR_RETURN(auto snap, snapshot());
  const int64_t small = options.min_file_bytes >= 0 ? options.min_file_bytes : options.target_file_bytes;
  // Candidate files per partition.
  std::map<std::string, std::vector<const AddFile*>> by_partition;
  for (const auto& f : snap->files()) {
    if (f.size >= small) continue;
    if (!options.partition_predicates.empty() && !file_may_match(*snap, f, options.partition_predicates)) continue;
    std::string key;
    for (const auto& [k, v] : f.partition_values) key += k + "=" + (v ? *v : "\x01") + "\x1f";
    by_partition[key].push_back(&f);
  }
  // Bins of up to target_file_bytes; a bin of one file gains nothing.
  std::vector<std::vector<const AddFile*>> bins;
  for (auto& [key, files] : by_partition) {
    std::sort(files.begin(), files.end(), [](const AddFile* a, const AddFile* b) { return a->size < b->size; });
    std::vector<const AddFile*> bin;
    int64_t bytes = 0;
    for (const AddFile* f : files) {
      if (!bin.empty() && bytes + f->size > options.target_file_bytes) {
        if (bin.size() > 1) bins.push_back(bin);
        bin.clear();
        bytes = 0;
      }
      bin.push_back(f);
      bytes += f->size;
    }
    if (bin.size() > 1) bins.push_back(bin);
  }
  if (bins.empty()) return CommitResult{};
  BRAID_ASSIGN_OR_RETURN(auto scan, DeltaScan::make(snap));
  Transaction txn = begin(snap);
  std::vector<std::vector<AddFile>> added(bins.size());
  DataWriteOptions data;
  data.data_change = false;
  data.max_rows_per_file = INT64_MAX;
  int64_t removed = 0, removed_bytes = 0;
  BRAID_RETURN_IF_ERROR(parallel_for(bins.size(), [&](size_t i) -> Status {
    std::vector<RecordBatchPtr> rows;
    for (const AddFile* f : bins[i]) {
      BRAID_ASSIGN_OR_RETURN(auto batches, scan->read_file(*f));
      for (auto& b : batches) rows.push_back(std::move(b));
    }
    BRAID_ASSIGN_OR_RETURN(added[i], write_data_files(store_->fs(), root(), TableLayout::of(*snap), rows, data));
    return Status::OK();
  }));
  for (const auto& bin : bins) {
    txn.read_files(bin);
    for (const AddFile* f : bin) {
      txn.remove_existing(*f, /*data_change=*/false);
      ++removed;
      removed_bytes += f->size;
    }
  }
  int64_t added_files = 0, added_bytes = 0;
  for (auto& v : added) {
    for (auto& a : v) {
      ++added_files;
      added_bytes += a.size;
      txn.add_file(std::move(a));
    }
  }
  CommitOptions commit;
  commit.operation = "OPTIMIZE";
  commit.isolation = IsolationLevel::kSnapshotIsolation;
  commit.operation_parameters = {{"predicate", "[]"}, {"zOrderBy", "[]"}};
  commit.operation_metrics = {{"numRemovedFiles", std::to_string(removed)},
                              {"numAddedFiles", std::to_string(added_files)},
                              {"numRemovedBytes", std::to_string(removed_bytes)},
                              {"numAddedBytes", std::to_string(added_bytes)}};
  return txn.commit(commit);
}

Result<VacuumResult> DeltaTable::vacuum(const VacuumOptions& options) const {
  BRAID_ASSIGN_OR_RETURN(auto snap, snapshot());
  const double configured = snap->property_hours("delta.deletedFileRetentionDuration", 168);
  if (options.retain_hours < configured && !options.force) {
    return Status::invalid_argument(
        "refusing to vacuum with a retention of {} hours: the table keeps removed files for {} hours "
        "(delta.deletedFileRetentionDuration), and a shorter retention can break readers of older versions "
        "and writers still running; pass force to do it anyway", options.retain_hours, configured);
  }
  const int64_t cutoff = now_ms() - static_cast<int64_t>(std::llround(options.retain_hours * 3600 * 1000));
  // Files still needed: live files, recently removed files, and their deletion vectors.
  std::set<std::string> keep;
  const std::string& root_path = root();
  auto keep_file = [&](const std::string& path, const std::optional<DeletionVectorDescriptor>& dv) {
    keep.insert(resolve_data_path(root_path, path));
    if (dv && dv->storage_type != "i") {
      auto p = deletion_vector_path(root_path, *dv);
      if (p.ok()) keep.insert(*p);
    }
  };
  for (const auto& f : snap->files()) keep_file(f.path, f.deletion_vector);
  for (const auto& r : snap->tombstones()) {
    if (r.deletion_timestamp.value_or(0) >= cutoff) keep_file(r.path, r.deletion_vector);
  }
  VacuumResult result;
  auto fs = store_->fs();
  // Walk the table folder; skip hidden names except partition folders ("a=1").
  std::function<Status(const std::string&)> walk = [&](const std::string& dir) -> Status {
    BRAID_ASSIGN_OR_RETURN(auto entries, fs->list(dir));
    for (const auto& e : entries) {
      const bool hidden = (e.name.starts_with("_") || e.name.starts_with(".")) &&
                          e.name.find('=') == std::string::npos && e.name != "_change_data";
      if (hidden) continue;
      std::string path = join_path(dir, e.name);
      if (e.is_directory) {
        BRAID_RETURN_IF_ERROR(walk(path));
        continue;
      }
      if (keep.count(path)) continue;
      if (e.modified_ms >= cutoff) continue;  // maybe a file a running writer has not committed yet
      result.files.push_back(path);
      result.bytes += static_cast<int64_t>(e.size);
    }
    return Status::OK();
  };
  BRAID_RETURN_IF_ERROR(walk(root_path));
  std::sort(result.files.begin(), result.files.end());
  if (!options.dry_run) {
    for (const auto& path : result.files) BRAID_RETURN_IF_ERROR(fs->remove(path));
  }
  return result;
}

Status DeltaTable::checkpoint(std::optional<int64_t> version) const {
  BRAID_ASSIGN_OR_RETURN(auto snap, snapshot(version));
  return write_checkpoint(*store_, snap->version(), checkpoint_actions(*snap));
}

}  // namespace braid::delta
