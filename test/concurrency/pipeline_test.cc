// The seed scenario as a test: many tasks at once, every one naming its view `staged`, each
// MERGEing its own rows; and the runner's faults: expectations, guards, SQL errors, conflicts.
// Run in Release and under TSan (label concurrency).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <random>
#include <sstream>
#include <thread>

#include "braid/braid.h"
#include "pipeline/commit_order.h"
#include "columnar/value_text.h"
#include "support/status_matchers.h"

namespace braid::pipeline {
namespace {

using ::testing::HasSubstr;

// A fresh warehouse folder, removed afterwards.
class TempWarehouse {
 public:
  TempWarehouse() {
    std::string pattern = (std::filesystem::temp_directory_path() / "braid-pipeline-XXXXXX").string();
    root_ = mkdtemp(pattern.data());
    std::filesystem::create_directories(dir());
  }
  ~TempWarehouse() { std::filesystem::remove_all(root_); }
  std::string dir() const { return root_ + "/warehouse"; }
  const std::string& root() const { return root_; }

 private:
  std::string root_;
};

std::unique_ptr<catalog::Session> open_session(const std::string& warehouse) {
  auto session = catalog::Session::open(warehouse);
  EXPECT_TRUE(session.ok()) << session.status().to_string();
  return std::move(*session);
}

void run_sql(catalog::Session& s, const std::string& sql) {
  auto r = s.execute(sql);
  ASSERT_TRUE(r.ok()) << sql << "\n" << r.status().to_string();
}

// The first column of the first row of a query, as text.
std::string scalar(catalog::Session& s, const std::string& sql) {
  auto r = s.execute(sql);
  EXPECT_TRUE(r.ok()) << sql << "\n" << r.status().to_string();
  if (!r.ok() || r->batches.empty() || r->batches[0]->num_rows() == 0) return "<none>";
  const auto& c = *r->batches[0]->column(0);
  return c.is_valid(0) ? value_text(c, 0, TextFlavor::kPlain) : "NULL";
}

// Every row of a query, "a|b|c" per row, rows joined by ';'.
std::string rows_text(catalog::Session& s, const std::string& sql) {
  auto r = s.execute(sql);
  EXPECT_TRUE(r.ok()) << sql << "\n" << r.status().to_string();
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

Result<RunReport> run_text(const TempWarehouse& wh, const std::string& toml, RunOptions options = {}) {
  const std::string file = wh.root() + "/pipeline.toml";
  BRAID_ASSIGN_OR_RETURN(auto config, parse_pipeline(toml, file));
  Runner runner(std::move(config), std::move(options));
  return runner.run();
}

Status random_delay(int max_ms) {
  thread_local std::mt19937 rng(std::random_device{}());
  std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(0, max_ms)(rng)));
  return Status::OK();
}

// 64 keys; rows id 0..6399 with k = id % 64. Target partitioned by k.
void make_seed_tables(catalog::Session& s) {
  run_sql(s, "CREATE TABLE src AS SELECT id, id % 64 AS k, id * 10 AS v FROM range(6400)");
  run_sql(s, "CREATE TABLE target (id BIGINT, k BIGINT, v BIGINT, written_by BIGINT) USING DELTA PARTITIONED BY (k)");
}

void expect_every_row_from_its_task(catalog::Session& s) {
  EXPECT_EQ(scalar(s, "SELECT count(*) FROM target"), "6400");
  EXPECT_EQ(scalar(s, "SELECT count(DISTINCT id) FROM target"), "6400");
  // The seed bug: a task MERGEs another task's view. Here each row names the task that wrote it.
  EXPECT_EQ(scalar(s, "SELECT count(*) FROM target WHERE written_by <> k OR v <> id * 10"), "0");
}

const char* kSeedPipeline = R"(
[pipeline]
name = "seed"
warehouse = "warehouse"
parallelism = 64

[sources.src_rows]
path = "warehouse/src"

[flows.merge_k]
for_each = "SELECT DISTINCT k FROM src_rows"
stage = "SELECT id, k, v, :k AS written_by FROM src_rows WHERE k = :k"
view = "staged"
merge = "MERGE INTO target AS t USING staged AS s ON t.id = s.id AND t.k = s.k WHEN NOT MATCHED THEN INSERT *"
max_retries = 20
)";

