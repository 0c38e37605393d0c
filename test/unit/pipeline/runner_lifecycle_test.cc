// How a run starts and ends, as the runner records it: parameters no SQL uses are refused, a
// second run of a running pipeline is refused (or, allowed, records only its own work), and an
// interrupt stops the run with an audit row for every task and a resumable manifest.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "columnar/value_text.h"
#include "common/file_system.h"
#include "pipeline/run_lease.h"
#include "pipeline/run_list.h"
#include "pipeline/runner.h"
#include "support/warehouse_test.h"

namespace braid::pipeline {
namespace {

using ::braid::testing::StatusIs;
using ::testing::HasSubstr;

class RunnerLifecycleTest : public braid::testing::WarehouseTest {
 protected:
  void SetUp() override {
    WarehouseTest::SetUp();
    run("CREATE TABLE target (k BIGINT, v BIGINT) USING DELTA PARTITIONED BY (k)");
    run("CREATE TABLE totals (v BIGINT) USING DELTA");
  }

  // Flow load: 6 tasks, each MERGEs one row; flow sum, after it, appends the total.
  std::string toml() const {
    return R"toml(
[pipeline]
name = "life"
warehouse = "."
parallelism = 1

[params]
factor = 10

[flows.load]
for_each = "SELECT id AS k FROM range(6)"
stage = "SELECT CAST(:k AS BIGINT) AS k, CAST(:k * :factor AS BIGINT) AS v"
merge = "MERGE INTO target AS t USING staged AS s ON t.k = s.k WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *"

[flows.sum]
depends_on = ["load"]
stage = "SELECT sum(v) AS v FROM target"
merge = "INSERT INTO totals SELECT v FROM staged"
)toml";
  }
  PipelineConfig config() {
    auto c = parse_pipeline(toml(), (root_ / "pipeline.toml").string());
    EXPECT_OK(c.status());
    return c.ok() ? std::move(*c) : PipelineConfig{};
  }
  std::string scalar(const std::string& sql) {
    auto r = run(sql);
    if (r.batches.empty() || r.batches[0]->num_rows() == 0) return "<none>";
    return value_text(*r.batches[0]->column(0), 0, TextFlavor::kPlain);
  }
  std::string audit() const { return "delta.`" + (root_ / "_braid" / "audit").string() + "`"; }
  std::string manifest_status(const std::string& id) {
    auto manifests = read_run_manifests(*local_file_system(), runs_folder(root_.string()));
    EXPECT_OK(manifests.status());
    for (const auto& m : *manifests) {
      if (m.run_id == id) return m.status;
    }
    return "<none>";
  }
};

TEST_F(RunnerLifecycleTest, AParameterNoSqlUsesIsRefusedWithTheCloseMatch) {
  RunOptions options;
  options.params = {{"factr", "3"}};
  Runner runner(config(), options);
  EXPECT_THAT(runner.run().status(),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("--param factr: no SQL of pipeline life uses :factr (did you mean 'factor'?)")));
  Runner checker(config(), options);
  EXPECT_THAT(checker.check(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("did you mean 'factor'")));
  EXPECT_FALSE(std::filesystem::exists(root_ / "_braid")) << "a refused run writes nothing";
  // A parameter the SQL uses (in any case) is fine, and overrides the file's.
  options.params = {{"FACTOR", "3"}};
  Runner good(config(), options);
  ASSERT_OK_AND_ASSIGN(auto report, good.run());
  EXPECT_EQ(report.status, "succeeded") << report.summary();
  EXPECT_EQ(scalar("SELECT sum(v) FROM target"), "45");
}

