// A run's manifest (private to pipeline/): WAREHOUSE/_braid/runs/<run_id>.json, and the run id
// and txn version it records.
//
// A run is recorded before it reads a source, so a resume (or a rerun with the same run id) can
// always find it. A new run gets a fresh txn version (versions only grow: a later run's tasks are
// never mistaken for committed ones); a resumed run, or a run id that has a manifest, reuses the
// version in it, so every task's commit carries the same txn version whichever invocation made
// it. The manifest is replaced when the run ends (status, ended_at, where its tasks stand);
// run_list.h reads it back (RunManifest there is the manifest as read) for `braid runs`.
// Thread-safety: open() and write() from one thread at a time; the accessors are read-only once
// open() returned.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "braid/result.h"
#include "catalog/database.h"
#include "pipeline/config.h"
#include "pipeline/runner.h"

namespace braid::pipeline::internal {

// A new run's id: the time (UTC) and 16 random bits, "20250102T030405Z-1a2b".
std::string new_run_id();
// A run id names a file: 1 to 128 letters, digits, '-', '_' or '.'.
Status check_run_id(const std::string& id);

class RunManifestFile {
 public:
  // Chooses the run id (options.resume, else options.run_id, else a new one) and the txn version
  // of a run of `config` in `db`. A resume needs the run's manifest; the manifest of another
  // pipeline is refused. Writes nothing: a new run records itself with write("running").
  Status open(std::shared_ptr<catalog::Database> db, const PipelineConfig& config, const RunOptions& options);
  // Writes the manifest: `status` (running | succeeded | failed | interrupted), the report's
  // start and end and where its tasks stand; `error`: why a run stopped before its tasks started
  // (sources, parameters), when it did.
  Status write(const std::string& status, const RunReport& report, const std::string& error = "") const;

  const std::string& run_id() const { return run_id_; }
  int64_t txn_version() const { return txn_version_; }
  // The run id had a manifest: a resume (or a rerun with the same run id).
  bool resumed() const { return resumed_; }

 private:
  std::string path(const std::string& id) const;

  std::shared_ptr<catalog::Database> db_;
  std::string pipeline_;
  std::string pipeline_file_;
  std::string run_id_;
  int64_t txn_version_ = 0;
  bool resumed_ = false;
};

}  // namespace braid::pipeline::internal
