// One attempt of a pipeline task (private to pipeline/), in named steps:
//
//   settle   what the run's record says of the task (run_record.h): done, superseded by a later
//            run, committed with its audit row lost (recovered), or to run;
//   prepare  the task's scope (its parameters) and the flow's prepare statements;
//   stage    the stage query, whose rows the task writes;
//   expect   the flow's expectations on the staged rows: fail, drop, warn or quarantine;
//   write    the kept rows as the task's view, then the DML statement as one Delta transaction
//            carrying userMetadata (run, pipeline, flow, task, view, sources), the task's txn
//            (appId task_app_id(), the run's txn version) and the guard, checked on every row to
//            be written, held back while another task of the run has the commit order of its
//            table; then the quarantined rows in a commit of their own (own txn), once the write
//            landed; then reconciliation of the row counts.
//
// The attempt fills its audit row (TaskRecord) as it goes; the returned status is its error.
// Retries, timeouts and the audit itself are the runner's.
// Thread-safety: one attempt per object; attempts of different tasks of one run run at once
// (the run's session is shared through task scopes, the commit order is thread-safe, and `log`
// and `warn` of the context must be).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "braid/result.h"
#include "catalog/database.h"
#include "catalog/session.h"
#include "common/cancellation.h"
#include "pipeline/audit.h"
#include "pipeline/commit_order.h"
#include "pipeline/config.h"
#include "pipeline/internal/run_manifest.h"
#include "pipeline/internal/task_expansion.h"
#include "pipeline/run_record.h"
#include "pipeline/runner.h"
#include "sql/write_control.h"

namespace braid::pipeline::internal {

// What a flow's DML statement is, for reconciliation.
struct FlowShape {
  bool is_merge = false;
  bool merge_reads_view = false;  // MERGE ... USING <the task's view>
};

FlowShape shape_of(const Flow& flow);

// The folder of a flow's target table, when the table exists.
std::optional<std::string> target_path(const catalog::Database& db, const Flow& flow);

// The commit order (commit_order.h) is per target as the flow names it, and per task.
std::string order_table(const Flow& flow);
std::string order_task(const TaskSpec& spec);

// What the attempts of a run share; all of it outlives them.
struct AttemptContext {
  const PipelineConfig& config;
  const RunOptions& options;                       // the hooks before_write, before_commit, after_write
  const catalog::Database& db;
  catalog::Session& session;                       // each attempt runs in a task scope of it
  const RunManifestFile& manifest;                 // the run id and txn version
  const std::map<TaskKey, TaskHistory>& history;   // what the audit records of the run's tasks (a resume)
  const std::vector<FlowShape>& shapes;            // per flow
  CommitOrder& commit_order;
  std::function<void(const std::string& line)> log;
  WarningSink warn;
};

class TaskAttempt {
 public:
  // `rec`: the attempt's audit row, filled as the attempt goes; `token`: cancels it (interrupt,
  // timeout).
  TaskAttempt(const AttemptContext& run, const TaskSpec& spec, TaskRecord& rec, const CancellationToken& token);
  TaskAttempt(const TaskAttempt&) = delete;
  TaskAttempt& operator=(const TaskAttempt&) = delete;

  // Runs the steps; the returned status is the attempt's error. `timing`: " (stage N ms, write M
  // ms)" once the write ran, for the log.
  Status run(std::string& timing);

 private:
  using RowGuard = std::function<Status(const RecordBatch& rows)>;

  // The steps, in order (see the top of this file). settle() says whether the record settles
  // the task: nothing is left to run.
  Result<bool> settle();
  Status prepare();
  Status stage();
  Status expect();
  Status write(std::string& timing);

  Status expect_batch(const RecordBatchPtr& batch, const std::vector<catalog::Session::RowCheck>& checks);
  Result<sql::WriteControl> write_control();
  Result<RowGuard> bind_guard();
  RowGuard after_commit_turn(RowGuard guard);
  Status write_quarantine();
  Status reconcile(const sql::WriteStats& ws) const;
  Result<Settlement> settlement(const TaskHistory* known) const;
  Result<bool> quarantine_committed() const;
  std::string user_metadata(const std::map<std::string, int64_t>& sources) const;

  const AttemptContext& run_;
  const TaskSpec& spec_;
  const Flow& flow_;
  TaskRecord& rec_;
  const CancellationToken& token_;
  const std::string app_id_;
  std::chrono::steady_clock::time_point started_at_;
  std::chrono::steady_clock::time_point staged_at_;
  bool repair_quarantine_ = false;  // recovered, but its quarantined rows may be lost too
  // The scope is declared before the rows its statements return, so they are released before
  // it: its memory tracker must outlive what is counted on it.
  std::unique_ptr<catalog::Session> scope_;
  catalog::StatementResult staged_;
  std::vector<RecordBatchPtr> kept_;
  std::vector<RecordBatchPtr> quarantined_;
  std::vector<std::vector<std::string>> quarantined_rules_;  // per quarantined row: the rules it failed
};

}  // namespace braid::pipeline::internal