TEST(PipelineSeedRegression, SixtyFourTasksNamingTheirViewStagedEachWriteTheirOwnRows) {
  TempWarehouse wh;
  auto s = open_session(wh.dir());
  make_seed_tables(*s);
  RunOptions options;
  options.before_write = [](const std::string&, const std::string&, int) { return random_delay(15); };
  ASSERT_OK_AND_ASSIGN(auto report, run_text(wh, kSeedPipeline, options));
  EXPECT_EQ(report.status, "succeeded") << report.summary();
  EXPECT_EQ(report.tasks.size(), 64u);
  expect_every_row_from_its_task(*s);
  // One audit row per task, each naming its own task and the source version read.
  auto audit = "delta.`" + std::filesystem::absolute(wh.dir()).lexically_normal().string() + "/_braid/audit`";
  EXPECT_EQ(scalar(*s, "SELECT count(*) FROM " + audit + " WHERE status = 'succeeded' AND rows_inserted = 100"), "64");
}

TEST(PipelineSeedRegression, ThreadsFromTheCppApiEachSeeOnlyTheirOwnView) {
  TempWarehouse wh;
  auto s = open_session(wh.dir());
  make_seed_tables(*s);
  std::vector<int64_t> keys(64);
  for (int64_t k = 0; k < 64; ++k) keys[static_cast<size_t>(k)] = k;
  // Plain std::threads, as a user would write them, each with its own task scope.
  std::vector<std::thread> threads;
  std::vector<Status> results(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    threads.emplace_back([&, i] {
      auto task = s->new_task("thread " + std::to_string(i));
      results[i] = [&]() -> Status {
        BRAID_RETURN_IF_ERROR(task->set_parameter_sql("k", std::to_string(keys[i])));
        BRAID_RETURN_IF_ERROR(
            task->execute("CREATE TEMP VIEW staged AS SELECT id, k, v, :k AS written_by FROM src WHERE k = :k").status());
        BRAID_RETURN_IF_ERROR(random_delay(15));
        for (int attempt = 0;; ++attempt) {
          auto merged = task->execute(
              "MERGE INTO target AS t USING staged AS s ON t.id = s.id AND t.k = s.k WHEN NOT MATCHED THEN INSERT *");
          if (merged.ok() || merged.status().code() != StatusCode::kConflict || attempt == 20) return merged.status();
        }
      }();
    });
  }
  for (auto& t : threads) t.join();
  for (size_t i = 0; i < results.size(); ++i) EXPECT_TRUE(results[i].ok()) << i << ": " << results[i].to_string();
  EXPECT_TRUE(s->view_names().empty());  // task views never leak into the session
  expect_every_row_from_its_task(*s);
}

TEST(PipelineSeedRegression, ForEachTaskHandsEachCallbackItsItem) {
  TempWarehouse wh;
  auto s = open_session(wh.dir());
  make_seed_tables(*s);
  std::vector<int64_t> keys;
  for (int64_t k = 0; k < 64; ++k) keys.push_back(k);
  Status st = for_each_task<int64_t>(*s, keys, 16, [](catalog::Session& task, const int64_t& k) -> Status {
    BRAID_RETURN_IF_ERROR(task.set_parameter_sql("k", std::to_string(k)));
    BRAID_RETURN_IF_ERROR(
        task.execute("CREATE TEMP VIEW staged AS SELECT id, k, v, :k AS written_by FROM src WHERE k = :k").status());
    BRAID_RETURN_IF_ERROR(random_delay(5));
    return task.execute("MERGE INTO target AS t USING staged AS s ON t.id = s.id AND t.k = s.k WHEN NOT MATCHED THEN INSERT *")
        .status();
  });
  ASSERT_OK(st);
  expect_every_row_from_its_task(*s);
}

