// The actions of the Delta transaction log (Delta PROTOCOL.md, "Actions"), as C++ values, with
// a lenient JSON reader (unknown actions and fields are ignored, numbers written as strings are
// accepted) and a JSON writer that emits what Spark emits.
//
// One commit file is newline-delimited JSON with one action per line; checkpoints hold the same
// actions as Parquet rows (see checkpoint.h).
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "braid/result.h"

namespace braid::delta {

using StringMap = std::vector<std::pair<std::string, std::string>>;
// Partition values: a null value is absent from the optional.
using PartitionValues = std::vector<std::pair<std::string, std::optional<std::string>>>;

// Lookup helpers (maps are small; order is kept as written).
const std::string* find_value(const StringMap& map, std::string_view key);
const std::optional<std::string>* find_partition(const PartitionValues& values, std::string_view key);

struct Protocol {
  int32_t min_reader_version = 1;
  int32_t min_writer_version = 2;
  std::optional<std::vector<std::string>> reader_features;
  std::optional<std::vector<std::string>> writer_features;
};

struct Format {
  std::string provider = "parquet";
  StringMap options;
};

struct Metadata {
  std::string id;
  std::optional<std::string> name;
  std::optional<std::string> description;
  Format format;
  std::string schema_string;
  std::vector<std::string> partition_columns;
  std::optional<int64_t> created_time;
  StringMap configuration;
};

struct DeletionVectorDescriptor {
  std::string storage_type;  // "u" relative path, "i" inline, "p" absolute path
  std::string path_or_inline_dv;
  std::optional<int32_t> offset;
  int32_t size_in_bytes = 0;
  int64_t cardinality = 0;
  std::optional<int64_t> max_row_index;
  // storageType + pathOrInlineDv (+ "@" + offset): with the path, the file's identity in replay.
  std::string unique_id() const;
};

struct AddFile {
  std::string path;  // URI-encoded, relative to the table root (or absolute)
  PartitionValues partition_values;
  int64_t size = 0;
  int64_t modification_time = 0;
  bool data_change = true;
  std::optional<std::string> stats;  // JSON text
  StringMap tags;
  std::optional<DeletionVectorDescriptor> deletion_vector;
  std::optional<int64_t> base_row_id;
  std::optional<int64_t> default_row_commit_version;
  std::optional<std::string> clustering_provider;
};

struct RemoveFile {
  std::string path;
  std::optional<int64_t> deletion_timestamp;
  bool data_change = true;
  std::optional<bool> extended_file_metadata;
  PartitionValues partition_values;
  std::optional<int64_t> size;
  std::optional<std::string> stats;
  StringMap tags;
  std::optional<DeletionVectorDescriptor> deletion_vector;
  std::optional<int64_t> base_row_id;
  std::optional<int64_t> default_row_commit_version;
};

struct AddCdcFile {
  std::string path;
  PartitionValues partition_values;
  int64_t size = 0;
  bool data_change = false;
  StringMap tags;
};

struct SetTransaction {
  std::string app_id;
  int64_t version = 0;
  std::optional<int64_t> last_updated;
};

// commitInfo is free-form provenance: the raw JSON object is kept (history prints it as is) and
// the fields braid uses are parsed out.
struct CommitInfo {
  std::string json;  // the whole object, as written
  std::optional<int64_t> timestamp;
  std::optional<int64_t> in_commit_timestamp;
  std::optional<std::string> operation;
  std::optional<std::string> operation_parameters;  // JSON object text
  std::optional<std::string> operation_metrics;     // JSON object text
  std::optional<std::string> user_metadata;
  std::optional<std::string> engine_info;
  std::optional<std::string> isolation_level;
  std::optional<bool> is_blind_append;
  std::optional<int64_t> read_version;
};

struct DomainMetadata {
  std::string domain;
  std::string configuration;
  bool removed = false;
};

struct CheckpointMetadata {
  int64_t version = 0;
  StringMap tags;
};

struct Sidecar {
  std::string path;
  int64_t size_in_bytes = 0;
  int64_t modification_time = 0;
  StringMap tags;
};

using Action = std::variant<Protocol, Metadata, AddFile, RemoveFile, AddCdcFile, SetTransaction,
                            CommitInfo, DomainMetadata, CheckpointMetadata, Sidecar>;

// Parses a commit (or JSON checkpoint) file: one action per non-empty line. `source` names the
// file in errors ("_delta_log/00000000000000000003.json:2: ...").
Result<std::vector<Action>> parse_actions(std::string_view text, std::string_view source);

// One action as a line of JSON (no trailing newline), fields in the order Spark writes them.
std::string action_to_json(const Action& action);
// A commit file: actions one per line, each followed by '\n'.
std::string actions_to_json(const std::vector<Action>& actions);

}  // namespace braid::delta
