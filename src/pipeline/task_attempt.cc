// One attempt of a pipeline task: settle, prepare, stage, expect, write.
#include "pipeline/internal/task_attempt.h"

#include <fmt/core.h>

#include <algorithm>
#include <mutex>

#include "columnar/take.h"
#include "columnar/value_text.h"
#include "common/ascii.h"
#include "common/json_writer.h"
#include "delta/table.h"
#include "sql/ast.h"
#include "sql/parser.h"

namespace braid::pipeline {

using ascii::lower;

std::string task_app_id(const std::string& pipeline, const std::string& flow, const std::string& task) {
  return fmt::format("braid:{}/{}/{}", pipeline, flow, task);
}

namespace internal {

namespace {

// Up to `limit` rows of a batch as "(a=1, b='x')" for error messages.
std::string describe_rows(const RecordBatch& batch, const std::vector<int64_t>& rows, size_t limit = 3) {
  std::string out;
  for (size_t i = 0; i < rows.size() && i < limit; ++i) {
    if (!out.empty()) out += ", ";
    out += "(";
    for (int c = 0; c < batch.num_columns(); ++c) {
      if (c > 0) out += ", ";
      out += batch.schema()->field(c)->name() + "=";
      const auto& col = *batch.column(c);
      out += col.is_valid(rows[i]) ? value_text(col, rows[i], TextFlavor::kJson) : "NULL";
    }
    out += ")";
  }
  if (rows.size() > limit) out += fmt::format(" and {} more", rows.size() - limit);
  return out;
}

// A recovered task's row counts, from its commit's operationMetrics.
void record_commit_counts(const TxnCommit& commit, TaskRecord& rec) {
  rec.target_version = commit.version;
  auto metric = [&](const char* name) {
    auto it = commit.metrics.find(name);
    return it == commit.metrics.end() ? int64_t{0} : it->second;
  };
  if (commit.operation == "MERGE") {
    rec.rows_inserted = metric("numTargetRowsInserted");
    rec.rows_updated = metric("numTargetRowsUpdated");
    rec.rows_deleted = metric("numTargetRowsDeleted");
  } else if (commit.operation == "UPDATE") {
    rec.rows_updated = metric("numUpdatedRows");
  } else if (commit.operation == "DELETE") {
    rec.rows_deleted = metric("numDeletedRows");
  } else {
    rec.rows_inserted = metric("numOutputRows");
  }
}

}  // namespace

FlowShape shape_of(const Flow& flow) {
  FlowShape shape;
  auto parsed = sql::parse_statement(flow.merge);
  if (!parsed.ok()) return shape;
  if (const auto* m = (*parsed)->as<sql::Merge>()) {
    shape.is_merge = true;
    if (const auto* base = m->source->as<sql::BaseTable>()) {
      shape.merge_reads_view = !base->name.is_path() && base->name.parts.size() == 1 &&
                               lower(base->name.parts[0]) == lower(flow.view) && !base->time_travel;
    }
  }
  return shape;
}

std::optional<std::string> target_path(const catalog::Database& db, const Flow& flow) {
  static const std::string prefix = "delta.`";
  if (flow.target.rfind(prefix, 0) == 0 && flow.target.size() > prefix.size()) {
    return flow.target.substr(prefix.size(), flow.target.size() - prefix.size() - 1);
  }
  auto path = db.table_path(flow.target);
  if (!path.ok()) return std::nullopt;
  return *path;
}

std::string order_table(const Flow& flow) { return lower(flow.target); }
std::string order_task(const TaskSpec& spec) { return spec.flow->name + "[" + spec.key + "]"; }

TaskAttempt::TaskAttempt(const AttemptContext& run, const TaskSpec& spec, TaskRecord& rec,
                         const CancellationToken& token)
    : run_(run),
      spec_(spec),
      flow_(*spec.flow),
      rec_(rec),
      token_(token),
      app_id_(task_app_id(run.config.name, spec.flow->name, spec.key)) {}

Status TaskAttempt::run(std::string& timing) {
  started_at_ = std::chrono::steady_clock::now();
  BRAID_ASSIGN_OR_RETURN(bool settled, settle());
  if (settled) return Status::OK();
  BRAID_RETURN_IF_ERROR(prepare());
  BRAID_RETURN_IF_ERROR(stage());
  BRAID_RETURN_IF_ERROR(expect());
  // A recovered task was staged again for its quarantined rows only.
  if (repair_quarantine_) return write_quarantine();
  return write(timing);
}

// ---- settle

Result<bool> TaskAttempt::settle() {
  // What the run's record says of the task: done, superseded by a later run, committed by this
  // run with its audit row lost, or to run (run_record.h).
  auto known = run_.history.find({flow_.name, spec_.key});
  BRAID_ASSIGN_OR_RETURN(Settlement settled, settlement(known == run_.history.end() ? nullptr : &known->second));
  if (settled.kind == Settlement::Kind::kDone || settled.kind == Settlement::Kind::kSuperseded) {
    rec_.status = "skipped";
    rec_.error = settled.note;
    // Recorded before: the report shows the attempt that settled it.
    if (settled.kind == Settlement::Kind::kDone) rec_.attempt = known->second.last_attempt;
    return true;
  }
  if (settled.kind == Settlement::Kind::kRecovered) {
    rec_.status = "succeeded";
    rec_.error = settled.note;
    if (settled.commit) record_commit_counts(*settled.commit, rec_);
    BRAID_ASSIGN_OR_RETURN(bool quarantined, quarantine_committed());
    if (quarantined) return true;
    repair_quarantine_ = true;  // staged again, for its quarantined rows only
  }
  return false;
}

// What the run's record says of the task (run_record.h).
Result<Settlement> TaskAttempt::settlement(const TaskHistory* known) const {
  std::optional<delta::DeltaTable> target;
  if (auto path = target_path(run_.db, flow_)) {
    auto table = delta::DeltaTable::open(run_.db.fs(), *path);
    if (table.ok()) target = std::move(*table);
  }
  return settle_task(target, app_id_, run_.manifest.txn_version(), run_.manifest.run_id(), known);
}

// Whether the task's quarantined rows are committed (or it has none to quarantine).
Result<bool> TaskAttempt::quarantine_committed() const {
  const bool quarantines = std::any_of(flow_.expectations.begin(), flow_.expectations.end(),
                                       [](const Expectation& e) { return e.action == ExpectAction::kQuarantine; });
  if (!quarantines) return true;
  const std::string path = quarantine_table_path(run_.db, flow_.name);
  if (!delta::DeltaTable::exists(*run_.db.fs(), path)) return false;
  BRAID_ASSIGN_OR_RETURN(auto table, delta::DeltaTable::open(run_.db.fs(), path));
  BRAID_ASSIGN_OR_RETURN(auto snap, table.snapshot());
  auto done = snap->transaction_version(app_id_ + "/quarantine");
  return done && *done >= run_.manifest.txn_version();
}

// ---- prepare

Status TaskAttempt::prepare() {
  scope_ = run_.session.new_task(fmt::format("task {}[{}]", flow_.name, spec_.key));
  scope_->set_cancellation(token_);
  for (const auto& [name, value] : spec_.params) scope_->set_parameter(name, value);
  {
    // Tables the prepare statements create, and anything they write, are tagged like the
    // task's write.
    sql::WriteControl tagged;
    tagged.user_metadata = user_metadata({});
    scope_->set_write_control(std::move(tagged));
  }
  // A recovered task's prepare statements ran before its commit: not again.
  for (const auto& statement : repair_quarantine_ ? std::vector<std::string>{} : flow_.prepare) {
    auto done = scope_->execute(statement);
    if (!done.ok()) return Status(done.status()).with_context_f("prepare");
  }
  return token_.check();
}

// ---- stage

Status TaskAttempt::stage() {
  scope_->clear_versions_read();
  auto staged = scope_->execute(flow_.stage);
  if (!staged.ok()) return Status(staged.status()).with_context_f("stage");
  if (!staged->has_rows) return Status::invalid_argument("stage: not a query");
  staged_ = std::move(*staged);
  run_.warn(fmt::format("{}[{}] stage", flow_.name, spec_.key), staged_.warnings);
  rec_.source_versions = scope_->versions_read();
  for (const auto& b : staged_.batches) rec_.rows_staged += b->num_rows();
  staged_at_ = std::chrono::steady_clock::now();
  return token_.check();
}

// ---- expect

// Which rules each staged row fails: the rows are kept, dropped or quarantined, or the attempt
// fails.
Status TaskAttempt::expect() {
  kept_ = staged_.batches;
  if (flow_.expectations.empty()) return Status::OK();
  std::vector<catalog::Session::RowCheck> checks;
  for (const auto& e : flow_.expectations) {
    auto check = scope_->bind_row_check(e.check, staged_.schema);
    if (!check.ok()) return Status(check.status()).with_context_f("expectation '{}'", e.name);
    checks.push_back(std::move(*check));
    rec_.expectations.push_back({e.name, std::string(expect_action_name(e.action)), 0});
  }
  kept_.clear();
  for (const auto& b : staged_.batches) BRAID_RETURN_IF_ERROR(expect_batch(b, checks));
  for (const auto& q : quarantined_) rec_.rows_quarantined += q->num_rows();
  for (const auto& e : rec_.expectations) {
    if (e.failed_rows > 0 && e.action == "warn") {
      run_.log(fmt::format("warning: {}[{}]: expectation '{}' not met by {} rows (kept)", flow_.name, spec_.key,
                           e.name, e.failed_rows));
    }
  }
  return Status::OK();
}

Status TaskAttempt::expect_batch(const RecordBatchPtr& b, const std::vector<catalog::Session::RowCheck>& checks) {
  std::vector<std::vector<size_t>> failed(static_cast<size_t>(b->num_rows()));
  for (size_t k = 0; k < checks.size(); ++k) {
    BRAID_ASSIGN_OR_RETURN(auto rows, checks[k](*b));
    rec_.expectations[k].failed_rows += static_cast<int64_t>(rows.size());
    for (int64_t r : rows) failed[static_cast<size_t>(r)].push_back(k);
    if (!rows.empty() && flow_.expectations[k].action == ExpectAction::kFail) {
      return Status::invalid_argument("expectation '{}' (`{}`, action fail) is not met by staged rows, e.g. {}",
                                      flow_.expectations[k].name, flow_.expectations[k].check,
                                      describe_rows(*b, rows));
    }
  }
  std::vector<int64_t> keep_rows, quarantine_rows;
  for (size_t r = 0; r < failed.size(); ++r) {
    bool quarantine = false, drop = false;
    std::vector<std::string> names;
    for (size_t k : failed[r]) {
      quarantine |= flow_.expectations[k].action == ExpectAction::kQuarantine;
      drop |= flow_.expectations[k].action == ExpectAction::kDrop;
      names.push_back(flow_.expectations[k].name);
    }
    if (quarantine) {
      // Quarantine wins over drop: a rejected row is kept somewhere, never silently lost.
      quarantine_rows.push_back(static_cast<int64_t>(r));
      quarantined_rules_.push_back(std::move(names));
    } else if (drop) {
      ++rec_.rows_dropped;
    } else {
      keep_rows.push_back(static_cast<int64_t>(r));
    }
  }
  if (static_cast<int64_t>(keep_rows.size()) == b->num_rows()) {
    kept_.push_back(b);
  } else if (!keep_rows.empty()) {
    BRAID_ASSIGN_OR_RETURN(auto part, take(*b, keep_rows));
    kept_.push_back(std::move(part));
  }
  if (!quarantine_rows.empty()) {
    BRAID_ASSIGN_OR_RETURN(auto part, take(*b, quarantine_rows));
    quarantined_.push_back(std::move(part));
  }
  return Status::OK();
}

// ---- write

// The kept rows as the task's view, then the guarded, audited, idempotent write, then the
// quarantined rows.
Status TaskAttempt::write(std::string& timing) {
  BRAID_RETURN_IF_ERROR(scope_->create_rows_view(flow_.view, staged_.schema, kept_, rec_.source_versions));
  BRAID_ASSIGN_OR_RETURN(sql::WriteControl control, write_control());
  scope_->set_write_control(std::move(control));
  if (run_.options.before_write) BRAID_RETURN_IF_ERROR(run_.options.before_write(flow_.name, spec_.key, rec_.attempt));
  BRAID_RETURN_IF_ERROR(token_.check());
  const auto write_start = std::chrono::steady_clock::now();
  auto written = scope_->execute(flow_.merge);
  timing = fmt::format(" (stage {} ms, write {} ms)",
                       std::chrono::duration_cast<std::chrono::milliseconds>(staged_at_ - started_at_).count(),
                       std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - write_start).count());
  if (!written.ok()) return written.status();
  run_.warn(fmt::format("{}[{}] write", flow_.name, spec_.key), written->warnings);
  const sql::WriteStats& ws = scope_->last_write();
  if (!ws.target.empty()) rec_.target = ws.target;
  if (ws.version >= 0) rec_.target_version = ws.version;
  rec_.rows_inserted = ws.inserted;
  rec_.rows_updated = ws.updated;
  rec_.rows_deleted = ws.deleted;
  rec_.rows_unchanged = ws.source_unchanged;
  if (ws.skipped) {
    // The task was committed while this attempt ran: by a later run (runs at once), or by this
    // run (another process of it, or this task's own earlier attempt).
    BRAID_ASSIGN_OR_RETURN(Settlement settled, settlement(nullptr));
    rec_.status = "skipped";
    if (settled.kind == Settlement::Kind::kSuperseded) {
      rec_.error = settled.note;
      return Status::OK();
    }
    rec_.error = fmt::format("already committed by run {}: nothing written", run_.manifest.run_id());
    // The quarantined rows belong with that commit; their own txn makes this a no-op when
    // they are there already.
    return write_quarantine();
  }
  {
    Status quarantined_written =
        run_.options.after_write ? run_.options.after_write(flow_.name, spec_.key, rec_.attempt) : Status::OK();
    if (quarantined_written.ok()) quarantined_written = write_quarantine();
    if (!quarantined_written.ok()) {
      return quarantined_written.with_context(fmt::format(
          "the task's write {} but its quarantined rows were not written (a resume writes them)",
          rec_.target_version ? fmt::format("committed version {} of {}", *rec_.target_version, rec_.target)
                              : std::string("changed nothing")));
    }
  }
  BRAID_RETURN_IF_ERROR(reconcile(ws));
  rec_.status = "succeeded";
  return Status::OK();
}

// The task's commit: tagged with the run (userMetadata), idempotent (its txn), guarded, and
// held back while another task of the run has the commit order of its table.
Result<sql::WriteControl> TaskAttempt::write_control() {
  sql::WriteControl control;
  control.user_metadata = user_metadata(rec_.source_versions);
  control.txn = delta::SetTransaction{app_id_, run_.manifest.txn_version(), {}};
  BRAID_ASSIGN_OR_RETURN(control.guard, bind_guard());
  control.guard = after_commit_turn(std::move(control.guard));
  return control;
}

// The flow's guard on every row the write is about to commit; none when the flow has none.
Result<TaskAttempt::RowGuard> TaskAttempt::bind_guard() {
  if (!flow_.guard) return RowGuard{};
  auto path = target_path(run_.db, flow_);
  if (!path) return Status::not_found("target table {} does not exist", flow_.target);
  BRAID_ASSIGN_OR_RETURN(auto table, delta::DeltaTable::open(run_.db.fs(), *path));
  BRAID_ASSIGN_OR_RETURN(auto snap, table.snapshot());
  auto check = scope_->bind_row_check(*flow_.guard, snap->schema());
  if (!check.ok()) return Status(check.status()).with_context_f("guard");
  const std::string guard_text = *flow_.guard;
  return RowGuard([check = std::move(*check), guard_text](const RecordBatch& rows) -> Status {
    BRAID_ASSIGN_OR_RETURN(auto failing, check(rows));
    if (failing.empty()) return Status::OK();
    return Status::invalid_argument("guard `{}` is violated by {} row{} the task would write, e.g. {}; nothing was committed",
                                    guard_text, failing.size(), failing.size() == 1 ? "" : "s",
                                    describe_rows(rows, failing));
  });
}

// Just before the commit (the statement calls the guard with the rows it is about to write):
// wait while another task of the run has the commit order of this table, then the test hook,
// then `guard`. Statements with nothing to write commit nothing and are not held back.
// An UPDATE calls the guard from several threads at once (one per file): the first call waits,
// the others wait for it and share its outcome.
TaskAttempt::RowGuard TaskAttempt::after_commit_turn(RowGuard guard) {
  struct Once {
    std::mutex mutex;
    bool called = false;
    Status outcome;
  };
  auto hook = run_.options.before_commit;
  auto once = std::make_shared<Once>();
  return [&commit_order = run_.commit_order, guard = std::move(guard), hook, once, flow_name = flow_.name,
          key = spec_.key, table = order_table(flow_), task = order_task(spec_), attempt_no = rec_.attempt, &rec = rec_,
          &token = token_](const RecordBatch& rows) -> Status {
    {
      std::lock_guard lock(once->mutex);
      if (!once->called) {
        once->called = true;
        once->outcome = [&]() -> Status {
          BRAID_ASSIGN_OR_RETURN(int64_t waited, commit_order.wait_turn(table, task, token));
          rec.wait_ms += waited;
          return hook ? hook(flow_name, key, attempt_no) : Status::OK();
        }();
      }
      BRAID_RETURN_IF_ERROR(once->outcome);
    }
    return guard ? guard(rows) : Status::OK();
  };
}

// The quarantined rows share the outcome of the task's write: they are committed after it
// lands, in a commit of their own (its own txn, so a retry or a resume never quarantines the
// same rows twice, and a resume writes them if the process died between the two commits).
Status TaskAttempt::write_quarantine() {
  if (quarantined_.empty()) return Status::OK();
  delta::SetTransaction txn{app_id_ + "/quarantine", run_.manifest.txn_version(), {}};
  return append_quarantine(run_.db, flow_.name, quarantined_, quarantined_rules_, run_.manifest.run_id(), spec_.key,
                           txn, user_metadata(rec_.source_versions));
}

// Reconciliation: every source row is accounted for, and every staged row too.
Status TaskAttempt::reconcile(const sql::WriteStats& ws) const {
  const FlowShape& shape = run_.shapes[spec_.flow_index];
  if (!shape.is_merge) return Status::OK();
  const int64_t accounted = ws.source_updated + ws.source_deleted + ws.source_unchanged + ws.inserted + ws.source_not_inserted;
  if (accounted != ws.source_rows) {
    return Status::internal(
        "reconciliation failed: the MERGE read {} source rows but accounts for {} (updated {} + deleted {} + "
        "unchanged {} + inserted {} + not inserted {})",
        ws.source_rows, accounted, ws.source_updated, ws.source_deleted, ws.source_unchanged, ws.inserted,
        ws.source_not_inserted);
  }
  if (shape.merge_reads_view && rec_.rows_staged != ws.source_rows + rec_.rows_dropped + rec_.rows_quarantined) {
    return Status::internal("reconciliation failed: {} rows staged but {} merged + {} dropped + {} quarantined",
                            rec_.rows_staged, ws.source_rows, rec_.rows_dropped, rec_.rows_quarantined);
  }
  return Status::OK();
}

std::string TaskAttempt::user_metadata(const std::map<std::string, int64_t>& sources) const {
  JsonWriter w;
  w.begin_object();
  w.field("run_id", run_.manifest.run_id());
  w.field("pipeline", run_.config.name);
  w.field("flow", flow_.name);
  w.field("task", spec_.key);
  w.field("view", flow_.view);
  w.key("sources");
  w.begin_object();
  for (const auto& [table, version] : sources) w.field(table, version);
  w.end_object();
  w.end_object();
  return w.take();
}

}  // namespace internal
}  // namespace braid::pipeline