TEST(PipelineSeedRegression, SessionViewsAreFrozenWhileTasksRun) {
  TempWarehouse wh;
  auto s = open_session(wh.dir());
  make_seed_tables(*s);
  run_sql(*s, "CREATE TEMP VIEW shared_rows AS SELECT * FROM src");
  std::vector<int> items = {1, 2, 3, 4};
  std::atomic<int> refused{0};
  ASSERT_OK(for_each_task<int>(*s, items, 4, [&](catalog::Session& task, const int& i) -> Status {
    auto replaced = task.execute("CREATE OR REPLACE TEMP VIEW shared_rows AS SELECT 1 AS x");
    if (!replaced.ok() && replaced.status().message().find("shared_rows") != std::string::npos) ++refused;
    return Status::OK();
  }));
  EXPECT_EQ(refused.load(), 4);
  EXPECT_EQ(scalar(*s, "SELECT count(*) FROM shared_rows"), "6400");
}

TEST(PipelineSeedRegression, TasksRacingToCreateATableCreateItOnce) {
  TempWarehouse wh;
  auto s = open_session(wh.dir());
  run_sql(*s, "CREATE TABLE src AS SELECT id, id % 16 AS k FROM range(160)");
  RunOptions options;
  options.before_write = [](const std::string&, const std::string&, int) { return random_delay(5); };
  ASSERT_OK_AND_ASSIGN(auto report, run_text(wh, R"toml(
[pipeline]
name = "race"
parallelism = 16
[sources.rows]
path = "warehouse/src"
[flows.load]
for_each = "SELECT DISTINCT k FROM rows"
prepare = "CREATE TABLE IF NOT EXISTS made_by_tasks (id BIGINT, k BIGINT) USING DELTA"
stage = "SELECT id, k FROM rows WHERE k = :k"
merge = "INSERT INTO made_by_tasks SELECT * FROM staged"
max_retries = 20
)toml",
                                             options));
  EXPECT_EQ(report.status, "succeeded") << report.summary();
  EXPECT_EQ(scalar(*s, "SELECT count(*) FROM made_by_tasks"), "160");
  EXPECT_EQ(scalar(*s, "SELECT count(DISTINCT id) FROM made_by_tasks"), "160");
}

// ---- faults

const char* kFaultTables = R"(
CREATE TABLE src AS SELECT id, id % 8 AS k, id * 10 AS v, CASE WHEN id = 21 THEN NULL ELSE id END AS c FROM range(80)
)";

std::string fault_pipeline(const std::string& extra_flow_keys, const std::string& stage = "",
                           const std::string& expect = "") {
  return R"(
[pipeline]
name = "faults"
warehouse = "warehouse"
parallelism = 4

[sources.rows]
path = "warehouse/src"

[flows.load]
for_each = "SELECT DISTINCT k FROM rows ORDER BY k"
stage = ")" + (stage.empty() ? std::string("SELECT id, k, v FROM rows WHERE k = :k") : stage) + R"("
merge = "MERGE INTO target AS t USING staged AS s ON t.id = s.id AND t.k = s.k WHEN NOT MATCHED THEN INSERT *"
)" + extra_flow_keys + "\n" + expect;
}

void make_fault_tables(catalog::Session& s) {
  run_sql(s, kFaultTables);
  run_sql(s, "CREATE TABLE target (id BIGINT, k BIGINT, v BIGINT) USING DELTA PARTITIONED BY (k)");
}

const TaskRecord* find_task(const RunReport& r, const std::string& key) {
  for (const auto& t : r.tasks) {
    if (t.task == key) return &t;
  }
  return nullptr;
}

