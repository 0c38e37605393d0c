#include "delta/table.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <set>

#include "columnar/take.h"
#include "columnar/value_text.h"
#include "common/ascii.h"
#include "common/json_writer.h"
#include "common/worker_pool.h"
#include "delta/checkpoint.h"
#include "delta/deletion_vector.h"
#include "delta/scan.h"
#include "delta/schema_json.h"
#include "delta/table_properties.h"

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

// A skipping predicate as SQL text ("(region = 'EU')"), for commitInfo when the caller gave none.
std::string predicate_sql(const parquet::ColumnPredicate& p) {
  using Op = parquet::ColumnPredicate::Op;
  auto value = [&](size_t i) {
    if (i >= p.values.size() || p.values[i]->is_null(0)) return std::string("NULL");
    std::string text = value_text(*p.values[i], 0, TextFlavor::kPlain);
    if (!p.values[i]->type()->is_binary_like()) return text;
    std::string quoted = "'";
    for (char c : text) quoted += c == '\'' ? std::string("\\'") : std::string(1, c);
    return quoted + "'";
  };
  switch (p.op) {
    case Op::kEq: return fmt::format("({} = {})", p.column, value(0));
    case Op::kLt: return fmt::format("({} < {})", p.column, value(0));
    case Op::kLe: return fmt::format("({} <= {})", p.column, value(0));
    case Op::kGt: return fmt::format("({} > {})", p.column, value(0));
    case Op::kGe: return fmt::format("({} >= {})", p.column, value(0));
    case Op::kIsNull: return fmt::format("({} IS NULL)", p.column);
    case Op::kIsNotNull: return fmt::format("({} IS NOT NULL)", p.column);
    case Op::kIn: {
      std::string list;
      for (size_t i = 0; i < p.values.size(); ++i) list += (i ? ", " : "") + value(i);
      return fmt::format("({} IN ({}))", p.column, list);
    }
  }
  return p.column;
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
  StringMap copy = properties;
  auto p = required_protocol(std::nullopt, schema, copy);
  return p.ok() ? *p : Protocol{};
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
    if (!seen.insert(ascii::lower(f->name())).second) return Status::invalid_argument("column '{}' appears twice (names are case-insensitive)", f->name());
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
  BRAID_ASSIGN_OR_RETURN(StringMap properties, normalize_table_properties(options.properties));
  BRAID_ASSIGN_OR_RETURN(plan.protocol, required_protocol(std::nullopt, *schema, properties));
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
  plan.layout = TableLayout{stored, options.partition_columns, mode, StatsConfig::of(properties)};
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
  if (is_append_only(snap->metadata())) return append_only_error(root());
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

std::vector<const AddFile*> files_in_partitions_of(const Snapshot& snapshot, const std::vector<AddFile>& adds) {
  std::vector<const AddFile*> out;
  if (adds.empty()) return out;
  // Partition values as the log holds them (physical names, text), in one canonical order.
  auto key_of = [](const PartitionValues& values) {
    std::vector<std::pair<std::string, std::optional<std::string>>> sorted(values.begin(), values.end());
    std::sort(sorted.begin(), sorted.end());
    std::string key;
    for (const auto& [k, v] : sorted) key += k + (v ? "=" + *v : std::string("\x01")) + "\x1f";
    return key;
  };
  std::set<std::string> written;
  for (const auto& a : adds) written.insert(key_of(a.partition_values));
  for (const auto& f : snapshot.files()) {
    if (written.count(key_of(f.partition_values))) out.push_back(&f);
  }
  return out;
}

Result<CommitResult> DeltaTable::overwrite_partitions(const std::vector<RecordBatchPtr>& batches,
                                                      WriteOptions options) const {
  BRAID_ASSIGN_OR_RETURN(auto snap, snapshot());
  if (is_append_only(snap->metadata())) return append_only_error(root());
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
  // A concurrent write into any partition conflicts: braid does not narrow the read set to the
  // replaced partitions (safe, if more than Delta refuses).
  txn.read_whole_table();
  BRAID_ASSIGN_OR_RETURN(auto adds, write_data_files(store_->fs(), root(), TableLayout::of(*snap), batches, options.data));
  const std::vector<const AddFile*> replaced = files_in_partitions_of(*snap, adds);
  int64_t removed_bytes = 0;
  for (const AddFile* f : replaced) {
    txn.remove_existing(*f);
    removed_bytes += f->size;
  }
  options.commit.operation = "WRITE";
  options.commit.operation_parameters = {{"mode", "Overwrite"},
                                         {"partitionBy", json_list(snap->partition_columns())},
                                         {"isDynamicPartitionOverwrite", "true"}};
  options.commit.operation_metrics = {{"numFiles", std::to_string(adds.size())},
                                      {"numOutputRows", std::to_string(rows_of(batches))},
                                      {"numOutputBytes", std::to_string(bytes_of(adds))},
                                      {"numRemovedFiles", std::to_string(replaced.size())},
                                      {"numRemovedBytes", std::to_string(removed_bytes)}};
  for (auto& a : adds) txn.add_file(std::move(a));
  return txn.commit(options.commit);
}

Result<MutationResult> DeltaTable::rewrite(const std::vector<parquet::ColumnPredicate>& skipping,
                                           const RowPredicate& matches, const RowUpdater* update,
                                           const std::vector<RecordBatchPtr>& extra, WriteOptions options,
                                           const std::string& operation) const {
  BRAID_ASSIGN_OR_RETURN(auto snap, snapshot());
  if (is_append_only(snap->metadata())) return append_only_error(root());
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
  std::vector<std::string> predicate_text = options.predicate;
  if (predicate_text.empty()) {
    for (const auto& p : skipping) predicate_text.push_back(predicate_sql(p));
  }
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
  commit.user_metadata = options.user_metadata;
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
  BRAID_ASSIGN_OR_RETURN(const double configured, snap->property_hours("delta.deletedFileRetentionDuration", 168));
  if (options.retain_hours < configured && !options.force) {
    return Status::invalid_argument(
        "refusing to vacuum with a retention of {} hours: the table keeps removed files for {} hours "
        "(delta.deletedFileRetentionDuration), and a shorter retention can break readers of older versions "
        "and writers still running; {} to do it anyway", options.retain_hours, configured, options.force_hint);
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
  if (options.dry_run) return result;
  // The log records the vacuum before a file goes (Delta's VACUUM START / VACUUM END commits,
  // commitInfo only): a reader of a version whose files are gone can then say why.
  const auto retention_ms = [](double hours) { return std::to_string(std::llround(hours * 3600 * 1000)); };
  CommitOptions start;
  start.operation = "VACUUM START";
  start.user_metadata = options.user_metadata;
  start.isolation = IsolationLevel::kSnapshotIsolation;
  start.operation_parameters = {{"retentionCheckEnabled", options.force ? "false" : "true"},
                                {"specifiedRetentionMillis", retention_ms(options.retain_hours)},
                                {"defaultRetentionMillis", retention_ms(configured)}};
  start.operation_metrics = {{"numFilesToDelete", std::to_string(result.files.size())},
                             {"sizeOfDataToDelete", std::to_string(result.bytes)}};
  BRAID_RETURN_IF_ERROR(begin(snap).commit(start).status());
  for (const auto& path : result.files) BRAID_RETURN_IF_ERROR(fs->remove(path));
  // The end record only completes the story: the files are gone whether or not it lands.
  if (auto now = snapshot(); now.ok()) {
    CommitOptions end;
    end.operation = "VACUUM END";
    end.user_metadata = options.user_metadata;
    end.isolation = IsolationLevel::kSnapshotIsolation;
    end.operation_parameters = {{"status", "COMPLETED"}};
    end.operation_metrics = {{"numDeletedFiles", std::to_string(result.files.size())}};
    (void)begin(*now).commit(end);
  }
  return result;
}

namespace {

Result<CommitResult> commit_metadata(const DeltaTable& table, const SnapshotPtr& snap, Metadata metadata,
                                     const Protocol& protocol, CommitOptions commit) {
  Transaction txn = table.begin(snap);
  txn.set_metadata(std::move(metadata));
  const Protocol& old = snap->protocol();
  if (protocol.min_reader_version != old.min_reader_version || protocol.min_writer_version != old.min_writer_version ||
      protocol.reader_features != old.reader_features || protocol.writer_features != old.writer_features) {
    txn.set_protocol(protocol);
  }
  return txn.commit(commit);
}

}  // namespace

Result<CommitResult> DeltaTable::set_properties(const StringMap& properties,
                                                const std::optional<std::string>& user_metadata) const {
  BRAID_ASSIGN_OR_RETURN(auto snap, snapshot());
  BRAID_ASSIGN_OR_RETURN(StringMap set, normalize_table_properties(properties));
  Metadata metadata = snap->metadata();
  for (const auto& [key, value] : set) {
    if (key == "delta.columnMapping.mode") {
      const std::string* now = find_value(metadata.configuration, key);
      if (value != (now ? *now : std::string("none"))) {
        return Status::not_implemented(
            "changing delta.columnMapping.mode of an existing table is not supported (it is '{}')", now ? *now : "none");
      }
    }
  }
  // The resulting configuration decides the features the protocol needs.
  StringMap configuration = metadata.configuration;
  StringMap requests;
  for (const auto& entry : set) {
    const auto& [key, value] = entry;
    if (key.starts_with("delta.feature.") || key == "delta.minReaderVersion" || key == "delta.minWriterVersion") {
      requests.emplace_back(key, value);
      continue;
    }
    // (entry.first, not the binding: clang 14 cannot capture structured bindings.)
    auto it = std::find_if(configuration.begin(), configuration.end(),
                           [&](const auto& kv) { return kv.first == entry.first; });
    if (it == configuration.end()) {
      configuration.emplace_back(key, value);
    } else {
      it->second = value;
    }
  }
  StringMap with_requests = configuration;
  for (auto& r : requests) with_requests.push_back(r);
  BRAID_ASSIGN_OR_RETURN(Protocol protocol, required_protocol(snap->protocol(), *snap->schema(), with_requests));
  metadata.configuration = std::move(configuration);
  CommitOptions commit;
  commit.operation = "SET TBLPROPERTIES";
  commit.user_metadata = user_metadata;
  commit.operation_parameters = {{"properties", json_map(set)}};
  return commit_metadata(*this, snap, std::move(metadata), protocol, std::move(commit));
}

Result<CommitResult> DeltaTable::unset_properties(const std::vector<std::string>& keys, bool if_exists,
                                                  const std::optional<std::string>& user_metadata) const {
  BRAID_ASSIGN_OR_RETURN(auto snap, snapshot());
  Metadata metadata = snap->metadata();
  StringMap kept;
  for (const auto& key : keys) {
    const bool present = std::any_of(metadata.configuration.begin(), metadata.configuration.end(),
                                     [&](const auto& kv) { return kv.first == key; });
    if (!present && !if_exists) {
      return Status::invalid_argument("cannot unset '{}': the table has no such property (use UNSET TBLPROPERTIES IF EXISTS)",
                                      key);
    }
    if (present && key == "delta.columnMapping.mode") {
      return Status::not_implemented("unsetting delta.columnMapping.mode of an existing table is not supported");
    }
  }
  for (const auto& kv : metadata.configuration) {
    if (std::find(keys.begin(), keys.end(), kv.first) == keys.end()) kept.push_back(kv);
  }
  metadata.configuration = std::move(kept);
  CommitOptions commit;
  commit.operation = "UNSET TBLPROPERTIES";
  commit.user_metadata = user_metadata;
  commit.operation_parameters = {{"properties", json_list(keys)}, {"ifExists", if_exists ? "true" : "false"}};
  return commit_metadata(*this, snap, std::move(metadata), snap->protocol(), std::move(commit));
}

Status DeltaTable::checkpoint(std::optional<int64_t> version) const {
  BRAID_ASSIGN_OR_RETURN(auto snap, snapshot(version));
  return write_checkpoint(*store_, snap->version(), checkpoint_actions(*snap));
}

}  // namespace braid::delta
