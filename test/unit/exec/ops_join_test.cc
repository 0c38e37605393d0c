#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <optional>

#include "columnar/column_builder.h"
#include "exec/ops/hash_join.h"
#include "support/status_matchers.h"
#include "unit/exec/ops_fixtures.h"

namespace braid::exec {
namespace {

using ::braid::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using namespace ::braid::exec::ops_fixtures;

// The sorted rows of an operator's output, every batch of which carries the output's schema.
std::vector<std::string> sorted_output_rows(const Table& table) {
  for (const auto& b : table.batches) EXPECT_TRUE(b->schema()->equals(*table.schema));
  return sorted_rows_of(table);
}

// Runs the join every way (build side, split, parallelism) and checks all give the same rows.
std::vector<std::string> join_rows(const Table& left, const Table& right, std::vector<int> lk,
                                   std::vector<int> rk, JoinType type, JoinOptions options = {}) {
  std::optional<std::vector<std::string>> first;
  for (BuildSide side : {BuildSide::kAuto, BuildSide::kLeft, BuildSide::kRight}) {
    options.build_side = side;
    for (const auto& ctx : contexts()) {
      auto out = hash_join(left, right, lk, rk, type, options, ctx);
      EXPECT_OK(out);
      if (!out.ok()) return {};
      auto rows = sorted_output_rows(*out);
      if (!first) {
        first = rows;
      } else {
        EXPECT_EQ(rows, *first) << "build side " << static_cast<int>(side) << ", morsel rows "
                                << ctx.morsel_rows;
      }
    }
  }
  return *first;
}

class OpsJoin : public ::testing::Test {
 protected:
  SchemaPtr left_schema_ = schema({field("k", int32()), field("a", string_type())});
  SchemaPtr right_schema_ = schema({field("k", int32(), false), field("b", string_type())});
  // Key 1 twice on each side, NULL keys on both, unmatched 2 (left) and 4 (right).
  Table left_ = csv_table(left_schema_, "1,l1\n1,l1b\n2,l2\n,lnull\n3,l3\n");
  Table right_ = csv_table(schema({field("k", int32()), field("b", string_type())}),
                           "1,r1\n3,r3\n,rnull\n1,r1b\n4,r4\n");
};

TEST_F(OpsJoin, InnerMatchesDuplicatesAndNeverNullKeys) {
  EXPECT_THAT(join_rows(left_, right_, {0}, {0}, JoinType::kInner),
              ElementsAre("1|l1b|1|r1", "1|l1b|1|r1b", "1|l1|1|r1", "1|l1|1|r1b", "3|l3|3|r3"));
}

TEST_F(OpsJoin, OuterJoinsPadWithNulls) {
  EXPECT_THAT(join_rows(left_, right_, {0}, {0}, JoinType::kLeft),
              ElementsAre("1|l1b|1|r1", "1|l1b|1|r1b", "1|l1|1|r1", "1|l1|1|r1b",
                          "2|l2|NULL|NULL", "3|l3|3|r3", "NULL|lnull|NULL|NULL"));
  EXPECT_THAT(join_rows(left_, right_, {0}, {0}, JoinType::kRight),
              ElementsAre("1|l1b|1|r1", "1|l1b|1|r1b", "1|l1|1|r1", "1|l1|1|r1b", "3|l3|3|r3",
                          "NULL|NULL|4|r4", "NULL|NULL|NULL|rnull"));
  EXPECT_THAT(join_rows(left_, right_, {0}, {0}, JoinType::kFull),
              ElementsAre("1|l1b|1|r1", "1|l1b|1|r1b", "1|l1|1|r1", "1|l1|1|r1b",
                          "2|l2|NULL|NULL", "3|l3|3|r3", "NULL|NULL|4|r4", "NULL|NULL|NULL|rnull",
                          "NULL|lnull|NULL|NULL"));
}

TEST_F(OpsJoin, OuterSidesBecomeNullable) {
  Table right = csv_table(right_schema_, "1,r\n");
  ASSERT_OK_AND_ASSIGN(auto inner, hash_join(left_, right, {0}, {0}, JoinType::kInner));
  EXPECT_FALSE(inner.schema->field(2)->nullable());
  ASSERT_OK_AND_ASSIGN(auto outer, hash_join(left_, right, {0}, {0}, JoinType::kLeft));
  EXPECT_TRUE(outer.schema->field(2)->nullable());
  EXPECT_EQ(outer.schema->to_string(), "k: int\na: string\nk: int\nb: string\n");
}

TEST_F(OpsJoin, SemiAndAnti) {
  EXPECT_THAT(join_rows(left_, right_, {0}, {0}, JoinType::kLeftSemi),
              ElementsAre("1|l1", "1|l1b", "3|l3"));
  // A NULL key matches nothing, so anti keeps it.
  EXPECT_THAT(join_rows(left_, right_, {0}, {0}, JoinType::kLeftAnti),
              ElementsAre("2|l2", "NULL|lnull"));
  ASSERT_OK_AND_ASSIGN(auto semi, hash_join(left_, right_, {0}, {0}, JoinType::kLeftSemi));
  EXPECT_TRUE(semi.schema->equals(*left_schema_));
}

TEST_F(OpsJoin, NullSafeKeysMatchNulls) {
  const JoinOptions null_safe{.null_safe = {true}};
  EXPECT_THAT(join_rows(left_, right_, {0}, {0}, JoinType::kInner, null_safe),
              ElementsAre("1|l1b|1|r1", "1|l1b|1|r1b", "1|l1|1|r1", "1|l1|1|r1b", "3|l3|3|r3",
                          "NULL|lnull|NULL|rnull"));
  EXPECT_THAT(join_rows(left_, right_, {0}, {0}, JoinType::kLeftAnti, null_safe),
              ElementsAre("2|l2"));
}

TEST_F(OpsJoin, MultipleKeysOnlyNullSafeWhereAsked) {
  auto s = schema({field("x", string_type()), field("y", int64())});
  Table l = csv_table(s, "a,1\na,\n,1\n,\nb,2\n");
  Table r = csv_table(s, "a,1\na,\n,1\n,\nb,3\n");
  // x <=> x AND y = y.
  EXPECT_THAT(join_rows(l, r, {0, 1}, {0, 1}, JoinType::kInner, {.null_safe = {true, false}}),
              ElementsAre("NULL|1|NULL|1", "a|1|a|1"));
  EXPECT_THAT(join_rows(l, r, {0, 1}, {0, 1}, JoinType::kInner, {.null_safe = {true, true}}),
              ElementsAre("NULL|1|NULL|1", "NULL|NULL|NULL|NULL", "a|1|a|1", "a|NULL|a|NULL"));
}

TEST_F(OpsJoin, FloatingKeysMatchAsSparkGroups) {
  auto s = schema({field("d", float64())});
  Table l = csv_table(s, "-0.0\nNaN\n1.5\n");
  Table r = csv_table(s, "0.0\nNaN\n2.5\n");
  EXPECT_THAT(join_rows(l, r, {0}, {0}, JoinType::kInner), ElementsAre("-0|0", "NaN|NaN"));
}

TEST_F(OpsJoin, ResidualDecidesOuterSemiAndAnti) {
  auto s = schema({field("k", int32()), field("v", int32())});
  Table l = csv_table(s, "1,5\n1,1\n2,9\n,0\n");
  Table r = csv_table(s, "1,3\n1,6\n2,1\n");
  // ON l.k = r.k AND l.v < r.v
  JoinOptions options;
  options.residual = [](const RecordBatch& pairs) -> Result<std::vector<bool>> {
    std::vector<bool> keep(static_cast<size_t>(pairs.num_rows()));
    const Column& lv = *pairs.column(1);
    const Column& rv = *pairs.column(3);
    for (int64_t i = 0; i < pairs.num_rows(); ++i) {
      keep[static_cast<size_t>(i)] = lv.value<int32_t>(i) < rv.value<int32_t>(i);
    }
    return keep;
  };
  EXPECT_THAT(join_rows(l, r, {0}, {0}, JoinType::kInner, options),
              ElementsAre("1|1|1|3", "1|1|1|6", "1|5|1|6"));
  EXPECT_THAT(join_rows(l, r, {0}, {0}, JoinType::kLeft, options),
              ElementsAre("1|1|1|3", "1|1|1|6", "1|5|1|6", "2|9|NULL|NULL", "NULL|0|NULL|NULL"));
  EXPECT_THAT(join_rows(l, r, {0}, {0}, JoinType::kRight, options),
              ElementsAre("1|1|1|3", "1|1|1|6", "1|5|1|6", "NULL|NULL|2|1"));
  EXPECT_THAT(join_rows(l, r, {0}, {0}, JoinType::kLeftSemi, options),
              ElementsAre("1|1", "1|5"));
  EXPECT_THAT(join_rows(l, r, {0}, {0}, JoinType::kLeftAnti, options),
              ElementsAre("2|9", "NULL|0"));
}

TEST_F(OpsJoin, ResidualErrorsTravelUp) {
  JoinOptions options;
  options.residual = [](const RecordBatch&) -> Result<std::vector<bool>> {
    return Status::invalid_argument("division by zero");
  };
  EXPECT_THAT(hash_join(left_, right_, {0}, {0}, JoinType::kInner, options),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("inner join: division by zero")));
  options.residual = [](const RecordBatch&) -> Result<std::vector<bool>> {
    return std::vector<bool>{true};
  };
  EXPECT_THAT(hash_join(left_, right_, {0}, {0}, JoinType::kInner, options,
                        {.max_parallelism = 1, .morsel_rows = 100}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("gave 1 values for 4 candidate pairs")));
}

TEST_F(OpsJoin, EmptyInputs) {
  Table empty_left{left_schema_, {}};
  Table empty_right{right_.schema, {}};
  EXPECT_THAT(join_rows(empty_left, right_, {0}, {0}, JoinType::kInner), IsEmpty());
  EXPECT_THAT(join_rows(empty_left, right_, {0}, {0}, JoinType::kLeftSemi), IsEmpty());
  EXPECT_THAT(join_rows(empty_left, right_, {0}, {0}, JoinType::kRight),
              ElementsAre("NULL|NULL|1|r1", "NULL|NULL|1|r1b", "NULL|NULL|3|r3", "NULL|NULL|4|r4",
                          "NULL|NULL|NULL|rnull"));
  EXPECT_THAT(join_rows(left_, empty_right, {0}, {0}, JoinType::kInner), IsEmpty());
  EXPECT_THAT(join_rows(left_, empty_right, {0}, {0}, JoinType::kLeftAnti),
              ElementsAre("1|l1", "1|l1b", "2|l2", "3|l3", "NULL|lnull"));
  EXPECT_THAT(join_rows(left_, empty_right, {0}, {0}, JoinType::kLeft),
              ElementsAre("1|l1b|NULL|NULL", "1|l1|NULL|NULL", "2|l2|NULL|NULL",
                          "3|l3|NULL|NULL", "NULL|lnull|NULL|NULL"));
  EXPECT_THAT(join_rows(empty_left, empty_right, {0}, {0}, JoinType::kFull), IsEmpty());
}

TEST_F(OpsJoin, RejectsMismatchedKeys) {
  auto s = schema({field("k", int64())});
  EXPECT_THAT(hash_join(left_, Table{s, {}}, {0}, {0}, JoinType::kInner),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("key 1 is int on the left and bigint on the right")));
  EXPECT_THAT(hash_join(left_, right_, {0, 1}, {0}, JoinType::kInner),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("2 left keys and 1 right keys")));
  EXPECT_THAT(hash_join(left_, right_, {5}, {0}, JoinType::kInner),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("out of range")));
}

