// catalog::Session scopes: task scopes (new_task) with their own views and parameters in front of
// the session's, frozen session views (freeze), views pinning the table versions they read, and
// the WriteControl a DML statement commits with (userMetadata, txn, guard).
#include "catalog/session.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <filesystem>
#include <latch>
#include <mutex>
#include <random>
#include <thread>

#include "columnar/column_builder.h"
#include "columnar/value_text.h"
#include "delta/actions.h"
#include "delta/log_store.h"
#include "support/status_matchers.h"
#include "support/warehouse_test.h"

namespace braid::catalog {
namespace {

using ::braid::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

// The rows of a query result as "a,b" text (plain flavour, NULL as "NULL").
std::vector<std::string> rows_of(const StatementResult& r) {
  std::vector<std::string> out;
  for (const auto& b : r.batches) {
    for (int64_t row = 0; row < b->num_rows(); ++row) {
      std::string line;
      for (int c = 0; c < b->num_columns(); ++c) {
        if (c > 0) line += ",";
        const Column& column = *b->column(c);
        line += column.is_valid(row) ? value_text(column, row, TextFlavor::kPlain) : "NULL";
      }
      out.push_back(std::move(line));
    }
  }
  return out;
}

class SessionScopeTest : public braid::testing::WarehouseTest {
 protected:
  // The rows of a query, or the error text (so a failure shows in the comparison).
  static std::vector<std::string> query(Session& session, const std::string& sql) {
    auto r = session.execute(sql);
    if (!r.ok()) return {"error: " + r.status().to_string_with_code()};
    return rows_of(*r);
  }
  std::vector<std::string> query(const std::string& sql) { return query(*session_, sql); }

  std::string table_folder(const std::string& name) { return session_->database().table_path(name).value_or("?"); }

  // The latest version of a table, read from its _delta_log.
  int64_t latest_version(const std::string& table) {
    delta::LogStore store(local_file_system(), table_folder(table));
    auto listing = store.list();
    if (!listing.ok() || listing->commits.empty()) return -2;
    return listing->commits.back().version;
  }
  // The actions of one commit, read from its _delta_log JSON file.
  std::vector<delta::Action> commit_actions(const std::string& table, int64_t version) {
    delta::LogStore store(local_file_system(), table_folder(table));
    auto text = store.read_commit(version);
    if (!text.ok()) return {};
    auto actions = delta::parse_actions(*text, "commit");
    if (!actions.ok()) return {};
    return *actions;
  }
  std::optional<delta::CommitInfo> commit_info(const std::string& table, int64_t version) {
    for (auto& a : commit_actions(table, version)) {
      if (auto* info = std::get_if<delta::CommitInfo>(&a)) return *info;
    }
    return std::nullopt;
  }
  std::optional<delta::SetTransaction> commit_txn(const std::string& table, int64_t version) {
    for (auto& a : commit_actions(table, version)) {
      if (auto* txn = std::get_if<delta::SetTransaction>(&a)) return *txn;
    }
    return std::nullopt;
  }
};

// ---- a) concurrent task scopes

TEST_F(SessionScopeTest, FiftyTasksEachCreateTheirOwnViewStaged) {
  constexpr int kTasks = 50;
  std::vector<std::unique_ptr<Session>> tasks;
  for (int n = 0; n < kTasks; ++n) tasks.push_back(session_->new_task("task " + std::to_string(n)));
  std::vector<std::vector<std::string>> seen(kTasks);
  std::vector<std::vector<std::string>> names(kTasks);
  std::latch start(kTasks);
  std::vector<std::thread> threads;
  for (int n = 0; n < kTasks; ++n) {
    threads.emplace_back([&, n] {
      Session& task = *tasks[static_cast<size_t>(n)];
      std::mt19937 random(static_cast<unsigned>(n));
      start.arrive_and_wait();
      auto step = [&](const std::string& what, Status s) {
        if (!s.ok()) seen[static_cast<size_t>(n)].push_back(what + ": " + s.to_string_with_code());
        return s.ok();
      };
      // Half the tasks bind their number as a parameter, half write it in the SQL.
      const std::string value = n % 2 == 0 ? std::to_string(n) : ":n";
      if (!step("set_parameter_sql", task.set_parameter_sql("n", std::to_string(n)))) return;
      auto created = task.execute("CREATE TEMPORARY VIEW staged AS SELECT " + value + " AS k, :n AS p");
      if (!step("CREATE VIEW", created.status())) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(1, 8)(random)));
      auto rows = task.execute("SELECT k, p FROM staged");
      if (!step("SELECT", rows.status())) return;
      seen[static_cast<size_t>(n)] = rows_of(*rows);
      names[static_cast<size_t>(n)] = task.view_names();
    });
  }
  for (auto& t : threads) t.join();
  for (int n = 0; n < kTasks; ++n) {
    const std::string expected = std::to_string(n) + "," + std::to_string(n);
    EXPECT_THAT(seen[static_cast<size_t>(n)], ElementsAre(expected)) << "task " << n;
    EXPECT_THAT(names[static_cast<size_t>(n)], ElementsAre("staged")) << "task " << n;
  }
  // The session never saw any of them.
  EXPECT_THAT(session_->view_names(), IsEmpty());
  EXPECT_THAT(session_->execute("SELECT k FROM staged"), StatusIs(StatusCode::kNotFound, HasSubstr("staged")));
  EXPECT_THAT(session_->execute("SELECT :n"), StatusIs(StatusCode::kNotFound, HasSubstr(":n")));
}

