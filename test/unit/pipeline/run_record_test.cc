// The record of a run is exactly what happened (issue 13): resume of an older run after a newer
// one, tasks whose write changed nothing, attempt numbers across resumes, quarantine that shares
// its task's outcome, every commit tagged, the audit's conflicts and wait_ms columns (and an audit
// table of the old schema), and a run record written before anything else.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "catalog/session.h"
#include "columnar/value_text.h"
#include "delta/history.h"
#include "delta/table.h"
#include "pipeline/audit.h"
#include "pipeline/runner.h"
#include "support/status_matchers.h"

namespace braid::pipeline {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class RunRecordTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "braid-run-record-XXXXXX").string();
    root_ = mkdtemp(pattern.data());
    warehouse_ = std::filesystem::absolute(root_ + "/wh").lexically_normal().string();
    std::filesystem::create_directories(warehouse_);
    auto s = catalog::Session::open(warehouse_);
    ASSERT_OK(s.status());
    session_ = std::move(*s);
    // 80 rows, k = id % 8; id 21 (k = 5) has no c.
    sql("CREATE TABLE src AS SELECT id, id % 8 AS k, id * 10 AS v, CASE WHEN id = 21 THEN NULL ELSE id END AS c "
        "FROM range(80)");
    sql("CREATE TABLE target (id BIGINT, k BIGINT, v BIGINT) USING DELTA PARTITIONED BY (k)");
  }
  void TearDown() override {
    session_.reset();
    std::filesystem::remove_all(root_);
  }

  void sql(const std::string& text) {
    auto r = session_->execute(text);
    ASSERT_TRUE(r.ok()) << text << "\n" << r.status().to_string();
  }
  // The first column of the first row, as text.
  std::string scalar(const std::string& text) {
    auto r = session_->execute(text);
    EXPECT_TRUE(r.ok()) << text << "\n" << r.status().to_string();
    if (!r.ok() || r->batches.empty() || r->batches[0]->num_rows() == 0) return "<none>";
    const auto& c = *r->batches[0]->column(0);
    return c.is_valid(0) ? value_text(c, 0, TextFlavor::kPlain) : "NULL";
  }
  // Every row, "a|b" per row, rows joined by ';'.
  std::string rows(const std::string& text) {
    auto r = session_->execute(text);
    EXPECT_TRUE(r.ok()) << text << "\n" << r.status().to_string();
    if (!r.ok()) return "<error>";
    std::string out;
    for (const auto& b : r->batches) {
      for (int64_t row = 0; row < b->num_rows(); ++row) {
        if (!out.empty()) out += ";";
        for (int c = 0; c < b->num_columns(); ++c) {
          const auto& col = *b->column(c);
          out += (c ? "|" : "") + (col.is_valid(row) ? value_text(col, row, TextFlavor::kPlain) : std::string("NULL"));
        }
      }
    }
    return out;
  }
  std::string audit() const { return "delta.`" + warehouse_ + "/_braid/audit`"; }
  std::string manifest(const std::string& run_id) const {
    std::ifstream in(warehouse_ + "/_braid/runs/" + run_id + ".json");
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }

  Result<RunReport> run(const std::string& toml, RunOptions options = {}) {
    BRAID_ASSIGN_OR_RETURN(auto config, parse_pipeline(toml, root_ + "/pipeline.toml"));
    Runner runner(std::move(config), std::move(options));
    return runner.run();
  }

  // (version, userMetadata or "<none>") of every commit of a table, oldest first; `column` 2
  // gives the operation instead.
  std::vector<std::pair<int64_t, std::string>> commits(const std::string& table, int column = 5) {
    std::vector<std::pair<int64_t, std::string>> out;
    auto t = delta::DeltaTable::open(local_file_system(), warehouse_ + "/" + table);
    EXPECT_TRUE(t.ok()) << table << ": " << t.status().to_string();
    if (!t.ok()) return out;
    auto h = delta::history(*t->store());
    EXPECT_TRUE(h.ok()) << h.status().to_string();
    if (!h.ok()) return out;
    const auto& b = **h;
    for (int64_t r = b.num_rows() - 1; r >= 0; --r) {
      const auto& meta = *b.column(column);
      out.emplace_back(std::stoll(value_text(*b.column(0), r, TextFlavor::kPlain)),
                       meta.is_valid(r) ? value_text(meta, r, TextFlavor::kPlain) : "<none>");
    }
    return out;
  }
  size_t log_files(const std::string& table) {
    const auto dir = std::filesystem::path(warehouse_) / table / "_delta_log";
    if (!std::filesystem::exists(dir)) return 0;
    return static_cast<size_t>(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator{}));
  }

  std::string root_;
  std::string warehouse_;
  std::unique_ptr<catalog::Session> session_;
};

