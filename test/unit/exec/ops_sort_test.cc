#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <optional>

#include "columnar/column_builder.h"
#include "exec/ops/sort.h"
#include "support/status_matchers.h"
#include "unit/exec/ops_fixtures.h"

namespace braid::exec {
namespace {

using ::braid::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using namespace ::braid::exec::ops_fixtures;

// Rows [offset, offset + limit) of a table's rows.
std::vector<std::string> limit_rows(const Table& table, int64_t limit, int64_t offset) {
  auto rows = rows_of(table);
  std::vector<std::string> out;
  for (int64_t i = offset; i < offset + limit && i < static_cast<int64_t>(rows.size()); ++i) {
    out.push_back(rows[static_cast<size_t>(i)]);
  }
  return out;
}

// The sorted rows, checking that every split and parallelism gives exactly the same.
std::vector<std::string> sorted(const Table& in, const std::vector<SortKey>& keys,
                                std::optional<int64_t> limit = std::nullopt, int64_t offset = 0) {
  std::optional<std::vector<std::string>> first;
  for (const auto& ctx : contexts()) {
    auto out = sort(in, keys, limit, offset, ctx);
    EXPECT_OK(out);
    if (!out.ok()) return {};
    EXPECT_TRUE(out->schema->equals(*in.schema));
    auto rows = rows_of(*out);
    if (!first) {
      first = rows;
    } else {
      EXPECT_EQ(rows, *first) << "morsel rows " << ctx.morsel_rows;
    }
  }
  return *first;
}

SortKey asc(int c) { return {c, true, true}; }      // Spark's ASC default: NULLS FIRST
SortKey desc(int c) { return {c, false, false}; }   // Spark's DESC default: NULLS LAST

TEST(OpsSort, NullPlacementAndDirection) {
  auto s = schema({field("k", int32()), field("tag", string_type())});
  Table in = csv_table(s, "3,a\n,b\n1,c\n2,d\n,e\n1,f\n");
  EXPECT_THAT(sorted(in, {asc(0)}), ElementsAre("NULL|b", "NULL|e", "1|c", "1|f", "2|d", "3|a"));
  EXPECT_THAT(sorted(in, {desc(0)}), ElementsAre("3|a", "2|d", "1|c", "1|f", "NULL|b", "NULL|e"));
  EXPECT_THAT(sorted(in, {{0, true, false}}),
              ElementsAre("1|c", "1|f", "2|d", "3|a", "NULL|b", "NULL|e"));
  EXPECT_THAT(sorted(in, {{0, false, true}}),
              ElementsAre("NULL|b", "NULL|e", "3|a", "2|d", "1|c", "1|f"));
  EXPECT_THAT(sorted(in, {asc(0), desc(1)}),
              ElementsAre("NULL|e", "NULL|b", "1|f", "1|c", "2|d", "3|a"));
}

TEST(OpsSort, IsStable) {
  auto s = schema({field("k", int32()), field("seq", int32())});
  std::string csv;
  for (int i = 0; i < 40; ++i) csv += std::to_string(i % 3) + "," + std::to_string(i) + "\n";
  Table in = csv_table(s, csv, 7);
  auto rows = sorted(in, {desc(0)});
  ASSERT_EQ(rows.size(), 40u);
  // Within each key, sequence numbers ascend (input order).
  for (size_t i = 1; i < rows.size(); ++i) {
    const auto key = [](const std::string& r) { return r.substr(0, r.find('|')); };
    const auto seq = [](const std::string& r) { return std::stoi(r.substr(r.find('|') + 1)); };
    if (key(rows[i]) == key(rows[i - 1])) {
      EXPECT_LT(seq(rows[i - 1]), seq(rows[i]));
    } else {
      EXPECT_GT(key(rows[i - 1]), key(rows[i]));
    }
  }
}

TEST(OpsSort, EveryOrderedType) {
  struct Case {
    TypePtr type;
    std::string csv;  // one value per line
    std::vector<std::string> ascending;
  };
  const std::vector<Case> cases = {
      {boolean(), "true\n\nfalse\n", {"NULL", "false", "true"}},
      {int8(), "5\n-128\n127\n", {"-128", "5", "127"}},
      {int64(), "9223372036854775807\n-9223372036854775808\n0\n",
       {"-9223372036854775808", "0", "9223372036854775807"}},
      {uint64(), "18446744073709551615\n0\n9223372036854775808\n",
       {"0", "9223372036854775808", "18446744073709551615"}},
      {float64(), "NaN\n-Infinity\n1.5\nInfinity\n-0.0\n0.0\n",
       {"-Infinity", "-0", "0", "1.5", "Infinity", "NaN"}},
      {float32(), "NaN\n-1\n\n", {"NULL", "-1", "NaN"}},
      {decimal128(20, 3), "-1.5\n10\n0.001\n", {"-1.500", "0.001", "10.000"}},
      {string_type(), "b\n\xc3\xa9\nab\n\"\"\nB\n", {"", "B", "ab", "b", "\xc3\xa9"}},
      {date32(), "2024-01-01\n1969-12-31\n", {"1969-12-31", "2024-01-01"}},
      {timestamp(TimeUnit::kMicro), "2024-01-01 00:00:01\n2024-01-01 00:00:00.5\n",
       {"2024-01-01 00:00:00.5", "2024-01-01 00:00:01"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.type->to_string());
    Table in = csv_table(schema({field("v", c.type)}), c.csv);
    EXPECT_EQ(sorted(in, {asc(0)}), c.ascending);
  }
}

TEST(OpsSort, TopNWithOffset) {
  auto s = schema({field("k", int32()), field("seq", int32())});
  std::string csv;
  for (int i = 0; i < 30; ++i) csv += (i % 7 == 0 ? std::string() : std::to_string(i % 5)) + "," + std::to_string(i) + "\n";
  Table in = csv_table(s, csv, 4);
  const auto all = sorted(in, {desc(0)});
  for (int64_t limit : {0, 1, 3, 10, 29, 30, 100}) {
    for (int64_t offset : {0, 1, 5, 29, 30, 40}) {
      SCOPED_TRACE(fmt::format("limit {} offset {}", limit, offset));
      std::vector<std::string> expected;
      for (int64_t i = offset; i < std::min<int64_t>(30, offset + limit); ++i) {
        expected.push_back(all[static_cast<size_t>(i)]);
      }
      EXPECT_EQ(sorted(in, {desc(0)}, limit, offset), expected);
    }
  }
}

TEST(OpsSort, EmptyInputAndNoKeys) {
  auto s = schema({field("k", int32())});
  EXPECT_THAT(sorted(Table{s, {}}, {asc(0)}), IsEmpty());
  Table in = csv_table(s, "3\n1\n2\n");
  EXPECT_THAT(sorted(in, {}), ElementsAre("3", "1", "2"));
  EXPECT_THAT(sorted(in, {}, 2, 1), ElementsAre("1", "2"));
}

TEST(OpsSort, RejectsBadArguments) {
  auto s = schema({field("l", list(int32())), field("k", int32())});
  EXPECT_THAT(sort(Table{s, {}}, {asc(0)}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("sort key 'l'")));
  EXPECT_THAT(sort(Table{s, {}}, {asc(3)}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("out of range")));
  EXPECT_THAT(sort(Table{s, {}}, {asc(1)}, -1),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("negative limit")));
}

TEST(OpsSort, MemoryLimitGivesOutOfMemory) {
  auto s = schema({field("k", int64())});
  Int64Builder b(int64());
  for (int64_t i = 0; i < 100000; ++i) b.append((i * 7919) % 100003);
  ASSERT_OK_AND_ASSIGN(auto column, b.finish());
  Table in{s, {std::make_shared<const RecordBatch>(s, 100000, std::vector<ColumnPtr>{column})}};
  MemoryTracker tracker("sort query", 512 * 1024);
  EXPECT_THAT(sort(in, {asc(0)}, std::nullopt, 0, {.memory = &tracker}),
              StatusIs(StatusCode::kOutOfMemory, HasSubstr("sort query")));
  EXPECT_EQ(tracker.current(), 0);
}

// ---- property: equal to std::stable_sort of the rows, for any split and parallelism

RC_GTEST_PROP(OpsSortProperty, MatchesStableSortOracle, ()) {
  using Row = std::tuple<std::optional<int>, std::optional<std::string>, int>;
  const auto n = *rc::gen::inRange<size_t>(0, 120);
  std::vector<Row> rows;
  for (size_t i = 0; i < n; ++i) {
    const int k = *rc::gen::inRange(-1, 6);
    const int s = *rc::gen::inRange(-1, 4);
    static const std::vector<std::string> strings = {"", "a", "ab", "b"};
    rows.emplace_back(k < 0 ? std::nullopt : std::optional<int>(k),
                      s < 0 ? std::nullopt : std::optional<std::string>(strings[static_cast<size_t>(s)]),
                      static_cast<int>(i));
  }
  const SortKey k0{0, *rc::gen::arbitrary<bool>(), *rc::gen::arbitrary<bool>()};
  const SortKey k1{1, *rc::gen::arbitrary<bool>(), *rc::gen::arbitrary<bool>()};
  const bool use_limit = *rc::gen::arbitrary<bool>();
  const int64_t limit = *rc::gen::inRange<int64_t>(0, 50);
  const int64_t offset = *rc::gen::inRange<int64_t>(0, 20);

  auto oracle = rows;
  const auto cmp_key = [](const auto& a, const auto& b, const SortKey& key) {
    if (!a || !b) {
      if (!a && !b) return 0;
      return (a ? 1 : -1) * (key.nulls_first ? 1 : -1);
    }
    const int c = *a < *b ? -1 : (*b < *a ? 1 : 0);
    return key.ascending ? c : -c;
  };
  std::stable_sort(oracle.begin(), oracle.end(), [&](const Row& a, const Row& b) {
    int c = cmp_key(std::get<0>(a), std::get<0>(b), k0);
    if (c == 0) c = cmp_key(std::get<1>(a), std::get<1>(b), k1);
    return c < 0;
  });
  std::vector<std::string> expected;
  for (size_t i = 0; i < oracle.size(); ++i) {
    if (use_limit && (static_cast<int64_t>(i) < offset || static_cast<int64_t>(i) >= offset + limit)) {
      continue;
    }
    const auto& [k, s, seq] = oracle[i];
    expected.push_back(fmt::format("{}|{}|{}", k ? std::to_string(*k) : "NULL", s ? *s : "NULL", seq));
  }

  auto schema_ = schema({field("k", int32()), field("s", string_type()), field("seq", int32())});
  Table in{schema_, {}};
  const auto batch_rows = *rc::gen::inRange<size_t>(1, 10);
  for (size_t start = 0; start < rows.size(); start += batch_rows) {
    Int32Builder k(int32());
    BinaryBuilder s(string_type());
    Int32Builder seq(int32());
    const size_t end = std::min(rows.size(), start + batch_rows);
    for (size_t i = start; i < end; ++i) {
      std::get<0>(rows[i]) ? k.append(*std::get<0>(rows[i])) : k.append_null();
      std::get<1>(rows[i]) ? s.append(*std::get<1>(rows[i])) : s.append_null();
      seq.append(std::get<2>(rows[i]));
    }
    in.batches.push_back(std::make_shared<const RecordBatch>(
        schema_, static_cast<int64_t>(end - start),
        std::vector<ColumnPtr>{*k.finish(), *s.finish(), *seq.finish()}));
  }
  const ExecContext context{.max_parallelism = *rc::gen::inRange(1, 5),
                            .morsel_rows = *rc::gen::inRange<int64_t>(1, 16)};
  auto out = sort(in, {k0, k1}, use_limit ? std::optional<int64_t>(limit) : std::nullopt,
                  use_limit ? offset : 0, context);
  RC_ASSERT(out.ok());
  RC_ASSERT(rows_of(*out) == expected);
}

// ---- TopN: ORDER BY ... LIMIT over windows equals the full sort, then the limit

// Rows (k: double with NaN, -0.0 and NULLs; s: a few strings; seq: the input position) cut into
// batches of random sizes, grouped into windows of random sizes.
RC_GTEST_PROP(OpsTopNProperty, MatchesFullSortThenLimit, ()) {
  const auto n = *rc::gen::inRange<size_t>(0, 300);
  auto schema_ = schema({field("k", float64()), field("s", string_type()), field("seq", int32())});
  static const std::vector<double> doubles = {-1.5, -0.0, 0.0, 2.0, 7.25, std::nan("")};
  static const std::vector<std::string> strings = {"", "a", "ab", "b"};
  std::vector<RecordBatchPtr> batches;
  size_t start = 0;
  while (start < n) {
    const size_t end = std::min(n, start + *rc::gen::inRange<size_t>(1, 40));
    Float64Builder k(float64());
    BinaryBuilder s(string_type());
    Int32Builder seq(int32());
    for (size_t i = start; i < end; ++i) {
      const int kv = *rc::gen::inRange(-1, static_cast<int>(doubles.size()));
      const int sv = *rc::gen::inRange(-1, static_cast<int>(strings.size()));
      kv < 0 ? k.append_null() : k.append(doubles[static_cast<size_t>(kv)]);
      sv < 0 ? s.append_null() : s.append(strings[static_cast<size_t>(sv)]);
      seq.append(static_cast<int32_t>(i));
    }
    batches.push_back(std::make_shared<const RecordBatch>(
        schema_, static_cast<int64_t>(end - start), std::vector<ColumnPtr>{*k.finish(), *s.finish(), *seq.finish()}));
    start = end;
  }
  // One numeric key (sorted as normalized integers) or two keys (sorted by the row comparator).
  std::vector<SortKey> keys{{0, *rc::gen::arbitrary<bool>(), *rc::gen::arbitrary<bool>()}};
  if (*rc::gen::arbitrary<bool>()) keys.push_back({1, *rc::gen::arbitrary<bool>(), *rc::gen::arbitrary<bool>()});
  if (*rc::gen::arbitrary<bool>()) std::swap(keys[0].column, keys.back().column);
  const int64_t limit = *rc::gen::inRange<int64_t>(0, 80);
  const int64_t offset = *rc::gen::inRange<int64_t>(0, 30);
  const ExecContext context{.max_parallelism = *rc::gen::inRange(1, 5),
                            .morsel_rows = *rc::gen::inRange<int64_t>(1, 70)};

  auto whole = sort(Table{schema_, batches}, keys, std::nullopt, 0, ExecContext{.max_parallelism = 1});
  RC_ASSERT(whole.ok());
  auto expected = limit_rows(*whole, limit, offset);

  auto top = TopN::make(schema_, keys, limit, offset, context);
  RC_ASSERT(top.ok());
  size_t next = 0;
  while (next < batches.size()) {
    const size_t end = std::min(batches.size(), next + *rc::gen::inRange<size_t>(1, 6));
    RC_ASSERT((*top)->add(std::vector<RecordBatchPtr>(batches.begin() + static_cast<std::ptrdiff_t>(next),
                                                       batches.begin() + static_cast<std::ptrdiff_t>(end)))
                  .ok());
    next = end;
  }
  auto out = (*top)->finish();
  RC_ASSERT(out.ok());
  RC_ASSERT(out->schema->equals(*schema_));
  RC_ASSERT(rows_of(*out) == expected);
}

// The best rows so far are copied out of their windows, so a top-N over many windows holds
// about the limit's rows, not the input's.
TEST(OpsTopN, MemoryFollowsTheLimitNotTheInput) {
  auto s = schema({field("k", int64()), field("pad", string_type())});
  MemoryTracker tracker("top-n", 0);
  ASSERT_OK_AND_ASSIGN(auto top, TopN::make(s, {{0, false, false}}, 10, 0, {.memory = &tracker}));
  const std::string pad(100, 'x');
  for (int w = 0; w < 50; ++w) {
    Int64Builder k(int64(), &tracker);
    BinaryBuilder p(string_type(), &tracker);
    for (int64_t i = 0; i < 10000; ++i) {
      k.append((w * 10000 + i) * 7919 % 500009);
      p.append(pad);
    }
    ASSERT_OK_AND_ASSIGN(auto kc, k.finish());
    ASSERT_OK_AND_ASSIGN(auto pc, p.finish());
    ASSERT_OK(top->add({std::make_shared<const RecordBatch>(s, 10000, std::vector<ColumnPtr>{kc, pc})}));
  }
  ASSERT_OK_AND_ASSIGN(auto out, top->finish());
  EXPECT_EQ(out.num_rows(), 10);
  // One window is about 1.2 MB; the whole input about 60 MB.
  EXPECT_LT(tracker.peak(), 4 << 20) << format_bytes(tracker.peak());
  EXPECT_EQ(rows_of(out).front().substr(0, 7), "500008|");
}

TEST(OpsTopN, RejectsBadArguments) {
  auto s = schema({field("k", int64())});
  EXPECT_THAT(TopN::make(s, {{0, true, true}}, -1), StatusIs(StatusCode::kInvalidArgument, HasSubstr("negative limit")));
  EXPECT_THAT(TopN::make(s, {{0, true, true}}, 1, -2), StatusIs(StatusCode::kInvalidArgument, HasSubstr("negative offset")));
  EXPECT_THAT(TopN::make(s, {{3, true, true}}, 1), StatusIs(StatusCode::kInvalidArgument, HasSubstr("out of range")));
}

}  // namespace
}  // namespace braid::exec
