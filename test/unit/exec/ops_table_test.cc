#include <gtest/gtest.h>

#include <algorithm>

#include "columnar/column_builder.h"
#include "columnar/value_text.h"
#include "exec/ops/gather.h"
#include "exec/ops/row_keys.h"
#include "exec/ops/table.h"
#include "support/status_matchers.h"

namespace braid::exec {
namespace {

using ::braid::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

SchemaPtr int_schema() { return schema({field("x", int64(), false)}); }

// Batches of consecutive integers with the given sizes: {2, 3} is [0, 1], [2, 3, 4].
Table counting_table(const std::vector<int64_t>& sizes) {
  Table t{int_schema(), {}};
  int64_t next = 0;
  for (int64_t size : sizes) {
    Int64Builder b(int64());
    for (int64_t i = 0; i < size; ++i) b.append(next++);
    t.batches.push_back(std::make_shared<const RecordBatch>(t.schema, size,
                                                            std::vector<ColumnPtr>{*b.finish()}));
  }
  return t;
}

std::vector<int64_t> values_of(const Table& t) {
  std::vector<int64_t> out;
  for (const auto& b : t.batches) {
    EXPECT_OK(b->validate(true));
    for (int64_t r = 0; r < b->num_rows(); ++r) out.push_back(b->column(0)->value<int64_t>(r));
  }
  return out;
}

std::vector<int64_t> batch_sizes(const Table& t) {
  std::vector<int64_t> out;
  for (const auto& b : t.batches) out.push_back(b->num_rows());
  return out;
}

TEST(OpsTable, ValidateChecksBatchesAgainstTheSchema) {
  Table t = counting_table({2});
  EXPECT_OK(validate_table(t, "input"));
  Table wrong{schema({field("x", int32())}), t.batches};
  EXPECT_THAT(validate_table(wrong, "join left input"),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("join left input: batch 0 column 0 ('x') is bigint")));
  EXPECT_THAT(validate_table(Table{}, "input"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("no schema")));
}

TEST(OpsTable, MorselsSplitBatchesAndSkipEmptyOnes) {
  Table t = counting_table({5, 0, 2});
  auto morsels = split_morsels(t, 2);
  ASSERT_EQ(morsels.size(), 4u);
  EXPECT_EQ(morsels[2].batch, 0u);
  EXPECT_EQ(morsels[2].start, 4);
  EXPECT_EQ(morsels[2].length, 1);
  EXPECT_EQ(morsels[3].batch, 2u);
  EXPECT_EQ(morsels[3].length, 2);
}

TEST(OpsTable, CompactConcatenatesSmallBatchesInOrder) {
  Table t = counting_table({1, 2, 0, 3, 10, 1, 1});
  for (int parallelism : {1, 3}) {
    ASSERT_OK_AND_ASSIGN(auto out, compact(t, 8, {.max_parallelism = parallelism}));
    EXPECT_EQ(values_of(out), values_of(t));
    EXPECT_THAT(batch_sizes(out), ElementsAre(6, 10, 2));
  }
  ASSERT_OK_AND_ASSIGN(auto one, concat_batches(t));
  EXPECT_EQ(one->num_rows(), 18);
  ASSERT_OK_AND_ASSIGN(auto empty, concat_batches(Table{int_schema(), {}}));
  EXPECT_EQ(empty->num_rows(), 0);
}

TEST(OpsTable, UnionAllKeepsOrderAndWidensNullability) {
  Table a = counting_table({2});
  Table b{schema({field("y", int64(), true)}), counting_table({1, 2}).batches};
  for (auto& batch : b.batches) {
    batch = std::make_shared<const RecordBatch>(b.schema, batch->num_rows(), batch->columns());
  }
  ASSERT_OK_AND_ASSIGN(auto out, union_all({a, b}));
  EXPECT_EQ(values_of(out), (std::vector<int64_t>{0, 1, 0, 1, 2}));
  EXPECT_EQ(out.schema->to_string(), "x: bigint\n");
  for (const auto& batch : out.batches) EXPECT_TRUE(batch->schema()->equals(*out.schema));
  Table strings{schema({field("s", string_type())}), {}};
  EXPECT_THAT(union_all({a, strings}),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("column 1 is string in input 1 and bigint in input 0")));
  EXPECT_THAT(union_all({}), StatusIs(StatusCode::kInvalidArgument, HasSubstr("no inputs")));
}

TEST(OpsTable, LimitSlicesWithoutCopying) {
  Table t = counting_table({3, 0, 4, 2});
  ASSERT_OK_AND_ASSIGN(auto out, limit(t, 4, 2));
  EXPECT_EQ(values_of(out), (std::vector<int64_t>{2, 3, 4, 5}));
  EXPECT_EQ(out.batches[1]->column(0)->buffer(1), t.batches[2]->column(0)->buffer(1));
  ASSERT_OK_AND_ASSIGN(auto rest, limit(t, -1, 7));
  EXPECT_EQ(values_of(rest), (std::vector<int64_t>{7, 8}));
  ASSERT_OK_AND_ASSIGN(auto none, limit(t, 0));
  EXPECT_THAT(values_of(none), IsEmpty());
  ASSERT_OK_AND_ASSIGN(auto past, limit(t, 5, 100));
  EXPECT_THAT(values_of(past), IsEmpty());
  EXPECT_THAT(limit(t, 1, -1), StatusIs(StatusCode::kInvalidArgument, HasSubstr("negative")));
}

