// The pipeline runner: runs a validated pipeline's flows as tasks on the shared worker pool.
//
// A run opens the warehouse, makes one session whose views are the pipeline's sources and whose
// parameters are the pipeline's (file [params], then --param), and freezes that session's views
// for the run. Each flow expands to tasks (one per for_each row) once the flows it depends on
// have finished; at most `parallelism` tasks run at once. Each task runs in its own task scope
// (its parameters are the row's columns, its view is its own even when every task names it the
// same), in this order: prepare statements, stage query, expectations (fail/drop/warn/quarantine),
// the staged rows as the task's view, then the DML statement as one Delta transaction carrying
// userMetadata (run_id, pipeline, flow, task, view, sources), a txn action (appId
// "braid:<pipeline>/<flow>/<task>", version the run's) and the guard, checked on every row to be
// written before the commit; then the quarantined rows, in a commit of their own (own txn), only
// once the write landed. A conflict the Delta rules cannot rebase retries the whole task
// (on_conflict = "retry", up to max_retries) after a backoff; a task that keeps conflicting takes
// the commit order of its table (commit_order.h). Every attempt is a row in the audit table;
// every commit of the run carries userMetadata naming it.
//
// Runs are recorded in WAREHOUSE/_braid/runs/<run_id>.json (the run's txn version) before a
// source is read, so a resume (or a rerun with the same run id) can always find it; it decides
// each task from the run's record (run_record.h): done, superseded by a later run, recovered,
// or run again. A resume of a finished run commits nothing at all.
//
// A run holds its pipeline's lease (run_lease.h) from before its manifest is written until it
// ends, however it ends: a second run of the pipeline on the warehouse is refused naming it
// (unless allow_concurrent), and a run that died is told from a running one. interrupt() (Ctrl-C)
// stops the run early but cleanly: no task starts after it, running tasks are cancelled through
// their tokens, every task that did not finish gets an `interrupted` audit row (a task whose
// commit landed keeps its `succeeded` row), and the manifest says `interrupted`.
// Thread-safety: one run per Runner; interrupt() and progress() may be called from any thread.
// Runners (and processes) of different pipelines may run against one warehouse at once.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "braid/result.h"
#include "pipeline/audit.h"
#include "pipeline/config.h"

namespace braid::pipeline {

struct RunOptions {
  std::vector<std::pair<std::string, std::string>> params;  // --param name=value (value: SQL literal or text)
  int parallelism = 0;     // > 0: overrides the file
  std::string run_id;      // empty: a new id; an existing run's id resumes it
  std::string resume;      // the id of a run to resume (must exist)
  // Run even when another run of the pipeline is running (each records only its own work).
  bool allow_concurrent = false;
  int64_t memory_limit = 0;  // > 0: bytes each statement of each task may hold (--memory-limit)
  // Called (from worker threads, serialized) with each event: a line of text for logs.
  std::function<void(const std::string& line)> log;
  // Called in each task between creating its view and running its DML (tests inject delays
  // and faults here); an error fails the attempt.
  std::function<Status(const std::string& flow, const std::string& task, int attempt)> before_write;
  // Called once per attempt after the DML has read the target and computed its rows, just before
  // it commits (tests make a concurrent commit here to force a conflict). Only for statements
  // with rows to write.
  std::function<Status(const std::string& flow, const std::string& task, int attempt)> before_commit;
  // Called once per attempt after the DML committed (or changed nothing), before the task's
  // quarantined rows are written; an error fails the attempt there (tests simulate a process
  // that died between the two commits).
  std::function<Status(const std::string& flow, const std::string& task, int attempt)> after_write;
};

struct RunReport {
  std::string run_id;
  std::string pipeline;
  std::string status;                // succeeded | failed | interrupted
  bool resumed = false;
  int64_t started_at_us = 0;
  int64_t ended_at_us = 0;
  std::vector<TaskRecord> tasks;     // the last attempt of every task, in flow then task order
  std::vector<TaskRecord> attempts;  // every attempt, in the order they ended
  std::vector<std::string> errors;   // run-level problems (a flow's for_each failing, the audit)
  std::vector<std::string> warnings; // e.g. malformed CSV rows a source read dropped (mode DROPMALFORMED)

  bool ok() const { return status == "succeeded"; }
  // The report as JSON: run_id, pipeline, status, started_at, ended_at, errors, warnings, tasks
  // (audit columns).
  std::string to_json() const;
  // The terminal summary: one line per task and totals.
  std::string summary() const;
};

// Live counts per flow, for progress displays.
struct FlowProgress {
  std::string flow;
  int tasks = -1;  // -1 until its tasks are known
  int done = 0;
  int running = 0;
  int failed = 0;
  int skipped = 0;
  int64_t rows_written = 0;
};

class Runner {
 public:
  Runner(PipelineConfig config, RunOptions options);
  ~Runner();

  // Runs the pipeline. An error is returned only when the run could not start (warehouse,
  // sources, parameters, run id); task failures are in the report.
  Result<RunReport> run();
  // Plans without writing: tasks, parameters, targets and partitions, and which pairs of tasks
  // could conflict.
  Result<std::string> dry_run();
  // Checks what reading the file cannot, writing nothing: the sources open, for_each queries run,
  // each flow's target exists (or a prepare step creates it), and its stage and guard bind with
  // its first task's parameters. Every problem is reported.
  Status check();
  // Progress so far (callable from any thread while run() is running).
  std::vector<FlowProgress> progress() const;
  // Stops the run (from any thread, e.g. on SIGINT): no task starts afterwards, running tasks are
  // cancelled, and the run ends `interrupted` unless every task had finished. `reason` is in
  // each interrupted task's error ("interrupted (SIGINT)").
  void interrupt(const std::string& reason);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The WriteControl appId of a task.
std::string task_app_id(const std::string& pipeline, const std::string& flow, const std::string& task);

}  // namespace braid::pipeline
