// Session settings (SET / RESET): one registry of keys (catalog/settings.h), nothing accepted and
// ignored; task scopes read their session's settings behind their own.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "catalog/settings.h"
#include "columnar/column_builder.h"
#include "common/file_system.h"
#include "delta/table.h"
#include "support/status_matchers.h"
#include "support/warehouse_test.h"

namespace braid::catalog {
namespace {

using ::braid::testing::StatusIs;
using ::testing::HasSubstr;

class SessionSettingsTest : public braid::testing::WarehouseTest {
 protected:
  // The (key, value, handling) rows of a SET listing.
  static std::vector<std::vector<std::string>> rows_of(const StatementResult& r) {
    std::vector<std::vector<std::string>> out;
    for (const auto& b : r.batches) {
      for (int64_t i = 0; i < b->num_rows(); ++i) {
        out.push_back({std::string(b->column(0)->string_value(i)), std::string(b->column(1)->string_value(i)),
                       std::string(b->column(2)->string_value(i))});
      }
    }
    return out;
  }
};

TEST_F(SessionSettingsTest, SetAloneListsEveryKnownSetting) {
  auto r = run("SET");
  ASSERT_TRUE(r.has_rows);
  std::set<std::string> keys;
  for (const auto& row : rows_of(r)) keys.insert(row[0]);
  for (const auto& def : setting_definitions()) {
    EXPECT_TRUE(keys.count(def.family ? std::string(def.key) + "*" : std::string(def.key))) << def.key;
  }
  EXPECT_EQ(rows_of(run("SET -v")).size(), rows_of(r).size());
}

TEST_F(SessionSettingsTest, EveryDefinitionIsComplete) {
  std::set<std::string> seen;
  for (const auto& def : setting_definitions()) {
    EXPECT_TRUE(seen.insert(std::string(def.key)).second) << "duplicate " << def.key;
    EXPECT_FALSE(def.description.empty()) << def.key;
    EXPECT_EQ(def.kind == SettingKind::kRefused, def.check == nullptr) << def.key;
    EXPECT_EQ(find_setting(def.family ? std::string(def.key) + "x" : std::string(def.key)), &def) << def.key;
    // The default value passes the setting's own check.
    if (def.check && !def.default_value.empty()) EXPECT_OK(def.check(def, def.default_value));
  }
}

TEST_F(SessionSettingsTest, TuningKnobsSayTheyAreNotUsed) {
  auto r = run("SET spark.sql.shuffle.partitions = 64");
  EXPECT_THAT(r.summary, HasSubstr("spark.sql.shuffle.partitions = 64: accepted, but not used by braid: braid partitions"));
  EXPECT_THAT(r.summary, HasSubstr("results do not depend on a partition count"));
  EXPECT_EQ(session_->setting("spark.sql.shuffle.partitions"), "64");
  EXPECT_EQ(run("SET spark.sql.ansi.enabled = TRUE").summary, "spark.sql.ansi.enabled = true");
}

TEST_F(SessionSettingsTest, RefusalsNameTheKeyAndWhatWorks) {
  EXPECT_THAT(session_->execute("SET spark.sql.ansi.enabled = false"),
              StatusIs(StatusCode::kNotImplemented, HasSubstr("SET spark.sql.ansi.enabled = false is not supported")));
  EXPECT_THAT(session_->execute("SET spark.sql.session.timeZone = 'Europe/Paris'"),
              StatusIs(StatusCode::kNotImplemented, HasSubstr("braid keeps the session time zone at UTC")));
  EXPECT_THAT(session_->execute("SET no.such.key = 1"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("braid has no setting 'no.such.key'")));
  // Nothing was stored by a refused SET.
  EXPECT_EQ(session_->setting("spark.sql.ansi.enabled"), "true");
  EXPECT_EQ(session_->setting("spark.sql.session.timeZone"), "UTC");
}

TEST_F(SessionSettingsTest, ResetRestoresTheConfiguredMemoryLimit) {
  session_->set_memory_limit(int64_t{64} << 20);  // as `braid sql --memory-limit 64MB` does
  run("SET memory_limit = '1GB'");
  EXPECT_EQ(session_->memory_limit(), int64_t{1} << 30);
  EXPECT_EQ(session_->setting("memory_limit"), "1.0 GiB");
  run("RESET braid.memory_limit");
  EXPECT_EQ(session_->memory_limit(), int64_t{64} << 20);
  run("SET memory_limit = '1GB'");
  run("SET spark.sql.shuffle.partitions = 3");
  run("RESET");
  EXPECT_EQ(session_->memory_limit(), int64_t{64} << 20);
  EXPECT_EQ(session_->setting("spark.sql.shuffle.partitions"), "");
}

TEST_F(SessionSettingsTest, TasksReadTheSessionsSettingsBehindTheirOwn) {
  run("SET spark.databricks.delta.retentionDurationCheck.enabled = false");
  auto task = session_->new_task("task t");
  EXPECT_EQ(task->setting("spark.databricks.delta.retentionDurationCheck.enabled"), "false");
  ASSERT_OK(task->execute("SET spark.databricks.delta.retentionDurationCheck.enabled = true"));
  EXPECT_EQ(task->setting("spark.databricks.delta.retentionDurationCheck.enabled"), "true");
  EXPECT_EQ(session_->setting("spark.databricks.delta.retentionDurationCheck.enabled"), "false");
}

TEST_F(SessionSettingsTest, VacuumHonoursTheRetentionCheckSetting) {
  run("CREATE TABLE t (id BIGINT) USING DELTA");
  run("INSERT INTO t VALUES (1)");
  run("INSERT OVERWRITE t VALUES (2)");
  EXPECT_THAT(session_->execute("VACUUM t RETAIN 0 HOURS DRY RUN"),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("SET spark.databricks.delta.retentionDurationCheck.enabled = false to do it anyway")));
  run("SET spark.databricks.delta.retentionDurationCheck.enabled = false");
  // A retention of 0 hours removes what was removed strictly before now: step past the
  // overwrite's millisecond.
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto r = run("VACUUM t RETAIN 0 HOURS DRY RUN");
  ASSERT_TRUE(r.has_rows);
  ASSERT_EQ(r.batches.size(), 1u);
  EXPECT_EQ(r.batches[0]->num_rows(), 1);  // the file the overwrite removed
}


TEST_F(SessionSettingsTest, ParquetChecksumSettingAppliesToDeltaTablesAndTasks) {
  // A table whose one data file has a bit flipped in a PLAIN value (uncompressed, to find it).
  auto fs = local_file_system();
  const std::string path = (root_ / "t").string();
  auto s = schema({field("id", int64())});
  ASSERT_OK_AND_ASSIGN(auto table, delta::DeltaTable::create(fs, path, s, {}));
  Int64Builder b(int64());
  for (int64_t v = 0; v < 1000; ++v) b.append(v * 1000003);
  delta::WriteOptions w;
  w.data.parquet.codec = parquet::Codec::kUncompressed;
  ASSERT_OK_AND_ASSIGN(auto column, b.finish());
  ASSERT_OK(table.append({std::make_shared<const RecordBatch>(s, 1000, std::vector<ColumnPtr>{column})}, w).status());
  ASSERT_OK_AND_ASSIGN(auto snap, table.snapshot());
  const std::string file = path + "/" + snap->files()[0].path;
  ASSERT_OK_AND_ASSIGN(std::string bytes, fs->read_file(file));
  const int64_t needle = 500 * int64_t{1000003};
  const size_t at = bytes.find(std::string(reinterpret_cast<const char*>(&needle), 8));
  ASSERT_NE(at, std::string::npos);
  bytes[at] ^= 0x01;
  ASSERT_OK(fs->write_file(file, bytes));

  EXPECT_THAT(session_->execute("SELECT sum(id) FROM t"),
              StatusIs(StatusCode::kCorruption, HasSubstr("checksum mismatch")));
  run("SET braid.parquet.verify_checksums = false");
  auto task = session_->new_task("task t");
  for (auto* scope : {session_.get(), task.get()}) {
    auto r = run(*scope, "SELECT sum(id) FROM t");
    ASSERT_EQ(r.batches.size(), 1u);
    EXPECT_EQ(r.batches[0]->column(0)->value<int64_t>(0), 999 * 1000 / 2 * int64_t{1000003} + 1);
  }
  ASSERT_OK(task->execute("SET braid.parquet.verify_checksums = true"));
  EXPECT_THAT(task->execute("SELECT sum(id) FROM t"), StatusIs(StatusCode::kCorruption, HasSubstr("checksum mismatch")));
}

}  // namespace
}  // namespace braid::catalog