// ---- b) name resolution: task → session → database

TEST_F(SessionScopeTest, TaskSeesSessionViewsAndParametersAndShadowsParameters) {
  run("CREATE TABLE shared (id INT) USING DELTA");
  run("INSERT INTO shared VALUES (1), (2)");
  ASSERT_OK(session_->set_parameter_sql("region", "'eu'"));
  ASSERT_OK(session_->set_parameter_sql("limit_id", "1"));
  // A session view named like a table hides the table.
  run("CREATE TEMP VIEW shared AS SELECT 'view' AS id");
  run("CREATE TEMP VIEW regions AS SELECT :region AS region");
  auto task = session_->new_task("task load[region=us]");

  EXPECT_THAT(query(*task, "SELECT id FROM shared"), ElementsAre("view"));
  EXPECT_THAT(query(*task, "SELECT region FROM regions"), ElementsAre("eu"));
  EXPECT_THAT(query(*task, "SELECT :region, :limit_id"), ElementsAre("eu,1"));
  EXPECT_THAT(task->view_names(), ElementsAre("regions", "shared"));

  // The task's parameter shadows the session's, for the task only.
  ASSERT_OK(task->set_parameter_sql("region", "'us'"));
  EXPECT_THAT(query(*task, "SELECT :region, :limit_id"), ElementsAre("us,1"));
  EXPECT_THAT(query("SELECT :region"), ElementsAre("eu"));
  // A parameter of the task is not the session's.
  ASSERT_OK(task->set_parameter_sql("only_task", "7"));
  EXPECT_THAT(session_->execute("SELECT :only_task"), StatusIs(StatusCode::kNotFound, HasSubstr("only_task")));

  // A task view with its own name is the task's; the session does not see it.
  run(*task, "CREATE TEMP VIEW mine AS SELECT :region AS r");
  EXPECT_THAT(query(*task, "SELECT r FROM mine"), ElementsAre("us"));
  EXPECT_THAT(session_->view_names(), ElementsAre("regions", "shared"));
  // A session view created later under the same name does not replace the task's for the task.
  run("CREATE TEMP VIEW mine AS SELECT 'session' AS r");
  EXPECT_THAT(query(*task, "SELECT r FROM mine"), ElementsAre("us"));
  EXPECT_THAT(query("SELECT r FROM mine"), ElementsAre("session"));
}

