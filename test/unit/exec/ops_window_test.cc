#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>
#include <optional>

#include "columnar/column_builder.h"
#include "exec/ops/window.h"
#include "support/status_matchers.h"
#include "unit/exec/ops_fixtures.h"

namespace braid::exec {
namespace {

using ::braid::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using namespace ::braid::exec::ops_fixtures;

// The output rows (input order), checking that every split and parallelism gives the same.
std::vector<std::string> windowed(const Table& in, const std::vector<int>& partition_keys,
                                  const std::vector<SortKey>& order_keys,
                                  const std::vector<WindowSpec>& functions) {
  std::optional<std::vector<std::string>> first;
  for (const auto& ctx : contexts()) {
    auto out = window(in, partition_keys, order_keys, functions, ctx);
    EXPECT_OK(out);
    if (!out.ok()) return {};
    auto rows = rows_of(*out);
    if (!first) {
      first = rows;
    } else {
      EXPECT_EQ(rows, *first) << "morsel rows " << ctx.morsel_rows;
    }
  }
  return *first;
}

WindowSpec ranking(WindowKind kind, std::string name) {
  return WindowSpec{.kind = kind, .name = std::move(name)};
}
WindowSpec aggregate(AggregateKind kind, int column, std::string name) {
  return WindowSpec{.kind = WindowKind::kAggregate, .column = column, .aggregate = kind,
                    .name = std::move(name)};
}
WindowSpec shift(WindowKind kind, int column, int64_t offset, int default_column,
                 std::string name) {
  return WindowSpec{.kind = kind, .column = column, .offset = offset,
                    .default_column = default_column, .name = std::move(name)};
}

class OpsWindow : public ::testing::Test {
 protected:
  SchemaPtr schema_ = schema({field("p", string_type()), field("o", int32()), field("v", int64())});
  // Partition a: order 1, 2, 2, 3 (a peer pair); partition NULL; partition b.
  Table in_ = csv_table(schema_, "a,2,20\nb,1,5\na,1,10\n,7,1\na,3,30\na,2,21\nb,,6\n,7,2\n");
};

TEST_F(OpsWindow, RankingGivesPeersTheSameRank) {
  EXPECT_THAT(windowed(in_, {0}, {{1, true, true}},
                       {ranking(WindowKind::kRowNumber, "rn"), ranking(WindowKind::kRank, "r"),
                        ranking(WindowKind::kDenseRank, "dr")}),
              ElementsAre("a|2|20|2|2|2", "b|1|5|2|2|2", "a|1|10|1|1|1", "NULL|7|1|1|1|1",
                          "a|3|30|4|4|3", "a|2|21|3|2|2", "b|NULL|6|1|1|1", "NULL|7|2|2|1|1"));
}

TEST_F(OpsWindow, OutputSharesInputColumnsAndKeepsInputOrder) {
  ASSERT_OK_AND_ASSIGN(auto out, window(in_, {0}, {{1, true, true}},
                                        {ranking(WindowKind::kRowNumber, "rn")}));
  ASSERT_EQ(out.batches.size(), in_.batches.size());
  for (size_t b = 0; b < in_.batches.size(); ++b) {
    EXPECT_EQ(out.batches[b]->column(0), in_.batches[b]->column(0));
  }
  EXPECT_EQ(out.schema->to_string(), "p: string\no: int\nv: bigint\nrn: int not null\n");
}

TEST_F(OpsWindow, LagAndLeadWithDefaults) {
  EXPECT_THAT(windowed(in_, {0}, {{1, true, true}, {2, true, true}},
                       {shift(WindowKind::kLag, 2, 1, -1, "lag"),
                        shift(WindowKind::kLead, 2, 1, 2, "lead"),
                        shift(WindowKind::kLag, 2, 2, -1, "lag2"),
                        shift(WindowKind::kLead, 2, -1, -1, "back"),
                        shift(WindowKind::kLag, 2, 0, -1, "self")}),
              // Partition a in order: 10, 20, 21, 30.
              ElementsAre("a|2|20|10|21|NULL|10|20", "b|1|5|6|5|NULL|6|5",
                          "a|1|10|NULL|20|NULL|NULL|10", "NULL|7|1|NULL|2|NULL|NULL|1",
                          "a|3|30|21|30|20|21|30", "a|2|21|20|30|10|20|21",
                          "b|NULL|6|NULL|5|NULL|NULL|6", "NULL|7|2|1|2|NULL|1|2"));
}

TEST_F(OpsWindow, RunningAggregatesShareValuesAmongPeers) {
  EXPECT_THAT(windowed(in_, {0}, {{1, true, true}},
                       {aggregate(AggregateKind::kSum, 2, "sum"),
                        aggregate(AggregateKind::kCountStar, -1, "n"),
                        aggregate(AggregateKind::kMin, 2, "lo"),
                        aggregate(AggregateKind::kMax, 2, "hi"),
                        aggregate(AggregateKind::kAvg, 2, "mean"),
                        aggregate(AggregateKind::kLast, 2, "last"),
                        aggregate(AggregateKind::kFirst, 2, "first")}),
              // Partition a in order: 10 | 20, 21 (peers) | 30.
              ElementsAre("a|2|20|51|3|10|21|17|21|10", "b|1|5|11|2|5|6|5.5|5|6",
                          "a|1|10|10|1|10|10|10|10|10", "NULL|7|1|3|2|1|2|1.5|2|1",
                          "a|3|30|81|4|10|30|20.25|30|10", "a|2|21|51|3|10|21|17|21|10",
                          "b|NULL|6|6|1|6|6|6|6|6", "NULL|7|2|3|2|1|2|1.5|2|1"));
}

TEST_F(OpsWindow, WholePartitionAggregatesWithoutOrderBy) {
  EXPECT_THAT(windowed(in_, {0}, {},
                       {aggregate(AggregateKind::kSum, 2, "sum"),
                        aggregate(AggregateKind::kCount, 1, "n"),
                        ranking(WindowKind::kRank, "r")}),
              ElementsAre("a|2|20|81|4|1", "b|1|5|11|1|1", "a|1|10|81|4|1", "NULL|7|1|3|2|1",
                          "a|3|30|81|4|1", "a|2|21|81|4|1", "b|NULL|6|11|1|1", "NULL|7|2|3|2|1"));
}

TEST_F(OpsWindow, NoPartitionKeys) {
  EXPECT_THAT(windowed(in_, {}, {{2, false, false}},
                       {ranking(WindowKind::kRowNumber, "rn"),
                        aggregate(AggregateKind::kSum, 2, "running")}),
              ElementsAre("a|2|20|3|71", "b|1|5|6|92", "a|1|10|4|81", "NULL|7|1|8|95",
                          "a|3|30|1|30", "a|2|21|2|51", "b|NULL|6|5|87", "NULL|7|2|7|94"));
}

TEST_F(OpsWindow, EmptyInput) {
  ASSERT_OK_AND_ASSIGN(auto out, window(Table{schema_, {}}, {0}, {{1, true, true}},
                                        {ranking(WindowKind::kRowNumber, "rn")}));
  EXPECT_EQ(out.num_rows(), 0);
  EXPECT_EQ(out.schema->num_fields(), 4);
}

// The most common pipeline step: keep the latest row per key.
TEST_F(OpsWindow, RowNumberDeduplication) {
  auto s = schema({field("id", int64()), field("ts", timestamp(TimeUnit::kMicro, "UTC")),
                   field("payload", string_type())});
  Table in = csv_table(s,
                       "1,2024-01-01 00:00:00,old\n2,2024-01-02 00:00:00,only\n"
                       "1,2024-01-03 00:00:00,new\n3,,nots\n3,2024-01-01 00:00:00,ts\n"
                       "1,2024-01-02 00:00:00,mid\n",
                       4);
  for (const auto& ctx : contexts()) {
    ASSERT_OK_AND_ASSIGN(auto numbered,
                         window(in, {0}, {{1, false, false}},
                                {ranking(WindowKind::kRowNumber, "rn")}, ctx));
    ASSERT_OK_AND_ASSIGN(auto latest, filter(numbered, [](const RecordBatch& b) -> Result<std::vector<bool>> {
                           std::vector<bool> keep;
                           for (int64_t i = 0; i < b.num_rows(); ++i) {
                             keep.push_back(b.column(3)->value<int32_t>(i) == 1);
                           }
                           return keep;
                         }, ctx));
    EXPECT_THAT(rows_of(latest), ElementsAre("2|2024-01-02 00:00:00Z|only|1",
                                             "1|2024-01-03 00:00:00Z|new|1",
                                             "3|2024-01-01 00:00:00Z|ts|1"));
  }
}

TEST_F(OpsWindow, RejectsBadSpecs) {
  EXPECT_THAT(window(in_, {0}, {}, {shift(WindowKind::kLag, 2, 1, 0, "x")}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("the default is string")));
  EXPECT_THAT(window(in_, {9}, {}, {}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("partition key column 9")));
  EXPECT_THAT(window(in_, {0}, {}, {aggregate(AggregateKind::kSum, 0, "s")}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("sum is not defined for string")));
}

// ---- property: equal to a simple serial oracle for any split and parallelism

RC_GTEST_PROP(OpsWindowProperty, MatchesSerialOracle, ()) {
  struct Row {
    std::optional<int> p;
    std::optional<int> o;
    int v;
  };
  const auto n = *rc::gen::inRange<size_t>(0, 100);
  std::vector<Row> rows;
  for (size_t i = 0; i < n; ++i) {
    const int p = *rc::gen::inRange(-1, 4);
    const int o = *rc::gen::inRange(-1, 5);
    rows.push_back({p < 0 ? std::nullopt : std::optional<int>(p),
                    o < 0 ? std::nullopt : std::optional<int>(o), *rc::gen::inRange(-50, 50)});
  }
  const bool descending = *rc::gen::arbitrary<bool>();
  // Oracle: per partition, stable sort by o (NULLS FIRST ascending / NULLS LAST descending).
  std::map<std::optional<int>, std::vector<size_t>> partitions;
  for (size_t i = 0; i < n; ++i) partitions[rows[i].p].push_back(i);
  const auto order_less = [&](size_t a, size_t b) {
    const auto& x = rows[a].o;
    const auto& y = rows[b].o;
    if (!x || !y) return descending ? (x && !y) : (!x && y);
    return descending ? *x > *y : *x < *y;
  };
  std::vector<std::string> expected(n);
  for (auto& [key, members] : partitions) {
    std::stable_sort(members.begin(), members.end(), order_less);
    int64_t running = 0;
    for (size_t j = 0; j < members.size(); ++j) {
      // Peers: the run of rows with the same o around j.
      size_t first = j;
      while (first > 0 && rows[members[first - 1]].o == rows[members[j]].o) --first;
      size_t last = j;
      while (last + 1 < members.size() && rows[members[last + 1]].o == rows[members[j]].o) ++last;
      int64_t dense = 0;
      for (size_t k = 0; k <= j; ++k) {
        if (k == 0 || rows[members[k]].o != rows[members[k - 1]].o) ++dense;
      }
      running = 0;
      for (size_t k = 0; k <= last; ++k) running += rows[members[k]].v;
      const Row& r = rows[members[j]];
      expected[members[j]] = fmt::format(
          "{}|{}|{}|{}|{}|{}|{}|{}", r.p ? std::to_string(*r.p) : "NULL",
          r.o ? std::to_string(*r.o) : "NULL", r.v, j + 1, first + 1, dense,
          j > 0 ? std::to_string(rows[members[j - 1]].v) : "NULL", running);
    }
  }

  auto s = schema({field("p", int32()), field("o", int32()), field("v", int64())});
  Table in{s, {}};
  const auto batch_rows = *rc::gen::inRange<size_t>(1, 10);
  for (size_t start = 0; start < n; start += batch_rows) {
    Int32Builder p(int32());
    Int32Builder o(int32());
    Int64Builder v(int64());
    const size_t end = std::min(n, start + batch_rows);
    for (size_t i = start; i < end; ++i) {
      rows[i].p ? p.append(*rows[i].p) : p.append_null();
      rows[i].o ? o.append(*rows[i].o) : o.append_null();
      v.append(rows[i].v);
    }
    in.batches.push_back(std::make_shared<const RecordBatch>(
        s, static_cast<int64_t>(end - start),
        std::vector<ColumnPtr>{*p.finish(), *o.finish(), *v.finish()}));
  }
  const ExecContext context{.max_parallelism = *rc::gen::inRange(1, 5),
                            .morsel_rows = *rc::gen::inRange<int64_t>(1, 16)};
  auto out = window(in, {0}, {{1, !descending, !descending}},
                    {ranking(WindowKind::kRowNumber, "rn"), ranking(WindowKind::kRank, "r"),
                     ranking(WindowKind::kDenseRank, "dr"), shift(WindowKind::kLag, 2, 1, -1, "lag"),
                     aggregate(AggregateKind::kSum, 2, "running")},
                    context);
  RC_ASSERT(out.ok());
  RC_ASSERT(rows_of(*out) == expected);
}

}  // namespace
}  // namespace braid::exec
