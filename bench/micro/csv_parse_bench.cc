// CSV parse throughput (bytes of input per second), serial and on the worker pool, over a
// generated sales-like file of ~64 MiB held in a MemoryFileSystem (no disk in the loop):
// integers, strings (a few quoted with a delimiter inside), decimals, doubles with empty fields,
// timestamps with microseconds.
//
//   BM_CsvParse/inferred    types inferred from the sample (unit_price reads as double)
//   BM_CsvParse/typed       schema given: unit_price decimal(12,2), ids bigint, txn_ts UTC
//   BM_CsvParse/quoted      every string field quoted (as writers that always quote do): the
//                           quoted-field path and, in parallel, the boundary automaton
// Each in serial (parallel = false) and parallel (the shared pool: BRAID_THREADS) flavours.
#include <benchmark/benchmark.h>

#include <random>
#include <string>

#include "common/memory_file_system.h"
#include "formats/csv/csv_reader.h"

namespace braid {
namespace {

constexpr size_t kTargetBytes = 64u << 20;

std::string make_sales_csv(bool quote_strings) {
  std::mt19937_64 rng(42);
  std::string s =
      "txn_id,region,business_unit,customer_id,product,quantity,unit_price,discount,txn_ts,"
      "status\n";
  s.reserve(kTargetBytes + 4096);
  const char* regions[] = {"us-east", "us-west", "eu-west", "korea", "brazil", "new-zealand"};
  const char* units[] = {"online", "retail", "direct, b2b", "wholesale"};
  const char* statuses[] = {"ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "void", "refund"};
  auto text = [&](const char* v) {
    const bool needs_quotes = std::string_view(v).find(',') != std::string_view::npos;
    if (quote_strings || needs_quotes) {
      s += '"';
      s += v;
      s += '"';
    } else {
      s += v;
    }
  };
  char buf[64];
  for (int64_t i = 0; s.size() < kTargetBytes; ++i) {
    const uint64_t r = rng();
    s += std::to_string(5000000000LL + i);
    s += ',';
    text(regions[r % 6]);
    s += ',';
    text(units[(r >> 8) % 4]);
    s += ',';
    s += std::to_string(1 + (r >> 12) % 250000);
    s += ',';
    std::snprintf(buf, sizeof(buf), "SKU-%04u", static_cast<unsigned>((r >> 20) % 1024));
    text(buf);
    s += ',';
    s += std::to_string(1 + (r >> 30) % 12);
    s += ',';
    std::snprintf(buf, sizeof(buf), "%u.%02u", static_cast<unsigned>(1 + (r >> 34) % 999),
                  static_cast<unsigned>((r >> 44) % 100));
    s += buf;
    s += ',';
    if ((r >> 51) % 10 >= 3) {  // ~30% NULL
      std::snprintf(buf, sizeof(buf), "0.%02u", static_cast<unsigned>((r >> 54) % 31));
      s += buf;
    }
    s += ',';
    std::snprintf(buf, sizeof(buf), "2024-%02u-%02u %02u:%02u:%02u.%06u",
                  static_cast<unsigned>(1 + (r >> 40) % 12), static_cast<unsigned>(1 + (r >> 44) % 28),
                  static_cast<unsigned>((r >> 48) % 24), static_cast<unsigned>((r >> 52) % 60),
                  static_cast<unsigned>((r >> 56) % 60), static_cast<unsigned>(r % 1000000));
    s += buf;
    s += ',';
    text(statuses[(r >> 59) % 10]);
    s += '\n';
  }
  return s;
}

enum Variant { kInferred, kTyped, kQuoted };

const std::shared_ptr<MemoryFileSystem>& files() {
  static const auto fs = [] {
    auto f = std::make_shared<MemoryFileSystem>();
    (void)f->write_file("sales.csv", make_sales_csv(false));
    (void)f->write_file("quoted.csv", make_sales_csv(true));
    return f;
  }();
  return fs;
}

void parse(benchmark::State& state, Variant variant, bool parallel) {
  const auto& fs = files();
  const std::string path = variant == kQuoted ? "quoted.csv" : "sales.csv";
  auto info = fs->stat(path);
  if (!info.ok()) {
    state.SkipWithError(info.status().to_string().c_str());
    return;
  }
  csv::CsvReadOptions options;
  options.parallel = parallel;
  if (variant == kTyped) {
    options.schema = schema({field("txn_id", int64()), field("region", string_type()),
                             field("business_unit", string_type()),
                             field("customer_id", int64()), field("product", string_type()),
                             field("quantity", int32()), field("unit_price", decimal128(12, 2)),
                             field("discount", float64()),
                             field("txn_ts", timestamp(TimeUnit::kMicro, "UTC")),
                             field("status", string_type())});
  }
  int64_t rows = 0;
  for (auto _ : state) {
    auto batches = csv::read_csv(fs, path, options);
    if (!batches.ok()) {
      state.SkipWithError(batches.status().to_string().c_str());
      break;
    }
    rows = 0;
    for (const auto& b : *batches) rows += b->num_rows();
    benchmark::DoNotOptimize(rows);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(info->size));
  state.counters["rows"] = static_cast<double>(rows);
}

BENCHMARK_CAPTURE(parse, inferred_serial, kInferred, false)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(parse, inferred_parallel, kInferred, true)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(parse, typed_serial, kTyped, false)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(parse, typed_parallel, kTyped, true)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(parse, quoted_serial, kQuoted, false)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(parse, quoted_parallel, kQuoted, true)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace braid