TEST(PipelineFaults, AFailedExpectationFailsOnlyItsTask) {
  TempWarehouse wh;
  auto s = open_session(wh.dir());
  make_fault_tables(*s);
  ASSERT_OK_AND_ASSIGN(auto report, run_text(wh, fault_pipeline("", "SELECT id, k, v, c FROM rows WHERE k = :k",
                                                                 "[[flows.load.expect]]\nname = \"has_c\"\ncheck = \"c IS NOT NULL\"\naction = \"fail\"\n")));
  EXPECT_EQ(report.status, "failed");
  // id 21 has k = 5.
  const TaskRecord* bad = find_task(report, "k=5");
  ASSERT_NE(bad, nullptr);
  EXPECT_EQ(bad->status, "failed");
  EXPECT_THAT(bad->error, HasSubstr("has_c"));
  EXPECT_THAT(bad->error, HasSubstr("id=21"));
  int succeeded = 0;
  for (const auto& t : report.tasks) succeeded += t.status == "succeeded";
  EXPECT_EQ(succeeded, 7);
  EXPECT_EQ(scalar(*s, "SELECT count(*) FROM target"), "70");
  EXPECT_EQ(scalar(*s, "SELECT count(*) FROM target WHERE k = 5"), "0");
}

TEST(PipelineFaults, QuarantinedRowsGoToTheQuarantineTableAndDroppedRowsAreCounted) {
  TempWarehouse wh;
  auto s = open_session(wh.dir());
  make_fault_tables(*s);
  ASSERT_OK_AND_ASSIGN(auto report,
                       run_text(wh, fault_pipeline("", "SELECT id, k, v, c FROM rows WHERE k = :k",
                                                   "[[flows.load.expect]]\nname = \"has_c\"\ncheck = \"c IS NOT NULL\"\naction = \"quarantine\"\n"
                                                   "[[flows.load.expect]]\nname = \"small\"\ncheck = \"id < 78\"\naction = \"drop\"\n")));
  ASSERT_EQ(report.status, "succeeded") << report.summary();
  EXPECT_EQ(scalar(*s, "SELECT count(*) FROM target"), "77");
  EXPECT_EQ(scalar(*s, "SELECT count(*) FROM target WHERE id IN (21, 78, 79)"), "0");
  EXPECT_EQ(rows_text(*s, "SELECT id, _task, _failed_rules FROM load_quarantine"), "21|k=5|[\"has_c\"]");
  EXPECT_EQ(scalar(*s, "SELECT count(*) FROM load_quarantine WHERE _run_id = '" + report.run_id + "'"), "1");
  const TaskRecord* t5 = find_task(report, "k=5");
  ASSERT_NE(t5, nullptr);
  EXPECT_EQ(t5->rows_staged, 10);
  EXPECT_EQ(t5->rows_quarantined, 1);
  int64_t dropped = 0;
  for (const auto& t : report.tasks) dropped += t.rows_dropped;
  EXPECT_EQ(dropped, 2);
}

TEST(PipelineFaults, AGuardViolationCommitsNothingForThatTask) {
  TempWarehouse wh;
  auto s = open_session(wh.dir());
  make_fault_tables(*s);
  // Task k=3 stages a row of another partition: its guard must stop the whole task's commit.
  ASSERT_OK_AND_ASSIGN(auto report,
                       run_text(wh, fault_pipeline("guard = \"k = :k\"",
                                                   "SELECT id, CASE WHEN id = 3 THEN 4 ELSE k END AS k, v FROM rows WHERE k = :k")));
  EXPECT_EQ(report.status, "failed");
  const TaskRecord* bad = find_task(report, "k=3");
  ASSERT_NE(bad, nullptr);
  EXPECT_EQ(bad->status, "failed");
  EXPECT_THAT(bad->error, HasSubstr("guard"));
  EXPECT_THAT(bad->error, HasSubstr("id=3"));
  EXPECT_FALSE(bad->target_version.has_value());
  EXPECT_EQ(scalar(*s, "SELECT count(*) FROM target WHERE id % 8 = 3"), "0");
  EXPECT_EQ(scalar(*s, "SELECT count(*) FROM target"), "70");
}

