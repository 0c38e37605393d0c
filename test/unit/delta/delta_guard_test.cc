// Delta layer guarantees that are never silently dropped: append-only tables, table properties
// honoured or refused, dynamic partition overwrite, a damaged log read past with a warning or
// reported precisely (missing data files, vacuumed versions, gaps in the history).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "columnar/column_builder.h"
#include "common/memory_file_system.h"
#include "delta/checkpoint.h"
#include "delta/history.h"
#include "delta/scan.h"
#include "delta/schema_json.h"
#include "delta/table.h"
#include "delta/table_properties.h"
#include "support/status_matchers.h"

namespace braid::delta {
namespace {

using ::braid::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

SchemaPtr sales_schema() { return schema({field("id", int64()), field("region", string_type())}); }

RecordBatchPtr sales(int64_t first, int64_t n, const std::string& region) {
  Int64Builder id(int64());
  BinaryBuilder r(string_type());
  for (int64_t i = first; i < first + n; ++i) {
    id.append(i);
    r.append(region);
  }
  return std::make_shared<const RecordBatch>(sales_schema(), n, std::vector<ColumnPtr>{*id.finish(), *r.finish()});
}

RowPredicate all_rows() {
  return [](const RecordBatch& b) -> Result<std::vector<bool>> { return std::vector<bool>(static_cast<size_t>(b.num_rows()), true); };
}

class DeltaGuardTest : public ::testing::Test {
 protected:
  std::shared_ptr<MemoryFileSystem> fs_ = std::make_shared<MemoryFileSystem>();

