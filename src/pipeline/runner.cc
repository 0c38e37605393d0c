// The pipeline runner (runner.h): the warehouse, the sources and their cache, the run's lease and
// record, scheduling (flows in dependency order; each task's attempts with retries, timeouts and
// the commit order; interrupts) and how the run ends. Its other jobs have files of their own:
// run_manifest.cc (run ids, the run's manifest), task_expansion.cc (a flow's tasks),
// task_attempt.cc (one attempt: settle, prepare, stage, expect, write), watchdog.cc (timeouts),
// dry_run.cc (the dry run and the check), run_report.cc (the report as JSON and as a summary).
#include "common/ascii.h"
#include "pipeline/runner.h"

#include <fmt/core.h>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <random>

#include "catalog/session.h"
#include "columnar/take.h"
#include "columnar/value_text.h"
#include "common/worker_pool.h"
#include "pipeline/commit_order.h"
#include "pipeline/internal/dry_run.h"
#include "pipeline/internal/run_manifest.h"
#include "pipeline/internal/task_attempt.h"
#include "pipeline/internal/task_expansion.h"
#include "pipeline/internal/wall_clock.h"
#include "pipeline/internal/watchdog.h"
#include "pipeline/run_lease.h"
#include "pipeline/run_list.h"
#include "pipeline/run_record.h"

namespace braid::pipeline {

using ascii::lower;
using internal::now_us;
using internal::TaskSpec;

struct Runner::State {
  PipelineConfig config;
  RunOptions options;
  std::shared_ptr<catalog::Database> db;
  std::unique_ptr<catalog::Session> session;
  std::vector<internal::FlowShape> shapes;
  internal::RunManifestFile manifest;  // the run id and txn version
  std::unique_ptr<internal::Watchdog> watchdog;
  std::unique_ptr<TaskGroup> group;

  mutable std::mutex mutex;  // guards everything below
  std::vector<FlowProgress> progress;
  std::vector<int> remaining;        // tasks of each flow not finished (-1: not started)
  std::vector<bool> flow_failed;
  std::vector<std::vector<TaskRecord>> finals;  // per flow, per task: the last attempt
  RunReport report;
  std::string stop_reason;           // set by fail_fast: tasks not started are skipped
  std::map<TaskKey, TaskHistory> history;  // what the audit records of this run's tasks (a resume)
  CommitOrder commit_order;
  std::mt19937_64 backoff_rng{std::random_device{}()};
  std::map<size_t, std::vector<TaskSpec>> expanded;  // tasks of flows expanded before the run started
  std::string interrupt_reason;      // set by interrupt(): tasks not finished are `interrupted`

  // interrupt(): set once; the token every task's token is a child of.
  std::atomic<bool> interrupted{false};
  CancellationToken interrupt_token = CancellationToken::make();
  // Declared last: destroyed (released, its heartbeat stopped) before what its on_lost uses.
  std::unique_ptr<RunLease> lease;

  void log(const std::string& line) {
    if (options.log) options.log(line);
  }
  // A statement's warnings (malformed CSV rows a source read dropped): logged, and in the report.
  void warn(const std::string& where, const std::vector<std::string>& warnings) {
    for (const auto& w : warnings) {
      log(fmt::format("warning: {}: {}", where, w));
      std::lock_guard lock(mutex);
      report.warnings.push_back(fmt::format("{}: {}", where, w));
    }
  }

  // ---- setup

  Status open(bool for_dry_run) {
    BRAID_RETURN_IF_ERROR(open_warehouse(for_dry_run));
    return open_sources();
  }