// `bad`: the task k = bad fails (division by zero); 100: none fails. Flow `log` runs after
// `load` and appends one row (an INSERT: a second write would double it).
std::string pipeline(const std::string& load_extra = "") {
  return R"toml(
[pipeline]
name = "rec"
warehouse = "wh"
parallelism = 4

[params]
bad = 100

[sources.rows]
path = "wh/src"

[flows.load]
for_each = "SELECT DISTINCT k FROM rows ORDER BY k"
stage = "SELECT id, k, v + 1 / (k - :bad) AS v, c FROM rows WHERE k = :k"
merge = "MERGE INTO target AS t USING staged AS s ON t.id = s.id AND t.k = s.k WHEN NOT MATCHED THEN INSERT (id, k, v) VALUES (s.id, s.k, s.v)"
)toml" + load_extra + R"toml(

[[flows.load.expect]]
name = "has_c"
check = "c IS NOT NULL"
action = "quarantine"

[flows.log]
depends_on = ["load"]
prepare = "CREATE TABLE IF NOT EXISTS loads (n BIGINT) USING DELTA"
stage = "SELECT count(*) AS n FROM target"
merge = "INSERT INTO loads SELECT n FROM staged"
)toml";
}

RunOptions with(const std::string& id, bool resume, const std::string& bad = "100") {
  RunOptions o;
  (resume ? o.resume : o.run_id) = id;
  o.params.emplace_back("bad", bad);
  return o;
}

const TaskRecord* find_task(const RunReport& r, const std::string& flow, const std::string& task) {
  for (const auto& t : r.tasks) {
    if (t.flow == flow && t.task == task) return &t;
  }
  return nullptr;
}

// ---- defect 1: an older run resumed after a newer one

