// The runs of a warehouse, for `braid runs` and for naming the run behind a commit.
//
// A run is known by its manifest, WAREHOUSE/_braid/runs/<run_id>.json (written by the runner:
// run_id, pipeline, pipeline_file, txn_version, started_at, status, and ended_at once it ended),
// by its lease (run_lease.h: whether it is still alive), and by its rows in the audit table. A
// run a live lease names is `running` (a resume runs under the manifest of the run's earlier
// end); a manifest that says `running` while no live lease names its run is `stale`: the run
// died (kill -9, power loss, a second Ctrl-C) and can be resumed.
// Thread-safety: pure functions over files other processes may be writing; each reads a
// consistent view of every file (manifests and lease files are replaced atomically).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "braid/result.h"
#include "catalog/session.h"
#include "columnar/record_batch.h"
#include "common/file_system.h"

namespace braid::pipeline {

// A run manifest as read.
struct RunManifest {
  std::string run_id;
  std::string pipeline;
  std::string pipeline_file;
  int64_t txn_version = 0;
  std::string status;  // running | succeeded | failed | interrupted
  int64_t started_at_us = 0;
  std::optional<int64_t> ended_at_us;
};

// The runs folder of a warehouse: WAREHOUSE/_braid/runs.
std::string runs_folder(const std::string& warehouse_root);

// Every readable manifest under `runs_dir`, by run id. Unreadable ones are skipped (a manifest
// is replaced atomically, so only a file braid did not write can be unreadable).
Result<std::vector<RunManifest>> read_run_manifests(FileSystem& fs, const std::string& runs_dir);

// The id of the run of `pipeline` whose txn version is `txn_version` (a task's commit carries
// it), or "" when no manifest has it.
std::string run_with_txn_version(FileSystem& fs, const std::string& runs_dir, const std::string& pipeline,
                                 int64_t txn_version);

// One line of `braid runs`.
struct RunSummary {
  std::string run_id;
  std::string pipeline;
  std::string status;  // running | succeeded | failed | interrupted | stale
  int64_t started_at_us = 0;
  std::optional<int64_t> ended_at_us;
  // Per task (flow, task) of the run in the audit: succeeded when any attempt succeeded, else the
  // status of its last attempt.
  int64_t tasks_ok = 0;
  int64_t tasks_failed = 0;
  int64_t tasks_skipped = 0;
  int64_t tasks_interrupted = 0;
};

// The runs of the session's warehouse (of `pipeline` only, when not empty), oldest first.
Result<std::vector<RunSummary>> list_runs(catalog::Session& session, const std::string& pipeline = "");

// The summaries as rows: run_id, pipeline, status, started_at, ended_at, tasks_ok, tasks_failed,
// tasks_skipped, tasks_interrupted.
Result<RecordBatchPtr> runs_batch(const std::vector<RunSummary>& runs);

}  // namespace braid::pipeline