  // The warehouse and the session: all a run needs to record itself (start_run). A --param no
  // statement uses is refused here, before anything is recorded.
  Status open_warehouse(bool for_dry_run) {
    std::vector<std::string> given;
    for (const auto& p : options.params) given.push_back(p.first);
    BRAID_RETURN_IF_ERROR(check_parameters_used(config, given));
    // Absolute, so the audit and commit metadata name tables unambiguously.
    const std::string warehouse = std::filesystem::absolute(config.warehouse_path()).lexically_normal().string();
    auto fs = local_file_system();
    if (!for_dry_run) BRAID_RETURN_IF_ERROR(fs->create_directories(warehouse));
    BRAID_ASSIGN_OR_RETURN(db, catalog::Database::open(warehouse));
    session = std::make_unique<catalog::Session>(db, fmt::format("pipeline {}", config.name));
    if (options.memory_limit > 0) session->set_memory_limit(options.memory_limit);
    return Status::OK();
  }

  // The sources (views of the session) and the parameters.
  Status open_sources() {
    for (const auto& s : config.sources) {
      BRAID_RETURN_IF_ERROR(session->create_source_view(s.name, config.resolve(s.path), s.format, s.read_options()));
    }
    for (const auto& [name, literal] : config.params) {
      Status st = session->set_parameter_sql(name, literal);
      if (!st.ok()) return std::move(st).with_context_f("params.{}", name);
    }
    for (const auto& [name, text] : options.params) BRAID_RETURN_IF_ERROR(session->set_parameter_text(name, text));
    for (const auto& f : config.flows) shapes.push_back(internal::shape_of(f));
    progress.resize(config.flows.size());
    for (size_t i = 0; i < config.flows.size(); ++i) progress[i].flow = config.flows[i].name;
    remaining.assign(config.flows.size(), -1);
    flow_failed.assign(config.flows.size(), false);
    finals.resize(config.flows.size());
    return Status::OK();
  }

  // Replaces a source's view by its rows, decoded once (in parallel) for every task of the run.
  // When the tasks' parameters include a column of the source (for_each = "SELECT DISTINCT
  // region FROM sales"), the rows are grouped by that column into batches with statistics, so
  // each task's `WHERE region = :region` reads only its own batches instead of filtering all.
  // The rows stay counted on the session's tracker, which outlives the tasks.
  Status cache_source(const Source& s, const std::vector<std::string>& parameters) {
    const auto start = std::chrono::steady_clock::now();
    session->clear_versions_read();
    auto rows = session->execute(fmt::format("SELECT * FROM `{}`", s.name));
    if (!rows.ok()) return Status(rows.status()).with_context_f("reading source {}", s.name);
    warn(fmt::format("source {}", s.name), rows->warnings);
    auto pinned = session->versions_read();
    int cluster = -1;
    for (const auto& p : parameters) {
      for (int c = 0; c < rows->schema->num_fields() && cluster < 0; ++c) {
        if (lower(rows->schema->field(c)->name()) == lower(p)) cluster = c;
      }
    }
    int64_t n = 0;
    for (const auto& b : rows->batches) n += b->num_rows();
    std::vector<RecordBatchPtr> batches;
    std::vector<sql::BatchStats> stats;
    if (cluster < 0) {
      batches = std::move(rows->batches);
    } else {
      // Group each batch's rows by the cluster value: one batch per (input batch, value), whose
      // statistics say its one value. Input batches are released as they are regrouped.
      const size_t ncols = static_cast<size_t>(rows->schema->num_fields());
      for (auto& input : rows->batches) {
        const Column& col = *input->column(cluster);
        std::map<std::string, std::vector<int64_t>> groups;  // value text ("" + null flag) -> rows
        for (int64_t r = 0; r < col.length(); ++r) {
          groups[col.is_valid(r) ? "v" + value_text(col, r, TextFlavor::kJson) : std::string("n")].push_back(r);
        }
        for (const auto& [key, group_rows] : groups) {
          BRAID_ASSIGN_OR_RETURN(auto part, take(*input, group_rows, nullptr));
          sql::BatchStats st;
          st.min.assign(ncols, nullptr);
          st.max.assign(ncols, nullptr);
          st.nulls.assign(ncols, -1);
          const bool is_null = key == "n";
          if (!is_null) st.min[static_cast<size_t>(cluster)] = st.max[static_cast<size_t>(cluster)] = part->column(cluster)->slice(0, 1);
          st.nulls[static_cast<size_t>(cluster)] = is_null ? part->num_rows() : 0;
          batches.push_back(std::move(part));
          stats.push_back(std::move(st));
        }
        input.reset();
      }
    }
    BRAID_RETURN_IF_ERROR(session->create_rows_view(s.name, rows->schema, std::move(batches), pinned, std::move(stats)));
    log(fmt::format("source {}: {} rows read into memory{} in {} ms", s.name, n,
                    cluster < 0 ? "" : " by " + rows->schema->field(cluster)->name(),
                    std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count()));
    return Status::OK();
  }