TEST_F(SessionScopeTest, TaskCannotCreateReplaceOrDropASessionView) {
  run("CREATE TEMP VIEW staged AS SELECT 1 AS k");
  auto task = session_->new_task("task merge_region[region=us-east]");
  const auto names_all = AllOf(HasSubstr("`staged`"), HasSubstr("session"), HasSubstr("task merge_region[region=us-east]"));
  EXPECT_THAT(task->execute("CREATE TEMP VIEW staged AS SELECT 2 AS k"), StatusIs(StatusCode::kInvalidArgument, names_all));
  EXPECT_THAT(task->execute("CREATE OR REPLACE TEMP VIEW staged AS SELECT 2 AS k"),
              StatusIs(StatusCode::kInvalidArgument, names_all));
  EXPECT_THAT(task->execute("CREATE TEMP VIEW IF NOT EXISTS staged AS SELECT 2 AS k"),
              StatusIs(StatusCode::kInvalidArgument, names_all));
  EXPECT_THAT(task->execute("DROP VIEW staged"), StatusIs(StatusCode::kInvalidArgument, names_all));
  // Names are case-insensitive.
  EXPECT_THAT(task->execute("CREATE TEMP VIEW STAGED AS SELECT 2 AS k"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("task merge_region[region=us-east]")));
  // Nothing changed: both scopes still read the session's view.
  EXPECT_THAT(query(*task, "SELECT k FROM staged"), ElementsAre("1"));
  EXPECT_THAT(query("SELECT k FROM staged"), ElementsAre("1"));
  EXPECT_THAT(session_->view_names(), ElementsAre("staged"));
  // A view of the task's own is the task's to replace and drop.
  run(*task, "CREATE TEMP VIEW own AS SELECT 1 AS k");
  run(*task, "CREATE OR REPLACE TEMP VIEW own AS SELECT 2 AS k");
  EXPECT_THAT(query(*task, "SELECT k FROM own"), ElementsAre("2"));
  run(*task, "DROP VIEW own");
  EXPECT_THAT(task->execute("SELECT k FROM own"), StatusIs(StatusCode::kNotFound, HasSubstr("own")));
}

// ---- c) frozen session views

TEST_F(SessionScopeTest, FrozenSessionViewsRefuseDdlNamingViewAndHolder) {
  run("CREATE TEMP VIEW kept AS SELECT 1 AS k");
  session_->freeze("run X");
  EXPECT_THAT(session_->execute("CREATE TEMP VIEW fresh AS SELECT 2 AS k"),
              StatusIs(StatusCode::kInvalidArgument, AllOf(HasSubstr("fresh"), HasSubstr("run X"))));
  EXPECT_THAT(session_->execute("CREATE OR REPLACE TEMP VIEW kept AS SELECT 2 AS k"),
              StatusIs(StatusCode::kInvalidArgument, AllOf(HasSubstr("kept"), HasSubstr("run X"))));
  EXPECT_THAT(session_->execute("DROP VIEW kept"),
              StatusIs(StatusCode::kInvalidArgument, AllOf(HasSubstr("kept"), HasSubstr("run X"))));
  EXPECT_THAT(session_->execute("DROP VIEW IF EXISTS kept"),
              StatusIs(StatusCode::kInvalidArgument, AllOf(HasSubstr("kept"), HasSubstr("run X"))));
  // Reading is not view DDL.
  EXPECT_THAT(query("SELECT k FROM kept"), ElementsAre("1"));
  EXPECT_THAT(session_->view_names(), ElementsAre("kept"));

  // Tasks still own their views while the session is frozen; a session view's name is refused
  // with both owners and the holder.
  auto task = session_->new_task("task t1");
  run(*task, "CREATE TEMP VIEW fresh AS SELECT 3 AS k");
  EXPECT_THAT(query(*task, "SELECT k FROM fresh"), ElementsAre("3"));
  EXPECT_THAT(task->execute("CREATE TEMP VIEW kept AS SELECT 3 AS k"),
              StatusIs(StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("kept"), HasSubstr("session"), HasSubstr("task t1"), HasSubstr("run X"))));

  session_->unfreeze();
  run("CREATE TEMP VIEW fresh AS SELECT 2 AS k");
  run("CREATE OR REPLACE TEMP VIEW kept AS SELECT 4 AS k");
  EXPECT_THAT(query("SELECT k FROM kept"), ElementsAre("4"));
  run("DROP VIEW kept");
  EXPECT_THAT(session_->view_names(), ElementsAre("fresh"));
}