  DeltaTable create(std::vector<std::string> partitions = {"region"}, StringMap properties = {}) {
    CreateOptions o;
    o.partition_columns = std::move(partitions);
    o.properties = std::move(properties);
    auto t = DeltaTable::create(fs_, "t", sales_schema(), o);
    EXPECT_TRUE(t.ok()) << t.status().to_string();
    return *t;
  }
  std::vector<std::pair<int64_t, std::string>> rows(const DeltaTable& t, std::optional<int64_t> version = std::nullopt) {
    std::vector<std::pair<int64_t, std::string>> out;
    auto snap = t.snapshot(version);
    EXPECT_TRUE(snap.ok()) << snap.status().to_string();
    if (!snap.ok()) return out;
    auto batches = read_table(*snap);
    EXPECT_TRUE(batches.ok()) << batches.status().to_string();
    if (!batches.ok()) return out;
    for (const auto& b : *batches) {
      for (int64_t r = 0; r < b->num_rows(); ++r) {
        out.emplace_back(b->column(0)->value<int64_t>(r), std::string(b->column(1)->string_value(r)));
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  size_t data_files() {
    size_t n = 0;
    std::function<void(const std::string&)> walk = [&](const std::string& dir) {
      auto entries = fs_->list(dir);
      if (!entries.ok()) return;
      for (const auto& e : *entries) {
        if (e.is_directory) {
          if (e.name != "_delta_log") walk(dir + "/" + e.name);
        } else if (e.name.ends_with(".parquet")) {
          ++n;
        }
      }
    };
    walk("t");
    return n;
  }
};

// ---- append-only tables

TEST_F(DeltaGuardTest, AppendOnlyRefusesEveryRemovalBeforeWritingAFile) {
  DeltaTable t = create({"region"}, {{"delta.appendOnly", "true"}});
  ASSERT_OK(t.append({sales(0, 3, "EU")}).status());
  const size_t files = data_files();
  const auto refused = StatusIs(StatusCode::kInvalidArgument, HasSubstr("[DELTA_CANNOT_MODIFY_APPEND_ONLY]"));
  EXPECT_THAT(t.overwrite({sales(10, 1, "EU")}), refused);
  EXPECT_THAT(t.overwrite_partitions({sales(10, 1, "EU")}), refused);
  EXPECT_THAT(t.delete_where({}, all_rows()), refused);
  EXPECT_THAT(t.update_where({}, all_rows(), [](const RecordBatch& b, const std::vector<bool>&) -> Result<RecordBatchPtr> {
    return std::make_shared<const RecordBatch>(b.schema(), b.num_rows(), b.columns());
  }), refused);
  EXPECT_THAT(t.replace_where({}, all_rows(), {sales(10, 1, "EU")}), refused);
  EXPECT_EQ(data_files(), files);  // refused before anything was written
  ASSERT_OK_AND_ASSIGN(auto snap, t.snapshot());
  EXPECT_EQ(snap->version(), 1);

  // The transaction itself refuses a data-changing remove, whoever built it...
  Transaction txn = t.begin(snap);
  txn.remove_existing(snap->files()[0]);
  EXPECT_THAT(txn.commit({.operation = "DELETE"}), refused);
  // ...but lets files be rearranged (dataChange=false), as OPTIMIZE does.
  ASSERT_OK(t.append({sales(3, 3, "EU")}).status());
  ASSERT_OK_AND_ASSIGN(auto optimized, t.optimize({.target_file_bytes = 1 << 20, .min_file_bytes = 1 << 20}));
  EXPECT_GE(optimized.version, 0);
  EXPECT_EQ(rows(t).size(), 6u);
}

TEST_F(DeltaGuardTest, AppendOnlyFollowsSetAndUnsetProperties) {
  DeltaTable t = create();
  ASSERT_OK(t.append({sales(0, 3, "EU")}).status());
  ASSERT_OK(t.set_properties({{"delta.appendOnly", "true"}}).status());
  EXPECT_THAT(t.delete_where({}, all_rows()), StatusIs(StatusCode::kInvalidArgument, HasSubstr("APPEND_ONLY")));
  ASSERT_OK_AND_ASSIGN(auto snap, t.snapshot());
  EXPECT_EQ(snap->commit_info()->operation, "SET TBLPROPERTIES");
  ASSERT_OK(t.unset_properties({"delta.appendOnly"}, false).status());
  ASSERT_OK(t.delete_where({}, all_rows()).status());
  EXPECT_TRUE(rows(t).empty());
  EXPECT_THAT(t.unset_properties({"delta.appendOnly"}, false),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("cannot unset 'delta.appendOnly'")));
  EXPECT_OK(t.unset_properties({"delta.appendOnly"}, true));
}

// ---- table properties

TEST(TablePropertiesTest, UnknownRefusedAndHonouredChecked) {
  EXPECT_THAT(normalize_table_properties({{"delta.foo", "1"}}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("[DELTA_UNKNOWN_CONFIGURATION] Unknown configuration was specified: delta.foo")));
  ASSERT_OK_AND_ASSIGN(auto ok, normalize_table_properties({{"owner", "me"}, {"DELTA.APPENDONLY", "TRUE"}}));
  EXPECT_THAT(ok, ElementsAre(std::pair<std::string, std::string>{"owner", "me"},
                              std::pair<std::string, std::string>{"delta.appendOnly", "TRUE"}));
  EXPECT_THAT(normalize_table_properties({{"delta.enableChangeDataFeed", "true"}}),
              StatusIs(StatusCode::kNotImplemented, HasSubstr("change data feed")));
  EXPECT_OK(normalize_table_properties({{"delta.enableChangeDataFeed", "false"}}));
  EXPECT_THAT(normalize_table_properties({{"delta.constraints.c", "id > 0"}}),
              StatusIs(StatusCode::kNotImplemented, HasSubstr("CHECK constraints")));
  EXPECT_THAT(normalize_table_properties({{"delta.checkpointInterval", "-3"}}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("positive integer")));
  EXPECT_THAT(normalize_table_properties({{"delta.appendOnly", "true"}, {"delta.appendonly", "false"}}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("given twice")));
}

TEST(TablePropertiesTest, IntervalsAsDeltaReadsThem) {
  EXPECT_EQ(*parse_interval_micros("interval 7 days"), int64_t{7} * 86400 * 1000000);
  EXPECT_EQ(*parse_interval_micros("1 week"), int64_t{7} * 86400 * 1000000);
  EXPECT_EQ(*parse_interval_micros("INTERVAL 1 day 12 hours"), int64_t{36} * 3600 * 1000000);
  EXPECT_EQ(*parse_interval_micros("interval 0 hours"), 0);
  EXPECT_EQ(*parse_interval_micros("1.5 seconds"), 1500000);
  EXPECT_THAT(parse_interval_micros("interval 1 month"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("months")));
  EXPECT_THAT(parse_interval_micros("30"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("calendar interval")));
  EXPECT_THAT(parse_interval_micros("2 fortnights"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("not an interval unit")));
  EXPECT_THAT(parse_interval_micros("-1 day"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("zero or more")));
}

TEST(TablePropertiesTest, ProtocolRequestsAreHonouredAndConsumed) {
  StringMap p = {{"delta.columnMapping.mode", "name"}, {"delta.minReaderVersion", "2"}, {"delta.minWriterVersion", "5"}};
  ASSERT_OK_AND_ASSIGN(Protocol cm, required_protocol(std::nullopt, *sales_schema(), p));
  EXPECT_EQ(cm.min_reader_version, 2);
  EXPECT_EQ(cm.min_writer_version, 5);
  EXPECT_EQ(p.size(), 1u);  // the version requests are not stored
  StringMap f = {{"delta.feature.deletionVectors", "supported"}};
  ASSERT_OK_AND_ASSIGN(Protocol dv, required_protocol(std::nullopt, *sales_schema(), f));
  EXPECT_EQ(dv.min_reader_version, 3);
  EXPECT_THAT(*dv.reader_features, ElementsAre("deletionVectors"));
  EXPECT_THAT(*dv.writer_features, ElementsAre("appendOnly", "invariants", "deletionVectors"));
  StringMap bad = {{"delta.feature.rowTracking", "supported"}};
  EXPECT_THAT(required_protocol(std::nullopt, *sales_schema(), bad),
              StatusIs(StatusCode::kNotImplemented, HasSubstr("'rowTracking'")));
  StringMap down = {{"delta.minWriterVersion", "2"}};
  EXPECT_THAT(required_protocol(Protocol{2, 5, std::nullopt, std::nullopt}, *sales_schema(), down),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("DELTA_INVALID_PROTOCOL_DOWNGRADE")));
  // Turning on deletion vectors on a legacy table lists the features the old versions implied.
  StringMap on = {{"delta.enableDeletionVectors", "true"}};
  ASSERT_OK_AND_ASSIGN(Protocol up, required_protocol(Protocol{2, 5, std::nullopt, std::nullopt}, *sales_schema(), on));
  EXPECT_THAT(*up.reader_features, ElementsAre("columnMapping", "deletionVectors"));
  EXPECT_THAT(*up.writer_features, ElementsAre("appendOnly", "invariants", "checkConstraints", "changeDataFeed",
                                               "generatedColumns", "columnMapping", "deletionVectors"));
  // Such a table stays writable: those features only bind what uses them, and nothing does.
  EXPECT_OK(check_writable(up));
}

TEST_F(DeltaGuardTest, CheckpointIntervalIsTheTables) {
  DeltaTable t = create({"region"}, {{"delta.checkpointInterval", "3"}});
  for (int i = 0; i < 4; ++i) ASSERT_OK(t.append({sales(i, 1, "EU")}).status());
  ASSERT_OK_AND_ASSIGN(auto listing, t.store()->list());
  ASSERT_EQ(listing.checkpoints.size(), 1u);
  EXPECT_EQ(listing.checkpoints[0].version, 3);
}

TEST_F(DeltaGuardTest, StatsFollowTheDataSkippingProperties) {
  CreateOptions o;
  o.properties = {{"delta.dataSkippingNumIndexedCols", "1"}, {"delta.checkpoint.writeStatsAsJson", "false"}};
  ASSERT_OK_AND_ASSIGN(auto t, DeltaTable::create(fs_, "t", sales_schema(), o));
  ASSERT_OK(t.append({sales(0, 3, "EU")}).status());
  ASSERT_OK_AND_ASSIGN(auto snap, t.snapshot());
  const std::string& stats = *snap->files()[0].stats;
  EXPECT_THAT(stats, HasSubstr("\"id\""));
  EXPECT_THAT(stats, ::testing::Not(HasSubstr("\"region\"")));
  // writeStatsAsJson = false: the checkpoint's add rows carry no stats.
  ASSERT_OK(t.checkpoint());
  ASSERT_OK_AND_ASSIGN(auto listing, t.store()->list());
  ASSERT_OK_AND_ASSIGN(auto actions, read_checkpoint(*t.store(), listing.checkpoints.back()));
  int adds = 0;
  for (const auto& a : actions) {
    if (const auto* f = std::get_if<AddFile>(&a)) {
      ++adds;
      EXPECT_FALSE(f->stats.has_value());
    }
  }
  EXPECT_EQ(adds, 1);
  // Only the named columns with dataSkippingStatsColumns.
  ASSERT_OK(t.set_properties({{"delta.dataSkippingStatsColumns", "region"}}).status());
  ASSERT_OK(t.append({sales(5, 1, "US")}).status());
  ASSERT_OK_AND_ASSIGN(auto later, t.snapshot());
  ASSERT_EQ(later->files().size(), 2u);
  int with_region = 0;
  for (const auto& f : later->files()) {
    // The first file's stats were left out of the checkpoint the snapshot starts from.
    if (!f.stats || f.stats->find("\"region\"") == std::string::npos) continue;
    ++with_region;
    EXPECT_THAT(*f.stats, ::testing::Not(HasSubstr("\"id\"")));
  }
  EXPECT_EQ(with_region, 1);
}

TEST_F(DeltaGuardTest, WritesToTablesWithFeaturesBraidLacksAreRefusedByName) {
  DeltaTable t = create();
  ASSERT_OK(t.append({sales(0, 1, "EU")}).status());
  ASSERT_OK_AND_ASSIGN(auto snap, t.snapshot());
  // As Spark would leave them: a CHECK constraint, the change data feed, a column invariant.
  Metadata m = snap->metadata();
  m.configuration.emplace_back("delta.constraints.positive", "id > 0");
  ASSERT_OK(t.store()->write_commit(2, actions_to_json({Action(m)})));
  EXPECT_THAT(t.append({sales(1, 1, "EU")}), StatusIs(StatusCode::kNotImplemented, HasSubstr("CHECK constraint 'positive'")));
  m = snap->metadata();
  m.configuration.emplace_back("delta.enableChangeDataFeed", "true");
  ASSERT_OK(t.store()->write_commit(3, actions_to_json({Action(m)})));
  EXPECT_THAT(t.append({sales(1, 1, "EU")}), StatusIs(StatusCode::kNotImplemented, HasSubstr("change data feed")));
  m = snap->metadata();
  m.schema_string =
      R"J({"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{"delta.invariants":"{\"expression\":{\"expression\":\"id > 0\"}}"}},)J"
      R"J({"name":"region","type":"string","nullable":true,"metadata":{}}]})J";
  ASSERT_OK(t.store()->write_commit(4, actions_to_json({Action(m)})));
  EXPECT_THAT(t.append({sales(1, 1, "EU")}), StatusIs(StatusCode::kNotImplemented, HasSubstr("column 'id' has a Delta invariant")));
  EXPECT_EQ(rows(t).size(), 1u);  // reading is fine
  // Unsetting what braid cannot honour makes the table writable again.
  m = snap->metadata();
  ASSERT_OK(t.store()->write_commit(5, actions_to_json({Action(m)})));
  EXPECT_OK(t.append({sales(1, 1, "EU")}));
}

// ---- dynamic partition overwrite

TEST_F(DeltaGuardTest, OverwritePartitionsReplacesOnlyThePartitionsWritten) {
  DeltaTable t = create();
  ASSERT_OK(t.append({sales(0, 2, "EU"), sales(10, 2, "US"), sales(20, 1, "APAC")}).status());
  ASSERT_OK(t.overwrite_partitions({sales(100, 1, "EU"), sales(200, 1, "NEW")}).status());
  EXPECT_THAT(rows(t), ElementsAre(std::pair<int64_t, std::string>{10, "US"}, std::pair<int64_t, std::string>{11, "US"},
                                   std::pair<int64_t, std::string>{20, "APAC"}, std::pair<int64_t, std::string>{100, "EU"},
                                   std::pair<int64_t, std::string>{200, "NEW"}));
  ASSERT_OK_AND_ASSIGN(auto snap, t.snapshot());
  EXPECT_EQ(snap->commit_info()->operation_parameters,
            R"({"mode":"Overwrite","partitionBy":"[\"region\"]","isDynamicPartitionOverwrite":"true"})");
  // No rows: nothing replaced.
  ASSERT_OK(t.overwrite_partitions({}).status());
  EXPECT_EQ(rows(t).size(), 5u);
  // Unpartitioned: the rows replace the table.
  fs_ = std::make_shared<MemoryFileSystem>();
  DeltaTable plain = create({});
  ASSERT_OK(plain.append({sales(0, 3, "EU")}).status());
  ASSERT_OK(plain.overwrite_partitions({sales(7, 1, "US")}).status());
  EXPECT_THAT(rows(plain), ElementsAre(std::pair<int64_t, std::string>{7, "US"}));
}

TEST_F(DeltaGuardTest, DeletePredicateIsDescribedNotJustNamed) {
  DeltaTable t = create({});
  ASSERT_OK(t.append({sales(0, 3, "EU")}).status());
  parquet::ColumnPredicate p;
  p.column = "region";
  BinaryBuilder v(string_type());
  v.append("EU");
  p.values.push_back(*v.finish());
  ASSERT_OK(t.delete_where({p}, all_rows()).status());
  ASSERT_OK_AND_ASSIGN(auto snap, t.snapshot());
  EXPECT_EQ(snap->commit_info()->operation_parameters, R"({"predicate":"[\"(region = 'EU')\"]"})");
}

// ---- a damaged log

class DeltaLogDamageTest : public DeltaGuardTest {
 protected:
  void SetUp() override {
    set_warning_handler([this](const std::string& w) { warnings_.push_back(w); });
  }
  void TearDown() override { set_warning_handler(nullptr); }
  std::vector<std::string> warnings_;
};

TEST_F(DeltaLogDamageTest, AnUnreadableCheckpointIsPassedOverWithAWarning) {
  DeltaTable t = create();
  for (int i = 0; i < 12; ++i) ASSERT_OK(t.append({sales(i, 1, "EU")}).status());
  const std::string cp = t.store()->log_dir() + "/00000000000000000010.checkpoint.parquet";
  const auto expected = rows(t);
  ASSERT_OK(fs_->remove(cp));
  ASSERT_OK(fs_->write_file(cp, "PAR1 truncated"));
  ASSERT_OK_AND_ASSIGN(auto snap, t.snapshot());
  EXPECT_EQ(rows(t), expected);
  ASSERT_EQ(snap->warnings().size(), 1u);
  EXPECT_THAT(snap->warnings()[0], HasSubstr("00000000000000000010.checkpoint.parquet"));
  EXPECT_THAT(snap->warnings()[0], HasSubstr("cannot be read"));
  ASSERT_FALSE(warnings_.empty());
  EXPECT_THAT(warnings_[0], HasSubstr("00000000000000000010.checkpoint.parquet"));
  // A stale _last_checkpoint is only a hint.
  ASSERT_OK(t.store()->write_last_checkpoint({.version = 40, .size = 3}));
  EXPECT_EQ(rows(t), expected);
  // Without the commits it summarises, the table cannot be read, and the error says why.
  ASSERT_OK(fs_->remove(t.store()->commit_path(0)));
  EXPECT_THAT(t.snapshot(), StatusIs(StatusCode::kCorruption,
                                     ::testing::AllOf(HasSubstr("00000000000000000010.checkpoint.parquet of 't' cannot be read"),
                                           HasSubstr("no longer all in the log"))));
}

TEST_F(DeltaLogDamageTest, AReadableCheckpointWithoutMetadataIsStillCorruption) {
  DeltaTable t = create();
  for (int i = 0; i < 10; ++i) ASSERT_OK(t.append({sales(i, 1, "EU")}).status());
  const std::string cp = t.store()->log_dir() + "/00000000000000000010.checkpoint.parquet";
  ASSERT_OK_AND_ASSIGN(auto snap, t.snapshot());
  std::vector<Action> actions;
  for (auto& a : checkpoint_actions(*snap)) {
    if (!std::holds_alternative<Metadata>(a)) actions.push_back(a);
  }
  ASSERT_OK(fs_->remove(cp));
  ASSERT_OK(write_checkpoint(*t.store(), 10, actions));
  EXPECT_THAT(t.snapshot(), StatusIs(StatusCode::kCorruption, HasSubstr("no metaData action")));
}

TEST_F(DeltaLogDamageTest, AMissingDataFileIsNamedWithItsVersion) {
  DeltaTable t = create({});
  ASSERT_OK(t.append({sales(0, 2, "EU")}).status());
  ASSERT_OK_AND_ASSIGN(auto snap, t.snapshot());
  const std::string path = snap->files()[0].path;
  ASSERT_OK(fs_->remove("t/" + path));
  EXPECT_THAT(read_table(snap),
              StatusIs(StatusCode::kNotFound,
                       HasSubstr("the log at version 1 references " + path +
                                 ", which does not exist: was it vacuumed or deleted by hand?")));
}

TEST_F(DeltaLogDamageTest, AVacuumedVersionSaysSo) {
  DeltaTable t = create({});
  ASSERT_OK(t.append({sales(0, 2, "EU")}).status());
  ASSERT_OK(t.overwrite({sales(5, 1, "EU")}).status());
  std::this_thread::sleep_for(std::chrono::milliseconds(3));  // the tombstone is older than "now"
  ASSERT_OK_AND_ASSIGN(auto result, t.vacuum({.retain_hours = 0, .force = true}));
  EXPECT_EQ(result.files.size(), 1u);
  ASSERT_OK_AND_ASSIGN(auto snap, t.snapshot());
  EXPECT_EQ(snap->version(), 4);  // VACUUM START and VACUUM END
  EXPECT_EQ(snap->commit_info()->operation, "VACUUM END");
  ASSERT_OK_AND_ASSIGN(auto old, t.snapshot(1));
  EXPECT_THAT(read_table(old), StatusIs(StatusCode::kNotFound, HasSubstr("version 1's files were removed by VACUUM")));
  EXPECT_THAT(rows(t), ElementsAre(std::pair<int64_t, std::string>{5, "EU"}));
  // The refusal names what the caller can do.
  EXPECT_THAT(t.vacuum({.retain_hours = 0, .force_hint = "pass --force"}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("pass --force to do it anyway")));
}

TEST_F(DeltaLogDamageTest, HistoryShowsGapsInTheLog) {
  DeltaTable t = create();
  for (int i = 0; i < 5; ++i) ASSERT_OK(t.append({sales(i, 1, "EU")}).status());
  ASSERT_OK(fs_->remove(t.store()->commit_path(2)));
  ASSERT_OK(fs_->remove(t.store()->commit_path(3)));
  ASSERT_OK_AND_ASSIGN(auto h, history(*t.store()));
  ASSERT_EQ(h->num_rows(), 5);  // 5, 4, the gap, 1, 0
  std::vector<std::string> ops;
  for (int64_t r = 0; r < h->num_rows(); ++r) ops.emplace_back(h->column(2)->string_value(r));
  EXPECT_THAT(ops, ElementsAre("WRITE", "WRITE", "(versions 2 to 3 are missing from the log)", "WRITE", "CREATE TABLE"));
  EXPECT_EQ(h->column(0)->value<int64_t>(2), 2);
  // Versions before the oldest commit left are said to be gone too.
  ASSERT_OK(fs_->remove(t.store()->commit_path(0)));
  ASSERT_OK_AND_ASSIGN(auto h2, history(*t.store()));
  EXPECT_EQ(h2->column(2)->string_value(h2->num_rows() - 1), "(version 0 is no longer in the log)");
}

}  // namespace
}  // namespace braid::delta