TEST(PipelineFaults, ASqlErrorInOneTaskIsRecordedAndTheOthersContinue) {
  TempWarehouse wh;
  auto s = open_session(wh.dir());
  make_fault_tables(*s);
  ASSERT_OK_AND_ASSIGN(auto report, run_text(wh, fault_pipeline("", "SELECT id, k, v + 1 / (k - 6) AS v FROM rows WHERE k = :k")));
  EXPECT_EQ(report.status, "failed");
  const TaskRecord* bad = find_task(report, "k=6");
  ASSERT_NE(bad, nullptr);
  EXPECT_EQ(bad->status, "failed");
  EXPECT_THAT(bad->error, HasSubstr("zero"));
  EXPECT_EQ(scalar(*s, "SELECT count(*) FROM target"), "70");
  auto audit = "delta.`" + std::filesystem::absolute(wh.dir()).lexically_normal().string() + "/_braid/audit`";
  EXPECT_EQ(scalar(*s, "SELECT count(*) FROM " + audit + " WHERE status = 'failed' AND task = 'k=6' AND error LIKE '%zero%'"), "1");
}

TEST(PipelineFaults, FailFastSkipsTasksNotYetStarted) {
  TempWarehouse wh;
  auto s = open_session(wh.dir());
  make_fault_tables(*s);
  std::string toml = fault_pipeline("", "SELECT id, k, v + 1 / (k - 0) AS v FROM rows WHERE k = :k");
  toml.replace(toml.find("parallelism = 4"), 15, "parallelism = 1\nfail_fast = true");
  ASSERT_OK_AND_ASSIGN(auto report, run_text(wh, toml));
  EXPECT_EQ(report.status, "failed");
  int skipped = 0;
  for (const auto& t : report.tasks) skipped += t.status == "skipped";
  EXPECT_EQ(skipped, 7) << report.summary();
}

TEST(PipelineFaults, AConflictRetriesTheWholeTaskAndOnConflictFailGivesUp) {
  for (const bool retry : {true, false}) {
    SCOPED_TRACE(retry ? "retry" : "fail");
    TempWarehouse wh;
    auto s = open_session(wh.dir());
    make_fault_tables(*s);
    RunOptions options;
    const std::string warehouse = wh.dir();
    // Between task k=2's read of the target and its commit, another writer inserts a row with a
    // key the task read (and would insert): the rebase is not safe, so the commit conflicts. (A
    // row with a key the task did not read would not conflict: Delta's rules are per file.)
    options.before_commit = [warehouse](const std::string&, const std::string& task, int attempt) -> Status {
      if (task != "k=2" || attempt != 1) return Status::OK();
      BRAID_ASSIGN_OR_RETURN(auto other, catalog::Session::open(warehouse));
      return other->execute("INSERT INTO target VALUES (10, 2, 0)").status();
    };
    ASSERT_OK_AND_ASSIGN(auto report, run_text(wh, fault_pipeline(std::string("guard = \"k = :k\"\non_conflict = \"") +
                                                                       (retry ? "retry" : "fail") + "\""),
                                               options));
    const TaskRecord* t2 = find_task(report, "k=2");
    ASSERT_NE(t2, nullptr);
    int attempts = 0;
    for (const auto& a : report.attempts) attempts += a.task == "k=2";
    if (retry) {
      EXPECT_EQ(report.status, "succeeded") << report.summary();
      EXPECT_EQ(t2->attempt, 2);
      EXPECT_EQ(attempts, 2);
      // The retry saw the other writer's row 10 and did not insert it again.
      EXPECT_EQ(scalar(*s, "SELECT count(*) FROM target"), "80");
      EXPECT_EQ(scalar(*s, "SELECT v FROM target WHERE id = 10"), "0");
    } else {
      EXPECT_EQ(report.status, "failed");
      EXPECT_EQ(t2->status, "failed");
      EXPECT_THAT(t2->error, HasSubstr("onflict")) << t2->error;
      EXPECT_EQ(attempts, 1);
      EXPECT_EQ(scalar(*s, "SELECT count(*) FROM target"), "71");
    }
  }
}

