// CSV parse throughput (bytes of input per second), serial and on the worker pool, over a
// generated sales-like file: integers, strings (some quoted), decimals, doubles with empty
// fields, timestamps.
#include <benchmark/benchmark.h>

#include <random>

#include "common/memory_file_system.h"
#include "formats/csv/csv_reader.h"

namespace braid {
namespace {

const std::string& sales_csv() {
  static const std::string text = [] {
    std::mt19937_64 rng(42);
    std::string s = "txn_id,region,business_unit,customer_id,product,quantity,unit_price,discount,txn_ts,status\n";
    const char* regions[] = {"us-east", "us-west", "eu-west", "korea", "brazil", "new-zealand"};
    const char* units[] = {"online", "retail", "\"direct, b2b\"", "wholesale"};
    char line[256];
    for (int64_t i = 0; s.size() < (64u << 20); ++i) {
      uint64_t r = rng();
      std::string discount = (r & 7) < 2 ? "" : "0." + std::to_string(r % 31);
      std::snprintf(line, sizeof(line), "%lld,%s,%s,%llu,SKU-%04llu,%llu,%llu.%02llu,%s,2024-%02llu-%02llu %02llu:%02llu:%02llu.%06llu,%s\n",
                    static_cast<long long>(5000000000LL + i), regions[r % 6], units[(r >> 8) % 4],
                    static_cast<unsigned long long>(1 + (r >> 12) % 250000), static_cast<unsigned long long>((r >> 20) % 1024),
                    static_cast<unsigned long long>(1 + (r >> 30) % 12), static_cast<unsigned long long>(1 + (r >> 34) % 999),
                    static_cast<unsigned long long>((r >> 44) % 100), discount.c_str(),
                    static_cast<unsigned long long>(1 + (r >> 40) % 12), static_cast<unsigned long long>(1 + (r >> 44) % 28),
                    static_cast<unsigned long long>((r >> 48) % 24), static_cast<unsigned long long>((r >> 52) % 60),
                    static_cast<unsigned long long>((r >> 56) % 60), static_cast<unsigned long long>(r % 1000000),
                    (r >> 60) < 14 ? "ok" : "void");
      s += line;
    }
    return s;
  }();
  return text;
}

void parse(benchmark::State& state, bool parallel) {
  auto fs = std::make_shared<MemoryFileSystem>();
  if (!fs->write_file("sales.csv", sales_csv()).ok()) state.SkipWithError("write failed");
  csv::CsvReadOptions options;
  options.parallel = parallel;
  for (auto _ : state) {
    auto batches = csv::read_csv(fs, "sales.csv", options);
    if (!batches.ok()) {
      state.SkipWithError(batches.status().to_string().c_str());
      break;
    }
    benchmark::DoNotOptimize(batches->size());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(sales_csv().size()));
}

void BM_CsvParseSerial(benchmark::State& state) { parse(state, false); }
void BM_CsvParseParallel(benchmark::State& state) { parse(state, true); }
BENCHMARK(BM_CsvParseSerial)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_CsvParseParallel)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace braid
