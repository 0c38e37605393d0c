// braid_format_bench: end-to-end file format timings, driven by bench/e2e/formats_vs_duckdb.mjs.
//
//   braid_format_bench csv-scan FILE [--repeat N]      parse every column of a CSV into memory
//   braid_format_bench scan FILE [--repeat N]          decode every column of a Parquet file
//   braid_format_bench write FILE OUT [--repeat N]     read FILE (Parquet) into memory, then time
//                                                      writing OUT (zstd) from memory
// Prints one JSON object per run: {"op","ms","rows","bytes"}. Threads: BRAID_THREADS.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "common/file_system.h"
#include "formats/csv/csv_reader.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/parquet_writer.h"

using namespace braid;

namespace {

double now_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

int fail(const Status& s) {
  std::fprintf(stderr, "error: %s\n", s.to_string().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: braid_format_bench csv-scan FILE | scan FILE | write FILE OUT [--repeat N]\n");
    return 2;
  }
  std::string op = argv[1], file = argv[2];
  int repeat = 1;
  for (int i = 3; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--repeat") == 0) repeat = std::atoi(argv[i + 1]);
  }
  auto fs = local_file_system();
  if (op == "csv-scan") {
    for (int r = 0; r < repeat; ++r) {
      double t0 = now_ms();
      auto reader = csv::CsvReader::open(fs, file);
      if (!reader.ok()) return fail(reader.status());
      int64_t rows = 0;
      while (true) {
        auto batch = (*reader)->next();
        if (!batch.ok()) return fail(batch.status());
        if (*batch == nullptr) break;
        rows += (*batch)->num_rows();
      }
      std::printf("{\"op\":\"csv-scan\",\"ms\":%.1f,\"rows\":%lld}\n", now_ms() - t0, static_cast<long long>(rows));
      std::fflush(stdout);
    }
    return 0;
  }
  if (op == "scan") {
    for (int r = 0; r < repeat; ++r) {
      double t0 = now_ms();
      auto reader = parquet::ParquetReader::open(fs, file);
      if (!reader.ok()) return fail(reader.status());
      int64_t rows = 0;
      while (true) {
        auto batch = (*reader)->next();
        if (!batch.ok()) return fail(batch.status());
        if (*batch == nullptr) break;
        rows += (*batch)->num_rows();
      }
      std::printf("{\"op\":\"scan\",\"ms\":%.1f,\"rows\":%lld}\n", now_ms() - t0, static_cast<long long>(rows));
      std::fflush(stdout);
    }
    return 0;
  }
  if (op == "write" && argc >= 4) {
    std::string out = argv[3];
    auto batches = parquet::read_parquet(fs, file);
    if (!batches.ok()) return fail(batches.status());
    if (batches->empty()) return fail(Status::invalid_argument("no rows"));
    int64_t rows = 0;
    for (auto& b : *batches) rows += b->num_rows();
    for (int r = 0; r < repeat; ++r) {
      double t0 = now_ms();
      auto meta = parquet::write_parquet(fs, out, (*batches)[0]->schema(), *batches);
      if (!meta.ok()) return fail(meta.status());
      double ms = now_ms() - t0;
      auto info = fs->stat(out);
      std::printf("{\"op\":\"write\",\"ms\":%.1f,\"rows\":%lld,\"bytes\":%llu}\n", ms,
                  static_cast<long long>(rows), static_cast<unsigned long long>(info.ok() ? info->size : 0));
      std::fflush(stdout);
    }
    return 0;
  }
  std::fprintf(stderr, "unknown operation '%s'\n", op.c_str());
  return 2;
}
