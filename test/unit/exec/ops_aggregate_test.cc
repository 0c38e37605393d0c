#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "columnar/column_builder.h"
#include "columnar/value_text.h"
#include "exec/ops/hash_aggregate.h"
#include "support/status_matchers.h"
#include "unit/exec/ops_fixtures.h"

namespace braid::exec {
namespace {

using ::braid::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

using namespace ::braid::exec::ops_fixtures;

AggregateSpec agg(AggregateKind kind, int column, std::string name, bool distinct = false) {
  return AggregateSpec{kind, column, distinct, false, std::move(name)};
}

// ---- result types

TEST(OpsAggregateTypes, FollowSpark) {
  const auto type_of = [](AggregateKind k, TypePtr t) {
    auto r = aggregate_result_type(k, std::move(t));
    return r.ok() ? (*r)->to_string() : "error: " + r.status().to_string();
  };
  EXPECT_EQ(type_of(AggregateKind::kCountStar, nullptr), "bigint");
  EXPECT_EQ(type_of(AggregateKind::kCount, string_type()), "bigint");
  EXPECT_EQ(type_of(AggregateKind::kSum, int8()), "bigint");
  EXPECT_EQ(type_of(AggregateKind::kSum, int32()), "bigint");
  EXPECT_EQ(type_of(AggregateKind::kSum, int64()), "bigint");
  EXPECT_EQ(type_of(AggregateKind::kSum, float32()), "double");
  EXPECT_EQ(type_of(AggregateKind::kSum, float64()), "double");
  EXPECT_EQ(type_of(AggregateKind::kSum, decimal128(10, 2)), "decimal(20,2)");
  EXPECT_EQ(type_of(AggregateKind::kSum, decimal128(35, 4)), "decimal(38,4)");
  EXPECT_EQ(type_of(AggregateKind::kAvg, int32()), "double");
  EXPECT_EQ(type_of(AggregateKind::kAvg, float64()), "double");
  EXPECT_EQ(type_of(AggregateKind::kAvg, decimal128(10, 2)), "decimal(14,6)");
  EXPECT_EQ(type_of(AggregateKind::kAvg, decimal128(36, 36)), "decimal(38,38)");
  EXPECT_EQ(type_of(AggregateKind::kMin, string_type()), "string");
  EXPECT_EQ(type_of(AggregateKind::kMax, timestamp(TimeUnit::kMicro, "UTC")), "timestamp");
  EXPECT_EQ(type_of(AggregateKind::kFirst, list(int32())), "array<int>");
  EXPECT_THAT(aggregate_result_type(AggregateKind::kSum, string_type()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("sum is not defined for string")));
  EXPECT_THAT(aggregate_result_type(AggregateKind::kMax, list(int32())),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("max is not defined")));
}

TEST(OpsAggregateTypes, OutputSchemaNamesKeysThenAggregates) {
  auto in = schema({field("k", string_type()), field("v", int32())});
  ASSERT_OK_AND_ASSIGN(auto out, hash_aggregate_schema(*in, {0},
                                                       {agg(AggregateKind::kCountStar, -1, "n"),
                                                        agg(AggregateKind::kSum, 1, "s")}));
  EXPECT_EQ(out->to_string(), "k: string\nn: bigint not null\ns: bigint\n");
  EXPECT_THAT(hash_aggregate_schema(*in, {2}, {}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("group key column 2")));
  EXPECT_THAT(hash_aggregate_schema(*in, {}, {agg(AggregateKind::kSum, 0, "s")}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("aggregate 's'")));
}

// ---- grouping

TEST(OpsAggregate, GroupsWithNullKeyAsOneGroup) {
  auto in_schema = schema({field("k", int64()), field("v", int32())});
  Table in = csv_table(in_schema, "1,10\n2,20\n,5\n1,\n2,1\n,7\n3,\n1,30\n", 3);
  const std::vector<AggregateSpec> aggs = {
      agg(AggregateKind::kCountStar, -1, "n"), agg(AggregateKind::kCount, 1, "c"),
      agg(AggregateKind::kSum, 1, "s"),        agg(AggregateKind::kMin, 1, "lo"),
      agg(AggregateKind::kMax, 1, "hi"),       agg(AggregateKind::kAvg, 1, "mean")};
  for (const auto& ctx : contexts()) {
    ASSERT_OK_AND_ASSIGN(auto out, hash_aggregate(in, {0}, aggs, ctx));
    EXPECT_EQ(out.schema->to_string(),
              "k: bigint\nn: bigint not null\nc: bigint not null\ns: bigint\nlo: int\nhi: int\n"
              "mean: double\n");
    EXPECT_THAT(sorted_rows_of(out), ElementsAre("1|3|2|40|10|30|20", "2|2|2|21|1|20|10.5",
                                                 "3|1|0|NULL|NULL|NULL|NULL",
                                                 "NULL|2|2|12|5|7|6"));
  }
}

TEST(OpsAggregate, NoKeysGivesOneRowEvenWithoutInput) {
  auto in_schema = schema({field("v", int32())});
  const std::vector<AggregateSpec> aggs = {
      agg(AggregateKind::kCountStar, -1, "n"), agg(AggregateKind::kCount, 0, "c"),
      agg(AggregateKind::kSum, 0, "s"),        agg(AggregateKind::kAvg, 0, "a"),
      agg(AggregateKind::kMax, 0, "m"),        agg(AggregateKind::kCount, 0, "d", true)};
  for (const auto& ctx : contexts()) {
    ASSERT_OK_AND_ASSIGN(auto empty, hash_aggregate(Table{in_schema, {}}, {}, aggs, ctx));
    EXPECT_THAT(rows_of(empty), ElementsAre("0|0|NULL|NULL|NULL|0"));
    ASSERT_OK_AND_ASSIGN(auto some,
                         hash_aggregate(csv_table(in_schema, "1\n\n4\n4\n", 3), {}, aggs, ctx));
    EXPECT_THAT(rows_of(some), ElementsAre("4|3|9|3|4|2"));
  }
}

TEST(OpsAggregate, EmptyInputWithKeysHasNoRows) {
  auto in_schema = schema({field("k", int32())});
  ASSERT_OK_AND_ASSIGN(auto out, hash_aggregate(Table{in_schema, {}}, {0},
                                                {agg(AggregateKind::kCountStar, -1, "n")}));
  EXPECT_EQ(out.num_rows(), 0);
  EXPECT_EQ(out.schema->num_fields(), 2);
}

// Every scalar key type groups equal values (and NULLs) together.
TEST(OpsAggregate, EveryKeyType) {
  struct Case {
    TypePtr type;
    std::string csv;  // one value per line; the distinct values, in some order, are `groups`
    std::vector<std::string> groups;
  };
  const std::vector<Case> cases = {
      {boolean(), "true\nfalse\n\ntrue\n", {"NULL|1", "false|1", "true|2"}},
      {int8(), "-128\n127\n-128\n\n", {"-128|2", "127|1", "NULL|1"}},
      {int16(), "7\n7\n-7\n", {"-7|1", "7|2"}},
      {int32(), "2147483647\n0\n2147483647\n", {"0|1", "2147483647|2"}},
      {int64(), "-9223372036854775808\n1\n-9223372036854775808\n",
       {"-9223372036854775808|2", "1|1"}},
      {uint8(), "255\n0\n255\n", {"0|1", "255|2"}},
      {uint32(), "4294967295\n4294967295\n", {"4294967295|2"}},
      {uint64(), "18446744073709551615\n1\n18446744073709551615\n",
       {"1|1", "18446744073709551615|2"}},
      {float32(), "1.5\n-0.0\n0.0\nNaN\nNaN\n\n", {"0|2", "1.5|1", "NULL|1", "NaN|2"}},
      {float64(), "-0.0\n0.0\nNaN\nNaN\n2.25\n", {"0|2", "2.25|1", "NaN|2"}},
      {decimal128(38, 10), "1.5\n1.50\n-99999999999999999999999999.5\n",
       {"-99999999999999999999999999.5000000000|1", "1.5000000000|2"}},
      {string_type(), "a\n\nb\na\n\"\"\n", {"NULL|1", "a|2", "b|1", "|1"}},
      {binary(), "x\ny\nx\n", {"eA==|2", "eQ==|1"}},
      {date32(), "2024-02-29\n1970-01-01\n2024-02-29\n", {"1970-01-01|1", "2024-02-29|2"}},
      {timestamp(TimeUnit::kMicro, "UTC"), "2024-01-01 10:00:00\n2024-01-01 10:00:00.000001\n"
                                           "2024-01-01 10:00:00\n",
       {"2024-01-01 10:00:00.000001Z|1", "2024-01-01 10:00:00Z|2"}},
      {timestamp(TimeUnit::kMicro), "2024-01-01 10:00:00\n2024-01-01 10:00:00\n",
       {"2024-01-01 10:00:00|2"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.type->to_string());
    Table in = csv_table(schema({field("k", c.type)}), c.csv, 2);
    for (const auto& ctx : contexts()) {
      ASSERT_OK_AND_ASSIGN(auto out,
                           hash_aggregate(in, {0}, {agg(AggregateKind::kCountStar, -1, "n")}, ctx));
      auto expected = c.groups;
      std::sort(expected.begin(), expected.end());
      EXPECT_EQ(sorted_rows_of(out), expected);
    }
  }
}

TEST(OpsAggregate, MultiColumnKeysAndNestedKeysRejected) {
  auto in_schema = schema({field("a", string_type()), field("b", int32()), field("v", int64())});
  Table in = csv_table(in_schema, "x,1,1\nx,2,2\n,1,3\nx,1,4\n,1,5\nxx,,6\nx,,7\n", 2);
  ASSERT_OK_AND_ASSIGN(auto out, hash_aggregate(in, {0, 1}, {agg(AggregateKind::kSum, 2, "s")},
                                                {.morsel_rows = 2}));
  EXPECT_THAT(sorted_rows_of(out),
              ElementsAre("NULL|1|8", "xx|NULL|6", "x|1|5", "x|2|2", "x|NULL|7"));

  auto nested = schema({field("l", list(int32()))});
  EXPECT_THAT(hash_aggregate(Table{nested, {}}, {0}, {}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("cannot be grouped")));
}

// ---- aggregate semantics

TEST(OpsAggregate, SumOverflowIsAnError) {
  auto in_schema = schema({field("v", int64())});
  Table in = csv_table(in_schema, "9223372036854775807\n1\n", 3);
  for (const auto& ctx : contexts()) {
    EXPECT_THAT(hash_aggregate(in, {}, {agg(AggregateKind::kSum, 0, "s")}, ctx),
                StatusIs(StatusCode::kInvalidArgument,
                         HasSubstr("[ARITHMETIC_OVERFLOW] long overflow in sum(v)")));
  }
  // avg of the same values does not overflow (exact wide sum).
  ASSERT_OK_AND_ASSIGN(auto avg, hash_aggregate(in, {}, {agg(AggregateKind::kAvg, 0, "a")}));
  EXPECT_THAT(rows_of(avg), ElementsAre("4.611686018427388e+18"));
}

TEST(OpsAggregate, DecimalSumAndAverageRoundHalfUp) {
  auto in_schema = schema({field("k", int32()), field("v", decimal128(5, 2))});
  std::string csv;
  // Group 1: one 0.01 and 31 zeros: avg 0.0003125 -> 0.000313 (HALF_UP at 6 digits).
  // Group 2: the same negated -> -0.000313.  Group 3: 1.00 and 2.00 -> 1.500000.
  csv += "1,0.01\n2,-0.01\n";
  for (int i = 0; i < 31; ++i) csv += "1,0\n2,0.00\n";
  csv += "3,1\n3,2.00\n3,\n";
  Table in = csv_table(in_schema, csv, 5);
  for (const auto& ctx : contexts()) {
    ASSERT_OK_AND_ASSIGN(auto out, hash_aggregate(in, {0},
                                                  {agg(AggregateKind::kSum, 1, "s"),
                                                   agg(AggregateKind::kAvg, 1, "a")},
                                                  ctx));
    EXPECT_EQ(out.schema->field(1)->type()->to_string(), "decimal(15,2)");
    EXPECT_EQ(out.schema->field(2)->type()->to_string(), "decimal(9,6)");
    EXPECT_THAT(sorted_rows_of(out), ElementsAre("1|0.01|0.000313", "2|-0.01|-0.000313",
                                                 "3|3.00|1.500000"));
  }
}

TEST(OpsAggregate, DecimalAverage) {
  EXPECT_EQ(decimal_average(5, 2, 0, 4, 10), Int128(25000));    // 2.5
  EXPECT_EQ(decimal_average(-5, 2, 0, 4, 10), Int128(-25000));  // -2.5
  EXPECT_EQ(decimal_average(2, 3, 0, 4, 10), Int128(6667));     // 0.6667
  EXPECT_EQ(decimal_average(-2, 3, 0, 4, 10), Int128(-6667));
  EXPECT_EQ(decimal_average(1, 3, 0, 4, 10), Int128(3333));
  EXPECT_EQ(decimal_average(99999, 1, 0, 4, 9), Int128(999990000));
  EXPECT_EQ(decimal_average(99999, 1, 0, 4, 8), std::nullopt);  // 9 digits do not fit 8
}

TEST(OpsAggregate, DecimalSumOutOfRange) {
  auto in_schema = schema({field("v", decimal128(38, 0))});
  const std::string big(38, '9');
  Table in = csv_table(in_schema, big + "\n" + big + "\n", 3);
  EXPECT_THAT(hash_aggregate(in, {}, {agg(AggregateKind::kSum, 0, "s")}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("[NUMERIC_VALUE_OUT_OF_RANGE]")));
}

TEST(OpsAggregate, DistinctAggregatesIgnoreNulls) {
  auto in_schema = schema({field("k", string_type()), field("v", int32())});
  Table in = csv_table(in_schema, "a,1\na,1\na,2\na,\nb,\nb,\nc,5\na,2\nc,5\nc,-5\n", 2);
  for (const auto& ctx : contexts()) {
    ASSERT_OK_AND_ASSIGN(auto out,
                         hash_aggregate(in, {0},
                                        {agg(AggregateKind::kCount, 1, "cd", true),
                                         agg(AggregateKind::kSum, 1, "sd", true),
                                         agg(AggregateKind::kAvg, 1, "ad", true),
                                         agg(AggregateKind::kCount, 1, "c"),
                                         agg(AggregateKind::kSum, 1, "s")},
                                        ctx));
    EXPECT_THAT(sorted_rows_of(out), ElementsAre("a|2|3|1.5|4|6", "b|0|NULL|NULL|0|NULL",
                                                 "c|2|0|0|3|5"));
  }
}

TEST(OpsAggregate, CountDistinctOfFloatsNormalizesNaNAndZero) {
  auto in_schema = schema({field("v", float64())});
  Table in = csv_table(in_schema, "NaN\n-0.0\n0.0\n1\nNaN\n\n", 3);
  ASSERT_OK_AND_ASSIGN(auto out, hash_aggregate(in, {}, {agg(AggregateKind::kCount, 0, "d", true)},
                                                {.morsel_rows = 2}));
  EXPECT_THAT(rows_of(out), ElementsAre("3"));
}

TEST(OpsAggregate, FirstLastAnyValueInInputOrder) {
  auto in_schema = schema({field("k", int32()), field("v", string_type())});
  Table in = csv_table(in_schema, "1,\n1,a\n2,b\n1,c\n1,\n2,\n3,\n", 2);
  auto first_ignore = agg(AggregateKind::kFirst, 1, "fi");
  first_ignore.ignore_nulls = true;
  auto last_ignore = agg(AggregateKind::kLast, 1, "li");
  last_ignore.ignore_nulls = true;
  for (const auto& ctx : contexts()) {
    ASSERT_OK_AND_ASSIGN(auto out, hash_aggregate(in, {0},
                                                  {agg(AggregateKind::kFirst, 1, "f"), first_ignore,
                                                   agg(AggregateKind::kLast, 1, "l"), last_ignore,
                                                   agg(AggregateKind::kAnyValue, 1, "any")},
                                                  ctx));
    EXPECT_THAT(sorted_rows_of(out), ElementsAre("1|NULL|a|NULL|c|NULL", "2|b|b|NULL|b|b",
                                                 "3|NULL|NULL|NULL|NULL|NULL"));
  }
}

TEST(OpsAggregate, MinMaxOrderStringsByBytesAndNaNLargest) {
  auto in_schema = schema({field("s", string_type()), field("d", float64()),
                           field("t", date32()), field("b", boolean())});
  Table in = csv_table(in_schema,
                       "b,1.5,2024-01-02,true\nab,NaN,2023-12-31,false\n\xc3\xa9,-1,,\n,,,\n", 3);
  for (const auto& ctx : contexts()) {
    ASSERT_OK_AND_ASSIGN(auto out, hash_aggregate(in, {},
                                                  {agg(AggregateKind::kMin, 0, "a"),
                                                   agg(AggregateKind::kMax, 0, "b"),
                                                   agg(AggregateKind::kMin, 1, "c"),
                                                   agg(AggregateKind::kMax, 1, "d"),
                                                   agg(AggregateKind::kMin, 2, "e"),
                                                   agg(AggregateKind::kMax, 2, "f"),
                                                   agg(AggregateKind::kMin, 3, "g"),
                                                   agg(AggregateKind::kMax, 3, "h")},
                                                  ctx));
    EXPECT_THAT(rows_of(out),
                ElementsAre("ab|\xc3\xa9|-1|NaN|2023-12-31|2024-01-02|false|true"));
  }
}

TEST(OpsAggregate, SumOfDoublesAndFloats) {
  auto in_schema = schema({field("f", float32()), field("d", float64())});
  Table in = csv_table(in_schema, "0.5,1.25\n1.5,\n,2\n", 3);
  ASSERT_OK_AND_ASSIGN(auto out, hash_aggregate(in, {},
                                                {agg(AggregateKind::kSum, 0, "a"),
                                                 agg(AggregateKind::kSum, 1, "b"),
                                                 agg(AggregateKind::kAvg, 0, "c")}));
  EXPECT_EQ(out.schema->field(0)->type()->to_string(), "double");
  EXPECT_THAT(rows_of(out), ElementsAre("2|3.25|1"));
}

TEST(OpsDistinct, AllColumnsAreTheKey) {
  auto in_schema = schema({field("a", int32()), field("b", string_type())});
  Table in = csv_table(in_schema, "1,x\n1,x\n2,x\n1,\n1,\n,\n,\n1,y\n", 2);
  for (const auto& ctx : contexts()) {
    ASSERT_OK_AND_ASSIGN(auto out, distinct(in, ctx));
    EXPECT_TRUE(out.schema->equals(*in_schema));
    EXPECT_THAT(sorted_rows_of(out), ElementsAre("1|NULL", "1|x", "1|y", "2|x", "NULL|NULL"));
  }
}

// ---- limits and cancellation

TEST(OpsAggregate, MemoryLimitGivesOutOfMemory) {
  auto in_schema = schema({field("k", int64())});
  Int64Builder b(int64());
  for (int64_t i = 0; i < 50000; ++i) b.append(i);
  ASSERT_OK_AND_ASSIGN(auto column, b.finish());
  Table in{in_schema, {std::make_shared<const RecordBatch>(in_schema, 50000,
                                                           std::vector<ColumnPtr>{column})}};
  MemoryTracker tracker("query", 256 * 1024);
  EXPECT_THAT(hash_aggregate(in, {0}, {agg(AggregateKind::kCountStar, -1, "n")},
                             {.memory = &tracker}),
              StatusIs(StatusCode::kOutOfMemory, HasSubstr("query")));
  EXPECT_EQ(tracker.current(), 0);
  MemoryTracker roomy("query", 64 << 20);
  ASSERT_OK_AND_ASSIGN(auto out, hash_aggregate(in, {0}, {agg(AggregateKind::kCountStar, -1, "n")},
                                                {.memory = &roomy}));
  EXPECT_EQ(out.num_rows(), 50000);
  EXPECT_GT(roomy.peak(), 0);
}

TEST(OpsAggregate, CancelledTokenStopsIt) {
  auto in_schema = schema({field("k", int32())});
  Table in = csv_table(in_schema, "1\n2\n3\n", 3);
  auto token = CancellationToken::make();
  token.cancel("user pressed ctrl-c");
  EXPECT_THAT(hash_aggregate(in, {0}, {}, {.cancellation = token}),
              StatusIs(StatusCode::kCancelled, HasSubstr("ctrl-c")));
}

// ---- property: any split and parallelism gives the serial oracle's answer

struct Row {
  std::optional<int8_t> k1;
  std::optional<std::string> k2;
  std::optional<int32_t> v;
};

Table table_from_rows(const std::vector<Row>& rows, const std::vector<size_t>& cuts) {
  auto s = schema({field("k1", int8()), field("k2", string_type()), field("v", int32())});
  Table t{s, {}};
  size_t start = 0;
  for (size_t cut_index = 0; cut_index <= cuts.size(); ++cut_index) {
    const size_t end = cut_index < cuts.size() ? std::min(rows.size(), start + cuts[cut_index])
                                               : rows.size();
    Int8Builder k1(int8());
    BinaryBuilder k2(string_type());
    Int32Builder v(int32());
    for (size_t i = start; i < end; ++i) {
      rows[i].k1 ? k1.append(*rows[i].k1) : k1.append_null();
      rows[i].k2 ? k2.append(*rows[i].k2) : k2.append_null();
      rows[i].v ? v.append(*rows[i].v) : v.append_null();
    }
    t.batches.push_back(std::make_shared<const RecordBatch>(
        s, static_cast<int64_t>(end - start),
        std::vector<ColumnPtr>{*k1.finish(), *k2.finish(), *v.finish()}));
    start = end;
  }
  return t;
}

// Small key domains (so groups repeat) with NULLs in every column.
rc::Gen<Row> row_gen() {
  return rc::gen::map(
      rc::gen::tuple(rc::gen::inRange(-4, 3), rc::gen::inRange(-1, 4), rc::gen::inRange(-1001, 1000)),
      [](const std::tuple<int, int, int>& t) {
        static const std::vector<std::string> strings = {"", "a", "bb", "\xc3\xa9"};
        Row r;
        if (std::get<0>(t) >= -3) r.k1 = static_cast<int8_t>(std::get<0>(t));
        if (std::get<1>(t) >= 0) r.k2 = strings[static_cast<size_t>(std::get<1>(t))];
        if (std::get<2>(t) >= -1000) r.v = std::get<2>(t);
        return r;
      });
}

std::string text_or_null(const std::optional<int64_t>& v) {
  return v ? std::to_string(*v) : "NULL";
}

RC_GTEST_PROP(OpsAggregateProperty, ParallelMatchesSerialOracle, ()) {
  const auto rows = *rc::gen::container<std::vector<Row>>(row_gen());
  const auto cuts = *rc::gen::container<std::vector<size_t>>(rc::gen::inRange<size_t>(0, 20));
  const Table in = table_from_rows(rows, cuts);

  struct Acc {
    int64_t n = 0, c = 0, sum = 0;
    std::optional<int32_t> lo, hi, first, last_non_null;
    bool has_first = false;
    std::set<int32_t> seen;
  };
  std::map<std::pair<std::optional<int8_t>, std::optional<std::string>>, Acc> oracle;
  for (const auto& r : rows) {
    Acc& a = oracle[{r.k1, r.k2}];
    ++a.n;
    if (!a.has_first) {
      a.first = r.v;
      a.has_first = true;
    }
    if (!r.v) continue;
    ++a.c;
    a.sum += *r.v;
    a.lo = a.lo ? std::min(*a.lo, *r.v) : *r.v;
    a.hi = a.hi ? std::max(*a.hi, *r.v) : *r.v;
    a.last_non_null = r.v;
    a.seen.insert(*r.v);
  }
  std::vector<std::string> expected;
  for (const auto& [key, a] : oracle) {
    std::string avg = "NULL";
    if (a.c > 0) {
      Float64Builder fb(float64());
      fb.append(static_cast<double>(a.sum) / static_cast<double>(a.c));
      avg = value_text(**fb.finish(), 0, TextFlavor::kPlain);
    }
    expected.push_back(
        fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}", key.first ? std::to_string(*key.first) : "NULL",
                    key.second ? *key.second : "NULL", a.n, a.c, a.c ? std::to_string(a.sum) : "NULL",
                    text_or_null(a.lo), text_or_null(a.hi), avg, a.seen.size(),
                    text_or_null(a.first), text_or_null(a.last_non_null)));
  }
  std::sort(expected.begin(), expected.end());

