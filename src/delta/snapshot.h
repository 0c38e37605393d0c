// Snapshot: the state of a Delta table at one version, built by log replay (PROTOCOL.md,
// "Action Reconciliation"): protocol, metadata and schema, the live data files, tombstones,
// application transactions (txn) and domain metadata.
//
// Loading picks the newest complete checkpoint at or before the version, then replays the
// commits after it, which must be contiguous. A checkpoint that cannot be read at all (truncated,
// not Parquet, a part missing) is passed over for an older one, or for replay from version 0
// when every commit is still there, with a warning naming the file; a readable checkpoint that
// lacks protocol or metaData is still corruption, as in Delta. Reader features braid does not
// implement make loading fail with kNotImplemented naming the feature, never a wrong answer.
// Thread-safety: a Snapshot is immutable and shared.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "braid/result.h"
#include "columnar/data_type.h"
#include "delta/actions.h"
#include "delta/log_store.h"

namespace braid::delta {

enum class ColumnMappingMode { kNone, kName, kId };

class Snapshot {
 public:
  int64_t version() const { return version_; }
  // The commit time of this version: its in-commit timestamp when enabled, else the commit
  // file's modification time (ms since the epoch).
  int64_t timestamp_ms() const { return timestamp_ms_; }
  const Protocol& protocol() const { return protocol_; }
  const Metadata& metadata() const { return metadata_; }
  // Logical schema (display names), in the table's column order.
  const SchemaPtr& schema() const { return schema_; }
  const std::vector<std::string>& partition_columns() const { return metadata_.partition_columns; }
  ColumnMappingMode column_mapping() const { return column_mapping_; }
  // A table property (metaData.configuration), or nullopt.
  std::optional<std::string> property(std::string_view key) const;
  // A duration property ("interval 7 days", Spark's CalendarInterval text) in hours, or
  // `fallback` when absent; kInvalidArgument naming the property when its value is not a duration.
  Result<double> property_hours(std::string_view key, double fallback) const;

  // Live files, sorted by path.
  const std::vector<AddFile>& files() const { return files_; }
  const std::vector<RemoveFile>& tombstones() const { return tombstones_; }
  // The latest version recorded for an application id (txn action), or nullopt.
  std::optional<int64_t> transaction_version(const std::string& app_id) const;
  const std::map<std::string, SetTransaction>& transactions() const { return txns_; }
  const std::map<std::string, DomainMetadata>& domains() const { return domains_; }
  // The commitInfo of this very version (absent in checkpoints and some old commits).
  const std::optional<CommitInfo>& commit_info() const { return commit_info_; }
  int64_t total_size() const;
  // What loading worked around (a damaged checkpoint passed over), for the user to see.
  const std::vector<std::string>& warnings() const { return warnings_; }

  const LogStore& store() const { return *store_; }
  std::shared_ptr<const LogStore> store_ptr() const { return store_; }

 private:
  friend class SnapshotLoader;
  std::shared_ptr<const LogStore> store_;
  int64_t version_ = -1;
  int64_t timestamp_ms_ = 0;
  Protocol protocol_;
  Metadata metadata_;
  SchemaPtr schema_;
  ColumnMappingMode column_mapping_ = ColumnMappingMode::kNone;
  std::vector<AddFile> files_;
  std::vector<RemoveFile> tombstones_;
  std::map<std::string, SetTransaction> txns_;
  std::map<std::string, DomainMetadata> domains_;
  std::optional<CommitInfo> commit_info_;
  std::vector<std::string> warnings_;
};

using SnapshotPtr = std::shared_ptr<const Snapshot>;

// The latest version (version = nullopt) or a given one. kNotFound when the table or the version
// does not exist; kCorruption for gaps in the log; kNotImplemented for unsupported features.
Result<SnapshotPtr> load_snapshot(std::shared_ptr<const LogStore> store,
                                  std::optional<int64_t> version = std::nullopt);
// The last version whose commit timestamp is at or before `timestamp_ms` (TIMESTAMP AS OF).
Result<SnapshotPtr> load_snapshot_at(std::shared_ptr<const LogStore> store, int64_t timestamp_ms);

// Where warnings of snapshot loading go besides Snapshot::warnings(): by default each distinct
// message is written once per process to stderr ("braid: warning: ..."); an embedding program
// may install its own handler (nullptr restores the default). Thread-safe.
using WarningHandler = std::function<void(const std::string& message)>;
void set_warning_handler(WarningHandler handler);

// Commit timestamps of every version still in the log, ascending by version (Spark makes them
// monotonic: a version never appears older than its predecessor).
struct VersionTimestamp {
  int64_t version;
  int64_t timestamp_ms;
};
Result<std::vector<VersionTimestamp>> commit_timestamps(const LogStore& store);

// Reader features braid implements; writer features it can honour when writing.
bool reader_feature_supported(std::string_view feature);
bool writer_feature_supported(std::string_view feature);
// kNotImplemented naming the first unsupported reader (or, for writing, writer) feature.
// check_writable accepts features that only bind what uses them (CHECK constraints, generated,
// identity and default columns, change data feed, in-commit timestamps); a commit also checks
// that the metadata uses none (check_metadata_writable in table_properties.h).
Status check_readable(const Protocol& protocol);
Status check_writable(const Protocol& protocol);

// A data file's path relative to the table root, decoded (add.path is URI-encoded), or the
// absolute path when it lives outside the root.
std::string decode_path(std::string_view path);
std::string resolve_data_path(const std::string& root, std::string_view add_path);

}  // namespace braid::delta