TEST_F(RunRecordTest, ResumingAnOlderRunAfterANewerOneRecordsItsUnfinishedTasksAsSuperseded) {
  // run-1: task k=6 fails, so flow `log` is skipped.
  ASSERT_OK_AND_ASSIGN(auto r1, run(pipeline(), with("run-1", false, "6")));
  ASSERT_EQ(r1.status, "failed") << r1.summary();
  // run-2 does everything.
  ASSERT_OK_AND_ASSIGN(auto r2, run(pipeline(), with("run-2", false)));
  ASSERT_EQ(r2.status, "succeeded") << r2.summary();
  const size_t target_commits = log_files("target"), loads_commits = log_files("loads");
  EXPECT_EQ(scalar("SELECT count(*) FROM loads"), "1");

  // run-1 resumed: k=6 and flow log were committed by run-2 only. They are superseded, not
  // "succeeded": run-1 never committed them.
  ASSERT_OK_AND_ASSIGN(auto r3, run(pipeline(), with("run-1", true)));
  EXPECT_EQ(r3.status, "succeeded") << r3.summary();
  for (const auto& [flow, task] : std::vector<std::pair<std::string, std::string>>{{"load", "k=6"}, {"log", ""}}) {
    const TaskRecord* t = find_task(r3, flow, task);
    ASSERT_NE(t, nullptr) << flow << "[" << task << "]";
    EXPECT_EQ(t->status, "skipped") << flow << "[" << task << "]";
    EXPECT_THAT(t->error, HasSubstr("superseded: already committed by run run-2")) << flow << "[" << task << "]";
  }
  EXPECT_EQ(log_files("target"), target_commits);
  EXPECT_EQ(log_files("loads"), loads_commits);
  EXPECT_EQ(scalar("SELECT count(*) FROM loads"), "1");
  EXPECT_EQ(scalar("SELECT count(*) FROM " + audit() +
                   " WHERE run_id = 'run-1' AND status = 'succeeded' AND (task = 'k=6' OR flow = 'log')"),
            "0");
  EXPECT_EQ(rows("SELECT flow, task, status FROM " + audit() +
                 " WHERE run_id = 'run-1' AND error LIKE 'superseded: already committed by run run-2%' ORDER BY flow"),
            "load|k=6|skipped;log||skipped");
  // Every succeeded row of run-1 that names a version names a commit of run-1.
  std::map<int64_t, std::string> by_version;
  for (const auto& [v, meta] : commits("target")) by_version[v] = meta;
  auto versions = session_->execute("SELECT target_version FROM " + audit() +
                                    " WHERE run_id = 'run-1' AND status = 'succeeded' AND flow = 'load'");
  ASSERT_OK(versions.status());
  int checked = 0;
  for (const auto& b : versions->batches) {
    for (int64_t r = 0; r < b->num_rows(); ++r) {
      ASSERT_TRUE(b->column(0)->is_valid(r));
      const int64_t v = std::stoll(value_text(*b->column(0), r, TextFlavor::kPlain));
      EXPECT_THAT(by_version[v], HasSubstr("\"run_id\":\"run-1\"")) << "version " << v;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 7);
  // The run record counts where its tasks stand over all its invocations.
  EXPECT_THAT(manifest("run-1"), HasSubstr(R"("tasks":{"total":9,"succeeded":7,"failed":0,"skipped":2,"interrupted":0})"));

  // A second resume finds the run finished: nothing written anywhere, the audit included.
  const size_t audit_commits = log_files("_braid/audit");
  ASSERT_OK_AND_ASSIGN(auto r4, run(pipeline(), with("run-1", true)));
  EXPECT_EQ(r4.status, "succeeded") << r4.summary();
  EXPECT_EQ(log_files("_braid/audit"), audit_commits);
  EXPECT_EQ(log_files("target"), target_commits);
}

TEST_F(RunRecordTest, ATaskALaterRunCommitsWhileThisRunWritesItIsSuperseded) {
  RunReport newer;
  RunOptions o = with("older", false);
  o.parallelism = 1;  // k=0 first, alone
  o.before_write = [&](const std::string&, const std::string& task, int) {
    if (task == "k=0") {
      // While the older run is about to write its first task, a newer run does every task.
      // (The older run holds the pipeline's lease: the newer one runs beside it.)
      RunOptions beside = with("newer", false);
      beside.allow_concurrent = true;
      Runner runner(*parse_pipeline(pipeline(), root_ + "/pipeline.toml"), std::move(beside));
      auto r = runner.run();
      EXPECT_OK(r.status());
      if (r.ok()) newer = std::move(*r);
    }
    return Status::OK();
  };
  ASSERT_OK_AND_ASSIGN(auto older, run(pipeline(), o));
  EXPECT_EQ(newer.status, "succeeded") << newer.summary();
  EXPECT_EQ(older.status, "succeeded") << older.summary();
  for (const auto& t : older.tasks) {
    EXPECT_EQ(t.status, "skipped") << t.flow << "[" << t.task << "]";
    EXPECT_THAT(t.error, HasSubstr("superseded: already committed by run newer")) << t.flow << "[" << t.task << "]";
  }
  EXPECT_EQ(scalar("SELECT count(*) FROM " + audit() + " WHERE run_id = 'older' AND status = 'skipped'"), "9");
  EXPECT_EQ(scalar("SELECT count(*) FROM " + audit() + " WHERE run_id = 'older' AND status <> 'skipped'"), "0");
  EXPECT_EQ(scalar("SELECT count(*) FROM loads"), "1");
  EXPECT_EQ(rows("SELECT _run_id, count(*) FROM load_quarantine GROUP BY _run_id"), "newer|1");
}

// ---- defect 3: tasks whose write changed nothing, and attempt numbers across resumes

TEST_F(RunRecordTest, AResumeSkipsTasksThatSucceededWithoutWritingAnything) {
  // run-0 loads every row; run-1's MERGEs then change nothing and commit nothing (flow `log`
  // still appends).
  ASSERT_OK_AND_ASSIGN(auto r0, run(pipeline(), with("run-0", false)));
  ASSERT_EQ(r0.status, "succeeded") << r0.summary();
  ASSERT_OK_AND_ASSIGN(auto r1, run(pipeline(), with("run-1", false)));
  ASSERT_EQ(r1.status, "succeeded") << r1.summary();
  for (const auto& t : r1.tasks) {
    if (t.flow == "load") {
      EXPECT_FALSE(t.target_version.has_value()) << t.task;
    }
  }
  const size_t audit_commits = log_files("_braid/audit");
  for (bool resume : {true, false}) {
    SCOPED_TRACE(resume ? "--resume" : "--run-id");
    ASSERT_OK_AND_ASSIGN(auto again, run(pipeline(), with("run-1", resume)));
    EXPECT_EQ(again.status, "succeeded") << again.summary();
    for (const auto& t : again.tasks) {
      EXPECT_EQ(t.status, "skipped") << t.flow << "[" << t.task << "]";
    }
    EXPECT_EQ(log_files("_braid/audit"), audit_commits);
  }
  EXPECT_EQ(scalar("SELECT count(*) FROM " + audit() + " WHERE run_id = 'run-1'"), "9");
  EXPECT_EQ(scalar("SELECT count(*) FROM loads"), "2");
  EXPECT_THAT(manifest("run-1"), HasSubstr(R"("tasks":{"total":9,"succeeded":9,"failed":0,"skipped":0,"interrupted":0})"));
}

TEST_F(RunRecordTest, AttemptNumbersContinueAcrossResumes) {
  ASSERT_OK_AND_ASSIGN(auto r1, run(pipeline(), with("run-1", false, "6")));
  ASSERT_EQ(r1.status, "failed");
  ASSERT_OK_AND_ASSIGN(auto r2, run(pipeline(), with("run-1", true, "6")));
  ASSERT_EQ(r2.status, "failed");
  ASSERT_OK_AND_ASSIGN(auto r3, run(pipeline(), with("run-1", true)));
  ASSERT_EQ(r3.status, "succeeded") << r3.summary();
  EXPECT_EQ(rows("SELECT attempt, status FROM " + audit() + " WHERE run_id = 'run-1' AND task = 'k=6' ORDER BY attempt"),
            "1|failed;2|failed;3|succeeded");
  EXPECT_EQ(rows("SELECT attempt, status FROM " + audit() + " WHERE run_id = 'run-1' AND flow = 'log' ORDER BY attempt"),
            "1|skipped;2|skipped;3|succeeded");
  EXPECT_EQ(scalar("SELECT count(*) FROM (SELECT flow, task, attempt FROM " + audit() +
                   " WHERE run_id = 'run-1' GROUP BY flow, task, attempt HAVING count(*) > 1)"),
            "0");
  EXPECT_EQ(scalar("SELECT count(*) FROM " + audit() + " WHERE run_id = 'run-1' AND status = 'succeeded'"), "9");
  const TaskRecord* k6 = find_task(r3, "load", "k=6");
  ASSERT_NE(k6, nullptr);
  EXPECT_EQ(k6->attempt, 3);
}

// ---- defect 4: the quarantine shares its task's outcome

TEST_F(RunRecordTest, AFailedTaskQuarantinesNothing) {
  // k=5 holds the row to quarantine (id 21); its guard fails on a row it stages for k=4.
  std::string toml = pipeline("guard = \"k = :k\"\n");
  const std::string from = "SELECT id, k, v + 1 / (k - :bad) AS v, c";
  toml.replace(toml.find(from), from.size(), "SELECT id, CASE WHEN id = 29 THEN 4 ELSE k END AS k, v, c");
  RunOptions o = with("run-1", false);
  o.params.clear();  // the stage above no longer reads :bad, and an unused --param is an error
  ASSERT_OK_AND_ASSIGN(auto r, run(toml, std::move(o)));
  EXPECT_EQ(r.status, "failed");
  const TaskRecord* k5 = find_task(r, "load", "k=5");
  ASSERT_NE(k5, nullptr);
  EXPECT_EQ(k5->status, "failed");
  EXPECT_THAT(k5->error, HasSubstr("guard"));
  EXPECT_EQ(scalar("SELECT count(*) FROM target WHERE k = 5"), "0");
  if (std::filesystem::exists(warehouse_ + "/load_quarantine")) {
    EXPECT_EQ(scalar("SELECT count(*) FROM load_quarantine"), "0");
  }
}

TEST_F(RunRecordTest, ATaskPastItsTimeoutQuarantinesNothing) {
  RunOptions o = with("run-1", false);
  o.before_write = [](const std::string&, const std::string& task, int) {
    if (task == "k=5") std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return Status::OK();
  };
  ASSERT_OK_AND_ASSIGN(auto r, run(pipeline("timeout = \"100ms\"\n"), o));
  EXPECT_EQ(r.status, "failed");
  const TaskRecord* k5 = find_task(r, "load", "k=5");
  ASSERT_NE(k5, nullptr);
  EXPECT_THAT(k5->error, HasSubstr("timeout"));
  if (std::filesystem::exists(warehouse_ + "/load_quarantine")) {
    EXPECT_EQ(scalar("SELECT count(*) FROM load_quarantine"), "0");
  }
  // A fresh run quarantines the row once.
  ASSERT_OK_AND_ASSIGN(auto r2, run(pipeline(), with("run-2", false)));
  EXPECT_EQ(r2.status, "succeeded") << r2.summary();
  EXPECT_EQ(rows("SELECT id, _run_id FROM load_quarantine"), "21|run-2");
}

TEST_F(RunRecordTest, AResumeWritesTheQuarantineOfATaskWhoseTargetCommitLandedWithoutIt) {
  // As if the process died between k=5's target commit and its quarantine commit.
  RunOptions o = with("run-1", false);
  o.after_write = [](const std::string&, const std::string& task, int) -> Status {
    if (task == "k=5") return Status::io_error("simulated crash after the target commit");
    return Status::OK();
  };
  ASSERT_OK_AND_ASSIGN(auto r1, run(pipeline(), o));
  EXPECT_EQ(r1.status, "failed");
  EXPECT_EQ(scalar("SELECT count(*) FROM target WHERE k = 5"), "9");
  if (std::filesystem::exists(warehouse_ + "/load_quarantine")) {
    EXPECT_EQ(scalar("SELECT count(*) FROM load_quarantine"), "0");
  }
  ASSERT_OK_AND_ASSIGN(auto r2, run(pipeline(), with("run-1", true)));
  EXPECT_EQ(r2.status, "succeeded") << r2.summary();
  const TaskRecord* k5 = find_task(r2, "load", "k=5");
  ASSERT_NE(k5, nullptr);
  EXPECT_EQ(k5->status, "succeeded");
  EXPECT_THAT(k5->error, HasSubstr("recovered on resume"));
  EXPECT_EQ(k5->rows_quarantined, 1);
  EXPECT_EQ(rows("SELECT id, _run_id, _task FROM load_quarantine"), "21|run-1|k=5");
  EXPECT_EQ(scalar("SELECT count(*) FROM target WHERE k = 5"), "9");
  // And again: nothing more.
  ASSERT_OK_AND_ASSIGN(auto r3, run(pipeline(), with("run-1", true)));
  EXPECT_EQ(scalar("SELECT count(*) FROM load_quarantine"), "1");
  EXPECT_EQ(scalar("SELECT count(*) FROM " + audit() + " WHERE run_id = 'run-1' AND status = 'succeeded' AND task = 'k=5'"),
            "1");
}

// ---- defect 5: every commit of a run is tagged

TEST_F(RunRecordTest, EveryCommitARunMakesCarriesItsUserMetadata) {
  const size_t before = commits("target").size();
  ASSERT_OK_AND_ASSIGN(auto r, run(pipeline(), with("run-1", false)));
  ASSERT_EQ(r.status, "succeeded") << r.summary();
  auto expect_tagged = [&](const std::string& table, size_t from, bool task_level) {
    auto all = commits(table);
    ASSERT_GT(all.size(), from) << table;
    for (size_t i = from; i < all.size(); ++i) {
      const auto& [v, meta] = all[i];
      SCOPED_TRACE(table + " version " + std::to_string(v));
      EXPECT_THAT(meta, HasSubstr("\"run_id\":\"run-1\""));
      EXPECT_THAT(meta, HasSubstr("\"pipeline\":\"rec\""));
      if (task_level) {
        EXPECT_THAT(meta, HasSubstr("\"flow\":"));
        EXPECT_THAT(meta, HasSubstr("\"task\":"));
      }
    }
  };
  expect_tagged("target", before, true);
  expect_tagged("load_quarantine", 0, true);  // its creation too
  expect_tagged("loads", 0, true);            // created by a prepare statement
  expect_tagged("_braid/audit", 0, false);
}

TEST_F(RunRecordTest, CommitsOfPrepareStatementsAreTaggedToo) {
  sql("CREATE TABLE small (n BIGINT) USING DELTA");
  for (int i = 0; i < 3; ++i) sql("INSERT INTO small VALUES (" + std::to_string(i) + ")");
  const size_t before = commits("small").size();
  std::string toml = pipeline();
  const std::string from = R"(prepare = "CREATE TABLE IF NOT EXISTS loads (n BIGINT) USING DELTA")";
  toml.replace(toml.find(from), from.size(), R"X(prepare = [
  "CREATE TABLE IF NOT EXISTS loads (n BIGINT) USING DELTA",
  "ALTER TABLE small SET TBLPROPERTIES ('owner' = 'rec')",
  "ALTER TABLE small UNSET TBLPROPERTIES ('owner')",
  "OPTIMIZE small",
  "VACUUM small RETAIN 1000 HOURS",
  "INSERT INTO small VALUES (9)",
])X");
  ASSERT_OK_AND_ASSIGN(auto r, run(toml, with("run-1", false)));
  ASSERT_EQ(r.status, "succeeded") << r.summary();
  auto all = commits("small");
  auto operations = commits("small", 2);
  ASSERT_EQ(all.size(), before + 6);  // set, unset, optimize, vacuum start and end, insert
  for (size_t i = before; i < all.size(); ++i) {
    SCOPED_TRACE(operations[i].second);
    EXPECT_THAT(all[i].second, HasSubstr("\"run_id\":\"run-1\""));
    EXPECT_THAT(all[i].second, HasSubstr("\"flow\":\"log\""));
  }
}