  // Takes the pipeline's lease for the run about to start (choosing a new run's id), before
  // anything of the run is written: a run refused here leaves no trace.
  Status take_lease() {
    if (options.run_id.empty() && options.resume.empty()) options.run_id = internal::new_run_id();
    const std::string id = !options.resume.empty() ? options.resume : options.run_id;
    BRAID_RETURN_IF_ERROR(internal::check_run_id(id));
    LeaseOptions lease_options;
    lease_options.on_lost = [this, id](const LeaseHolder& holder) {
      const std::string why = fmt::format("not run: run {} took over the lease of pipeline {} (this run was presumed dead)",
                                          holder.run_id.empty() ? "?" : holder.run_id, config.name);
      log("warning: " + why.substr(9) + "; no task starts any more");
      std::lock_guard lock(mutex);
      if (stop_reason.empty()) stop_reason = why;
    };
    BRAID_ASSIGN_OR_RETURN(lease, RunLease::acquire(db->fs(), runs_folder(db->root()), config.name, id,
                                                    options.allow_concurrent, std::move(lease_options)));
    if (const auto& dead = lease->taken_over()) {
      log(fmt::format("warning: took over the lease of pipeline {} from {}, which died without ending (`braid run "
                      "--resume {}` finishes it)",
                      config.name, describe_holder(*dead, now_us()), dead->run_id));
    }
    for (const auto& other : lease->others()) {
      log(fmt::format("note: {} is running too (--allow-concurrent: each run records only its own work)",
                      describe_holder(other, now_us())));
    }
    return Status::OK();
  }

  // Chooses the run id and the txn version (run_manifest.h): a new run records itself; a
  // resumed run (or a run id that exists) reads what the audit records of its tasks.
  Status start_run() {
    BRAID_RETURN_IF_ERROR(manifest.open(db, config, options));
    if (!manifest.resumed()) return manifest.write("running", report);
    BRAID_ASSIGN_OR_RETURN(history, load_task_history(*session, audit_table_path(*db), manifest.run_id()));
    log(fmt::format("resuming run {} (tasks it committed are skipped)", manifest.run_id()));
    return Status::OK();
  }

  // ---- flows and tasks

  // The tasks of a flow: its for_each rows, evaluated in a scope of their own.
  Result<std::vector<TaskSpec>> expand(size_t flow_index) {
    return internal::expand_tasks(config.flows[flow_index], flow_index, *session,
                                  [this](const std::string& where, const std::vector<std::string>& warnings) {
                                    warn(where, warnings);
                                  });
  }

  // The task's first attempt number in this invocation: attempt numbers continue across resumes,
  // so (run_id, flow, task, attempt) is unique in the audit.
  int first_attempt(const TaskSpec& spec) const {
    auto it = history.find({spec.flow->name, spec.key});
    return it == history.end() ? 1 : it->second.last_attempt + 1;
  }

  TaskRecord base_record(const TaskSpec& spec, int attempt) const {
    TaskRecord rec;
    rec.run_id = manifest.run_id();
    rec.pipeline = config.name;
    rec.flow = spec.flow->name;
    rec.task = spec.key;
    rec.attempt = attempt;
    rec.started_at_us = now_us();
    rec.target = spec.flow->target;
    return rec;
  }

