// DeltaTable: the operations on one Delta table that callers above the Delta layer use: create,
// append, overwrite, replace-where, row-level delete and update by predicate, OPTIMIZE, VACUUM
// and checkpoints. Each write is one Transaction (transaction.h): atomic, conflict-checked,
// retried by rebase where the rules allow, with commitInfo recording the operation, its
// parameters and metrics, and the caller's userMetadata and tags.
//
// Writes that remove data (overwrite, replace-where, delete, update) are refused on append-only
// tables (delta.appendOnly) before any file is written; the transaction checks again.
//
// Row-level operations take two predicates: `skipping` (simple column predicates used to skip
// files by partition values and stats, recorded as the transaction's read predicates) and a
// row function deciding each row; only files holding a matching row are rewritten.
// Thread-safety: a DeltaTable is a handle; any number of threads and processes may write to
// one table at once (the log arbitrates).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "braid/result.h"
#include "delta/data_writer.h"
#include "delta/snapshot.h"
#include "delta/transaction.h"

namespace braid::delta {

struct CreateOptions {
  std::vector<std::string> partition_columns;
  StringMap properties;  // "delta.*" table properties and user properties
  std::optional<std::string> name;
  std::optional<std::string> description;
  // "CREATE TABLE", "CREATE TABLE AS SELECT", ...
  std::string operation = "CREATE TABLE";
};

struct WriteOptions {
  CommitOptions commit;          // operation, metrics and parameters are filled in by the call
  DataWriteOptions data;
  std::optional<SetTransaction> txn;  // idempotent write: skipped when already committed
  // The SQL text of the condition of a delete, update or replace-where ("(id = 3)"), recorded as
  // commitInfo's predicate as Delta does; without it the skipping predicates are described.
  std::vector<std::string> predicate;
};

// Rows a predicate keeps (true = the row matches).
using RowPredicate = std::function<Result<std::vector<bool>>(const RecordBatch& batch)>;
// New values for the matched rows of a batch (same schema, same row count).
using RowUpdater = std::function<Result<RecordBatchPtr>(const RecordBatch& batch, const std::vector<bool>& matched)>;

struct MutationResult {
  CommitResult commit;
  int64_t rows_matched = 0;   // deleted or updated
  int64_t rows_copied = 0;    // rewritten unchanged
  int64_t files_removed = 0;
  int64_t files_added = 0;
};

struct OptimizeOptions {
  int64_t target_file_bytes = int64_t{128} << 20;
  // Only files in partitions matching these predicates.
  std::vector<parquet::ColumnPredicate> partition_predicates{};
  // Files smaller than this are candidates (default: target / 2... set explicitly for tests).
  int64_t min_file_bytes = -1;
  std::optional<std::string> user_metadata{};  // commitInfo.userMetadata of its commit
};

struct VacuumOptions {
  double retain_hours = 168;  // delta.deletedFileRetentionDuration's default: one week
  bool dry_run = false;
  // Allow a retention below the table's configured one (may break readers of old versions).
  bool force = false;
  // How the caller's user allows that, for the refusal's text ("pass --force").
  std::string force_hint = "set VacuumOptions::force";
  std::optional<std::string> user_metadata{};  // commitInfo.userMetadata of its START and END commits
};

struct VacuumResult {
  std::vector<std::string> files;  // deleted (or, for a dry run, to delete)
  int64_t bytes = 0;
};

class DeltaTable {
 public:
  static Result<DeltaTable> open(std::shared_ptr<FileSystem> fs, const std::string& root);
  // Creates the table: version 0 with protocol and metadata (and `initial` rows, if any, in the
  // same commit). kAlreadyExists when a table is already there.
  static Result<DeltaTable> create(std::shared_ptr<FileSystem> fs, const std::string& root, SchemaPtr schema,
                                   const CreateOptions& options,
                                   const std::vector<RecordBatchPtr>& initial = {},
                                   const WriteOptions& write = {});
  static bool exists(FileSystem& fs, const std::string& root);