TEST_F(OpsJoin, MemoryLimitGivesOutOfMemory) {
  auto s = schema({field("k", int64())});
  Int64Builder b(int64());
  for (int64_t i = 0; i < 40000; ++i) b.append(i % 1000);
  ASSERT_OK_AND_ASSIGN(auto column, b.finish());
  Table t{s, {std::make_shared<const RecordBatch>(s, 40000, std::vector<ColumnPtr>{column})}};
  MemoryTracker tracker("join query", 1 << 20);
  // 40000 x 40 matches per key = 1.6M output rows: far over 1 MiB.
  EXPECT_THAT(hash_join(t, t, {0}, {0}, JoinType::kInner, {}, {.memory = &tracker}),
              StatusIs(StatusCode::kOutOfMemory, HasSubstr("join query")));
  EXPECT_EQ(tracker.current(), 0);
}

TEST(OpsCrossJoin, AllPairsFilteredByResidual) {
  auto s = schema({field("x", int32())});
  Table l = csv_table(s, "1\n2\n3\n");
  Table r = csv_table(s, "2\n\n");
  for (const auto& ctx : contexts()) {
    ASSERT_OK_AND_ASSIGN(auto all, cross_join(l, r, {}, ctx));
    EXPECT_THAT(sorted_output_rows(all),
                ElementsAre("1|2", "1|NULL", "2|2", "2|NULL", "3|2", "3|NULL"));
    ASSERT_OK_AND_ASSIGN(
        auto less, cross_join(
                       l, r,
                       [](const RecordBatch& pairs) -> Result<std::vector<bool>> {
                         std::vector<bool> keep;
                         for (int64_t i = 0; i < pairs.num_rows(); ++i) {
                           keep.push_back(pairs.column(1)->is_valid(i) &&
                                          pairs.column(0)->value<int32_t>(i) <
                                              pairs.column(1)->value<int32_t>(i));
                         }
                         return keep;
                       },
                       ctx));
    EXPECT_THAT(sorted_output_rows(less), ElementsAre("1|2"));
  }
  ASSERT_OK_AND_ASSIGN(auto none, cross_join(l, Table{s, {}}));
  EXPECT_EQ(none.num_rows(), 0);
  EXPECT_EQ(none.schema->num_fields(), 2);
}