  // The pipeline opened (open()) for a dry run or a check (dry_run.h).
  internal::OpenPipeline open_pipeline() {
    return {.config = config,
            .db = *db,
            .session = *session,
            .warn = [this](const std::string& where, const std::vector<std::string>& warnings) {
              warn(where, warnings);
            }};
  }

  // What the attempts of the run's tasks share (task_attempt.h).
  internal::AttemptContext attempt_context() {
    return {.config = config,
            .options = options,
            .db = *db,
            .session = *session,
            .manifest = manifest,
            .history = history,
            .shapes = shapes,
            .commit_order = commit_order,
            .log = [this](const std::string& line) { log(line); },
            .warn = [this](const std::string& where, const std::vector<std::string>& warnings) {
              warn(where, warnings);
            }};
  }

  // Runs a task's attempts; records each in the audit.
  void run_task(const TaskSpec& spec) {
    const Flow& flow = *spec.flow;
    if (interrupted) {
      TaskRecord rec = base_record(spec, first_attempt(spec));
      rec.status = "interrupted";
      rec.error = interrupted_error("");
      rec.ended_at_us = rec.started_at_us;
      audit_interrupted(spec, {rec});
      std::lock_guard lock(mutex);
      finish_attempt_locked(spec, rec);
      return;
    }
    {
      std::lock_guard lock(mutex);
      if (!stop_reason.empty()) {
        TaskRecord rec = base_record(spec, first_attempt(spec));
        rec.status = "skipped";
        rec.error = stop_reason;
        rec.ended_at_us = rec.started_at_us;
        finish_attempt_locked(spec, rec);
        return;
      }
      progress[spec.flow_index].running++;
    }
    // Attempt numbers, conflicts and waits continue from what the audit records of this run.
    const int first = first_attempt(spec);
    auto known = history.find({flow.name, spec.key});
    const TaskHistory* earlier = known == history.end() ? nullptr : &known->second;
    int conflicts = 0;  // in this invocation
    int64_t waited_ms = earlier ? earlier->wait_ms : 0;
    // The task's hold on the commit order of its table, released however the task ends.
    struct OrderHold {
      CommitOrder& order;
      std::string table, task;
      bool held = false;
      void take() {
        order.claim(table, task);
        held = true;
      }
      ~OrderHold() {
        if (held) order.release(table, task);
      }
    } order{commit_order, internal::order_table(flow), internal::order_task(spec)};
    const internal::AttemptContext context = attempt_context();
    for (int attempt_no = first;; ++attempt_no) {
      const int tries = attempt_no - first + 1;
      TaskRecord rec = base_record(spec, attempt_no);
      rec.conflicts = (earlier ? earlier->conflicts : 0) + conflicts;
      rec.wait_ms = waited_ms;
      CancellationToken token = interrupt_token.child();
      // While another task of the run has the commit order of this table, no attempt starts.
      auto turn = commit_order.wait_turn(order.table, order.task, token);
      if (turn.ok()) rec.wait_ms += *turn;
      int watch = -1;
      if (flow.timeout_ms) {
        watch = watchdog->watch(token, *flow.timeout_ms,
                                fmt::format("timeout: task {}[{}] ran longer than {} ms", flow.name, spec.key, *flow.timeout_ms));
      }
      Status s = turn.status();
      std::string timing;
      if (s.ok()) {
        try {
          s = internal::TaskAttempt(context, spec, rec, token).run(timing);
        } catch (const std::bad_alloc&) {
          s = Status::out_of_memory("the task ran out of memory");
        } catch (const std::exception& e) {
          s = Status::internal("the task threw: {}", e.what());
        }
      }
      if (watch >= 0) watchdog->forget(watch);
      rec.ended_at_us = now_us();
      if (!s.ok() && s.code() == StatusCode::kConflict) rec.conflicts = (earlier ? earlier->conflicts : 0) + ++conflicts;
      if (!s.ok()) {
        rec.status = "failed";
        // The kind of failure up front, where the message may not say it.
        const char* kind = s.code() == StatusCode::kConflict      ? "conflict: "
                           : s.code() == StatusCode::kCancelled   ? "cancelled: "
                           : s.code() == StatusCode::kOutOfMemory ? "out of memory: "
                                                                  : "";
        rec.error = kind + s.to_string();
      }
      bool retry = !s.ok() && s.code() == StatusCode::kConflict && flow.retry_on_conflict &&
                   tries <= flow.max_retries;
      if (!s.ok() && interrupted && (s.code() == StatusCode::kCancelled || retry)) {
        // Stopped by the interrupt (cancelled, or not retried): the task did not finish.
        rec.status = "interrupted";
        rec.error = interrupted_error(s.code() == StatusCode::kCancelled ? "" : rec.error);
        retry = false;
      }
      if (retry) {
        rec.error += first == 1 ? fmt::format(" (retrying: attempt {} of {})", attempt_no + 1, flow.max_retries + 1)
                                : fmt::format(" (retrying: attempt {}, try {} of {} in this resume)", attempt_no + 1,
                                              tries + 1, flow.max_retries + 1);
      }
      // A task the run's record already settles writes no audit row (a resume of a finished run
      // commits nothing); a task found superseded now gets its one row.
      const bool already = rec.status == "skipped" &&
                           (rec.error.rfind("already", 0) == 0 || (earlier != nullptr && !earlier->superseded.empty()));
      if (!already) {
        Status audited = append_audit(*db, {rec});
        if (!audited.ok()) {
          std::lock_guard lock(mutex);
          report.errors.push_back(fmt::format("audit of {}[{}] attempt {}: {}", flow.name, spec.key, attempt_no, audited.to_string()));
        }
      }
      log(fmt::format("{} {}[{}] attempt {}{}{}", rec.status, flow.name, spec.key, attempt_no,
                      rec.status == "succeeded"
                          ? fmt::format(": staged {}, inserted {}, updated {}, deleted {}, version {}{}", rec.rows_staged,
                                        rec.rows_inserted, rec.rows_updated, rec.rows_deleted,
                                        rec.target_version ? std::to_string(*rec.target_version) : "-", timing)
                          : "",
                      rec.error.empty() ? "" : ": " + rec.error));
      if (retry) {
        {
          std::lock_guard lock(mutex);
          report.attempts.push_back(rec);
        }
        waited_ms = rec.wait_ms;
        if (!order.held && (conflicts >= CommitOrder::kTakeOrderAfter || tries == flow.max_retries)) {
          // Losing the race again and again (or about to make its last attempt): its turn now.
          order.take();
          log(fmt::format("{}[{}] takes the commit order of {} after {} conflict{}: the run's other tasks hold their "
                          "commits to it back until it lands",
                          flow.name, spec.key, flow.target, conflicts, conflicts == 1 ? "" : "s"));
        } else if (!order.held) {
          int64_t pause = 0;
          {
            std::lock_guard lock(mutex);
            pause = retry_backoff_ms(conflicts, backoff_rng);
          }
          const auto slept_from = std::chrono::steady_clock::now();
          // Cancelled: the next attempt finds the token cancelled and records it.
          (void)sleep_unless_cancelled(pause, interrupt_token);
          waited_ms += std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - slept_from).count();
        }
        continue;
      }
      std::lock_guard lock(mutex);
      progress[spec.flow_index].running--;
      finish_attempt_locked(spec, rec);
      return;
    }
  }