// ---- defect 8: conflicts and waits in the audit; an audit table of the old schema

TEST_F(RunRecordTest, TheAuditCountsConflictsAndTimeWaitedBeforeARetry) {
  RunOptions o = with("run-1", false);
  const std::string warehouse = warehouse_;
  // Between k=2's read and its commit, another writer inserts a row k=2 would insert.
  o.before_commit = [warehouse](const std::string&, const std::string& task, int attempt) -> Status {
    if (task != "k=2" || attempt != 1) return Status::OK();
    BRAID_ASSIGN_OR_RETURN(auto other, catalog::Session::open(warehouse));
    return other->execute("INSERT INTO target VALUES (10, 2, 0)").status();
  };
  ASSERT_OK_AND_ASSIGN(auto r, run(pipeline("guard = \"k = :k\"\non_conflict = \"retry\"\n"), o));
  ASSERT_EQ(r.status, "succeeded") << r.summary();
  EXPECT_EQ(rows("SELECT attempt, status, conflicts FROM " + audit() + " WHERE task = 'k=2' ORDER BY attempt"),
            "1|failed|1;2|succeeded|1");
  // The retry waited (exponential backoff with jitter: at least half the first step).
  EXPECT_GE(std::stoll(scalar("SELECT wait_ms FROM " + audit() + " WHERE task = 'k=2' AND attempt = 2")), 10);
  EXPECT_EQ(scalar("SELECT max(conflicts) FROM " + audit() + " WHERE task <> 'k=2'"), "0");
  EXPECT_EQ(scalar("SELECT count(*) FROM " + audit() + " WHERE wait_ms IS NULL OR conflicts IS NULL"), "0");
}

