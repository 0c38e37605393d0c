// MERGE rewrites only the files that hold a changed row, and reads only the files that may hold
// a match: asserted from the add/remove actions of the commit it writes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "catalog/session.h"
#include "delta/actions.h"
#include "delta/log_store.h"
#include "support/status_matchers.h"
#include "support/warehouse_test.h"

namespace braid::catalog {
namespace {

using ::braid::testing::StatusIs;
using ::testing::HasSubstr;

class MergeFilesTest : public braid::testing::WarehouseTest {
 protected:
  // The add and remove actions of the table's latest commit.
  void last_commit(const std::string& table, std::vector<delta::AddFile>& adds, std::vector<delta::RemoveFile>& removes) {
    delta::LogStore store(local_file_system(), (root_ / table).string());
    auto listing = store.list();
    ASSERT_OK(listing.status());
    auto text = store.read_commit(listing->commits.back().version);
    ASSERT_OK(text.status());
    auto actions = delta::parse_actions(*text, "commit");
    ASSERT_OK(actions.status());
    for (auto& a : *actions) {
      if (auto* add = std::get_if<delta::AddFile>(&a)) adds.push_back(*add);
      if (auto* rm = std::get_if<delta::RemoveFile>(&a)) removes.push_back(*rm);
    }
  }
};

TEST_F(MergeFilesTest, OnlyTheMatchedPartitionsFilesAreRewritten) {
  run("CREATE TABLE t (id INT, region STRING, v STRING) USING DELTA PARTITIONED BY (region)");
  for (const char* region : {"eu", "us", "apac", "latam"}) {
    run(std::string("INSERT INTO t SELECT CAST(id AS INT), '") + region + "', 'old' FROM range(100)");
  }
  run("CREATE TEMP VIEW src AS SELECT * FROM VALUES (5, 'eu', 'new'), (500, 'eu', 'ins') AS s(id, region, v)");
  auto merged = session_->execute("MERGE INTO t USING src AS s ON t.region = s.region AND t.id = s.id "
                                  "WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT *");
  ASSERT_OK(merged.status());
  // Only the eu partition's file was read: the others were ruled out by its partition values.
  EXPECT_THAT(merged->summary, HasSubstr("1 of 4 files read, 1 rewritten"));
  std::vector<delta::AddFile> adds;
  std::vector<delta::RemoveFile> removes;
  last_commit("t", adds, removes);
  ASSERT_EQ(removes.size(), 1u);
  EXPECT_THAT(removes[0].path, HasSubstr("region=eu/"));
  for (const auto& a : adds) EXPECT_THAT(a.path, HasSubstr("region=eu/"));
  auto r = session_->execute("SELECT count(*), sum(CASE WHEN v = 'new' THEN 1 ELSE 0 END), "
                             "sum(CASE WHEN v = 'ins' THEN 1 ELSE 0 END) FROM t");
  ASSERT_OK(r.status());
  ASSERT_EQ(r->batches.size(), 1u);
  EXPECT_EQ(r->batches[0]->column(0)->value<int64_t>(0), 401);
  EXPECT_EQ(r->batches[0]->column(1)->value<int64_t>(0), 1);
  EXPECT_EQ(r->batches[0]->column(2)->value<int64_t>(0), 1);
}

TEST_F(MergeFilesTest, FilesOutsideTheSourceKeyRangeAreNotTouched) {
  // Unpartitioned: four files with disjoint id ranges; the source's keys fall in one of them.
  run("CREATE TABLE t (id BIGINT, v STRING) USING DELTA");
  for (int f = 0; f < 4; ++f) {
    run("INSERT INTO t SELECT id, 'old' FROM range(" + std::to_string(f * 1000) + ", " + std::to_string(f * 1000 + 1000) + ")");
  }
  auto merged = session_->execute("MERGE INTO t USING (SELECT id, 'new' AS v FROM range(2100, 2110)) AS s ON t.id = s.id "
                                  "WHEN MATCHED THEN UPDATE SET *");
  ASSERT_OK(merged.status());
  // The key statistics (min/max of id per file) rule out three files.
  EXPECT_THAT(merged->summary, HasSubstr("1 of 4 files read, 1 rewritten"));
  std::vector<delta::AddFile> adds;
  std::vector<delta::RemoveFile> removes;
  last_commit("t", adds, removes);
  EXPECT_EQ(removes.size(), 1u);
  auto r = session_->execute("SELECT count(*) FROM t WHERE v = 'new'");
  ASSERT_OK(r.status());
  EXPECT_EQ(r->batches[0]->column(0)->value<int64_t>(0), 10);
}

TEST_F(MergeFilesTest, InsertOnlyMergeRemovesNothing) {
  run("CREATE TABLE t (id BIGINT, v STRING) USING DELTA");
  run("INSERT INTO t SELECT id, 'old' FROM range(100)");
  run("MERGE INTO t USING (SELECT id, 'new' AS v FROM range(90, 120)) AS s ON t.id = s.id "
      "WHEN NOT MATCHED THEN INSERT *");
  std::vector<delta::AddFile> adds;
  std::vector<delta::RemoveFile> removes;
  last_commit("t", adds, removes);
  EXPECT_TRUE(removes.empty());
  EXPECT_FALSE(adds.empty());
  auto r = session_->execute("SELECT count(*) FROM t");
  ASSERT_OK(r.status());
  EXPECT_EQ(r->batches[0]->column(0)->value<int64_t>(0), 120);
}

TEST_F(MergeFilesTest, MergeRecordsDeltaMetricsInHistory) {
  run("CREATE TABLE t (id BIGINT, v STRING) USING DELTA");
  run("INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')");
  run("MERGE INTO t USING (SELECT * FROM VALUES (2L, 'B'), (3L, 'x'), (4L, 'D') AS s(id, v)) AS s ON t.id = s.id "
      "WHEN MATCHED AND s.v = 'x' THEN DELETE WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT *");
  auto r = session_->execute("DESCRIBE HISTORY t LIMIT 1");
  ASSERT_OK(r.status());
  const auto& batch = *r->batches[0];
  EXPECT_EQ(batch.column(2)->string_value(0), "MERGE");
  const std::string metrics(batch.column(4)->string_value(0));
  EXPECT_THAT(metrics, HasSubstr("\"numTargetRowsInserted\":\"1\""));
  EXPECT_THAT(metrics, HasSubstr("\"numTargetRowsUpdated\":\"1\""));
  EXPECT_THAT(metrics, HasSubstr("\"numTargetRowsDeleted\":\"1\""));
  EXPECT_THAT(metrics, HasSubstr("\"numSourceRows\":\"3\""));
}

// The target is read file by file and never copied into one batch: rows of every file come out
// right (updated, kept, deleted by NOT MATCHED BY SOURCE), and the duplicate-match error names the
// key of a row in a later file.
TEST_F(MergeFilesTest, RowsOfEveryTargetFileAreAddressedByTheirOwnFile) {
  run("CREATE TABLE t (id BIGINT, v STRING) USING DELTA");
  for (int f = 0; f < 4; ++f) {
    run("INSERT INTO t SELECT id + " + std::to_string(f * 100) + ", 'old' FROM range(100)");
  }
  run("MERGE INTO t USING (SELECT id * 7 AS id FROM range(50)) AS s ON t.id = s.id "
      "WHEN MATCHED THEN UPDATE SET v = concat('new', CAST(s.id AS STRING)) "
      "WHEN NOT MATCHED BY SOURCE AND t.id % 2 = 1 THEN DELETE");
  auto r = session_->execute("SELECT count(*), sum(CASE WHEN v = concat('new', CAST(id AS STRING)) THEN 1 ELSE 0 END), "
                             "sum(CASE WHEN v = 'old' AND id % 2 = 0 THEN 1 ELSE 0 END) FROM t");
  ASSERT_OK(r.status());
  const auto& counts = *r->batches[0];
  // The source's ids are 0, 7, ..., 343: those 50 rows are updated; of the rows no source row
  // matched, the even ones are kept and the odd ones deleted.
  int64_t kept = 0;
  for (int id = 0; id < 400; ++id) kept += id % 2 == 0 && !(id % 7 == 0 && id <= 343);
  EXPECT_EQ(counts.column(1)->value<int64_t>(0), 50);
  EXPECT_EQ(counts.column(2)->value<int64_t>(0), kept);
  EXPECT_EQ(counts.column(0)->value<int64_t>(0), 50 + kept);
  auto dup = session_->execute("MERGE INTO t USING (SELECT * FROM VALUES (308L), (308L), (2L) AS s(id)) AS s "
                               "ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = 'dup'");
  EXPECT_THAT(dup, StatusIs(StatusCode::kInvalidArgument, HasSubstr("the target row with id = 308 was matched by 2 source rows")));
}

}  // namespace
}  // namespace braid::catalog