  // The error of a task the interrupt stopped; `before`: what its last attempt ended with.
  std::string interrupted_error(const std::string& before) {
    std::lock_guard lock(mutex);
    std::string text = interrupt_reason + ": the run was stopped before the task finished; nothing of it was committed";
    if (!before.empty()) text += " (its last attempt: " + before + ")";
    return text;
  }
  void audit_interrupted(const TaskSpec& spec, const std::vector<TaskRecord>& records) {
    Status audited = append_audit(*db, records);
    log(fmt::format("interrupted {}[{}]: not started", spec.flow->name, spec.key));
    if (!audited.ok()) {
      std::lock_guard lock(mutex);
      report.errors.push_back(fmt::format("audit of {}[{}]: {}", spec.flow->name, spec.key, audited.to_string()));
    }
  }

  void finish_attempt_locked(const TaskSpec& spec, const TaskRecord& rec) {
    report.attempts.push_back(rec);
    auto& p = progress[spec.flow_index];
    if (rec.status == "failed") {
      p.failed++;
      flow_failed[spec.flow_index] = true;
      if (config.fail_fast && stop_reason.empty()) {
        stop_reason = fmt::format("not run: fail_fast stopped the run after {}[{}] failed", spec.flow->name, spec.key);
      }
    } else if (rec.status == "skipped") {
      p.skipped++;
    }
    p.done++;
    p.rows_written += rec.rows_inserted + rec.rows_updated + rec.rows_deleted;
    finals[spec.flow_index][spec.index] = rec;
  }

