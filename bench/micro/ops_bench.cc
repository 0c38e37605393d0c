// The in-memory operators (src/exec/ops) on 1M-row inputs: aggregation, joins, sorts, windows.
#include <benchmark/benchmark.h>

#include <random>

#include "columnar/column_builder.h"
#include "exec/ops/hash_aggregate.h"
#include "exec/ops/hash_join.h"
#include "exec/ops/sort.h"
#include "exec/ops/window.h"

namespace braid::exec {
namespace {

Table make_table(int64_t rows, int64_t keys, int64_t batch_rows, uint64_t seed) {
  auto s = schema({field("k", int64()), field("ts", int64()), field("v", int64()), field("name", string_type())});
  std::mt19937_64 rng(seed);
  Table t{s, {}};
  for (int64_t start = 0; start < rows; start += batch_rows) {
    const int64_t n = std::min(batch_rows, rows - start);
    Int64Builder k(int64()), ts(int64()), v(int64());
    BinaryBuilder name(string_type());
    for (int64_t i = 0; i < n; ++i) {
      const int64_t key = static_cast<int64_t>(rng() % static_cast<uint64_t>(keys));
      k.append(key);
      ts.append(static_cast<int64_t>(rng() % 1000000));
      v.append(static_cast<int64_t>(rng() % 1000));
      name.append("customer-" + std::to_string(key));
    }
    t.batches.push_back(std::make_shared<const RecordBatch>(s, n, std::vector<ColumnPtr>{*k.finish(), *ts.finish(), *v.finish(), *name.finish()}));
  }
  return t;
}

constexpr int64_t kRows = 1'000'000;

const Table& keys_1k() { static const Table t = make_table(kRows, 1000, 122880, 1); return t; }
const Table& keys_250k() { static const Table t = make_table(kRows, 250000, 122880, 2); return t; }
const Table& keys_unique() { static const Table t = make_table(kRows, int64_t{1} << 40, 122880, 3); return t; }
const Table& build_100k() { static const Table t = make_table(100000, 100000, 122880, 4); return t; }

const std::vector<AggregateSpec>& four_aggregates() {
  static const std::vector<AggregateSpec> a = {{AggregateKind::kCountStar, -1, false, false, "n"},
                                               {AggregateKind::kSum, 2, false, false, "s"},
                                               {AggregateKind::kAvg, 2, false, false, "a"},
                                               {AggregateKind::kMax, 1, false, false, "m"}};
  return a;
}

template <typename F>
void run(benchmark::State& state, F&& f) {
  for (auto _ : state) {
    auto r = f();
    if (!r.ok()) {
      state.SkipWithError(r.status().to_string().c_str());
      return;
    }
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}

void BM_Aggregate1kGroups(benchmark::State& s) { run(s, [] { return hash_aggregate(keys_1k(), {0}, four_aggregates()); }); }
void BM_Aggregate250kGroups(benchmark::State& s) { run(s, [] { return hash_aggregate(keys_250k(), {0}, four_aggregates()); }); }
void BM_AggregateUniqueKeys(benchmark::State& s) { run(s, [] { return hash_aggregate(keys_unique(), {0}, four_aggregates()); }); }
void BM_AggregateStringKeys(benchmark::State& s) {
  run(s, [] { return hash_aggregate(keys_250k(), {3}, {four_aggregates()[0]}); });
}
void BM_CountDistinct(benchmark::State& s) {
  run(s, [] { return hash_aggregate(keys_1k(), {0}, {{AggregateKind::kCount, 2, true, false, "d"}}); });
}
void BM_InnerJoin(benchmark::State& s) { run(s, [] { return hash_join(keys_250k(), build_100k(), {0}, {0}, JoinType::kInner); }); }
void BM_LeftSemiJoin(benchmark::State& s) {
  run(s, [] { return hash_join(keys_250k(), build_100k(), {0}, {0}, JoinType::kLeftSemi); });
}
void BM_SortInt64(benchmark::State& s) { run(s, [] { return sort(keys_unique(), {{1, true, true}}); }); }
void BM_SortStringThenInt64(benchmark::State& s) {
  run(s, [] { return sort(keys_250k(), {{3, true, true}, {1, false, false}}); });
}
void BM_Top100(benchmark::State& s) { run(s, [] { return sort(keys_unique(), {{1, false, false}}, 100); }); }
void BM_RowNumberDedup(benchmark::State& s) {
  run(s, [] {
    return window(keys_250k(), {0}, {{1, false, false}}, {{WindowKind::kRowNumber, -1, 1, -1, AggregateKind::kCountStar, "rn"}});
  });
}

BENCHMARK(BM_Aggregate1kGroups)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Aggregate250kGroups)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AggregateUniqueKeys)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AggregateStringKeys)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CountDistinct)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_InnerJoin)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LeftSemiJoin)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SortInt64)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SortStringThenInt64)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Top100)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RowNumberDedup)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace braid::exec
