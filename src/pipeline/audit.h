// The audit trail of pipeline runs: one record per task attempt, kept in the Delta table
// WAREHOUSE/_braid/audit so any engine can query it, and the quarantine tables
// WAREHOUSE/<flow>_quarantine that hold rows rejected by expectations.
//
// Audit columns (exact names; README, "Audit"): run_id, pipeline, flow, task, attempt, status
// (succeeded | failed | skipped | interrupted), started_at, ended_at, target, target_version, source_versions
// (map table -> version), rows_staged, rows_dropped, rows_quarantined, rows_inserted,
// rows_updated, rows_deleted, rows_unchanged, expectations (array of {name, action,
// failed_rows}), error, conflicts, wait_ms. `interrupted`: the run was stopped (Ctrl-C) before the
// task finished, and nothing of it was committed. An audit table written before conflicts and wait_ms
// existed gains them (one schema commit; its old rows read NULL there); a table with any other
// schema is refused, naming the columns that differ.
// Every commit to the audit and quarantine tables carries userMetadata naming the run.
// Thread-safety: the functions may be called from many threads at once (each append is one
// Delta transaction; tables created by racing callers are created once).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "braid/result.h"
#include "catalog/database.h"
#include "columnar/record_batch.h"
#include "delta/actions.h"

namespace braid::pipeline {

struct ExpectationOutcome {
  std::string name;
  std::string action;  // fail | drop | warn | quarantine
  int64_t failed_rows = 0;
};

// One task attempt.
struct TaskRecord {
  std::string run_id;
  std::string pipeline;
  std::string flow;
  std::string task;  // the task key: "region=us-east" (empty for a flow without for_each)
  int attempt = 1;
  std::string status;  // succeeded | failed | skipped | interrupted (the run was stopped first)
  int64_t started_at_us = 0;
  int64_t ended_at_us = 0;
  std::string target;
  std::optional<int64_t> target_version;
  std::map<std::string, int64_t> source_versions;
  int64_t rows_staged = 0;
  int64_t rows_dropped = 0;
  int64_t rows_quarantined = 0;
  int64_t rows_inserted = 0;
  int64_t rows_updated = 0;
  int64_t rows_deleted = 0;
  int64_t rows_unchanged = 0;
  std::vector<ExpectationOutcome> expectations;
  std::string error;
  // Commit conflicts the task met so far in this run (this attempt's included), and the
  // milliseconds it waited so far: backoff before retries, and commits held back while another
  // task of the run had the commit order of its table.
  int conflicts = 0;
  int64_t wait_ms = 0;
};

// The audit table's folder in a warehouse.
std::string audit_table_path(const catalog::Database& db);
SchemaPtr audit_schema();
Result<RecordBatchPtr> audit_batch(const std::vector<TaskRecord>& records);
// Appends records to the audit table, creating it when absent (and adding the columns an older
// audit table lacks). The commits' userMetadata: run_id, pipeline, and flow, task and attempt
// when every record has the same.
Status append_audit(const catalog::Database& db, const std::vector<TaskRecord>& records);

// The quarantine table of a flow: WAREHOUSE/<flow>_quarantine.
std::string quarantine_table_path(const catalog::Database& db, const std::string& flow);

// Appends rejected rows (staged columns) to WAREHOUSE/<flow>_quarantine with _run_id, _task and
// _failed_rules (array of rule names, one list per row), creating the table when absent. `txn`
// makes the write idempotent across retries and resumes; `user_metadata` tags the commit (and
// the table's creation).
Status append_quarantine(const catalog::Database& db, const std::string& flow, const std::vector<RecordBatchPtr>& rows,
                         const std::vector<std::vector<std::string>>& failed_rules, const std::string& run_id,
                         const std::string& task, const delta::SetTransaction& txn, const std::string& user_metadata);

// Creates a Delta table at `path` unless one is there; racing creators are fine (one wins, the
// others find it). `user_metadata` tags the creating commit.
Status create_table_if_absent(const catalog::Database& db, const std::string& path, const SchemaPtr& schema,
                              const std::vector<std::string>& partition_columns = {},
                              const std::optional<std::string>& user_metadata = std::nullopt);

}  // namespace braid::pipeline