  // Starts a flow: expands its tasks and spawns them (or skips them when a flow it depends on
  // failed). Called without the lock, from the main thread or from the task that finished the
  // last dependency.
  void launch(size_t f) {
    const Flow& flow = config.flows[f];
    std::string upstream_failed;
    {
      std::lock_guard lock(mutex);
      for (const auto& d : flow.depends_on) {
        for (size_t g = 0; g < config.flows.size(); ++g) {
          if (config.flows[g].name == d && flow_failed[g]) upstream_failed = d;
        }
      }
    }
    // After an interrupt a flow's tasks are not listed (its for_each would run): known ones get a
    // row each, an unlisted flow one row (task "").
    const bool stopped = interrupted;
    auto tasks = expanded.count(f) ? Result<std::vector<TaskSpec>>(std::move(expanded[f]))
                 : stopped         ? Result<std::vector<TaskSpec>>(Status::cancelled("interrupted"))
                                   : expand(f);
    if (!tasks.ok() || !upstream_failed.empty() || stopped) {
      TaskSpec whole;
      whole.flow = &flow;
      whole.flow_index = f;
      std::vector<TaskSpec> specs = tasks.ok() ? *tasks : std::vector<TaskSpec>{whole};
      std::vector<TaskRecord> records;
      for (auto& spec : specs) {
        TaskRecord rec = base_record(spec, first_attempt(spec));
        rec.ended_at_us = rec.started_at_us;
        if (!upstream_failed.empty()) {
          rec.status = "skipped";
          rec.error = fmt::format("not run: flow {} it depends on failed", upstream_failed);
        } else if (stopped) {
          rec.status = "interrupted";
          rec.error = interrupted_error("");
        } else {
          rec.status = "failed";
          rec.error = tasks.status().to_string();
        }
        records.push_back(rec);
      }
      Status audited = append_audit(*db, records);
      log(fmt::format("{} flow {}: {}", records[0].status, flow.name, records[0].error));
      std::unique_lock lock(mutex);
      if (!audited.ok()) report.errors.push_back(fmt::format("audit of flow {}: {}", flow.name, audited.to_string()));
      finals[f].resize(records.size());
      progress[f].tasks = static_cast<int>(records.size());
      remaining[f] = static_cast<int>(records.size());
      for (size_t i = 0; i < records.size(); ++i) {
        specs[i].index = i;
        finish_attempt_locked(specs[i], records[i]);
      }
      flow_failed[f] = true;
      remaining[f] = 0;
      complete_locked_then_launch(f, lock);
      return;
    }
    std::vector<TaskSpec> specs = std::move(*tasks);
    {
      std::unique_lock lock(mutex);
      finals[f].resize(specs.size());
      progress[f].tasks = static_cast<int>(specs.size());
      remaining[f] = static_cast<int>(specs.size());
      if (specs.empty()) {
        complete_locked_then_launch(f, lock);
        return;
      }
    }
    log(fmt::format("flow {}: {} task{}", flow.name, specs.size(), specs.size() == 1 ? "" : "s"));
    for (auto& spec : specs) {
      group->spawn([this, spec = std::move(spec)]() -> Status {
        run_task(spec);
        std::unique_lock lock(mutex);
        if (--remaining[spec.flow_index] == 0) complete_locked_then_launch(spec.flow_index, lock);
        return Status::OK();
      });
    }
  }