  auto last = agg(AggregateKind::kLast, 2, "last");
  last.ignore_nulls = true;
  const std::vector<AggregateSpec> aggs = {
      agg(AggregateKind::kCountStar, -1, "n"), agg(AggregateKind::kCount, 2, "c"),
      agg(AggregateKind::kSum, 2, "s"),        agg(AggregateKind::kMin, 2, "lo"),
      agg(AggregateKind::kMax, 2, "hi"),       agg(AggregateKind::kAvg, 2, "a"),
      agg(AggregateKind::kCount, 2, "cd", true), agg(AggregateKind::kFirst, 2, "f"), last};
  const ExecContext serial{.max_parallelism = 1};
  auto reference = hash_aggregate(in, {0, 1}, aggs, serial);
  RC_ASSERT(reference.ok());
  RC_ASSERT(sorted_rows_of(*reference) == expected);
  const ExecContext parallel{.max_parallelism = *rc::gen::inRange(2, 5),
                             .morsel_rows = *rc::gen::inRange<int64_t>(1, 8)};
  auto out = hash_aggregate(in, {0, 1}, aggs, parallel);
  RC_ASSERT(out.ok());
  RC_ASSERT(sorted_rows_of(*out) == expected);
  // The same split gives the same order whatever the parallelism.
  auto same_split = hash_aggregate(in, {0, 1}, aggs, {.max_parallelism = 1,
                                                      .morsel_rows = parallel.morsel_rows});
  RC_ASSERT(same_split.ok());
  RC_ASSERT(rows_of(*same_split) == rows_of(*out));
}