TEST_F(RunRecordTest, AnAuditTableOfTheOldSchemaGainsTheNewColumns) {
  // The audit table as braid wrote it before conflicts and wait_ms, with one row.
  auto db = catalog::Database::open(warehouse_);
  ASSERT_OK(db.status());
  const std::string path = audit_table_path(**db);
  std::vector<FieldPtr> old_fields;
  const SchemaPtr current = audit_schema();
  for (const auto& f : current->fields()) {
    if (f->name() != "conflicts" && f->name() != "wait_ms") old_fields.push_back(f);
  }
  ASSERT_EQ(old_fields.size(), 20u);
  auto old_schema = schema(old_fields);
  ASSERT_OK(create_table_if_absent(**db, path, old_schema));
  TaskRecord old;
  old.run_id = "old-run";
  old.pipeline = "rec";
  old.flow = "load";
  old.task = "k=0";
  old.status = "succeeded";
  ASSERT_OK_AND_ASSIGN(auto full, audit_batch({old}));
  std::vector<ColumnPtr> columns;
  for (int i = 0; i < full->num_columns(); ++i) {
    const auto& name = full->schema()->field(i)->name();
    if (name != "conflicts" && name != "wait_ms") columns.push_back(full->column(i));
  }
  ASSERT_OK_AND_ASSIGN(auto old_batch, RecordBatch::make(old_schema, 1, columns));
  ASSERT_OK_AND_ASSIGN(auto table, delta::DeltaTable::open(local_file_system(), path));
  ASSERT_OK(table.append({old_batch}).status());

  ASSERT_OK_AND_ASSIGN(auto r, run(pipeline(), with("run-1", false)));
  ASSERT_EQ(r.status, "succeeded") << r.summary();
  EXPECT_EQ(rows("SELECT run_id, conflicts, wait_ms FROM " + audit() + " WHERE run_id = 'old-run'"), "old-run|NULL|NULL");
  EXPECT_EQ(scalar("SELECT count(*) FROM " + audit() + " WHERE run_id = 'run-1' AND conflicts = 0 AND wait_ms >= 0"), "9");
  // The schema change is a commit of its own, tagged like the others.
  for (const auto& [v, meta] : commits("_braid/audit")) {
    if (v >= 2) {
      EXPECT_THAT(meta, HasSubstr("\"run_id\":\"run-1\"")) << "version " << v;
    }
  }
  auto operations = commits("_braid/audit", 2);
  ASSERT_GE(operations.size(), 3u);
  EXPECT_EQ(operations[2].second, "ADD COLUMNS");
}