  // Flow `f` finished: launches every flow whose dependencies have all finished. Releases the lock.
  template <typename Lock>
  void complete_locked_then_launch(size_t f, Lock& lock) {
    std::vector<size_t> ready;
    for (size_t g = 0; g < config.flows.size(); ++g) {
      if (remaining[g] != -1) continue;  // started already
      bool all_done = true;
      bool depends = false;
      for (const auto& d : config.flows[g].depends_on) {
        for (size_t h = 0; h < config.flows.size(); ++h) {
          if (config.flows[h].name != d) continue;
          if (h == f) depends = true;
          if (remaining[h] != 0) all_done = false;
        }
      }
      if (depends && all_done) {
        remaining[g] = -2;  // launching
        ready.push_back(g);
      }
    }
    lock.unlock();
    for (size_t g : ready) launch(g);
  }
};

Runner::Runner(PipelineConfig config, RunOptions options) : state_(std::make_unique<State>()) {
  state_->config = std::move(config);
  state_->options = std::move(options);
}

Runner::~Runner() = default;

void Runner::interrupt(const std::string& reason) {
  State& s = *state_;
  {
    std::lock_guard lock(s.mutex);
    if (s.interrupted) return;
    s.interrupt_reason = reason;
    s.interrupted = true;
  }
  s.log(fmt::format("{}: no task starts any more; running tasks are cancelled", reason));
  s.interrupt_token.cancel(reason);
}

std::vector<FlowProgress> Runner::progress() const {
  std::lock_guard lock(state_->mutex);
  return state_->progress;
}