// Issue 13, defect 8: with an unpartitioned target and MERGE ON id, every commit conflicts with
// every other task's. Here the big task (k=0) is always the slow one: its commit comes only once
// another task has committed after it read the table (or after 300 ms). Without the commit order
// it loses every race and fails after its last retry; with it, the other tasks hold their
// commits back once it has lost twice, and it lands.
TEST(PipelineFaults, ATaskThatKeepsLosingTheRaceToCommitIsGivenTheCommitOrder) {
  TempWarehouse wh;
  auto s = open_session(wh.dir());
  // Every task's ids spread over the whole range: no file statistics keep two tasks apart.
  run_sql(*s, "CREATE TABLE src AS SELECT id, CASE WHEN id % 6 <> 0 THEN 0 ELSE 1 + (id / 6) % 40 END AS k FROM range(2400)");
  run_sql(*s, "CREATE TABLE target (id BIGINT, k BIGINT) USING DELTA");
  const std::filesystem::path log_dir = std::filesystem::path(wh.dir()) / "target" / "_delta_log";
  auto commits = [log_dir] {
    int n = 0;
    for (const auto& e : std::filesystem::directory_iterator(log_dir)) n += e.path().extension() == ".json";
    return n;
  };
  std::mutex log_mutex;
  std::vector<std::string> lines;
  RunOptions options;
  options.log = [&](const std::string& line) {
    std::lock_guard lock(log_mutex);
    lines.push_back(line);
  };
  options.before_write = [](const std::string&, const std::string& task, int) {
    return task == "k=0" ? Status::OK() : random_delay(8);
  };
  options.before_commit = [&](const std::string&, const std::string& task, int) {
    if (task != "k=0") return Status::OK();
    const int seen = commits();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
    while (commits() == seen && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return Status::OK();
  };
  ASSERT_OK_AND_ASSIGN(auto report, run_text(wh, R"toml(
[pipeline]
name = "starve"
parallelism = 4
[sources.rows]
path = "warehouse/src"
[flows.load]
for_each = "SELECT DISTINCT k FROM rows ORDER BY k"
stage = "SELECT id, k FROM rows WHERE k = :k"
merge = "MERGE INTO target AS t USING staged AS s ON t.id = s.id WHEN NOT MATCHED THEN INSERT *"
max_retries = 5
)toml",
                                               options));
  const TaskRecord* big = find_task(report, "k=0");
  ASSERT_NE(big, nullptr);
  EXPECT_EQ(big->status, "succeeded") << big->error;
  EXPECT_EQ(report.status, "succeeded") << report.summary();
  EXPECT_EQ(scalar(*s, "SELECT count(*) FROM target"), "2400");
  EXPECT_GE(big->conflicts, CommitOrder::kTakeOrderAfter);
  bool took_order = false;
  for (const auto& l : lines) took_order |= l.find("load[k=0] takes the commit order of target") != std::string::npos;
  EXPECT_TRUE(took_order);
  // The tasks it held back waited, and say so.
  auto audit = "delta.`" + std::filesystem::absolute(wh.dir()).lexically_normal().string() + "/_braid/audit`";
  EXPECT_NE(scalar(*s, "SELECT count(*) FROM " + audit + " WHERE task <> 'k=0' AND wait_ms > 0"), "0");
  EXPECT_EQ(scalar(*s, "SELECT count(*) FROM " + audit + " WHERE status = 'succeeded'"), "41");
}