TEST_F(RunRecordTest, AnAuditTableWithColumnsBraidDoesNotKnowIsRefusedByName) {
  auto db = catalog::Database::open(warehouse_);
  ASSERT_OK(db.status());
  ASSERT_OK(create_table_if_absent(**db, audit_table_path(**db), schema({field("run_id", string_type()), field("colour", string_type())})));
  ASSERT_OK_AND_ASSIGN(auto r, run(pipeline(), with("run-1", false)));
  EXPECT_EQ(r.status, "failed");
  ASSERT_FALSE(r.errors.empty()) << r.summary();
  EXPECT_THAT(r.errors[0], HasSubstr("_braid/audit"));
  EXPECT_THAT(r.errors[0], HasSubstr("colour"));
}

// ---- defect 11: the run record is written before anything else

TEST_F(RunRecordTest, ARunThatStoppedBeforeItsTasksStartedCanBeResumed) {
  std::string toml = pipeline();
  toml.replace(toml.find("path = \"wh/src\""), 15, "path = \"wh/later\"");
  auto r1 = run(toml, with("early", false));
  ASSERT_FALSE(r1.ok());
  const std::string manifest = warehouse_ + "/_braid/runs/early.json";
  ASSERT_TRUE(std::filesystem::exists(manifest)) << "no run record for a run that failed to start";
  std::ifstream in(manifest);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_THAT(text, HasSubstr("\"status\":\"failed\""));
  EXPECT_THAT(text, HasSubstr("later"));  // why
  sql("CREATE TABLE later AS SELECT * FROM src");
  ASSERT_OK_AND_ASSIGN(auto r2, run(toml, with("early", true)));
  EXPECT_EQ(r2.status, "succeeded") << r2.summary();
  EXPECT_TRUE(r2.resumed);
  EXPECT_EQ(scalar("SELECT count(*) FROM target"), "79");
}

TEST_F(RunRecordTest, AResumeOfARunThatNeverRecordedItselfSaysHowToStartIt) {
  auto r = run(pipeline(), with("never", true));
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("never"));
  EXPECT_THAT(r.status().message(), HasSubstr("--run-id never"));
  EXPECT_FALSE(std::filesystem::exists(warehouse_ + "/_braid/runs/never.json"));
}

}  // namespace
}  // namespace braid::pipeline
