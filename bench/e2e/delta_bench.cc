// braid_delta_bench: the Delta log's speed numbers (issue 6, bench/README.md).
//
//   braid_delta_bench snapshot --commits N [--checkpoint-interval K] [--repeat R] [--dir D]
//       Builds a table of N commits (one add action with stats per commit, like a small append;
//       checkpoints every K commits, 0 for none), then loads the latest snapshot R times from a
//       cold LogStore and prints the median and best load time.
//   braid_delta_bench commits [--threads T] [--per-thread N] [--dir D]
//       T threads each append N one-row batches (a real Parquet data file and a commit each) to
//       one table; prints commits per second and checks that no commit was lost.
//
// Output is one JSON object per run, so scripts can collect it.
#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "columnar/column_builder.h"
#include "common/file_system.h"
#include "delta/actions.h"
#include "delta/checkpoint.h"
#include "delta/snapshot.h"
#include "delta/table.h"

namespace braid {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

SchemaPtr bench_schema() {
  return schema({field("id", int64()), field("region", string_type()), field("amount", float64())});
}

RecordBatchPtr one_row(int64_t id) {
  Int64Builder ids(int64());
  BinaryBuilder region(string_type());
  Float64Builder amount(float64());
  ids.append(id);
  region.append("EU");
  amount.append(1.5);
  return std::make_shared<const RecordBatch>(bench_schema(), 1,
                                             std::vector<ColumnPtr>{*ids.finish(), *region.finish(), *amount.finish()});
}

int fail(const Status& s) {
  std::fprintf(stderr, "braid_delta_bench: %s\n", s.to_string().c_str());
  return 1;
}

int run_snapshot(const std::string& dir, int64_t commits, int64_t interval, int repeat) {
  auto fs = local_file_system();
  std::filesystem::remove_all(dir);
  auto created = delta::DeltaTable::create(fs, dir, bench_schema(), {});
  if (!created.ok()) return fail(created.status());
  auto store = created->store();
  // The log of many small appends: each commit holds a commitInfo like braid's and one add with
  // a stats string, written straight to the log (the data files are not written: a snapshot load
  // never opens them), with a checkpoint every `interval` commits as a writer makes them.
  const auto build_start = Clock::now();
  for (int64_t v = 1; v <= commits; ++v) {
    std::string text = fmt::format(
        "{{\"commitInfo\":{{\"timestamp\":{},\"operation\":\"WRITE\",\"operationParameters\":{{\"mode\":\"Append\"}},"
        "\"readVersion\":{},\"isolationLevel\":\"Serializable\",\"isBlindAppend\":true,"
        "\"operationMetrics\":{{\"numFiles\":\"1\",\"numOutputRows\":\"100\",\"numOutputBytes\":\"1234\"}},"
        "\"engineInfo\":\"braid/bench\",\"txnId\":\"00000000-0000-0000-0000-{:012}\"}}}}\n",
        1700000000000 + v, v - 1, v);
    delta::AddFile add;
    add.path = fmt::format("part-{:05}-{:08x}-0000-0000-0000-000000000000.c000.zstd.parquet", v, v * 2654435761u);
    add.size = 1200 + v % 100;
    add.modification_time = 1700000000000 + v;
    add.stats = fmt::format(
        "{{\"numRecords\":100,\"minValues\":{{\"id\":{},\"region\":\"AP\",\"amount\":0.5}},"
        "\"maxValues\":{{\"id\":{},\"region\":\"US\",\"amount\":99.5}},\"nullCount\":{{\"id\":0,\"region\":0,\"amount\":3}}}}",
        v * 100, v * 100 + 99);
    text += delta::actions_to_json({delta::Action(std::move(add))});
    Status written = store->write_commit(v, text);
    if (!written.ok()) return fail(written);
    if (interval > 0 && v % interval == 0) {
      auto snap = delta::load_snapshot(store, v);
      if (!snap.ok()) return fail(snap.status());
      Status cp = delta::write_checkpoint(*store, v, delta::checkpoint_actions(**snap));
      if (!cp.ok()) return fail(cp);
    }
  }
  const double build_seconds = seconds_since(build_start);
  std::vector<double> times;
  size_t files = 0;
  for (int i = 0; i < repeat; ++i) {
    auto cold = std::make_shared<const delta::LogStore>(fs, dir);  // nothing cached between loads
    const auto start = Clock::now();
    auto loaded = delta::load_snapshot(cold);
    const double t = seconds_since(start);
    if (!loaded.ok()) return fail(loaded.status());
    if ((*loaded)->version() != commits) {
      return fail(Status::internal("loaded version {}, expected {}", (*loaded)->version(), commits));
    }
    files = (*loaded)->files().size();
    times.push_back(t);
  }
  std::sort(times.begin(), times.end());
  std::printf(
      "{\"bench\":\"delta_snapshot_load\",\"commits\":%lld,\"checkpoint_interval\":%lld,\"live_files\":%zu,"
      "\"median_ms\":%.2f,\"best_ms\":%.2f,\"repeat\":%d,\"build_s\":%.1f}\n",
      static_cast<long long>(commits), static_cast<long long>(interval), files, times[times.size() / 2] * 1000,
      times.front() * 1000, repeat, build_seconds);
  return 0;
}

int run_commits(const std::string& dir, int threads, int per_thread) {
  auto fs = local_file_system();
  std::filesystem::remove_all(dir);
  auto created = delta::DeltaTable::create(fs, dir, bench_schema(), {});
  if (!created.ok()) return fail(created.status());
  const delta::DeltaTable& table = *created;
  std::atomic<int> failures{0}, attempts{0};
  const auto start = Clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        auto r = table.append({one_row(t * 1000000 + i)});
        if (!r.ok()) {
          std::fprintf(stderr, "append failed: %s\n", r.status().to_string().c_str());
          ++failures;
        } else {
          attempts += r->attempts;
        }
      }
    });
  }
  for (auto& w : workers) w.join();
  const double elapsed = seconds_since(start);
  auto listing = table.store()->list();
  if (!listing.ok()) return fail(listing.status());
  const int64_t expected = int64_t{threads} * per_thread;
  const int64_t committed = static_cast<int64_t>(listing->commits.size()) - 1;
  auto snap = table.snapshot();
  if (!snap.ok()) return fail(snap.status());
  const bool lost = committed != expected || static_cast<int64_t>((*snap)->files().size()) != expected;
  std::printf(
      "{\"bench\":\"delta_commit_throughput\",\"threads\":%d,\"commits\":%lld,\"seconds\":%.2f,"
      "\"commits_per_s\":%.1f,\"mean_attempts\":%.2f,\"failures\":%d,\"lost\":%s}\n",
      threads, static_cast<long long>(committed), elapsed, static_cast<double>(committed) / elapsed,
      committed > 0 ? static_cast<double>(attempts.load()) / static_cast<double>(committed) : 0.0, failures.load(),
      lost ? "true" : "false");
  return lost || failures > 0 ? 1 : 0;
}