TEST(PipelineParametersTest, EverySqlTextOfThePipelineCounts) {
  ASSERT_OK_AND_ASSIGN(auto c, parse_pipeline(R"toml(
[pipeline]
name = "p"
[flows.f]
for_each = "SELECT x FROM range(:a)"
prepare = "CREATE TABLE IF NOT EXISTS t AS SELECT :b AS x"
stage = "SELECT :c AS x"
merge = "INSERT INTO t SELECT x + :d FROM staged"
guard = "x < :e"
[[flows.f.expect]]
name = "r"
check = "x <> :F"
)toml",
                                               "p.toml"));
  EXPECT_EQ(parameters_used(c), (std::set<std::string>{"a", "b", "c", "d", "e", "f"}));
  EXPECT_OK(check_parameters_used(c, {"a", "F", "e"}));
  EXPECT_THAT(check_parameters_used(c, {"a", "g"}), StatusIs(StatusCode::kInvalidArgument, HasSubstr(":g")));
}

TEST_F(RunnerLifecycleTest, AnInterruptRecordsEveryTaskAndTheRunResumesToTheEnd) {
  Runner* self = nullptr;
  RunOptions options;
  options.run_id = "stopped";
  options.before_write = [&](const std::string& flow, const std::string& task, int) {
    // The third task is about to write: Ctrl-C now.
    if (flow == "load" && task == "k=2") self->interrupt("interrupted (SIGINT)");
    return Status::OK();
  };
  Runner runner(config(), options);
  self = &runner;
  ASSERT_OK_AND_ASSIGN(auto report, runner.run());
  EXPECT_EQ(report.status, "interrupted") << report.summary();
  ASSERT_EQ(report.tasks.size(), 7u);
  int succeeded = 0, interrupted = 0;
  for (const auto& t : report.tasks) {
    succeeded += t.status == "succeeded";
    interrupted += t.status == "interrupted";
    if (t.status == "interrupted") {
      EXPECT_THAT(t.error, HasSubstr("interrupted (SIGINT)"));
    }
    if (t.task == "k=2") {
      EXPECT_EQ(t.status, "interrupted") << "the running task is cancelled before it commits";
    }
  }
  EXPECT_EQ(succeeded + interrupted, 7);
  // The audit says what happened: a succeeded row per commit, an interrupted row per other task.
  EXPECT_EQ(scalar("SELECT count(*) FROM target"), std::to_string(succeeded));
  EXPECT_EQ(scalar("SELECT count(*) FROM " + audit() + " WHERE run_id = 'stopped' AND status = 'succeeded'"),
            std::to_string(succeeded));
  EXPECT_EQ(scalar("SELECT count(*) FROM " + audit() + " WHERE run_id = 'stopped' AND status = 'interrupted'"),
            std::to_string(interrupted));
  EXPECT_EQ(scalar("SELECT count(*) FROM " + audit() + " WHERE run_id = 'stopped' AND flow = 'sum'"), "1");
  EXPECT_EQ(manifest_status("stopped"), "interrupted");
  ASSERT_OK_AND_ASSIGN(auto leases, list_leases(*local_file_system(), runs_folder(root_.string())));
  ASSERT_EQ(leases.size(), 1u);
  EXPECT_EQ(leases[0].second, LeaseState::kReleased);

  ASSERT_OK_AND_ASSIGN(auto listed, list_runs(*session_));
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].status, "interrupted");
  EXPECT_EQ(listed[0].tasks_ok, succeeded);
  EXPECT_EQ(listed[0].tasks_interrupted, interrupted);
  EXPECT_TRUE(listed[0].ended_at_us);

  RunOptions resume;
  resume.resume = "stopped";
  std::string status_while_resuming;
  resume.before_write = [&](const std::string&, const std::string&, int) {
    auto runs = list_runs(*session_);
    if (runs.ok() && runs->size() == 1) status_while_resuming = (*runs)[0].status;
    return Status::OK();
  };
  Runner again(config(), resume);
  ASSERT_OK_AND_ASSIGN(auto resumed, again.run());
  EXPECT_EQ(status_while_resuming, "running") << "a run being resumed is running, whatever its manifest said";
  EXPECT_EQ(resumed.status, "succeeded") << resumed.summary();
  EXPECT_EQ(scalar("SELECT sum(v) FROM target"), "150");
  EXPECT_EQ(scalar("SELECT v FROM totals"), "150");
  EXPECT_EQ(scalar("SELECT count(*) FROM " + audit() + " WHERE run_id = 'stopped' AND status = 'succeeded'"), "7");
  EXPECT_EQ(scalar("SELECT count(DISTINCT flow || task) FROM " + audit() + " WHERE run_id = 'stopped' AND status = 'succeeded'"),
            "7");
  EXPECT_EQ(manifest_status("stopped"), "succeeded");
  ASSERT_OK_AND_ASSIGN(listed, list_runs(*session_));
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].status, "succeeded");
  EXPECT_EQ(listed[0].tasks_ok, 7);
  EXPECT_EQ(listed[0].tasks_interrupted, 0);
}