// Freezing while a CREATE VIEW is binding its query must end in one of the two documented
// outcomes (created before the freeze, or refused naming the holder), never in an exception or a
// hang. The view reads a Delta table so binding takes long enough for freeze() to land inside it.
// (It once threw std::system_error: the re-check re-locked the view mutex it already held.)
TEST_F(SessionScopeTest, FreezeDuringCreateViewIsRefusedNotThrown) {
  run("CREATE TABLE t (id INT) USING DELTA");
  for (int i = 0; i < 5; ++i) run("INSERT INTO t VALUES (" + std::to_string(i) + ")");
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::vector<std::string> unexpected;
  int created = 0, refused = 0;
  std::thread creator([&] {
    for (int i = 0; i < 400 && !stop; ++i) {
      try {
        auto r = session_->execute("CREATE OR REPLACE TEMP VIEW v AS SELECT * FROM t WHERE id > 1");
        std::lock_guard lock(mutex);
        if (r.ok()) {
          ++created;
        } else if (r.status().code() == StatusCode::kInvalidArgument &&
                   r.status().message().find("run race") != std::string::npos) {
          ++refused;
        } else {
          unexpected.push_back(r.status().to_string_with_code());
        }
      } catch (const std::exception& e) {
        std::lock_guard lock(mutex);
        unexpected.push_back(std::string("exception: ") + e.what());
        if (unexpected.size() > 3) stop = true;
      }
    }
    stop = true;
  });
  std::mt19937 random(42);
  while (!stop) {
    session_->freeze("run race");
    std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution<int>(0, 300)(random)));
    session_->unfreeze();
    std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution<int>(0, 300)(random)));
  }
  creator.join();
  EXPECT_THAT(unexpected, IsEmpty());
  EXPECT_GT(created + refused, 0);
}

// ---- d) views pin the versions they read

TEST_F(SessionScopeTest, ViewReadsThePinnedVersionAndReportsIt) {
  run("CREATE TABLE t (id INT, v STRING) USING DELTA");
  run("INSERT INTO t VALUES (1, 'a'), (2, 'b')");  // version 1
  const std::string folder = table_folder("t");
  ASSERT_EQ(latest_version("t"), 1);

  session_->clear_versions_read();
  run("CREATE TEMP VIEW snap AS SELECT id, v FROM t");
  EXPECT_THAT(session_->versions_read(), ElementsAre(Pair(folder, 1)));

  // Another session writes version 2.
  auto other = Session::open(root_.string());
  ASSERT_OK(other.status());
  run(**other, "INSERT INTO t VALUES (3, 'c')");
  ASSERT_EQ(latest_version("t"), 2);

  // The table itself shows the new row; the view still reads version 1.
  session_->clear_versions_read();
  EXPECT_THAT(query("SELECT id FROM t ORDER BY id"), ElementsAre("1", "2", "3"));
  EXPECT_THAT(session_->versions_read(), ElementsAre(Pair(folder, 2)));
  session_->clear_versions_read();
  EXPECT_THAT(query("SELECT id, v FROM snap ORDER BY id"), ElementsAre("1,a", "2,b"));
  EXPECT_THAT(session_->versions_read(), ElementsAre(Pair(folder, 1)));
  // And again, with a DELETE in between: repeatable.
  run(**other, "DELETE FROM t WHERE id = 1");
  session_->clear_versions_read();
  EXPECT_THAT(query("SELECT count(*) FROM snap"), ElementsAre("2"));
  EXPECT_THAT(session_->versions_read(), ElementsAre(Pair(folder, 1)));

  // A task using the session's view reports the pinned version in its own versions_read.
  auto task = session_->new_task("task audit");
  EXPECT_THAT(query(*task, "SELECT count(*) FROM snap"), ElementsAre("2"));
  EXPECT_THAT(task->versions_read(), ElementsAre(Pair(folder, 1)));

  // Replacing the view pins the current version.
  run("CREATE OR REPLACE TEMP VIEW snap AS SELECT id, v FROM t");
  session_->clear_versions_read();
  EXPECT_THAT(query("SELECT id FROM snap ORDER BY id"), ElementsAre("2", "3"));
  EXPECT_THAT(session_->versions_read(), ElementsAre(Pair(folder, 3)));
}