// Streaming: the input's batches arrive in windows of any size; the result is hash_aggregate's
// over the whole input, rows and their order alike (sums of doubles included).
RC_GTEST_PROP(OpsAggregateProperty, StreamingMatchesTheWholeInput, ()) {
  const auto rows = *rc::gen::container<std::vector<Row>>(row_gen());
  const auto cuts = *rc::gen::container<std::vector<size_t>>(rc::gen::inRange<size_t>(0, 20));
  const Table in = table_from_rows(rows, cuts);
  const std::vector<AggregateSpec> aggs = {
      agg(AggregateKind::kCountStar, -1, "n"), agg(AggregateKind::kCount, 2, "c"), agg(AggregateKind::kSum, 2, "s"),
      agg(AggregateKind::kMin, 2, "lo"),       agg(AggregateKind::kMax, 2, "hi"),  agg(AggregateKind::kAvg, 2, "a")};
  const bool no_keys = *rc::gen::arbitrary<bool>();
  const std::vector<int> keys = no_keys ? std::vector<int>{} : std::vector<int>{0, 1};
  const ExecContext context{.max_parallelism = *rc::gen::inRange(1, 4), .morsel_rows = *rc::gen::inRange<int64_t>(1, 8)};
  auto whole = hash_aggregate(in, keys, aggs, context);
  RC_ASSERT(whole.ok());
  RC_ASSERT(StreamingAggregation::supported(*in.schema, aggs));
  auto streaming = StreamingAggregation::make(in.schema, keys, aggs, context);
  RC_ASSERT(streaming.ok());
  size_t next = 0;
  while (next < in.batches.size()) {
    const size_t n = *rc::gen::inRange<size_t>(1, 4);
    std::vector<RecordBatchPtr> window(in.batches.begin() + static_cast<std::ptrdiff_t>(next),
                                       in.batches.begin() + static_cast<std::ptrdiff_t>(std::min(in.batches.size(), next + n)));
    next += window.size();
    RC_ASSERT((*streaming)->add(std::move(window)).ok());
  }
  auto out = (*streaming)->finish();
  RC_ASSERT(out.ok());
  RC_ASSERT(rows_of(*out) == rows_of(*whole));
}

TEST(OpsAggregate, StreamingIsForAggregatesThatKeepNoInputRows) {
  auto s = schema({field("k", int32()), field("name", string_type()), field("v", float64())});
  EXPECT_TRUE(StreamingAggregation::supported(
      *s, {agg(AggregateKind::kSum, 2, "s"), agg(AggregateKind::kMax, 0, "m"), agg(AggregateKind::kCountStar, -1, "n")}));
  EXPECT_FALSE(StreamingAggregation::supported(*s, {agg(AggregateKind::kCount, 1, "d", true)}));  // DISTINCT
  EXPECT_FALSE(StreamingAggregation::supported(*s, {agg(AggregateKind::kMin, 1, "lo")}));  // a string: a row reference
  EXPECT_FALSE(StreamingAggregation::supported(*s, {agg(AggregateKind::kFirst, 2, "f")}));
  EXPECT_THAT(StreamingAggregation::make(s, {0}, {agg(AggregateKind::kLast, 1, "l")}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("stream")));
}

}  // namespace
}  // namespace braid::exec