// An UPDATE checks its guard from one thread per file at once; the commit-order wait and the
// test hook run once per attempt all the same (TSan watches).
TEST(PipelineFaults, AnUpdateOverManyFilesChecksItsGuardFromManyThreads) {
  TempWarehouse wh;
  auto s = open_session(wh.dir());
  make_fault_tables(*s);
  for (int i = 0; i < 4; ++i) run_sql(*s, "INSERT INTO target SELECT id, k, v FROM src WHERE id % 4 = " + std::to_string(i));
  std::atomic<int> hook_calls{0};
  RunOptions options;
  options.before_commit = [&](const std::string&, const std::string&, int) {
    ++hook_calls;
    return Status::OK();
  };
  std::string toml = fault_pipeline("guard = \"k = :k\"");
  const std::string merge = toml.substr(toml.find("merge = "), toml.find('\n', toml.find("merge = ")) - toml.find("merge = "));
  toml.replace(toml.find(merge), merge.size(), "merge = \"UPDATE target SET v = v + 1 WHERE k = :k\"");
  ASSERT_OK_AND_ASSIGN(auto report, run_text(wh, toml, options));
  EXPECT_EQ(report.status, "succeeded") << report.summary();
  EXPECT_EQ(hook_calls.load(), 8);
  EXPECT_EQ(scalar(*s, "SELECT sum(v) FROM target"), scalar(*s, "SELECT sum(v) + 80 FROM src"));
}

TEST(PipelineFaults, ATaskPastItsTimeoutIsCancelledAndRecorded) {
  TempWarehouse wh;
  auto s = open_session(wh.dir());
  make_fault_tables(*s);
  RunOptions options;
  options.before_write = [](const std::string&, const std::string& task, int) {
    if (task == "k=1") std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return Status::OK();
  };
  ASSERT_OK_AND_ASSIGN(auto report, run_text(wh, fault_pipeline("timeout = \"100ms\""), options));
  EXPECT_EQ(report.status, "failed");
  const TaskRecord* slow = find_task(report, "k=1");
  ASSERT_NE(slow, nullptr);
  EXPECT_EQ(slow->status, "failed");
  EXPECT_THAT(slow->error, HasSubstr("timeout"));
  EXPECT_EQ(scalar(*s, "SELECT count(*) FROM target"), "70");
}

TEST(PipelineResume, AResumeSkipsCommittedTasksAndAFinishedRunCommitsNothing) {
  TempWarehouse wh;
  auto s = open_session(wh.dir());
  make_fault_tables(*s);
  // First run: task k=6 fails.
  RunOptions first;
  first.run_id = "run-1";
  ASSERT_OK_AND_ASSIGN(auto r1, run_text(wh, fault_pipeline("", "SELECT id, k, v + 1 / (k - 6) AS v FROM rows WHERE k = :k"), first));
  EXPECT_EQ(r1.status, "failed");
  // Resume with the stage fixed: only k=6 runs.
  RunOptions again;
  again.resume = "run-1";
  ASSERT_OK_AND_ASSIGN(auto r2, run_text(wh, fault_pipeline(""), again));
  EXPECT_EQ(r2.status, "succeeded") << r2.summary();
  int ran = 0, skipped = 0;
  for (const auto& t : r2.tasks) {
    ran += t.status == "succeeded";
    skipped += t.status == "skipped";
  }
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(skipped, 7);
  EXPECT_EQ(scalar(*s, "SELECT count(*) FROM target"), "80");
  // A resume of the finished run writes no commit anywhere.
  auto audit_dir = std::filesystem::absolute(wh.dir()) / "_braid" / "audit" / "_delta_log";
  auto count_files = [](const std::filesystem::path& p) {
    return std::distance(std::filesystem::directory_iterator(p), std::filesystem::directory_iterator{});
  };
  const auto audit_files = count_files(audit_dir);
  const auto target_files = count_files(std::filesystem::path(wh.dir()) / "target" / "_delta_log");
  ASSERT_OK_AND_ASSIGN(auto r3, run_text(wh, fault_pipeline(""), again));
  EXPECT_EQ(r3.status, "succeeded");
  for (const auto& t : r3.tasks) EXPECT_EQ(t.status, "skipped") << t.task;
  EXPECT_EQ(count_files(audit_dir), audit_files);
  EXPECT_EQ(count_files(std::filesystem::path(wh.dir()) / "target" / "_delta_log"), target_files);
}

