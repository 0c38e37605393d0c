// braid_csv_scan: reads a whole CSV file with CsvReader, for bench/e2e/csv_vs_duckdb.sh.
//
//   braid_csv_scan FILE [--repeat N] [--serial] [--block-bytes B] [--sums]
//
// Every column is parsed into memory (batches are dropped as they arrive, as a scan feeding an
// operator would). Prints one JSON object per run: {"ms","cpu_ms","rows","bytes","mb_per_s",
// "nulls"} (cpu_ms: CPU time of all threads);
// "nulls" (NULLs over all columns) lets the script compare with the peer's count.
// --sums: one more (untimed) read that prints {"sums":{column: text}} per column: the sum of
// integer, decimal, date and timestamp values (exact), of doubles (%.17g), of string byte
// lengths, of true booleans; for comparing values with another engine.
// Threads: BRAID_THREADS (the shared WorkerPool's size).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "columnar/decimal.h"
#include "common/file_system.h"
#include "formats/csv/csv_reader.h"

using namespace braid;

namespace {

double now_ms() {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// CPU time of the whole process (all threads), in milliseconds.
double cpu_ms() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3;
}

int fail(const Status& s) {
  std::fprintf(stderr, "error: %s\n", s.to_string().c_str());
  return 1;
}

// Per-column sums over all batches (see --sums).
int print_sums(const std::shared_ptr<FileSystem>& fs, const std::string& file,
               const csv::CsvReadOptions& options) {
  auto reader = csv::CsvReader::open(fs, file, options);
  if (!reader.ok()) return fail(reader.status());
  const SchemaPtr schema = (*reader)->schema();
  std::vector<Int128> exact(static_cast<size_t>(schema->num_fields()), 0);
  std::vector<double> floating(static_cast<size_t>(schema->num_fields()), 0);
  while (true) {
    auto batch = (*reader)->next();
    if (!batch.ok()) return fail(batch.status());
    if (*batch == nullptr) break;
    for (int c = 0; c < (*batch)->num_columns(); ++c) {
      const Column& col = *(*batch)->column(c);
      auto i = static_cast<size_t>(c);
      for (int64_t r = 0; r < col.length(); ++r) {
        if (col.is_null(r)) continue;
        switch (col.type_id()) {
          case TypeId::kBoolean: exact[i] += col.bool_value(r) ? 1 : 0; break;
          case TypeId::kInt32:
          case TypeId::kDate32: exact[i] += col.value<int32_t>(r); break;
          case TypeId::kInt64:
          case TypeId::kTimestamp: exact[i] += col.value<int64_t>(r); break;
          case TypeId::kDecimal128: exact[i] += col.value<Int128>(r); break;
          case TypeId::kFloat64: floating[i] += col.value<double>(r); break;
          case TypeId::kString: exact[i] += static_cast<Int128>(col.string_value(r).size()); break;
          default: break;
        }
      }
    }
  }
  std::string out = "{\"sums\":{";
  for (int c = 0; c < schema->num_fields(); ++c) {
    auto i = static_cast<size_t>(c);
    const auto id = schema->field(c)->type()->id();
    std::string value;
    if (id == TypeId::kFloat64) {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%.17g", floating[i]);
      value = buf;
    } else if (id == TypeId::kDecimal128) {
      value = decimal::to_string(exact[i], schema->field(c)->type()->scale());
    } else {
      value = decimal::int128_to_string(exact[i]);
    }
    out += (c ? ",\"" : "\"") + schema->field(c)->name() + "\":\"" + value + "\"";
  }
  std::printf("%s}}\n", out.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: braid_csv_scan FILE [--repeat N] [--serial] [--block-bytes B]\n");
    return 2;
  }
  std::string file = argv[1];
  int repeat = 1;
  bool sums = false;
  csv::CsvReadOptions options;
  for (int i = 2; i < argc; ++i) {
    if (std::strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
      repeat = std::atoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--sums") == 0) {
      sums = true;
    } else if (std::strcmp(argv[i], "--serial") == 0) {
      options.parallel = false;
    } else if (std::strcmp(argv[i], "--block-bytes") == 0 && i + 1 < argc) {
      options.block_bytes = std::atoll(argv[++i]);
    } else {
      std::fprintf(stderr, "unknown option '%s'\n", argv[i]);
      return 2;
    }
  }
  auto fs = local_file_system();
  auto info = fs->stat(file);
  if (!info.ok()) return fail(info.status());
  for (int r = 0; r < repeat; ++r) {
    double t0 = now_ms(), c0 = cpu_ms();
    auto reader = csv::CsvReader::open(fs, file, options);
    if (!reader.ok()) return fail(reader.status());
    int64_t rows = 0, nulls = 0;
    while (true) {
      auto batch = (*reader)->next();
      if (!batch.ok()) return fail(batch.status());
      if (*batch == nullptr) break;
      rows += (*batch)->num_rows();
      for (const auto& c : (*batch)->columns()) nulls += c->null_count();
    }
    double ms = now_ms() - t0, cpu = cpu_ms() - c0;
    std::printf("{\"ms\":%.1f,\"cpu_ms\":%.1f,\"rows\":%lld,\"bytes\":%llu,\"mb_per_s\":%.1f,\"nulls\":%lld}\n", ms, cpu,
                static_cast<long long>(rows), static_cast<unsigned long long>(info->size),
                static_cast<double>(info->size) / 1e6 / (ms / 1e3), static_cast<long long>(nulls));
    std::fflush(stdout);
  }
  return sums ? print_sums(fs, file, options) : 0;
}
