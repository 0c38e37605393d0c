// Transaction: one atomic change to a Delta table with optimistic concurrency.
//
// A transaction reads a snapshot, records what it read (files, predicates, the whole table,
// application ids), stages actions (adds, removes, metadata, protocol, txn, domain metadata) and
// commits by creating the next log file with put-if-absent. When another writer created that
// version first, each winning commit is checked with the Delta conflict rules (PROTOCOL.md and
// Spark's ConflictChecker; research/delta-protocol.md §6):
//   protocol changed, metadata changed, concurrent transaction (same app id or domain),
//   concurrent append (the winner added files our read could have seen), delete/read (the
//   winner removed a file we read), delete/delete (we both removed a file).
// No conflict: the commit is rebased onto the new version and tried again. A conflict: the
// commit fails with kConflict naming the rule, both versions and the files or partition
// involved; the Status is retryable (rerunning the whole operation on a fresh snapshot is safe).
// A winner's added file "matches" our read predicates when its partition values or stats say it
// may hold matching rows (braid also uses stats, so disjoint key ranges of an unpartitioned
// table do not conflict).
//
// Idempotency: with a txn (app id, version), a commit whose app id already reached that version
// is skipped and reported as such, so a task rerun never writes twice.
// Guarantees checked on every commit, whatever operation built it: the protocol's writer features
// and the table's metadata are ones braid honours (table_properties.h), and a commit that removes
// data (a remove with dataChange) from an append-only table is refused (PROTOCOL.md,
// "Append-only Tables"); rearranging files with dataChange=false (OPTIMIZE) is allowed.
// Thread-safety: one thread per transaction; any number of transactions, in any processes, may
// commit to one table concurrently.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "braid/result.h"
#include "delta/actions.h"
#include "delta/snapshot.h"
#include "formats/parquet/column_predicate.h"

namespace braid::delta {

enum class IsolationLevel { kSerializable, kWriteSerializable, kSnapshotIsolation };
std::string_view isolation_level_name(IsolationLevel level);

struct CommitOptions {
  std::string operation;                  // "WRITE", "MERGE", "DELETE", "UPDATE", ...
  StringMap operation_parameters{};         // values are JSON text (e.g. "\"Append\"", "[]")
  StringMap operation_metrics{};            // values are numbers as text
  std::optional<std::string> user_metadata{};
  StringMap tags{};
  IsolationLevel isolation = IsolationLevel::kSerializable;
  int max_attempts = 10000;               // versions tried (1 + rebases) before giving up
  // Checkpoint when version % interval == 0 (0: never); nullopt: the table's
  // delta.checkpointInterval (10 when unset).
  std::optional<int64_t> checkpoint_interval{};
};

struct CommitResult {
  int64_t version = -1;     // the committed version (-1 when skipped)
  int attempts = 0;         // 1 + rebases
  bool skipped = false;     // the txn was already committed: nothing written
};

class Transaction {
 public:
  // A transaction on an existing table (read_snapshot) or creating one (nullptr: its first
  // commit is version 0 and must carry protocol and metadata).
  Transaction(std::shared_ptr<const LogStore> store, SnapshotPtr read_snapshot);

  const SnapshotPtr& read_snapshot() const { return snapshot_; }
  int64_t read_version() const { return snapshot_ ? snapshot_->version() : -1; }

  // Read set.
  void read_whole_table() { read_whole_table_ = true; }
  void read_files(const std::vector<const AddFile*>& files);
  void read_predicates(const std::vector<parquet::ColumnPredicate>& predicates);
  // The latest committed version of an app id (and records it in the read set).
  std::optional<int64_t> read_app_version(const std::string& app_id);

  // Changes.
  void add_file(AddFile file) { adds_.push_back(std::move(file)); }
  void remove_file(RemoveFile file) { removes_.push_back(std::move(file)); }
  // A remove for a live file, with its full metadata (as Spark writes it).
  void remove_existing(const AddFile& file, bool data_change = true);
  void set_metadata(Metadata metadata) { metadata_ = std::move(metadata); }
  void set_protocol(Protocol protocol) { protocol_ = std::move(protocol); }
  void set_transaction(SetTransaction txn) { txn_ = std::move(txn); }
  void set_domain(DomainMetadata domain) { domains_.push_back(std::move(domain)); }

  const std::vector<AddFile>& adds() const { return adds_; }
  const std::vector<RemoveFile>& removes() const { return removes_; }

  Result<CommitResult> commit(const CommitOptions& options);

 private:
  // kConflict when the winning commit at `version` conflicts with this transaction.
  Status check_conflicts(int64_t version, const std::vector<Action>& winner, IsolationLevel isolation) const;
  std::string commit_info_json(const CommitOptions& options) const;
  bool is_blind_append() const;

  std::shared_ptr<const LogStore> store_;
  SnapshotPtr snapshot_;
  bool read_whole_table_ = false;
  std::vector<std::string> read_paths_;  // decoded paths of files read
  std::vector<parquet::ColumnPredicate> read_predicates_;
  bool has_read_predicates_ = false;
  std::vector<std::string> read_app_ids_;

  std::vector<AddFile> adds_;
  std::vector<RemoveFile> removes_;
  std::optional<Metadata> metadata_;
  std::optional<Protocol> protocol_;
  std::optional<SetTransaction> txn_;
  std::vector<DomainMetadata> domains_;
};

// A random version-4 UUID, "6f9619ff-8b86-d011-b42d-00c04fc964ff".
std::string new_uuid();
// Milliseconds since the epoch, now.
int64_t now_ms();

}  // namespace braid::delta