int main_impl(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: braid_delta_bench snapshot --commits N [--checkpoint-interval K] [--repeat R] [--dir D]\n"
                 "       braid_delta_bench commits [--threads T] [--per-thread N] [--dir D]\n");
    return 2;
  }
  const std::string command = argv[1];
  int64_t commits = 10000, interval = 10;
  int repeat = 5, threads = 8, per_thread = 100;
  std::string dir = (std::filesystem::temp_directory_path() / "braid-delta-bench").string();
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const char* v = argv[i + 1];
    if (flag == "--commits") commits = std::atoll(v);
    else if (flag == "--checkpoint-interval") interval = std::atoll(v);
    else if (flag == "--repeat") repeat = std::max(1, std::atoi(v));
    else if (flag == "--threads") threads = std::max(1, std::atoi(v));
    else if (flag == "--per-thread") per_thread = std::max(1, std::atoi(v));
    else if (flag == "--dir") dir = v;
    else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  int rc = command == "snapshot" ? run_snapshot(dir, commits, interval, repeat)
           : command == "commits" ? run_commits(dir, threads, per_thread)
                                  : 2;
  std::filesystem::remove_all(dir);
  return rc;
}

}  // namespace
}  // namespace braid

int main(int argc, char** argv) { return braid::main_impl(argc, argv); }