// ---- e) WriteControl

TEST_F(SessionScopeTest, InsertCommitsUserMetadataAndTxnAndSkipsARerun) {
  run("CREATE TABLE t (id INT, v INT) USING DELTA");  // version 0
  run("INSERT INTO t VALUES (1, 10)");               // version 1
  sql::WriteControl control;
  control.user_metadata = "run=42 task=load";
  control.txn = delta::SetTransaction{"braid-test-app", 7, std::nullopt};
  session_->set_write_control(control);

  run("INSERT INTO t VALUES (2, 20)");
  EXPECT_EQ(session_->last_write().version, 2);
  EXPECT_FALSE(session_->last_write().skipped);
  EXPECT_EQ(session_->last_write().inserted, 1);
  EXPECT_EQ(session_->last_write().target, table_folder("t"));
  ASSERT_EQ(latest_version("t"), 2);
  auto info = commit_info("t", 2);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->user_metadata.value_or("<none>"), "run=42 task=load");
  auto txn = commit_txn("t", 2);
  ASSERT_TRUE(txn.has_value());
  EXPECT_EQ(txn->app_id, "braid-test-app");
  EXPECT_EQ(txn->version, 7);
  // DESCRIBE HISTORY shows it too (newest first).
  auto history = session_->execute("DESCRIBE HISTORY t LIMIT 1");
  ASSERT_OK(history.status());
  const int column = history->schema->field_index("userMetadata");
  ASSERT_GE(column, 0);
  ASSERT_EQ(history->batches.size(), 1u);
  ASSERT_EQ(history->batches[0]->num_rows(), 1);
  EXPECT_EQ(value_text(*history->batches[0]->column(column), 0, TextFlavor::kPlain), "run=42 task=load");

  // The same txn again: nothing written.
  run("INSERT INTO t VALUES (2, 20)");
  EXPECT_TRUE(session_->last_write().skipped);
  EXPECT_EQ(session_->last_write().version, -1);
  EXPECT_EQ(latest_version("t"), 2);
  EXPECT_THAT(query("SELECT count(*) FROM t"), ElementsAre("2"));
  // An older txn version is skipped too.
  control.txn->version = 6;
  session_->set_write_control(control);
  run("INSERT INTO t VALUES (2, 20)");
  EXPECT_TRUE(session_->last_write().skipped);
  EXPECT_EQ(latest_version("t"), 2);
  // A newer one writes.
  control.txn->version = 8;
  session_->set_write_control(control);
  run("INSERT INTO t VALUES (3, 30)");
  EXPECT_FALSE(session_->last_write().skipped);
  EXPECT_EQ(session_->last_write().version, 3);
  EXPECT_EQ(latest_version("t"), 3);
  EXPECT_THAT(query("SELECT id FROM t ORDER BY id"), ElementsAre("1", "2", "3"));
}

// A txn that was already applied writes nothing, and the statistics say so (the audit uses them).
TEST_F(SessionScopeTest, SkippedInsertReportsNoInsertedRows) {
  run("CREATE TABLE t (id INT, v INT) USING DELTA");
  sql::WriteControl control;
  control.txn = delta::SetTransaction{"app", 1, std::nullopt};
  session_->set_write_control(control);
  run("INSERT INTO t VALUES (1, 10), (2, 20)");
  EXPECT_EQ(session_->last_write().inserted, 2);
  run("INSERT INTO t VALUES (1, 10), (2, 20)");
  ASSERT_TRUE(session_->last_write().skipped);
  EXPECT_EQ(session_->last_write().inserted, 0) << "a skipped INSERT wrote nothing";
}