TEST(OpsTable, FilterKeepsOrderAndPropagatesErrors) {
  Table t = counting_table({3, 4, 2});
  const RowPredicate even = [](const RecordBatch& b) -> Result<std::vector<bool>> {
    std::vector<bool> keep;
    for (int64_t i = 0; i < b.num_rows(); ++i) keep.push_back(b.column(0)->value<int64_t>(i) % 2 == 0);
    return keep;
  };
  ASSERT_OK_AND_ASSIGN(auto out, filter(t, even, {.max_parallelism = 3}));
  EXPECT_EQ(values_of(out), (std::vector<int64_t>{0, 2, 4, 6, 8}));
  EXPECT_THAT(filter(t, [](const RecordBatch&) -> Result<std::vector<bool>> {
                return std::vector<bool>{true};
              }),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("gave 1 values for 3 rows")));
}

TEST(OpsGather, GathersAcrossBatchesWithNullRefs) {
  BinaryBuilder a(string_type());
  a.append("x");
  a.append_null();
  BinaryBuilder b(string_type());
  b.append("yy");
  ASSERT_OK_AND_ASSIGN(auto ca, a.finish());
  ASSERT_OK_AND_ASSIGN(auto cb, b.finish());
  const std::vector<const Column*> sources = {ca.get(), cb.get()};
  const std::vector<RowRef> refs = {{1, 0}, kNullRowRef, {0, 1}, {0, 0}};
  ASSERT_OK_AND_ASSIGN(auto out, gather(string_type(), sources, refs.data(), 4));
  ASSERT_OK(out->validate(true));
  EXPECT_EQ(out->string_value(0), "yy");
  EXPECT_TRUE(out->is_null(1));
  EXPECT_TRUE(out->is_null(2));
  EXPECT_EQ(out->string_value(3), "x");
  EXPECT_EQ(out->null_count(), 2);
}

TEST(OpsRowKeys, EncodingMakesEqualKeysEqualBytes) {
  ASSERT_OK_AND_ASSIGN(auto encoder, KeyEncoder::make({float64(), string_type()}, {false, true}));
  Float64Builder d(float64());
  BinaryBuilder s(string_type());
  for (double v : {0.0, -0.0, std::nan(""), -std::nan("1"), 1.0}) d.append(v);
  d.append_null();
  for (const char* v : {"a", "a", "", "", "ab"}) s.append(v);
  s.append_null();
  ASSERT_OK_AND_ASSIGN(auto dc, d.finish());
  ASSERT_OK_AND_ASSIGN(auto sc, s.finish());
  EncodedKeys keys;
  encoder.encode({dc.get(), sc.get()}, 0, 6, &keys);
  EXPECT_EQ(keys.key(0), keys.key(1));
  EXPECT_EQ(keys.hashes[0], keys.hashes[1]);
  EXPECT_EQ(keys.key(2), keys.key(3));
  EXPECT_NE(keys.key(0), keys.key(4));
  // The NULL double is not null-safe: that row can never match.
  EXPECT_FALSE(keys.is_unmatchable(4));
  EXPECT_TRUE(keys.is_unmatchable(5));
  // Strings are length-prefixed: ("a", "b") and ("ab", "") must differ.
  ASSERT_OK_AND_ASSIGN(auto two, KeyEncoder::make({string_type(), string_type()}));
  BinaryBuilder x(string_type());
  BinaryBuilder y(string_type());
  x.append("a");
  y.append("b");
  x.append("ab");
  y.append("");
  ASSERT_OK_AND_ASSIGN(auto xc, x.finish());
  ASSERT_OK_AND_ASSIGN(auto yc, y.finish());
  two.encode({xc.get(), yc.get()}, 0, 2, &keys);
  EXPECT_NE(keys.key(0), keys.key(1));
  EXPECT_THAT(KeyEncoder::make({interval()}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("cannot be grouped or joined")));
}

TEST(OpsRowKeys, KeyTableNumbersKeysInInsertionOrder) {
  KeyTable table;
  bool inserted = false;
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 1000; ++i) {
      const std::string key = "key" + std::to_string(i);
      const uint32_t id = table.find_or_insert(key, KeyEncoder::hash_bytes(key), &inserted);
      EXPECT_EQ(id, static_cast<uint32_t>(i));
      EXPECT_EQ(inserted, round == 0);
    }
  }
  EXPECT_EQ(table.size(), 1000u);
  EXPECT_EQ(table.key(7), "key7");
  EXPECT_EQ(table.find("key999", KeyEncoder::hash_bytes("key999")), 999);
  EXPECT_EQ(table.find("nope", KeyEncoder::hash_bytes("nope")), -1);
}

}  // namespace
}  // namespace braid::exec