TEST_F(RunnerLifecycleTest, AnInterruptAfterTheLastTaskChangesNothing) {
  RunOptions options;
  Runner runner(config(), options);
  ASSERT_OK_AND_ASSIGN(auto report, runner.run());
  runner.interrupt("interrupted (SIGINT)");
  EXPECT_EQ(report.status, "succeeded");
}

TEST_F(RunnerLifecycleTest, ASecondRunOfARunningPipelineIsRefusedNamingTheFirst) {
  Status second_status;
  RunOptions options;
  options.run_id = "first";
  options.before_write = [&](const std::string&, const std::string& task, int) {
    if (task == "k=0") {
      RunOptions other;
      other.run_id = "second";
      Runner second(config(), other);
      second_status = second.run().status();
    }
    return Status::OK();
  };
  Runner first(config(), options);
  ASSERT_OK_AND_ASSIGN(auto report, first.run());
  EXPECT_EQ(report.status, "succeeded") << report.summary();
  EXPECT_THAT(second_status, StatusIs(StatusCode::kConflict, HasSubstr("pipeline life is already running")));
  EXPECT_THAT(second_status.message(), HasSubstr("run first (pid"));
  EXPECT_EQ(manifest_status("second"), "<none>") << "a refused run leaves no manifest";
  // The lease was released: the next run goes ahead.
  RunOptions next;
  Runner third(config(), next);
  ASSERT_OK_AND_ASSIGN(auto third_report, third.run());
  EXPECT_EQ(third_report.status, "succeeded");
}

TEST_F(RunnerLifecycleTest, ConcurrentRunsEachRecordOnlyTheirOwnWork) {
  RunReport newer_report;
  RunOptions options;
  options.run_id = "older";
  options.before_write = [&](const std::string&, const std::string& task, int) {
    if (task == "k=0") {
      // While the older run is at its first task, a newer run does every task.
      RunOptions other;
      other.run_id = "newer";
      other.allow_concurrent = true;
      Runner newer(config(), other);
      auto r = newer.run();
      EXPECT_OK(r.status());
      if (r.ok()) newer_report = std::move(*r);
    }
    return Status::OK();
  };
  Runner older(config(), options);
  ASSERT_OK_AND_ASSIGN(auto report, older.run());
  EXPECT_EQ(newer_report.status, "succeeded") << newer_report.summary();
  EXPECT_EQ(report.status, "succeeded") << report.summary();
  // Every task of the older run found the newer run's commit: k=0 when it came to write (the
  // newer run committed it meanwhile), the others before they started.
  for (const auto& t : report.tasks) {
    EXPECT_EQ(t.status, "skipped") << t.task;
    EXPECT_THAT(t.error, HasSubstr("already committed by run newer")) << t.task;
  }
  // Each run has a row for every one of its tasks; each succeeded row is a commit of its run.
  EXPECT_EQ(scalar("SELECT count(*) FROM " + audit() + " WHERE run_id = 'older'"), "7");
  EXPECT_EQ(scalar("SELECT count(*) FROM " + audit() + " WHERE run_id = 'older' AND status = 'succeeded'"), "0");
  EXPECT_EQ(scalar("SELECT count(*) FROM " + audit() + " WHERE run_id = 'newer' AND status = 'succeeded'"), "7");
}

}  // namespace
}  // namespace braid::pipeline