// A guard that refuses negative `v` and records the column names of the rows it was shown.
sql::WriteControl refuse_negative_v(std::vector<std::string>* columns, int64_t* rows_seen) {
  sql::WriteControl control;
  control.guard = [columns, rows_seen](const RecordBatch& rows) -> Status {
    if (columns->empty()) {
      for (const auto& f : rows.schema()->fields()) columns->push_back(f->name());
    }
    *rows_seen += rows.num_rows();
    const int index = rows.schema()->field_index("v");
    if (index < 0) return Status::internal("guard: no column v");
    const Column& v = *rows.column(index);
    if (v.type()->id() != TypeId::kInt32) return Status::internal("guard: v is {}, not INT", v.type()->to_string());
    for (int64_t r = 0; r < rows.num_rows(); ++r) {
      if (v.is_valid(r) && v.value<int32_t>(r) < 0) {
        return Status::invalid_argument("guard: v must not be negative, got {}", v.value<int32_t>(r));
      }
    }
    return Status::OK();
  };
  return control;
}

TEST_F(SessionScopeTest, GuardErrorAbortsInsertWithoutCommitting) {
  run("CREATE TABLE t (id INT, v INT) USING DELTA");
  run("INSERT INTO t VALUES (1, 10)");
  std::vector<std::string> columns;
  int64_t rows_seen = 0;
  session_->set_write_control(refuse_negative_v(&columns, &rows_seen));

  EXPECT_THAT(session_->execute("INSERT INTO t SELECT id, v FROM VALUES (2, 20), (3, -5) AS s(id, v)"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("v must not be negative, got -5")));
  EXPECT_EQ(latest_version("t"), 1);
  EXPECT_EQ(session_->last_write().version, -1);
  EXPECT_THAT(query("SELECT id, v FROM t"), ElementsAre("1,10"));
  // The guard saw the rows in the target's schema.
  EXPECT_THAT(columns, ElementsAre("id", "v"));
  EXPECT_EQ(rows_seen, 2);

  // Rows the guard accepts are written.
  run("INSERT INTO t VALUES (4, 40)");
  EXPECT_EQ(session_->last_write().version, 2);
  EXPECT_THAT(query("SELECT id, v FROM t ORDER BY id"), ElementsAre("1,10", "4,40"));
}

TEST_F(SessionScopeTest, GuardErrorOnUpdatedRowsAbortsMerge) {
  run("CREATE TABLE t (id INT, v INT) USING DELTA");
  run("INSERT INTO t VALUES (1, 10), (2, 20)");  // version 1
  std::vector<std::string> columns;
  int64_t rows_seen = 0;
  auto control = refuse_negative_v(&columns, &rows_seen);
  control.user_metadata = "merge run";
  session_->set_write_control(control);

  // The inserted row is fine; the updated row is not.
  EXPECT_THAT(session_->execute("MERGE INTO t USING (SELECT * FROM VALUES (1, -1), (9, 90) AS s(id, v)) AS s "
                                "ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT *"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("v must not be negative, got -1")));
  EXPECT_EQ(latest_version("t"), 1);
  EXPECT_EQ(session_->last_write().version, -1);
  EXPECT_THAT(query("SELECT id, v FROM t ORDER BY id"), ElementsAre("1,10", "2,20"));
  EXPECT_THAT(columns, ElementsAre("id", "v"));

  // An UPDATE SET computing a negative value only for the matched row is refused too.
  EXPECT_THAT(session_->execute("MERGE INTO t USING (SELECT 2 AS id) AS s ON t.id = s.id "
                                "WHEN MATCHED THEN UPDATE SET v = t.v - 100"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("got -80")));
  EXPECT_EQ(latest_version("t"), 1);

  // Accepted: the guard is shown the updated and the inserted rows, the commit carries the metadata.
  rows_seen = 0;
  run("MERGE INTO t USING (SELECT * FROM VALUES (1, 11), (9, 90) AS s(id, v)) AS s "
      "ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT *");
  EXPECT_EQ(rows_seen, 2);
  EXPECT_EQ(session_->last_write().version, 2);
  EXPECT_EQ(session_->last_write().updated, 1);
  EXPECT_EQ(session_->last_write().inserted, 1);
  EXPECT_THAT(query("SELECT id, v FROM t ORDER BY id"), ElementsAre("1,11", "2,20", "9,90"));
  auto info = commit_info("t", 2);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->operation.value_or(""), "MERGE");
  EXPECT_EQ(info->user_metadata.value_or("<none>"), "merge run");
}