  const std::string& root() const { return store_->root(); }
  const std::shared_ptr<const LogStore>& store() const { return store_; }
  Result<SnapshotPtr> snapshot(std::optional<int64_t> version = std::nullopt) const;
  Transaction begin(SnapshotPtr snapshot) const { return Transaction(store_, std::move(snapshot)); }

  Result<CommitResult> append(const std::vector<RecordBatchPtr>& batches, WriteOptions options = {}) const;
  // Replaces every row.
  Result<CommitResult> overwrite(const std::vector<RecordBatchPtr>& batches, WriteOptions options = {}) const;
  // Dynamic partition overwrite (Spark's partitionOverwriteMode=dynamic): replaces the
  // partitions `batches` have rows in and keeps the others, in one commit. On an unpartitioned
  // table every row is in the one partition, so rows replace the table (none leave it as is),
  // as in Delta.
  Result<CommitResult> overwrite_partitions(const std::vector<RecordBatchPtr>& batches, WriteOptions options = {}) const;
  // Deletes the rows matching `matches` (within files `skipping` cannot rule out) and adds
  // `batches`, atomically.
  Result<MutationResult> replace_where(const std::vector<parquet::ColumnPredicate>& skipping,
                                       const RowPredicate& matches, const std::vector<RecordBatchPtr>& batches,
                                       WriteOptions options = {}) const;
  Result<MutationResult> delete_where(const std::vector<parquet::ColumnPredicate>& skipping,
                                      const RowPredicate& matches, WriteOptions options = {}) const;
  Result<MutationResult> update_where(const std::vector<parquet::ColumnPredicate>& skipping,
                                      const RowPredicate& matches, const RowUpdater& update,
                                      WriteOptions options = {}) const;
  // ALTER TABLE ... SET TBLPROPERTIES / UNSET TBLPROPERTIES: checked as at creation
  // (table_properties.h); the protocol is raised when a property needs a feature. Unsetting a
  // property the table does not have is an error unless `if_exists`. `user_metadata` tags the
  // commit.
  Result<CommitResult> set_properties(const StringMap& properties,
                                      const std::optional<std::string>& user_metadata = std::nullopt) const;
  Result<CommitResult> unset_properties(const std::vector<std::string>& keys, bool if_exists,
                                        const std::optional<std::string>& user_metadata = std::nullopt) const;
  Result<CommitResult> optimize(const OptimizeOptions& options = {}) const;
  // Records VACUUM START and VACUUM END commits around the deletions (commitInfo only, as
  // Delta does), so a reader of an older version can tell its files were vacuumed.
  Result<VacuumResult> vacuum(const VacuumOptions& options = {}) const;
  // Writes a checkpoint of the latest version (or `version`).
  Status checkpoint(std::optional<int64_t> version = std::nullopt) const;

 private:
  explicit DeltaTable(std::shared_ptr<const LogStore> store) : store_(std::move(store)) {}
  Result<MutationResult> rewrite(const std::vector<parquet::ColumnPredicate>& skipping, const RowPredicate& matches,
                                 const RowUpdater* update, const std::vector<RecordBatchPtr>& extra,
                                 WriteOptions options, const std::string& operation) const;

  std::shared_ptr<const LogStore> store_;
};

// The protocol a new table needs for its schema and properties: the oldest that supports them.
Protocol protocol_for(const Schema& schema, const StringMap& properties);

// Everything version 0 of a new table holds besides data: validated schema (with column mapping
// ids and physical names when enabled), protocol and metadata, and the layout to write with.
struct NewTable {
  Protocol protocol;
  Metadata metadata;
  TableLayout layout;
};
Result<NewTable> plan_new_table(SchemaPtr schema, const CreateOptions& options);
// The commitInfo parameters of a CREATE.
StringMap create_parameters(const CreateOptions& options);

// The data files of `snapshot` in the partitions `adds` were written to (all of them for an
// unpartitioned table with adds): what a dynamic partition overwrite replaces.
std::vector<const AddFile*> files_in_partitions_of(const Snapshot& snapshot, const std::vector<AddFile>& adds);

}  // namespace braid::delta
