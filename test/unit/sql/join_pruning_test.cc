// Dynamic join filters: when a join drops the left rows that match nothing (inner, right, left
// semi), the right keys' range skips the left scan's files and row groups outside it. Asserted
// with a left file that cannot be read: a join that skips it succeeds, one that must read it
// (LEFT JOIN, keys in its range) fails naming it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "catalog/session.h"
#include "support/status_matchers.h"
#include "support/warehouse_test.h"

namespace braid::catalog {
namespace {

using ::testing::HasSubstr;

class JoinPruningTest : public braid::testing::WarehouseTest {
 protected:
  void SetUp() override {
    WarehouseTest::SetUp();
    // Three files by bucket: ids 0-99 (a), 100-199 (b), 200-299 (c); then c's file is ruined.
    run("CREATE TABLE t (id BIGINT, bucket STRING) USING DELTA PARTITIONED BY (bucket)");
    run("INSERT INTO t SELECT id, 'a' FROM range(100)");
    run("INSERT INTO t SELECT id + 100, 'b' FROM range(100)");
    run("INSERT INTO t SELECT id + 200, 'c' FROM range(100)");
    int ruined = 0;
    for (const auto& e : std::filesystem::directory_iterator(root_ / "t" / "bucket=c")) {
      if (e.path().extension() != ".parquet") continue;
      std::ofstream(e.path(), std::ios::binary | std::ios::trunc) << "not a parquet file";
      ++ruined;
    }
    ASSERT_EQ(ruined, 1);
  }
  int64_t count(const std::string& sql) {
    auto r = session_->execute(sql);
    EXPECT_TRUE(r.ok()) << sql << "\n" << r.status().to_string();
    if (!r.ok()) return -1;
    return r->batches.at(0)->column(0)->value<int64_t>(0);
  }

  // The statement fails on the ruined file (so it read it).
  void expect_reads_ruined_file(const std::string& sql) {
    auto r = session_->execute(sql);
    ASSERT_FALSE(r.ok()) << sql;
    EXPECT_THAT(r.status().to_string(), HasSubstr("bucket=c")) << sql;
  }
};

TEST_F(JoinPruningTest, JoinsThatDropUnmatchedLeftRowsSkipFilesOutsideTheRightKeys) {
  const std::string right = "(SELECT * FROM VALUES (5L), (150L), (150L), (NULL) AS r(id)) r";
  EXPECT_EQ(count("SELECT count(*) FROM t JOIN " + right + " ON t.id = r.id"), 3);
  EXPECT_EQ(count("SELECT count(*) FROM t LEFT SEMI JOIN " + right + " ON t.id = r.id"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM t RIGHT JOIN " + right + " ON t.id = r.id"), 4);
  // Through a filter and a projection above the scan, and with a residual condition.
  EXPECT_EQ(count("SELECT count(*) FROM (SELECT id AS k, bucket FROM t WHERE bucket <> 'x') l JOIN " + right +
                  " ON l.k = r.id AND l.bucket < 'z'"),
            3);
}

TEST_F(JoinPruningTest, JoinsThatKeepUnmatchedLeftRowsReadEveryFile) {
  const std::string right = "(SELECT * FROM VALUES (5L), (150L) AS r(id)) r";
  expect_reads_ruined_file("SELECT count(*) FROM t LEFT JOIN " + right + " ON t.id = r.id");
  expect_reads_ruined_file("SELECT count(*) FROM t LEFT ANTI JOIN " + right + " ON t.id = r.id");
  // Keys in the ruined file's range: it must be read.
  expect_reads_ruined_file("SELECT count(*) FROM t JOIN (SELECT 250L AS id) r ON t.id = r.id");
  // A computed key is not traced to the scan: nothing is skipped.
  expect_reads_ruined_file("SELECT count(*) FROM t JOIN " + right + " ON t.id + 0 = r.id");
}

}  // namespace
}  // namespace braid::catalog