TEST_F(SessionScopeTest, MergeWithACommittedTxnIsSkipped) {
  run("CREATE TABLE t (id INT, v INT) USING DELTA");
  run("INSERT INTO t VALUES (1, 10)");  // version 1
  sql::WriteControl control;
  control.txn = delta::SetTransaction{"merge-app", 3, std::nullopt};
  control.user_metadata = "first";
  session_->set_write_control(control);
  const std::string merge =
      "MERGE INTO t USING (SELECT 1 AS id, 5 AS v) AS s ON t.id = s.id "
      "WHEN MATCHED THEN UPDATE SET v = t.v + s.v";
  run(merge);
  EXPECT_EQ(session_->last_write().version, 2);
  EXPECT_FALSE(session_->last_write().skipped);
  auto txn = commit_txn("t", 2);
  ASSERT_TRUE(txn.has_value());
  EXPECT_EQ(txn->app_id, "merge-app");
  EXPECT_EQ(txn->version, 3);
  EXPECT_EQ(commit_info("t", 2).value_or(delta::CommitInfo{}).user_metadata.value_or("<none>"), "first");

  run(merge);
  EXPECT_TRUE(session_->last_write().skipped);
  EXPECT_EQ(session_->last_write().version, -1);
  EXPECT_EQ(session_->last_write().updated, 0);
  EXPECT_EQ(latest_version("t"), 2);
  EXPECT_THAT(query("SELECT v FROM t"), ElementsAre("15"));
}

}  // namespace
}  // namespace braid::catalog

namespace braid::catalog {
namespace {

// Rows in memory with per-batch statistics (a pipeline's cached source): a WHERE that the
// statistics rule out skips the batch. The test's statistics deliberately misdescribe the second
// batch, so a skipped batch shows as missing rows.
TEST(RowsViewStatsTest, BatchesTheirStatisticsRuleOutAreSkipped) {
  auto root = std::filesystem::temp_directory_path() / ("braid-rows-view-" + std::to_string(::getpid()));
  std::filesystem::create_directories(root);
  auto session = Session::open(root.string());
  ASSERT_OK(session.status());
  auto s = schema({field("k", int64()), field("v", string_type())});
  auto batch = [&](std::vector<int64_t> ks) {
    Int64Builder k(int64());
    BinaryBuilder v(string_type());
    for (int64_t x : ks) {
      k.append(x);
      v.append("row" + std::to_string(x));
    }
    return RecordBatch::make(s, static_cast<int64_t>(ks.size()), {*k.finish(), *v.finish()}).value();
  };
  auto one = [](int64_t x) {
    Int64Builder b(int64());
    b.append(x);
    return *b.finish();
  };
  std::vector<sql::BatchStats> stats(2);
  stats[0] = {{one(1), nullptr}, {one(1), nullptr}, {0, -1}};
  stats[1] = {{one(5), nullptr}, {one(5), nullptr}, {0, -1}};  // really holds k = 1 too
  ASSERT_OK((*session)->create_rows_view("cached", s, {batch({1, 1}), batch({1})}, {}, stats));
  auto count = [&](const std::string& sql) {
    auto r = (*session)->execute(sql);
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    int64_t n = 0;
    if (r.ok()) {
      for (const auto& b : r->batches) n += b->num_rows();
    }
    return n;
  };
  EXPECT_EQ(count("SELECT * FROM cached WHERE k = 1"), 2);  // the second batch was skipped
  EXPECT_EQ(count("SELECT * FROM cached WHERE k = 5"), 0);  // read, filtered: no k = 5 row
  EXPECT_EQ(count("SELECT * FROM cached"), 3);              // no predicate: every batch
  EXPECT_EQ(count("SELECT * FROM cached WHERE v = 'row1'"), 3);  // no statistics for v
  EXPECT_FALSE((*session)->create_rows_view("bad", s, {batch({1})}, {}, stats).ok());  // 2 stats, 1 batch
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace braid::catalog