Result<RunReport> Runner::run() {
  State& s = *state_;
  s.report.started_at_us = now_us();
  // The run takes its pipeline's lease, then records itself (WAREHOUSE/_braid/runs/ID.json)
  // before it reads a source: a refused run leaves nothing, and a run stopped at any later point,
  // killed included, can be resumed by its id.
  BRAID_RETURN_IF_ERROR(s.open_warehouse(false));
  BRAID_RETURN_IF_ERROR(s.take_lease());
  BRAID_RETURN_IF_ERROR(s.start_run());
  s.report.run_id = s.manifest.run_id();
  s.report.pipeline = s.config.name;
  s.report.resumed = s.manifest.resumed();
  TaskGroup::Options group_options;
  group_options.max_concurrency = s.options.parallelism > 0 ? s.options.parallelism : s.config.parallelism;
  // Before anything slow (sources are read next), so the run can be found, resumed or named.
  s.log(fmt::format("run {} of pipeline {}: {} flow{}, parallelism {}", s.manifest.run_id(), s.config.name, s.config.flows.size(),
                    s.config.flows.size() == 1 ? "" : "s",
                    group_options.max_concurrency > 0 ? group_options.max_concurrency : WorkerPool::shared().concurrency()));
  // Reading the sources stops on an interrupt too.
  s.session->set_cancellation(s.interrupt_token);
  Status started = [&]() -> Status {
    BRAID_RETURN_IF_ERROR(s.open_sources());
    // Flows without dependencies are expanded now: their parameters tell how to lay out the
    // cached sources (the flows after them read the same cache).
    std::vector<std::string> parameters;
    for (size_t f = 0; f < s.config.flows.size(); ++f) {
      if (!s.config.flows[f].depends_on.empty()) continue;
      auto tasks = s.expand(f);
      if (!tasks.ok()) continue;  // reported when the flow is launched
      if (!tasks->empty()) {
        for (const auto& [name, value] : tasks->front().params) parameters.push_back(name);
      }
      s.expanded[f] = std::move(*tasks);
    }
    for (const auto& source : s.config.sources) {
      if (source.cache && !s.interrupted) BRAID_RETURN_IF_ERROR(s.cache_source(source, parameters));
    }
    return Status::OK();
  }();
  // Interrupted while reading the sources: every task is recorded as interrupted below.
  if (!started.ok() && !s.interrupted) {
    // The record says why the run stopped before its tasks (a resumed run keeps its status, as
    // when its tasks fail).
    if (!s.manifest.resumed()) {
      s.report.ended_at_us = now_us();
      Status m = s.manifest.write("failed", s.report, started.to_string());
      if (!m.ok()) started.with_context(fmt::format("(and recording it in its run manifest failed: {})", m.to_string()));
    }
    return started;
  }
  const std::string holder = fmt::format("run {} of pipeline {}", s.manifest.run_id(), s.config.name);
  s.session->freeze(holder);
  s.watchdog = std::make_unique<internal::Watchdog>();
  s.group = std::make_unique<TaskGroup>(WorkerPool::shared(), group_options);
  // Flows without dependencies start now; the others when their last dependency finishes.
  std::vector<size_t> roots;
  {
    std::lock_guard lock(s.mutex);
    for (size_t f = 0; f < s.config.flows.size(); ++f) {
      if (s.config.flows[f].depends_on.empty()) {
        s.remaining[f] = -2;
        roots.push_back(f);
      }
    }
  }
  for (size_t f : roots) s.launch(f);
  Status waited = s.group->wait();
  s.watchdog.reset();
  s.session->unfreeze();
  if (!waited.ok()) s.report.errors.push_back(waited.to_string());

  RunReport& r = s.report;
  for (const auto& flow_tasks : s.finals) {
    for (const auto& t : flow_tasks) r.tasks.push_back(t);
  }
  bool failed = !r.errors.empty();
  for (const auto& t : r.tasks) failed |= t.status != "succeeded" && t.status != "skipped";
  // A skipped task (not run because another failed) makes the run fail too, unless it had
  // already committed.
  for (const auto& t : r.tasks) failed |= t.status == "skipped" && t.error.rfind("not run", 0) == 0;
  // Interrupted only when the interrupt stopped a task: one that came after the last task ended
  // changed nothing.
  const bool interrupted =
      std::any_of(r.tasks.begin(), r.tasks.end(), [](const TaskRecord& t) { return t.status == "interrupted"; });
  r.status = interrupted ? "interrupted" : failed ? "failed" : "succeeded";
  r.ended_at_us = now_us();
  if (!s.manifest.resumed() || !failed || interrupted) {
    Status m = s.manifest.write(r.status, r);
    if (!m.ok()) r.errors.push_back(m.to_string());
  }
  if (s.lease) {
    Status released = s.lease->release();
    if (!released.ok()) r.warnings.push_back("releasing the run's lease: " + released.to_string());
  }
  return std::move(s.report);
}

Result<std::string> Runner::dry_run() {
  State& s = *state_;
  BRAID_RETURN_IF_ERROR(s.open(true));
  return internal::plan_dry_run(s.open_pipeline());
}

Status Runner::check() {
  State& s = *state_;
  BRAID_RETURN_IF_ERROR(s.open(true));
  return internal::check_pipeline(s.open_pipeline());
}

}  // namespace braid::pipeline
