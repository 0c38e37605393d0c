// Checkpoints: the table state at a version as one Parquet file (or several parts), so readers
// need not replay every commit (PROTOCOL.md, "Checkpoints").
//
// Reading accepts classic single-file and multi-part checkpoints and v2 checkpoints (Parquet or
// JSON, with sidecar files), and add rows carrying stats as JSON (`stats`), as a struct
// (`stats_parsed`), or both. Writing produces classic single-file checkpoints in the schema
// Spark writes, readable by Spark and by DuckDB's read_parquet.
// Thread-safety: functions of their arguments.
#pragma once

#include <string>
#include <vector>

#include "braid/result.h"
#include "delta/actions.h"
#include "delta/log_store.h"

namespace braid::delta {

class Snapshot;

// The actions stored in a checkpoint (sidecars of v2 checkpoints resolved).
Result<std::vector<Action>> read_checkpoint(const LogStore& store, const CheckpointFiles& checkpoint);

// The table state a checkpoint of `snapshot` holds: protocol, metadata, app transactions, domain
// metadata, live files and unexpired tombstones.
std::vector<Action> checkpoint_actions(const Snapshot& snapshot);

// Writes `N.checkpoint.parquet` holding `actions` (protocol, metaData, txn, domainMetadata,
// live adds, tombstones), then `_last_checkpoint`.
Status write_checkpoint(const LogStore& store, int64_t version, const std::vector<Action>& actions);

// Metadata cleanup (Spark's delta.enableExpiredLogCleanup): deletes the commits and checkpoints
// older than the newest checkpoint that is itself older than `cutoff_ms`, when they too are older
// than the cutoff. Every version from that checkpoint on stays readable; older ones can no longer
// be time-travelled to. Also deletes the temporary files of commits whose writer died. Returns
// the number of files deleted.
Result<int64_t> cleanup_expired_log(const LogStore& store, int64_t cutoff_ms);

}  // namespace braid::delta
