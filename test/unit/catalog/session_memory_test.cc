// A session's memory: the limit a statement may not exceed (SET memory_limit, set_memory_limit),
// the peak each statement reports, and filters over scans that stream instead of holding the
// whole scan.
#include <fmt/core.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "catalog/session.h"
#include "columnar/value_text.h"
#include "common/worker_pool.h"
#include "support/status_matchers.h"
#include "support/warehouse_test.h"

namespace braid::catalog {
namespace {

using ::braid::testing::StatusIs;
using ::testing::HasSubstr;

class SessionMemoryTest : public braid::testing::WarehouseTest {
 protected:
  // Table `big`: `files` Delta files of `rows` rows each (id, v = id * 2, a 100-byte pad).
  void make_big(int files, int rows) {
    run("CREATE TABLE big (id BIGINT, v BIGINT, pad STRING) USING DELTA");
    const std::string pad(100, 'x');
    for (int f = 0; f < files; ++f) {
      run("INSERT INTO big SELECT id + " + std::to_string(f * rows) + ", (id + " + std::to_string(f * rows) +
          ") * 2, '" + pad + "' FROM range(" + std::to_string(rows) + ")");
    }
  }
};

TEST_F(SessionMemoryTest, AStatementOverTheLimitFailsAndTheSessionGoesOn) {
  make_big(4, 20000);
  run("SET memory_limit = '256KB'");
  EXPECT_EQ(session_->memory_limit(), 256 * 1024);
  EXPECT_THAT(session_->execute("SELECT pad, count(*) FROM big GROUP BY pad ORDER BY 2"),
              StatusIs(StatusCode::kOutOfMemory, HasSubstr("memory limit of session (256.0 KiB) exceeded")));
  // Nothing stays counted from the failed statement, and a larger limit lets it run.
  run("SET memory_limit = '1GB'");
  auto rows = run("SELECT count(*) FROM big GROUP BY pad");
  ASSERT_EQ(rows.batches.size(), 1u);
  EXPECT_EQ(rows.batches[0]->num_rows(), 1);
  EXPECT_THAT(session_->execute("SET memory_limit = 'plenty'"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("not a memory size")));
  run("SET memory_limit = 'none'");
  EXPECT_EQ(session_->memory_limit(), 0);
}

TEST_F(SessionMemoryTest, TaskScopesStartWithTheSessionsLimit) {
  session_->set_memory_limit(int64_t{64} << 20);
  auto task = session_->new_task("task t");
  EXPECT_EQ(task->memory_limit(), int64_t{64} << 20);
  task->set_memory_limit(0);
  EXPECT_EQ(session_->memory_limit(), int64_t{64} << 20);
}

TEST_F(SessionMemoryTest, EachStatementReportsItsOwnPeak) {
  make_big(2, 20000);
  const auto whole = run("SELECT * FROM big");
  EXPECT_GT(whole.peak_memory_bytes, 40000 * 100);  // at least the pads
  const auto one = run("SELECT 1");
  EXPECT_LT(one.peak_memory_bytes, whole.peak_memory_bytes / 10);
  EXPECT_GE(session_->peak_memory_bytes(), whole.peak_memory_bytes);
}

// A filter over a scan keeps only the rows that pass: the scan's batches go through it a window
// at a time, so the statement's peak is a window of the input, not all of it.
TEST_F(SessionMemoryTest, FiltersAndAggregatesOverAScanStream) {
  const int workers = WorkerPool::shared().concurrency();
  if (workers > 8) GTEST_SKIP() << "the scan window (" << 2 * workers << " files) would cover the whole test table";
  make_big(48, 5000);
  const auto all = run("SELECT * FROM big");
  const auto filtered = run("SELECT * FROM big WHERE v % 1000 = 0");
  int64_t rows = 0;
  for (const auto& b : filtered.batches) rows += b->num_rows();
  EXPECT_EQ(rows, 48 * 5000 / 500);
  EXPECT_LT(filtered.peak_memory_bytes, all.peak_memory_bytes / 3)
      << "filtered " << filtered.peak_memory_bytes << " vs whole scan " << all.peak_memory_bytes;
  const auto grouped = run("SELECT id % 7 AS k, sum(v), count(*) FROM big WHERE id % 3 = 0 GROUP BY id % 7");
  EXPECT_LT(grouped.peak_memory_bytes, all.peak_memory_bytes / 3);
  int64_t groups = 0;
  for (const auto& b : grouped.batches) groups += b->num_rows();
  EXPECT_EQ(groups, 7);
}

// range() is counted as it is made: a statement's peak shows the rows it held (it used to count
// as nothing), and a count over many rows streams in a few windows.
TEST_F(SessionMemoryTest, RangeRowsAreCountedAndStream) {
  const auto held = run("SELECT * FROM range(1000000)");
  EXPECT_GE(held.peak_memory_bytes, 8 * 1000000) << format_bytes(held.peak_memory_bytes);
  const auto counted = run("SELECT count(*) FROM range(20000000)");
  ASSERT_EQ(counted.batches.size(), 1u);
  EXPECT_EQ(counted.batches[0]->column(0)->value<int64_t>(0), 20000000);
  EXPECT_LT(counted.peak_memory_bytes, 16 << 20) << format_bytes(counted.peak_memory_bytes);
  const auto top = run("SELECT id FROM range(5000000) ORDER BY id DESC LIMIT 3");
  EXPECT_LT(top.peak_memory_bytes, 16 << 20) << format_bytes(top.peak_memory_bytes);
}

// A statement that fails on the limit, whatever operator it fails in, releases everything it
// reserved: what is counted afterwards is what was counted before, and the session goes on.
TEST_F(SessionMemoryTest, AFailedStatementReleasesWhatItReserved) {
  make_big(4, 20000);
  run("SET memory_limit = '1MB'");
  const int64_t before = MemoryTracker::process().current();
  const char* statements[] = {
      "SELECT * FROM big",
      "SELECT id, upper(pad) FROM big",
      "SELECT * FROM big ORDER BY v DESC",
      "SELECT * FROM big ORDER BY v DESC LIMIT 30000",
      "SELECT pad, count(*) FROM big GROUP BY pad",
      "SELECT DISTINCT pad FROM big",
      "SELECT count(*) FROM big a JOIN big b ON a.id = b.id",
      "SELECT id, row_number() OVER (PARTITION BY id % 7 ORDER BY v) FROM big",
      "SELECT * FROM big UNION ALL SELECT * FROM big",
      "SELECT * FROM range(1000000)",
      "SELECT id * 2 FROM range(1000000) ORDER BY 1",
      "CREATE TABLE copy AS SELECT * FROM big",
      "INSERT INTO big SELECT * FROM big",
      "MERGE INTO big t USING (SELECT id, v + 1 AS v, pad FROM big) s ON t.id = s.id WHEN MATCHED THEN UPDATE SET *",
  };
  for (const char* sql : statements) {
    EXPECT_THAT(session_->execute(sql), StatusIs(StatusCode::kOutOfMemory, HasSubstr("memory limit of session (1.0 MiB) exceeded")))
        << sql;
    EXPECT_EQ(MemoryTracker::process().current(), before) << sql;
  }
  run("SET memory_limit = 'none'");
  auto rows = run("SELECT count(*) FROM big");
  ASSERT_EQ(rows.batches.size(), 1u);
  EXPECT_EQ(rows.batches[0]->column(0)->value<int64_t>(0), 80000);
}

// ORDER BY ... LIMIT over a scan runs as a streamed top-N; the same ORDER BY in a subquery with
// the LIMIT outside runs as a full sort and then the limit. Both must give the same rows in the
// same order, ties (many: small key domains, NULLs, NaN and -0.0) included.
TEST_F(SessionMemoryTest, StreamedTopNIsTheFullSortsFirstRows) {
  run("CREATE TABLE t (k BIGINT, d DOUBLE, s STRING, seq BIGINT) USING DELTA");
  for (int f = 0; f < 12; ++f) {
    const int first = f * 3000;
    run(fmt::format(
        "INSERT INTO t SELECT CASE WHEN id % 11 = 0 THEN NULL ELSE id * 7 % 5 END, "
        "CASE id % 13 WHEN 0 THEN CAST('NaN' AS DOUBLE) WHEN 1 THEN -0.0 WHEN 2 THEN 0.0 WHEN 3 THEN NULL "
        "ELSE CAST(id * 31 % 17 AS DOUBLE) / 4 END, "
        "CASE WHEN id % 9 = 0 THEN NULL ELSE concat('s', CAST(id * 17 % 6 AS STRING)) END, id "
        "FROM range({}, {})",
        first, first + 3000));
  }
  const std::vector<std::string> keys = {"k", "d", "s", "k % 3", "length(s)"};
  std::mt19937 random(12);
  auto text_of = [](const StatementResult& r) {
    std::string out;
    for (const auto& b : r.batches) {
      for (int64_t row = 0; row < b->num_rows(); ++row) {
        for (int c = 0; c < b->num_columns(); ++c) {
          out += b->column(c)->is_null(row) ? "NULL" : value_text(*b->column(c), row, TextFlavor::kPlain);
          out += c + 1 < b->num_columns() ? "|" : "\n";
        }
      }
    }
    return out;
  };
  for (int round = 0; round < 40; ++round) {
    std::string order;
    const int n = 1 + static_cast<int>(random() % 3);
    for (int i = 0; i < n; ++i) {
      if (i > 0) order += ", ";
      order += keys[random() % keys.size()];
      order += random() % 2 ? " DESC" : " ASC";
      if (random() % 2) order += random() % 2 ? " NULLS FIRST" : " NULLS LAST";
    }
    const int limit = static_cast<int>(random() % 3 == 0 ? random() % 20000 : random() % 50);
    const int offset = static_cast<int>(random() % 4 == 0 ? random() % 100 : 0);
    const std::string tail = fmt::format(" LIMIT {} OFFSET {}", limit, offset);
    const auto streamed = run("SELECT k, d, s, seq FROM t ORDER BY " + order + tail);
    const auto full = run("SELECT * FROM (SELECT k, d, s, seq FROM t ORDER BY " + order + ")" + tail);
    ASSERT_EQ(text_of(streamed), text_of(full)) << "ORDER BY " << order << tail;
  }
}

}  // namespace
}  // namespace braid::catalog
