// The record of a run, as a resume reads it: what the audit says each task of the run did so
// far, and which run a task's txn marker in its target belongs to. From these the runner decides
// what a task of a resumed run (or of a run started again with the same id) does:
//
//   - the audit has a `succeeded` row for it in this run: nothing (the task is done, whether or
//     not its write committed anything; a MERGE that changed no row commits nothing and leaves
//     no txn marker, so the audit row is its only record);
//   - the audit has its `skipped` "superseded: ..." row: nothing (decided before);
//   - the target's txn marker is this run's: the task committed but its audit row was lost with
//     the process; it is recorded `succeeded` "recovered on resume" with the commit's version and
//     counts (and its quarantined rows are written if they were lost too);
//   - the target's txn marker is a later run's, and this run's commit is not in the log: a later
//     run did the task first; it is recorded `skipped`, "superseded: already committed by run R
//     (target version V) ...", and nothing is written (running it now could write a second time
//     what that run wrote). The same when a later run commits the task while this run's attempt
//     of it is under way (runs at once, --allow-concurrent);
//   - otherwise the task runs, its attempt numbers continuing after the run's last one.
// Thread-safety: functions of the tables they read; safe to call concurrently.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "braid/result.h"
#include "catalog/session.h"
#include "delta/table.h"

namespace braid::pipeline {

// What the audit holds about one task of one run.
struct TaskHistory {
  int last_attempt = 0;    // the highest attempt number recorded
  bool succeeded = false;  // a `succeeded` row exists
  std::string superseded;  // the error text of its "superseded: ..." row, if any
  int conflicts = 0;       // the highest recorded (NULL in an upgraded old audit table: 0)
  int64_t wait_ms = 0;
};

using TaskKey = std::pair<std::string, std::string>;  // (flow, task)

// The audit rows of run `run_id`, per task. An absent audit table is an empty history.
Result<std::map<TaskKey, TaskHistory>> load_task_history(catalog::Session& session, const std::string& audit_path,
                                                         const std::string& run_id);

// The commit that carries a txn action (app_id, txn_version).
struct TxnCommit {
  int64_t version = -1;                    // the table version it made
  std::string run_id;                      // its userMetadata's run_id ("" when it has none)
  std::string operation;                   // commitInfo.operation
  std::map<std::string, int64_t> metrics;  // commitInfo.operationMetrics
};

// Looks for that commit from the newest back, stopping at commits older than `not_before_ms`
// (the commit cannot be older than the run that made it). nullopt when the log does not hold it
// (never made, or removed by log cleanup behind a checkpoint).
Result<std::optional<TxnCommit>> find_txn_commit(const delta::DeltaTable& table, const std::string& app_id,
                                                 int64_t txn_version, int64_t not_before_ms);

// The decision for one task of a run, before it runs (see the top of this file).
struct Settlement {
  enum class Kind { kRun, kDone, kSuperseded, kRecovered };
  Kind kind = Kind::kRun;
  std::string note;                 // the audit row's `error` text (kDone, kSuperseded, kRecovered)
  std::optional<TxnCommit> commit;  // kRecovered: the task's commit, when the log still has it
};

// `target`: the task's target table, when it exists; `app_id`: the task's txn app id;
// `txn_version`: the run's; `history`: the task's audit history in this run (nullptr: none).
Result<Settlement> settle_task(const std::optional<delta::DeltaTable>& target, const std::string& app_id,
                               int64_t txn_version, const std::string& run_id, const TaskHistory* history);

}  // namespace braid::pipeline