// ---- property: every join type, build side and split matches a nested-loop oracle

struct Side {
  std::vector<std::optional<int>> keys;
};

Table key_table(const std::vector<std::optional<int>>& keys, const std::string& tag,
                int64_t batch_rows) {
  auto s = schema({field("k", int32()), field("tag", string_type())});
  Table t{s, {}};
  for (size_t start = 0; start < keys.size(); start += static_cast<size_t>(batch_rows)) {
    const size_t end = std::min(keys.size(), start + static_cast<size_t>(batch_rows));
    Int32Builder k(int32());
    BinaryBuilder v(string_type());
    for (size_t i = start; i < end; ++i) {
      keys[i] ? k.append(*keys[i]) : k.append_null();
      v.append(tag + std::to_string(i));
    }
    t.batches.push_back(std::make_shared<const RecordBatch>(
        s, static_cast<int64_t>(end - start), std::vector<ColumnPtr>{*k.finish(), *v.finish()}));
  }
  return t;
}

std::string key_text(const std::optional<int>& k) { return k ? std::to_string(*k) : "NULL"; }

RC_GTEST_PROP(OpsJoinProperty, MatchesNestedLoopOracle, ()) {
  const auto key = rc::gen::map(rc::gen::inRange(-1, 5), [](int k) {
    return k < 0 ? std::optional<int>() : std::optional<int>(k);
  });
  const auto lkeys = *rc::gen::container<std::vector<std::optional<int>>>(key);
  const auto rkeys = *rc::gen::container<std::vector<std::optional<int>>>(key);
  const Table l = key_table(lkeys, "l", *rc::gen::inRange<int64_t>(1, 6));
  const Table r = key_table(rkeys, "r", *rc::gen::inRange<int64_t>(1, 6));
  const auto type = *rc::gen::element(JoinType::kInner, JoinType::kLeft, JoinType::kRight,
                                      JoinType::kFull, JoinType::kLeftSemi, JoinType::kLeftAnti);
  const bool null_safe = *rc::gen::arbitrary<bool>();
  const bool with_residual = *rc::gen::arbitrary<bool>();
  // Residual: the tags' row numbers differ in parity.
  const auto residual_holds = [](size_t i, size_t j) { return (i + j) % 2 == 1; };

  std::vector<std::string> expected;
  std::vector<bool> right_matched(rkeys.size(), false);
  for (size_t i = 0; i < lkeys.size(); ++i) {
    bool matched = false;
    for (size_t j = 0; j < rkeys.size(); ++j) {
      const bool equal = lkeys[i] && rkeys[j] ? *lkeys[i] == *rkeys[j]
                                              : (null_safe && !lkeys[i] && !rkeys[j]);
      if (!equal || (with_residual && !residual_holds(i, j))) continue;
      matched = true;
      right_matched[j] = true;
      if (type != JoinType::kLeftSemi && type != JoinType::kLeftAnti) {
        expected.push_back(fmt::format("{}|l{}|{}|r{}", key_text(lkeys[i]), i, key_text(rkeys[j]), j));
      }
    }
    const std::string left_text = fmt::format("{}|l{}", key_text(lkeys[i]), i);
    if (type == JoinType::kLeftSemi && matched) expected.push_back(left_text);
    if (type == JoinType::kLeftAnti && !matched) expected.push_back(left_text);
    if ((type == JoinType::kLeft || type == JoinType::kFull) && !matched) {
      expected.push_back(left_text + "|NULL|NULL");
    }
  }
  if (type == JoinType::kRight || type == JoinType::kFull) {
    for (size_t j = 0; j < rkeys.size(); ++j) {
      if (!right_matched[j]) expected.push_back(fmt::format("NULL|NULL|{}|r{}", key_text(rkeys[j]), j));
    }
  }
  std::sort(expected.begin(), expected.end());

  JoinOptions options{.null_safe = {null_safe},
                      .build_side = *rc::gen::element(BuildSide::kAuto, BuildSide::kLeft,
                                                      BuildSide::kRight)};
  if (with_residual) {
    options.residual = [&](const RecordBatch& pairs) -> Result<std::vector<bool>> {
      std::vector<bool> keep;
      for (int64_t p = 0; p < pairs.num_rows(); ++p) {
        const auto i = std::stoul(std::string(pairs.column(1)->string_value(p).substr(1)));
        const auto j = std::stoul(std::string(pairs.column(3)->string_value(p).substr(1)));
        keep.push_back(residual_holds(i, j));
      }
      return keep;
    };
  }
  const ExecContext context{.max_parallelism = *rc::gen::inRange(1, 5),
                            .morsel_rows = *rc::gen::inRange<int64_t>(1, 8)};
  auto out = hash_join(l, r, {0}, {0}, type, options, context);
  RC_ASSERT(out.ok());
  RC_ASSERT(sorted_output_rows(*out) == expected);
}

}  // namespace
}  // namespace braid::exec