// ---- property: a parallel run's tables equal a serial run's

// Tasks MERGE overlapping keys with "the larger value wins", which commutes: whatever order the
// commits land in (conflicts and retries included), the result is the same as one task after
// another.
void run_max_merge(const std::vector<std::vector<std::pair<int, int>>>& tasks, int parallelism, std::string& out) {
  TempWarehouse wh;
  auto s = open_session(wh.dir());
  std::string values;
  for (size_t t = 0; t < tasks.size(); ++t) {
    for (const auto& [key, value] : tasks[t]) {
      values += (values.empty() ? "" : ", ") + fmt::format("({}, {}, {})", t, key, value);
    }
  }
  run_sql(*s, "CREATE TABLE src AS SELECT * FROM (VALUES " + values + ") AS v(task, key, val)");
  run_sql(*s, "CREATE TABLE target (key BIGINT, val BIGINT) USING DELTA");
  run_sql(*s, "INSERT INTO target VALUES (0, 5), (7, 5)");
  const std::string toml = fmt::format(R"toml(
[pipeline]
name = "prop"
parallelism = {}
[sources.rows]
path = "warehouse/src"
[flows.upsert]
for_each = "SELECT DISTINCT task FROM rows"
stage = "SELECT key, max(val) AS val FROM rows WHERE task = :task GROUP BY key"
merge = """MERGE INTO target t USING staged s ON t.key = s.key
  WHEN MATCHED AND s.val > t.val THEN UPDATE SET val = s.val
  WHEN NOT MATCHED THEN INSERT (key, val) VALUES (s.key, s.val)"""
guard = "val >= 0"
max_retries = 100
)toml",
                                       parallelism);
  RunOptions options;
  options.before_commit = [](const std::string&, const std::string&, int) { return random_delay(3); };
  auto report = run_text(wh, toml, options);
  ASSERT_TRUE(report.ok()) << report.status().to_string();
  ASSERT_EQ(report->status, "succeeded") << report->summary();
  out = rows_text(*s, "SELECT key, val FROM target ORDER BY key");
  const std::string count = scalar(*s, "SELECT count(*) - count(DISTINCT key) FROM target");
  ASSERT_EQ(count, "0") << "a key was inserted twice";
}

TEST(PipelineProperty, ParallelRunEqualsSerialRun) {
  auto property = [] {
    const int n_tasks = *rc::gen::inRange(2, 7);
    std::vector<std::vector<std::pair<int, int>>> tasks;
    for (int t = 0; t < n_tasks; ++t) {
      const int rows = *rc::gen::inRange(1, 6);
      std::vector<std::pair<int, int>> r;
      for (int i = 0; i < rows; ++i) r.emplace_back(*rc::gen::inRange(0, 12), *rc::gen::inRange(0, 100));
      tasks.push_back(std::move(r));
    }
    std::string serial, parallel;
    run_max_merge(tasks, 1, serial);
    run_max_merge(tasks, n_tasks, parallel);
    RC_ASSERT(serial == parallel);
  };
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  params.maxSuccess = 12;  // each case runs two pipelines; keep the TSan run short
  rc::detail::TestMetadata metadata;
  metadata.id = "PipelineProperty.ParallelRunEqualsSerialRun";
  auto result = rc::detail::checkTestable(property, metadata, params);
  std::ostringstream message;
  rc::detail::printResultMessage(result, message);
  EXPECT_TRUE(result.template is<rc::detail::SuccessResult>()) << message.str();
}

}  // namespace
}  // namespace braid::pipeline
