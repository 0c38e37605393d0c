// Delta layer: actions, schema JSON, deletion vectors, snapshots, transactions and conflict
// rules, table operations, checkpoints, vacuum. Runs on the in-memory file system unless a test
// needs real files.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <thread>

#include "columnar/column_builder.h"
#include "columnar/value_text.h"
#include "common/memory_file_system.h"
#include "delta/actions.h"
#include "delta/checkpoint.h"
#include "delta/deletion_vector.h"
#include "delta/partition_values.h"
#include "delta/scan.h"
#include "delta/schema_json.h"
#include "delta/stats.h"
#include "delta/table.h"
#include "support/status_matchers.h"

namespace braid::delta {
namespace {

using ::braid::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Op = parquet::ColumnPredicate::Op;

// ---- helpers

SchemaPtr sales_schema() {
  return schema({field("id", int64()), field("region", string_type()), field("amount", decimal128(12, 2))});
}

RecordBatchPtr sales(int64_t first, int64_t n, const std::string& region) {
  Int64Builder id(int64());
  BinaryBuilder r(string_type());
  Decimal128Builder a(decimal128(12, 2));
  for (int64_t i = first; i < first + n; ++i) {
    id.append(i);
    r.append(region);
    a.append(Int128{i} * 100 + 25);
  }
  return std::make_shared<const RecordBatch>(sales_schema(), n,
                                             std::vector<ColumnPtr>{*id.finish(), *r.finish(), *a.finish()});
}

std::vector<int64_t> ids(const std::vector<RecordBatchPtr>& batches) {
  std::vector<int64_t> out;
  for (const auto& b : batches) {
    for (int64_t r = 0; r < b->num_rows(); ++r) out.push_back(b->column(0)->value<int64_t>(r));
  }
  std::sort(out.begin(), out.end());
  return out;
}

ColumnPtr str(const std::string& s) {
  BinaryBuilder b(string_type());
  b.append(s);
  return *b.finish();
}

ColumnPtr i64(int64_t v) {
  Int64Builder b(int64());
  b.append(v);
  return *b.finish();
}

RowPredicate id_below(int64_t limit) {
  return [limit](const RecordBatch& b) -> Result<std::vector<bool>> {
    std::vector<bool> m(static_cast<size_t>(b.num_rows()));
    for (int64_t r = 0; r < b.num_rows(); ++r) m[static_cast<size_t>(r)] = b.column(0)->value<int64_t>(r) < limit;
    return m;
  };
}

class DeltaTest : public ::testing::Test {
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
  std::vector<int64_t> read(const DeltaTable& t, std::optional<int64_t> version = std::nullopt) {
    auto snap = t.snapshot(version);
    EXPECT_TRUE(snap.ok()) << snap.status().to_string();
    auto rows = read_table(*snap);
    EXPECT_TRUE(rows.ok()) << rows.status().to_string();
    return ids(*rows);
  }
};

// ---- actions and schema

TEST(ActionsTest, RoundTripEveryAction) {
  AddFile add;
  add.path = "region=EU/part-0.parquet";
  add.partition_values = {{"region", "EU"}, {"n", std::nullopt}};
  add.size = 10;
  add.modification_time = 5;
  add.stats = "{\"numRecords\":3}";
  add.tags = {{"k", "v"}};
  add.deletion_vector = DeletionVectorDescriptor{"u", "ab^-aqEH.-t@S}K{vb[*k^", 1, 34, 2, std::nullopt};
  RemoveFile rm;
  rm.path = "x";
  rm.deletion_timestamp = 7;
  rm.extended_file_metadata = true;
  rm.size = 3;
  Protocol p{3, 7, std::vector<std::string>{"deletionVectors"}, std::vector<std::string>{"deletionVectors"}};
  Metadata m;
  m.id = "id";
  m.schema_string = "{\"type\":\"struct\",\"fields\":[]}";
  m.partition_columns = {"region"};
  m.configuration = {{"delta.appendOnly", "false"}};
  SetTransaction t{"app", 4, 9};
  DomainMetadata d{"delta.rowTracking", "{}", false};
  std::vector<Action> actions{p, m, add, rm, t, d};
  std::string text = actions_to_json(actions);
  ASSERT_OK_AND_ASSIGN(auto back, parse_actions(text, "test"));
  ASSERT_EQ(back.size(), actions.size());
  EXPECT_EQ(actions_to_json(back), text);
  const auto& a = std::get<AddFile>(back[2]);
  EXPECT_FALSE(a.partition_values[1].second.has_value());
  EXPECT_EQ(a.deletion_vector->unique_id(), "uab^-aqEH.-t@S}K{vb[*k^@1");
}

TEST(ActionsTest, LenientAndStrict) {
  // Unknown actions and fields are ignored; numbers as strings are accepted.
  ASSERT_OK_AND_ASSIGN(auto a, parse_actions(
      "{\"futureAction\":{\"x\":1}}\n\n{\"txn\":{\"appId\":\"a\",\"version\":\"12\",\"extra\":[1]}}\n", "c"));
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(std::get<SetTransaction>(a[0]).version, 12);
  EXPECT_THAT(parse_actions("{\"add\":{\"size\":1}}", "_delta_log/3.json"),
              StatusIs(StatusCode::kCorruption, HasSubstr("_delta_log/3.json:1: add action without 'path'")));
  EXPECT_THAT(parse_actions("{\"add\":", "f"), StatusIs(StatusCode::kCorruption, HasSubstr("f:1: not valid JSON")));
}

TEST(SchemaJsonTest, SparkTypesRoundTrip) {
  std::string json =
      R"J({"type":"struct","fields":[{"name":"a","type":"long","nullable":false,"metadata":{}},)J"
      R"J({"name":"b","type":"decimal(10,2)","nullable":true,"metadata":{"delta.columnMapping.id":5,"delta.columnMapping.physicalName":"col-1"}},)J"
      R"J({"name":"c","type":{"type":"array","elementType":"timestamp_ntz","containsNull":false},"nullable":true,"metadata":{}},)J"
      R"J({"name":"d","type":{"type":"map","keyType":"string","valueType":{"type":"struct","fields":[{"name":"x","type":"date","nullable":true,"metadata":{}}]},"valueContainsNull":true},"nullable":true,"metadata":{}}]})J";
  ASSERT_OK_AND_ASSIGN(auto s, parse_schema_json(json));
  EXPECT_EQ(s->field(0)->type()->to_string(), "bigint");
  EXPECT_FALSE(s->field(0)->nullable());
  EXPECT_EQ(s->field(2)->type()->to_string(), "array<timestamp_ntz>");
  EXPECT_EQ(metadata_int(*s->field(1), "delta.columnMapping.id"), 5);
  EXPECT_EQ(metadata_string(*s->field(1), "delta.columnMapping.physicalName"), "col-1");
  ASSERT_OK_AND_ASSIGN(auto back, schema_to_json(*s));
  EXPECT_EQ(back, json);
  EXPECT_THAT(parse_schema_json(R"({"type":"struct","fields":[{"name":"v","type":"variant"}]})"),
              StatusIs(StatusCode::kNotImplemented, HasSubstr("variant")));
  EXPECT_THAT(schema_to_json(*schema({field("u", uint32())})), StatusIs(StatusCode::kNotImplemented, HasSubstr("column 'u'")));
}

// ---- deletion vectors, partition values, stats

TEST(DeletionVectorTest, PayloadAndZ85RoundTrip) {
  std::vector<uint64_t> rows = {0, 3, 4, 5, 70000, (uint64_t{1} << 32) + 7};
  std::string payload = serialize_deletion_vector(rows);
  ASSERT_OK_AND_ASSIGN(auto back, deserialize_deletion_vector(payload));
  EXPECT_EQ(back, rows);
  while (payload.size() % 4) payload += '\0';
  ASSERT_OK_AND_ASSIGN(auto decoded, z85_decode(z85_encode(payload)));
  EXPECT_EQ(decoded, payload);
  EXPECT_THAT(z85_decode("abc"), StatusIs(StatusCode::kCorruption, HasSubstr("multiple of 5")));
  EXPECT_THAT(deserialize_deletion_vector(std::string(12, 'x')), StatusIs(StatusCode::kCorruption, HasSubstr("magic")));
}

TEST(PartitionValueTest, ParseFormatAndFolders) {
  ASSERT_OK_AND_ASSIGN(auto ts, partition_column(timestamp(TimeUnit::kMicro, "UTC"), std::string("2024-01-01 10:00:00"), 2));
  ASSERT_OK_AND_ASSIGN(auto iso, partition_column(timestamp(TimeUnit::kMicro, "UTC"), std::string("2024-01-01T10:00:00.000000Z"), 1));
  EXPECT_EQ(ts->value<int64_t>(1), iso->value<int64_t>(0));
  EXPECT_EQ(format_partition_value(*iso, 0), "2024-01-01T10:00:00.000000Z");
  ASSERT_OK_AND_ASSIGN(auto nul, partition_column(int32(), std::string(""), 3));
  EXPECT_EQ(nul->null_count(), 3);
  EXPECT_THAT(partition_column(int32(), std::string("x"), 1), StatusIs(StatusCode::kCorruption, HasSubstr("'x' is not a valid int")));
  EXPECT_EQ(partition_folder("_2", std::string("bar+%21")), "_2=bar+%2521");
  EXPECT_EQ(partition_folder("c", std::nullopt), "c=__HIVE_DEFAULT_PARTITION__");
  EXPECT_EQ(encode_path("_2=bar+%2521/part 1.parquet"), "_2=bar+%252521/part%201.parquet");
}

TEST(StatsTest, ComputeThenParseGivesSafeBounds) {
  auto batch = sales(5, 10, std::string(40, 'z'));
  auto s = sales_schema();
  std::string json = compute_file_stats({batch}, *s, {});
  auto st = parse_file_stats(json, *s, {});
  EXPECT_EQ(st.num_records, 10);
  EXPECT_EQ(st.columns["id"].min->value<int64_t>(0), 5);
  EXPECT_EQ(st.columns["id"].max->value<int64_t>(0), 14);
  EXPECT_EQ(value_text(*st.columns["amount"].max, 0, TextFlavor::kPlain), "14.25");
  // A 40-character string: the 32-character minimum is a prefix (still a lower bound), the
  // maximum is left out.
  EXPECT_TRUE(st.columns["region"].min != nullptr);
  EXPECT_TRUE(st.columns["region"].max == nullptr);
  EXPECT_EQ(st.columns["id"].null_count, 0);
}

// ---- tables

TEST_F(DeltaTest, CreateAppendTimeTravelAndHistory) {
  DeltaTable t = create();
  ASSERT_OK(t.append({sales(0, 5, "EU")}).status());
  ASSERT_OK(t.append({sales(5, 5, "US")}).status());
  EXPECT_EQ(read(t).size(), 10u);
  EXPECT_EQ(read(t, 1).size(), 5u);
  EXPECT_EQ(read(t, 0).size(), 0u);
  ASSERT_OK_AND_ASSIGN(auto snap, t.snapshot());
  EXPECT_EQ(snap->version(), 2);
  EXPECT_EQ(snap->partition_columns(), (std::vector<std::string>{"region"}));
  EXPECT_EQ(snap->protocol().min_reader_version, 1);
  ASSERT_TRUE(snap->commit_info());
  EXPECT_EQ(snap->commit_info()->operation, "WRITE");
  EXPECT_THAT(*snap->commit_info()->operation_metrics, HasSubstr("\"numOutputRows\":\"5\""));
  EXPECT_THAT(*snap->commit_info()->engine_info, HasSubstr("braid/"));
  EXPECT_THAT(t.snapshot(7), StatusIs(StatusCode::kNotFound, HasSubstr("version 7")));
  for (const auto& f : snap->files()) EXPECT_THAT(f.path, ::testing::StartsWith("region="));
  EXPECT_THAT(DeltaTable::create(fs_, "t", sales_schema(), {}), StatusIs(StatusCode::kAlreadyExists, HasSubstr("already exists")));
}

TEST_F(DeltaTest, PredicatesSkipFilesByPartitionAndStats) {
  DeltaTable t = create();
  ASSERT_OK(t.append({sales(0, 100, "EU"), sales(100, 100, "US")}).status());
  ASSERT_OK(t.append({sales(200, 100, "EU")}).status());
  ASSERT_OK_AND_ASSIGN(auto snap, t.snapshot());
  ScanOptions o;
  o.predicates = {{"region", Op::kEq, {str("EU")}}};
  ASSERT_OK_AND_ASSIGN(auto scan, DeltaScan::make(snap, o));
  EXPECT_EQ(scan->files().size(), 2u);
  EXPECT_EQ(scan->files_skipped(), 1);
  o.predicates = {{"region", Op::kEq, {str("EU")}}, {"id", Op::kGe, {i64(250)}}};
  ASSERT_OK_AND_ASSIGN(scan, DeltaScan::make(snap, o));
  EXPECT_EQ(scan->files().size(), 1u);
}

TEST_F(DeltaTest, DeleteAndUpdateRewriteOnlyFilesWithMatches) {
  DeltaTable t = create();
  ASSERT_OK(t.append({sales(0, 10, "EU")}).status());
  ASSERT_OK(t.append({sales(10, 10, "US")}).status());
  ASSERT_OK_AND_ASSIGN(auto del, t.delete_where({{"region", Op::kEq, {str("EU")}}}, id_below(3)));
  EXPECT_EQ(del.rows_matched, 3);
  EXPECT_EQ(del.rows_copied, 7);
  EXPECT_EQ(del.files_removed, 1);
  ASSERT_OK_AND_ASSIGN(auto snap, t.snapshot());
  EXPECT_EQ(snap->commit_info()->operation, "DELETE");
  EXPECT_EQ(read(t).size(), 17u);
  // An update through a row function: amount := 0 for ids below 12 (the EU file and one US file).
  RowUpdater zero = [](const RecordBatch& b, const std::vector<bool>& m) -> Result<RecordBatchPtr> {
    Decimal128Builder a(decimal128(12, 2));
    for (int64_t r = 0; r < b.num_rows(); ++r) a.append(m[static_cast<size_t>(r)] ? Int128{0} : b.column(2)->value<Int128>(r));
    return RecordBatchPtr(std::make_shared<const RecordBatch>(b.schema(), b.num_rows(),
                                                              std::vector<ColumnPtr>{b.column(0), b.column(1), *a.finish()}));
  };
  ASSERT_OK_AND_ASSIGN(auto upd, t.update_where({}, id_below(12), zero));
  EXPECT_EQ(upd.rows_matched, 9);
  EXPECT_EQ(upd.files_removed, 2);
  // Nothing matches: no commit at all.
  ASSERT_OK_AND_ASSIGN(auto none, t.delete_where({}, id_below(-1)));
  EXPECT_EQ(none.commit.version, -1);
  ASSERT_OK_AND_ASSIGN(auto rows, read_table(*t.snapshot()));
  int zeros = 0;
  for (const auto& b : rows) {
    for (int64_t r = 0; r < b->num_rows(); ++r) zeros += b->column(2)->value<Int128>(r) == 0;
  }
  EXPECT_EQ(zeros, 9);
}

TEST_F(DeltaTest, OverwriteReplaceWhereAndIdempotentTxn) {
  DeltaTable t = create();
  ASSERT_OK(t.append({sales(0, 5, "EU"), sales(5, 5, "US")}).status());
  WriteOptions w;
  w.txn = SetTransaction{"pipeline/flow/region=EU", 7, std::nullopt};
  ASSERT_OK_AND_ASSIGN(auto first, t.replace_where({{"region", Op::kEq, {str("EU")}}}, [](const RecordBatch& b) -> Result<std::vector<bool>> {
    std::vector<bool> m(static_cast<size_t>(b.num_rows()));
    for (int64_t r = 0; r < b.num_rows(); ++r) m[static_cast<size_t>(r)] = b.column(1)->string_value(r) == "EU";
    return m;
  }, {sales(100, 3, "EU")}, w));
  EXPECT_FALSE(first.commit.skipped);
  EXPECT_THAT(read(t), ElementsAre(5, 6, 7, 8, 9, 100, 101, 102));
  // The same txn again is skipped: nothing is written twice.
  ASSERT_OK_AND_ASSIGN(auto again, t.append({sales(500, 3, "EU")}, w));
  EXPECT_TRUE(again.skipped);
  EXPECT_EQ(read(t).size(), 8u);
  ASSERT_OK_AND_ASSIGN(auto snap, t.snapshot());
  EXPECT_EQ(snap->transaction_version("pipeline/flow/region=EU"), 7);
  ASSERT_OK(t.overwrite({sales(1000, 2, "ASIA")}).status());
  EXPECT_THAT(read(t), ElementsAre(1000, 1001));
}

TEST_F(DeltaTest, ConcurrentAppendsCommuteAndRebase) {
  DeltaTable t = create();
  ASSERT_OK_AND_ASSIGN(auto base, t.snapshot());
  // Two transactions read the same version; both blind appends commit.
  Transaction a = t.begin(base), b = t.begin(base);
  ASSERT_OK_AND_ASSIGN(auto fa, write_data_files(fs_, "t", TableLayout::of(*base), {sales(0, 3, "EU")}));
  ASSERT_OK_AND_ASSIGN(auto fb, write_data_files(fs_, "t", TableLayout::of(*base), {sales(3, 3, "EU")}));
  for (auto& f : fa) a.add_file(f);
  for (auto& f : fb) b.add_file(f);
  CommitOptions o;
  o.operation = "WRITE";
  ASSERT_OK_AND_ASSIGN(auto ra, a.commit(o));
  ASSERT_OK_AND_ASSIGN(auto rb, b.commit(o));
  EXPECT_EQ(ra.version, 1);
  EXPECT_EQ(rb.version, 2);
  EXPECT_EQ(rb.attempts, 2);
  EXPECT_EQ(read(t).size(), 6u);
}

TEST_F(DeltaTest, ConflictRules) {
  DeltaTable t = create();
  ASSERT_OK(t.append({sales(0, 5, "EU"), sales(5, 5, "US")}).status());
  ASSERT_OK_AND_ASSIGN(auto base, t.snapshot());
  const AddFile* eu = nullptr;
  const AddFile* us = nullptr;
  for (const auto& f : base->files()) (f.partition_values[0].second == "EU" ? eu : us) = &f;
  ASSERT_TRUE(eu && us);
  CommitOptions o;
  o.operation = "MERGE";
  ASSERT_OK_AND_ASSIGN(auto eu_rows, write_data_files(fs_, "t", TableLayout::of(*base), {sales(50, 2, "EU")}));
  ASSERT_OK_AND_ASSIGN(auto us_rows, write_data_files(fs_, "t", TableLayout::of(*base), {sales(60, 2, "US")}));

  // Disjoint partitions: both commit.
  Transaction w1 = t.begin(base), w2 = t.begin(base);
  w1.read_predicates({{"region", Op::kEq, {str("EU")}}});
  w1.read_files({eu});
  w1.remove_existing(*eu);
  w1.add_file(eu_rows[0]);
  w2.read_predicates({{"region", Op::kEq, {str("US")}}});
  w2.read_files({us});
  w2.remove_existing(*us);
  w2.add_file(us_rows[0]);
  ASSERT_OK(w1.commit(o).status());
  ASSERT_OK_AND_ASSIGN(auto r2, w2.commit(o));
  EXPECT_EQ(r2.attempts, 2);

  // Same partition: the loser reads what the winner removed.
  ASSERT_OK_AND_ASSIGN(auto now, t.snapshot());
  const AddFile* eu2 = nullptr;
  for (const auto& f : now->files()) {
    if (f.partition_values[0].second == "EU") eu2 = &f;
  }
  Transaction x = t.begin(now), y = t.begin(now);
  for (Transaction* tx : {&x, &y}) {
    tx->read_predicates({{"region", Op::kEq, {str("EU")}}});
    tx->read_files({eu2});
    tx->remove_existing(*eu2);
  }
  ASSERT_OK(x.commit(o).status());
  Status lost = y.commit(o).status();
  EXPECT_THAT(lost, StatusIs(StatusCode::kConflict, HasSubstr("ConcurrentDeleteReadException")));
  EXPECT_TRUE(lost.is_retryable());

  // Concurrent append into a partition we read.
  ASSERT_OK_AND_ASSIGN(now, t.snapshot());
  Transaction reader = t.begin(now);
  reader.read_predicates({{"region", Op::kEq, {str("US")}}});
  ASSERT_OK(t.append({sales(70, 1, "US")}).status());
  EXPECT_THAT(reader.commit(o), StatusIs(StatusCode::kConflict, HasSubstr("ConcurrentAppendException: version")));
  // ... but not under WriteSerializable, where a blind append does not conflict.
  ASSERT_OK_AND_ASSIGN(now, t.snapshot());
  Transaction ws = t.begin(now);
  ws.read_predicates({{"region", Op::kEq, {str("US")}}});
  ASSERT_OK(t.append({sales(71, 1, "US")}).status());
  CommitOptions wo = o;
  wo.isolation = IsolationLevel::kWriteSerializable;
  ASSERT_OK(ws.commit(wo).status());

  // Metadata changed by the winner.
  ASSERT_OK_AND_ASSIGN(now, t.snapshot());
  Transaction meta = t.begin(now), data = t.begin(now);
  Metadata m = now->metadata();
  m.configuration.emplace_back("owner", "x");
  meta.set_metadata(m);
  data.read_whole_table();
  ASSERT_OK(meta.commit(o).status());
  EXPECT_THAT(data.commit(o), StatusIs(StatusCode::kConflict, HasSubstr("MetadataChangedException")));
}

TEST_F(DeltaTest, CheckpointsAreReadBack) {
  DeltaTable t = create({});
  for (int i = 0; i < 12; ++i) ASSERT_OK(t.append({sales(i * 10, 10, "EU")}).status());
  // Version 10 was checkpointed after its commit.
  ASSERT_OK_AND_ASSIGN(auto listing, t.store()->list());
  ASSERT_EQ(listing.checkpoints.size(), 1u);
  EXPECT_EQ(listing.checkpoints[0].version, 10);
  ASSERT_TRUE(t.store()->read_last_checkpoint());
  EXPECT_EQ(read(t).size(), 120u);
  // Replay from the checkpoint alone, with the commits before it gone.
  for (int v = 0; v <= 9; ++v) ASSERT_OK(fs_->remove(t.store()->commit_path(v)));
  EXPECT_EQ(read(t).size(), 120u);
  EXPECT_EQ(read(t, 10).size(), 100u);  // version 0 creates, versions 1..10 append
  EXPECT_THAT(t.snapshot(5), StatusIs(StatusCode::kNotFound, HasSubstr("cannot be reconstructed")));
}

// Log cleanup goes by file age: these tests use the local file system, which dates files.
class DeltaLogCleanupTest : public DeltaTest {
 protected:
  void SetUp() override {
    root_ = (std::filesystem::temp_directory_path() /
             ("braid-log-cleanup-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                .string();
    std::filesystem::remove_all(root_);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  DeltaTable create_local(const std::string& name, StringMap properties) {
    CreateOptions o;
    o.properties = std::move(properties);
    auto t = DeltaTable::create(local_file_system(), root_ + "/" + name, sales_schema(), o);
    EXPECT_TRUE(t.ok()) << t.status().to_string();
    return *t;
  }
  std::string root_;
};

TEST_F(DeltaLogCleanupTest, ExpiredLogFilesAreCleanedUpBehindACheckpoint) {
  DeltaTable t = create_local("t", {});
  for (int i = 0; i < 25; ++i) ASSERT_OK(t.append({sales(i, 1, "EU")}).status());
  // A dead writer's temporary commit file.
  ASSERT_OK(local_file_system()->write_file(t.store()->log_dir() + "/.00000000000000000026.json.1.2a.tmp", "{"));
  const auto before = read(t);
  // Nothing is older than a cutoff in the past.
  ASSERT_OK_AND_ASSIGN(int64_t none, cleanup_expired_log(*t.store(), now_ms() - 3600 * 1000));
  EXPECT_EQ(none, 0);
  // Everything is older than a cutoff in the future: all before checkpoint 20 goes.
  ASSERT_OK_AND_ASSIGN(int64_t removed, cleanup_expired_log(*t.store(), now_ms() + 3600 * 1000));
  EXPECT_EQ(removed, 20 + 1 + 1);  // commits 0..19, checkpoint 10, the temporary file
  ASSERT_OK_AND_ASSIGN(auto listing, t.store()->list());
  ASSERT_EQ(listing.commits.front().version, 20);
  ASSERT_EQ(listing.checkpoints.size(), 1u);
  EXPECT_EQ(listing.checkpoints[0].version, 20);
  EXPECT_EQ(read(t), before);
  EXPECT_EQ(read(t, 20).size(), 20u);
  EXPECT_THAT(t.snapshot(15), StatusIs(StatusCode::kNotFound, HasSubstr("cannot be reconstructed")));
}

TEST_F(DeltaLogCleanupTest, CommitsCleanUpTheLogByTheTablesRetention) {
  // A zero retention: the cleanup after checkpoint 10 removes commits 0..9 at once.
  DeltaTable t = create_local("t", {{"delta.logRetentionDuration", "interval 0 hours"}});
  for (int i = 0; i < 11; ++i) ASSERT_OK(t.append({sales(i, 1, "EU")}).status());
  ASSERT_OK_AND_ASSIGN(auto listing, t.store()->list());
  EXPECT_EQ(listing.commits.front().version, 10);
  EXPECT_EQ(read(t).size(), 11u);
  // Disabled: the log keeps everything.
  DeltaTable kept = create_local(
      "kept", {{"delta.logRetentionDuration", "interval 0 hours"}, {"delta.enableExpiredLogCleanup", "false"}});
  for (int i = 0; i < 11; ++i) ASSERT_OK(kept.append({sales(i, 1, "EU")}).status());
  ASSERT_OK_AND_ASSIGN(auto all, kept.store()->list());
  EXPECT_EQ(all.commits.front().version, 0);
}

TEST_F(DeltaTest, GapsInTheLogAreCorruption) {
  DeltaTable t = create();
  ASSERT_OK(t.append({sales(0, 1, "EU")}).status());
  ASSERT_OK(t.append({sales(1, 1, "EU")}).status());
  ASSERT_OK(fs_->remove(t.store()->commit_path(1)));
  EXPECT_THAT(t.snapshot(), StatusIs(StatusCode::kCorruption, HasSubstr("missing the commit of version 1")));
}

// A file system whose folder listings leave out one name, as a listing taken while another
// writer links that commit may do.
class ListingMissesAFile final : public FileSystem {
 public:
  ListingMissesAFile(std::shared_ptr<FileSystem> base, std::string hidden)
      : base_(std::move(base)), hidden_(std::move(hidden)) {}
  Result<std::unique_ptr<RandomAccessFile>> open_read(const std::string& p) override { return base_->open_read(p); }
  Result<std::unique_ptr<WritableFile>> open_write(const std::string& p) override { return base_->open_write(p); }
  Status put_if_absent(const std::string& p, std::string_view c) override { return base_->put_if_absent(p, c); }
  Status rename(const std::string& f, const std::string& t, bool r) override { return base_->rename(f, t, r); }
  Result<FileInfo> stat(const std::string& p) override { return base_->stat(p); }
  Status create_directories(const std::string& p) override { return base_->create_directories(p); }
  Status remove(const std::string& p) override { return base_->remove(p); }
  Result<std::vector<FileInfo>> list(const std::string& dir) override {
    BRAID_ASSIGN_OR_RETURN(auto entries, base_->list(dir));
    std::erase_if(entries, [&](const FileInfo& e) { return e.name == hidden_; });
    return entries;
  }

 private:
  std::shared_ptr<FileSystem> base_;
  std::string hidden_;
};

TEST_F(DeltaTest, ACommitMissingFromTheListingIsReadByName) {
  DeltaTable t = create();
  for (int i = 0; i < 3; ++i) ASSERT_OK(t.append({sales(i, 1, "EU")}).status());
  auto racy = std::make_shared<ListingMissesAFile>(fs_, "00000000000000000002.json");
  ASSERT_OK_AND_ASSIGN(DeltaTable seen, DeltaTable::open(racy, "t"));
  ASSERT_OK_AND_ASSIGN(auto snap, seen.snapshot());
  EXPECT_EQ(snap->version(), 3);
  EXPECT_THAT(read(seen), ElementsAre(0, 1, 2));
}

TEST_F(DeltaTest, AFileLiveTwiceIsCorruption) {
  // Re-adding a live file with a deletion vector but without removing the old entry would make
  // a reader return its rows twice: the snapshot refuses the log instead.
  DeltaTable t = create();
  ASSERT_OK(t.append({sales(0, 3, "EU")}).status());
  ASSERT_OK_AND_ASSIGN(auto snap, t.snapshot());
  ASSERT_EQ(snap->files().size(), 1u);
  AddFile again = snap->files()[0];
  DeletionVectorDescriptor dv;
  dv.storage_type = "i";
  dv.path_or_inline_dv = "wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L";
  dv.size_in_bytes = 36;
  dv.cardinality = 2;
  again.deletion_vector = dv;
  ASSERT_OK(t.store()->write_commit(2, actions_to_json({Action(again)})));
  EXPECT_THAT(t.snapshot(), StatusIs(StatusCode::kCorruption, HasSubstr("two live entries for the file")));
  EXPECT_EQ(read(t, 1).size(), 3u);  // the versions before are still readable
}

TEST_F(DeltaTest, OptimizeCompactsAndKeepsRows) {
  DeltaTable t = create();
  for (int i = 0; i < 5; ++i) ASSERT_OK(t.append({sales(i * 3, 3, "EU"), sales(100 + i, 1, "US")}).status());
  ASSERT_OK_AND_ASSIGN(auto before, t.snapshot());
  EXPECT_EQ(before->files().size(), 10u);
  ASSERT_OK_AND_ASSIGN(auto r, t.optimize());
  ASSERT_GE(r.version, 0);
  ASSERT_OK_AND_ASSIGN(auto after, t.snapshot());
  EXPECT_EQ(after->files().size(), 2u);
  EXPECT_EQ(after->commit_info()->operation, "OPTIMIZE");
  EXPECT_EQ(read(t), read(t, before->version()));
}

TEST_F(DeltaTest, VacuumRespectsRetentionAndKeepsLiveFiles) {
  DeltaTable t = create();
  ASSERT_OK(t.append({sales(0, 5, "EU")}).status());
  ASSERT_OK(t.overwrite({sales(10, 5, "EU")}).status());
  ASSERT_OK(fs_->write_file("t/region=EU/orphan.parquet", "crash leftover"));
  std::this_thread::sleep_for(std::chrono::milliseconds(3));  // the tombstone is older than "now"
  EXPECT_THAT(t.vacuum({.retain_hours = 0}), StatusIs(StatusCode::kInvalidArgument, HasSubstr("refusing to vacuum")));
  // The memory file system's clock makes every file "old"; retention 0 forced.
  ASSERT_OK_AND_ASSIGN(auto dry, t.vacuum({.retain_hours = 0, .dry_run = true, .force = true}));
  EXPECT_EQ(dry.files.size(), 2u);  // the overwritten file and the orphan
  ASSERT_OK_AND_ASSIGN(auto done, t.vacuum({.retain_hours = 0, .force = true}));
  EXPECT_EQ(done.files, dry.files);
  EXPECT_EQ(read(t).size(), 5u);
}

TEST_F(DeltaTest, ProtocolFollowsFeatures) {
  EXPECT_EQ(protocol_for(*sales_schema(), {}).min_writer_version, 2);
  auto ntz = protocol_for(*schema({field("t", timestamp(TimeUnit::kMicro))}), {});
  EXPECT_EQ(ntz.min_reader_version, 3);
  EXPECT_THAT(*ntz.reader_features, ElementsAre("timestampNtz"));
  EXPECT_EQ(protocol_for(*sales_schema(), {{"delta.columnMapping.mode", "name"}}).min_reader_version, 2);
  Protocol future{4, 7, std::nullopt, std::nullopt};
  EXPECT_THAT(check_readable(future), StatusIs(StatusCode::kNotImplemented, HasSubstr("reader version 4")));
  Protocol features{3, 7, std::vector<std::string>{"catalogManaged"}, std::vector<std::string>{"catalogManaged"}};
  EXPECT_THAT(check_readable(features), StatusIs(StatusCode::kNotImplemented, HasSubstr("'catalogManaged'")));
}

TEST_F(DeltaTest, ColumnMappingWritesPhysicalNames) {
  DeltaTable t = create({"region"}, {{"delta.columnMapping.mode", "name"}});
  ASSERT_OK(t.append({sales(0, 4, "EU")}).status());
  ASSERT_OK_AND_ASSIGN(auto snap, t.snapshot());
  EXPECT_EQ(snap->column_mapping(), ColumnMappingMode::kName);
  auto phys = metadata_string(*snap->schema()->field(1), "delta.columnMapping.physicalName");
  ASSERT_TRUE(phys);
  EXPECT_THAT(*phys, ::testing::StartsWith("col-"));
  EXPECT_EQ(snap->files()[0].partition_values[0].first, *phys);
  EXPECT_EQ(read(t).size(), 4u);
}

TEST_F(DeltaTest, WrongSchemaIsRejected) {
  DeltaTable t = create();
  auto other = std::make_shared<const RecordBatch>(schema({field("x", int64())}), 0,
                                                   std::vector<ColumnPtr>{*Column::make_null(int64(), 0)});
  EXPECT_THAT(t.append({other}), StatusIs(StatusCode::kInvalidArgument, HasSubstr("the data has 1 columns, the table has 3")));
}

}  // namespace
}  // namespace braid::delta
