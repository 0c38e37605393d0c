// braid load TABLE FILE...: turns data files into a Delta table (created if absent), in one
// transaction; braid vacuum and braid optimize: table maintenance.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <charconv>
#include <set>

#include "cli/commands.h"
#include "cli/interrupt.h"
#include "cli/option_checks.h"
#include "cli/table_source.h"
#include "common/ascii.h"
#include "common/file_system.h"
#include "common/json_writer.h"
#include "delta/data_writer.h"
#include "delta/snapshot.h"
#include "delta/table.h"
#include "delta/table_properties.h"

namespace braid::cli {

namespace {

struct LoadOptions {
  std::string table;
  std::vector<std::string> files;
  std::string mode = "append";
  bool overwrite_partitions = false;
  std::string partition_by;
  std::vector<std::string> properties;
  SourceOptions source;
};

// Names as JSON strings, for a JSON list.
std::vector<std::string> quoted(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const auto& n : names) out.push_back(json_quote(n));
  return out;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find(',', start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

using ascii::upper;

// The data files a load wrote for its commit. A load that fails (a bad row, a missing column,
// Ctrl-C, a commit refused) removes them, and the folders it made for them when they are left
// empty, so the table folder is as it was. Once a commit was attempted they are removed only when
// no commit in the log names them: a commit that failed for an unknown reason may have landed.
class UncommittedFiles {
 public:
  UncommittedFiles(std::shared_ptr<FileSystem> fs, std::string root) : fs_(std::move(fs)), root_(std::move(root)) {}
  ~UncommittedFiles() {
    if (kept_ || (commit_attempted_ && maybe_committed())) return;
    std::set<std::string> folders;
    for (const auto& path : paths_) {
      const std::string file = delta::resolve_data_path(root_, path);
      (void)fs_->remove(file);
      for (std::string dir(parent_path(file)); dir.size() > root_.size(); dir = std::string(parent_path(dir))) {
        folders.insert(dir);
      }
    }
    // Deepest first; remove() refuses a folder that is not empty.
    for (auto it = folders.rbegin(); it != folders.rend(); ++it) (void)fs_->remove(*it);
    if (!root_existed_) (void)fs_->remove(root_);
  }
  void note_root(bool existed) { root_existed_ = existed; }
  void add(const std::string& add_path) { paths_.push_back(add_path); }
  // Commits after `read_version` (the version the load started from; -1: none) may name the files.
  void commit_attempted(int64_t read_version) {
    commit_attempted_ = true;
    read_version_ = read_version;
  }
  void keep() { kept_ = true; }

 private:
  // Whether a commit after read_version_ names one of the files, or the log cannot tell.
  bool maybe_committed() const {
    auto entries = fs_->list(join_path(root_, "_delta_log"));
    if (!entries.ok()) return entries.status().code() != StatusCode::kNotFound;
    for (const auto& e : *entries) {
      // Commits are NNNNNNNNNNNNNNNNNNNN.json (Delta protocol: Delta Log Entries).
      if (e.is_directory || e.name.size() != 25 || !e.name.ends_with(".json")) continue;
      int64_t version = -1;
      auto [end, ec] = std::from_chars(e.name.data(), e.name.data() + 20, version);
      if (ec != std::errc() || end != e.name.data() + 20) continue;
      if (version <= read_version_) continue;
      auto text = fs_->read_file(join_path(join_path(root_, "_delta_log"), e.name));
      if (!text.ok()) return true;
      for (const auto& path : paths_) {
        if (text->find(base_name(path)) != std::string::npos) return true;  // data file names are unique
      }
    }
    return false;
  }

  std::shared_ptr<FileSystem> fs_;
  std::string root_;
  bool root_existed_ = true;
  std::vector<std::string> paths_;
  bool kept_ = false;
  bool commit_attempted_ = false;
  int64_t read_version_ = -1;
};

// A load that creates a table in a folder of other files would make them part of the table's
// folder, where VACUUM deletes every file the table does not reference. Data files and partition
// folders (another load creating the same table at the same time) are no reason to refuse.
Status check_new_table_folder(FileSystem& fs, const std::string& table) {
  auto info = fs.stat(table);
  if (!info.ok()) return Status::OK();  // absent: created by the first data file
  if (!info->is_directory) {
    return Status::invalid_argument("'{}' is a file, not a table folder (braid load TABLE FILE...)", table);
  }
  BRAID_ASSIGN_OR_RETURN(auto entries, fs.list(table));
  for (const auto& e : entries) {
    const bool ours = e.is_directory ? (e.name == "_delta_log" || e.name.find('=') != std::string::npos)
                                     : (e.name.starts_with("part-") && e.name.ends_with(".parquet"));
    if (!ours) {
      return Status::invalid_argument(
          "'{}' is a folder of other files ('{}'), not a Delta table: load into a new or empty folder", table,
          e.name);
    }
  }
  return Status::OK();
}

// Puts a batch's columns in the table's order (matching names case-insensitively).
Result<RecordBatchPtr> align(const RecordBatchPtr& batch, const Schema& table, const std::string& file,
                             const std::string& table_path) {
  std::vector<int> order;
  for (const auto& f : table.fields()) {
    int i = batch->schema()->field_index(f->name());
    if (i < 0) return Status::invalid_argument("'{}' has no column '{}', which the table has", file, f->name());
    const TypePtr& given = batch->schema()->field(i)->type();
    if (!given->equals(*f->type())) {
      return Status::invalid_argument("column '{}' is {} in {} but {} in table {}", f->name(), upper(given->to_string()),
                                      file, upper(f->type()->to_string()), table_path);
    }
    order.push_back(i);
  }
  if (static_cast<int>(order.size()) != batch->num_columns()) {
    for (const auto& f : batch->schema()->fields()) {
      if (table.field_index(f->name()) < 0) {
        return Status::invalid_argument("'{}' has a column '{}' the table does not have", file, f->name());
      }
    }
  }
  BRAID_ASSIGN_OR_RETURN(auto selected, batch->select(order));
  return RecordBatchPtr(std::make_shared<const RecordBatch>(
      schema(std::vector<FieldPtr>(table.fields())), selected->num_rows(), selected->columns()));
}

Status run_load(const LoadOptions& options, const InterruptScope& interrupt) {
  if (options.mode != "append" && options.mode != "overwrite" && options.mode != "error") {
    return Status::invalid_argument("--mode must be append, overwrite or error, not '{}'", options.mode);
  }
  if (options.overwrite_partitions && options.mode != "overwrite") {
    return Status::invalid_argument("--overwrite-partitions goes with --mode overwrite, not --mode {}", options.mode);
  }
  auto fs = local_file_system();
  const bool exists = delta::DeltaTable::exists(*fs, options.table);
  if (exists && options.mode == "error") {
    return Status::already_exists("'{}' is already a Delta table (use --mode append or overwrite)", options.table);
  }
  if (exists && !options.properties.empty()) {
    return Status::invalid_argument(
        "--property sets the properties of a new table, and '{}' exists; change an existing table's properties with "
        "ALTER TABLE delta.`{}` SET TBLPROPERTIES (...)", options.table, options.table);
  }
  if (!exists) BRAID_RETURN_IF_ERROR(check_new_table_folder(*fs, options.table));
  std::vector<std::string> partition_by = split_list(options.partition_by);
  // The table's schema: the existing table's, or the first file's.
  delta::SnapshotPtr snap;
  SchemaPtr table_schema;
  if (exists) {
    BRAID_ASSIGN_OR_RETURN(auto table, delta::DeltaTable::open(fs, options.table));
    BRAID_ASSIGN_OR_RETURN(snap, table.snapshot());
    table_schema = snap->schema();
    if (!partition_by.empty() && partition_by != snap->partition_columns()) {
      return Status::invalid_argument("the table is partitioned by [{}], not [{}]",
                                      fmt::join(snap->partition_columns(), ","), options.partition_by);
    }
    // Refused before a file is written (the commit would refuse it too).
    if (options.mode == "overwrite" && delta::is_append_only(snap->metadata())) {
      return delta::append_only_error(options.table);
    }
  }
  const auto& partitioned = snap ? snap->partition_columns() : partition_by;
  if (options.overwrite_partitions && partitioned.empty()) {
    return Status::invalid_argument("--overwrite-partitions: '{}' is not partitioned, so there is no partition to "
                                    "replace on its own (--mode overwrite replaces the whole table)", options.table);
  }
  // Read the inputs in chunks and write data files as they come; commit once at the end.
  UncommittedFiles written(fs, options.table);
  if (auto root = fs->exists(options.table); root.ok()) written.note_root(*root);
  std::vector<delta::AddFile> adds;
  int64_t rows = 0;
  delta::StringMap properties;
  for (const auto& p : options.properties) {
    auto eq = p.find('=');
    if (eq == std::string::npos) return Status::invalid_argument("--property must be KEY=VALUE, not '{}'", p);
    properties.emplace_back(p.substr(0, eq), p.substr(eq + 1));
  }
  delta::TableLayout layout;
  delta::CreateOptions create;
  std::optional<delta::NewTable> plan;
  constexpr int64_t kChunkRows = 1 << 21;
  for (const auto& file : options.files) {
    BRAID_ASSIGN_OR_RETURN(auto source, open_table_source(file, options.source));
    if (!table_schema) {
      std::vector<FieldPtr> fields;
      for (const auto& f : source->schema()->fields()) fields.push_back(field(f->name(), f->type(), true));
      table_schema = schema(std::move(fields));
    }
    if (layout.schema == nullptr) {
      if (snap) {
        layout = delta::TableLayout::of(*snap);
      } else {
        create.partition_columns = partition_by;
        create.properties = properties;
        create.operation = "CREATE TABLE AS SELECT";
        BRAID_ASSIGN_OR_RETURN(plan, delta::plan_new_table(table_schema, create));
        layout = plan->layout;
      }
    }
    std::vector<RecordBatchPtr> chunk;
    int64_t chunk_rows = 0;
    auto flush = [&]() -> Status {
      if (chunk.empty()) return Status::OK();
      BRAID_ASSIGN_OR_RETURN(auto files, delta::write_data_files(fs, options.table, layout, chunk));
      for (auto& a : files) {
        written.add(a.path);
        adds.push_back(std::move(a));
      }
      chunk.clear();
      chunk_rows = 0;
      return Status::OK();
    };
    while (true) {
      BRAID_RETURN_IF_ERROR(interrupt.check());
      BRAID_ASSIGN_OR_RETURN(auto batch, source->next());
      if (!batch) break;
      BRAID_ASSIGN_OR_RETURN(auto aligned, align(batch, *table_schema, file, options.table));
      rows += aligned->num_rows();
      chunk_rows += aligned->num_rows();
      chunk.push_back(std::move(aligned));
      if (chunk_rows >= kChunkRows) BRAID_RETURN_IF_ERROR(flush());
    }
    BRAID_RETURN_IF_ERROR(flush());
  }
  if (!table_schema) return Status::invalid_argument("no input files");
  BRAID_RETURN_IF_ERROR(interrupt.check());
  written.commit_attempted(snap ? snap->version() : -1);
  int64_t version;
  int64_t bytes = 0;
  for (const auto& a : adds) bytes += a.size;
  delta::CommitOptions commit;
  commit.operation_metrics = {{"numFiles", std::to_string(adds.size())},
                              {"numOutputRows", std::to_string(rows)},
                              {"numOutputBytes", std::to_string(bytes)}};
  auto store = std::make_shared<const delta::LogStore>(fs, options.table);
  if (!snap) {
    // A new table: protocol, metadata and data together in version 0.
    delta::Transaction txn(store, nullptr);
    txn.set_protocol(plan->protocol);
    txn.set_metadata(plan->metadata);
    std::vector<delta::AddFile> txn_adds = adds;  // kept for an append if the create loses a race
    for (auto& a : adds) txn.add_file(std::move(a));
    commit.operation = create.operation;
    commit.operation_parameters = delta::create_parameters(create);
    auto result = txn.commit(commit);
    if (!result.ok() && result.status().code() == StatusCode::kConflict) {
      // Another writer created the table first. In append mode our files join it when they fit
      // its layout exactly (they were written for the table we planned); otherwise they are
      // left for VACUUM and the user is told why.
      if (options.mode != "append") {
        return Status::already_exists("a Delta table was created at '{}' concurrently", options.table);
      }
      BRAID_ASSIGN_OR_RETURN(auto table, delta::DeltaTable::open(fs, options.table));
      BRAID_ASSIGN_OR_RETURN(snap, table.snapshot());
      const delta::TableLayout theirs = delta::TableLayout::of(*snap);
      if (theirs.column_mapping != layout.column_mapping || theirs.partition_columns != layout.partition_columns ||
          !theirs.schema->equals(*layout.schema)) {
        return Status::already_exists(
            "a Delta table with a different schema or partitioning was created at '{}' concurrently; load again "
            "to append to it", options.table);
      }
      delta::Transaction append(store, snap);
      for (auto& a : txn_adds) append.add_file(std::move(a));
      commit.operation = "WRITE";
      commit.operation_parameters = {{"mode", "Append"}};
      BRAID_ASSIGN_OR_RETURN(auto appended, append.commit(commit));
      version = appended.version;
    } else {
      BRAID_RETURN_IF_ERROR(result.status());
      version = result->version;
    }
  } else {
    delta::Transaction txn(store, snap);
    commit.operation = "WRITE";
    if (options.mode == "overwrite") {
      txn.read_whole_table();
      if (options.overwrite_partitions) {
        // Only the partitions the input has rows in are replaced.
        for (const delta::AddFile* f : delta::files_in_partitions_of(*snap, adds)) txn.remove_existing(*f);
        commit.operation_parameters = {{"mode", "Overwrite"},
                                       {"partitionBy", fmt::format("[{}]", fmt::join(quoted(snap->partition_columns()), ","))},
                                       {"isDynamicPartitionOverwrite", "true"}};
      } else {
        for (const auto& f : snap->files()) txn.remove_existing(f);
        commit.operation_parameters = {{"mode", "Overwrite"}};
      }
    } else {
      commit.operation_parameters = {{"mode", "Append"}};
    }
    for (auto& a : adds) txn.add_file(std::move(a));
    BRAID_ASSIGN_OR_RETURN(auto result, txn.commit(commit));
    version = result.version;
  }
  written.keep();
  std::fprintf(stderr, "loaded %lld rows into %s: version %lld, %zu files, %s\n", static_cast<long long>(rows),
               options.table.c_str(), static_cast<long long>(version), adds.size(), format_bytes(bytes).c_str());
  return Status::OK();
}

struct VacuumCliOptions {
  std::string table;
  double retain_hours = 168;
  bool dry_run = false;
  bool force = false;
};

Status run_vacuum(const VacuumCliOptions& options) {
  BRAID_ASSIGN_OR_RETURN(auto table, delta::DeltaTable::open(local_file_system(), options.table));
  delta::VacuumOptions v;
  v.retain_hours = options.retain_hours;
  v.dry_run = options.dry_run;
  v.force = options.force;
  v.force_hint = "pass --force";
  BRAID_ASSIGN_OR_RETURN(auto result, table.vacuum(v));
  auto out = stdout_stream();
  for (const auto& f : result.files) BRAID_RETURN_IF_ERROR(out->write(f + "\n"));
  BRAID_RETURN_IF_ERROR(out->flush());
  std::fprintf(stderr, "%s %zu files (%s)\n", options.dry_run ? "would delete" : "deleted", result.files.size(),
               format_bytes(result.bytes).c_str());
  return Status::OK();
}

struct OptimizeCliOptions {
  std::string table;
  int64_t target_mb = 128;
};

Status run_optimize(const OptimizeCliOptions& options) {
  BRAID_ASSIGN_OR_RETURN(auto table, delta::DeltaTable::open(local_file_system(), options.table));
  delta::OptimizeOptions o;
  o.target_file_bytes = options.target_mb << 20;
  BRAID_ASSIGN_OR_RETURN(auto before, table.snapshot());
  BRAID_ASSIGN_OR_RETURN(auto result, table.optimize(o));
  if (result.version < 0) {
    std::fprintf(stderr, "nothing to optimize: %zu files\n", before->files().size());
    return Status::OK();
  }
  BRAID_ASSIGN_OR_RETURN(auto after, table.snapshot(result.version));
  std::fprintf(stderr, "optimized: version %lld, %zu files -> %zu files\n", static_cast<long long>(result.version),
               before->files().size(), after->files().size());
  return Status::OK();
}

}  // namespace

CommandRunner add_load_command(CLI::App& app) {
  auto options = std::make_shared<LoadOptions>();
  CLI::App* cmd = app.add_subcommand("load", "Write data files (Parquet, CSV) into a Delta table, creating it if absent");
  cmd->add_option("TABLE", options->table, "The table folder")->required();
  cmd->add_option("FILE", options->files, "Files to load")->required();
  cmd->add_option("--mode", options->mode, "append, overwrite or error (when the table exists)")
      ->capture_default_str()
      ->check(one_of({"append", "overwrite", "error"}));
  cmd->add_flag("--overwrite-partitions", options->overwrite_partitions,
                "With --mode overwrite: replace only the partitions the input has rows in");
  cmd->add_option("--partition-by", options->partition_by, "Partition columns of a new table, comma-separated")
      ->check(non_empty());
  cmd->add_option("--property", options->properties, "Table property of a new table, KEY=VALUE (repeatable)")
      ->check(name_value());
  add_source_options(*cmd, options->source);
  return [options] {
    InterruptScope interrupt;
    Status s = run_load(*options, interrupt);
    if (s.ok()) return 0;
    if (s.code() == StatusCode::kCancelled) {
      return report_error("load " + s.message() + ": nothing was committed to '" + options->table + "'");
    }
    return report_error(s.to_string());
  };
}

CommandRunner add_vacuum_command(CLI::App& app) {
  auto options = std::make_shared<VacuumCliOptions>();
  CLI::App* cmd = app.add_subcommand("vacuum", "Delete files a Delta table no longer references");
  cmd->add_option("TABLE", options->table, "The table folder")->required();
  cmd->add_option("--retain", options->retain_hours, "Keep files removed less than HOURS ago")
      ->capture_default_str()
      ->check(non_negative());
  cmd->add_flag("--dry-run", options->dry_run, "List the files without deleting them");
  cmd->add_flag("--force", options->force, "Allow a retention shorter than the table's");
  return [options] {
    Status s = run_vacuum(*options);
    return s.ok() ? 0 : report_error(s.to_string());
  };
}

CommandRunner add_optimize_command(CLI::App& app) {
  auto options = std::make_shared<OptimizeCliOptions>();
  CLI::App* cmd = app.add_subcommand("optimize", "Compact a Delta table's small files (bin-packing per partition)");
  cmd->add_option("TABLE", options->table, "The table folder")->required();
  cmd->add_option("--target-mb", options->target_mb, "Target file size in MiB")->capture_default_str()->check(at_least(1));
  return [options] {
    Status s = run_optimize(*options);
    return s.ok() ? 0 : report_error(s.to_string());
  };
}

}  // namespace braid::cli
