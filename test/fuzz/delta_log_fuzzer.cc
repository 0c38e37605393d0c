// libFuzzer target: the Delta log reader on arbitrary bytes. The input is split at lines "%%"
// into a `_last_checkpoint` file and commits 0, 1, 2, ... of a table on an in-memory file
// system; then the action parser runs on each commit, and the snapshot of every version is
// loaded (replay, protocol and feature checks, schema JSON, partition values, deletion vector
// descriptors, stats) along with the commit timestamps. Errors are expected; crashes, hangs and
// leaks are not. When a snapshot loads, two invariants must hold: its live paths are unique, and
// a checkpoint written from it (Parquet, our writer) replays to the same table state.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/memory_file_system.h"
#include "delta/actions.h"
#include "delta/checkpoint.h"
#include "delta/log_store.h"
#include "delta/snapshot.h"

using namespace braid;
using namespace braid::delta;

namespace {

std::vector<std::string_view> split_sections(std::string_view input) {
  std::vector<std::string_view> sections;
  while (true) {
    size_t at = input.find("\n%%\n");
    if (at == std::string_view::npos) break;
    sections.push_back(input.substr(0, at));
    input.remove_prefix(at + 4);
  }
  sections.push_back(input);
  return sections;
}

std::set<std::string> live_paths(const Snapshot& snap) {
  std::set<std::string> paths;
  for (const auto& f : snap.files()) {
    if (!paths.insert(f.path).second) {  // replay must reconcile duplicates, or refuse the log
      std::fprintf(stderr, "file %s is live twice\n", f.path.c_str());
      std::abort();
    }
  }
  return paths;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1u << 16)) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto sections = split_sections(input);
  if (sections.size() > 12) return 0;  // bounded work per input
  for (size_t i = 1; i < sections.size(); ++i) (void)parse_actions(sections[i], "fuzz");

  auto fs = std::make_shared<MemoryFileSystem>();
  auto store = std::make_shared<const LogStore>(fs, "/t");
  if (!fs->create_directories("/t/_delta_log").ok()) std::abort();
  if (!sections[0].empty() && !fs->write_file("/t/_delta_log/_last_checkpoint", sections[0]).ok()) std::abort();
  for (size_t i = 1; i < sections.size(); ++i) {
    if (!store->write_commit(static_cast<int64_t>(i - 1), sections[i]).ok()) std::abort();
  }
  (void)store->read_last_checkpoint();
  (void)commit_timestamps(*store);
  const int64_t versions = static_cast<int64_t>(sections.size()) - 1;
  for (int64_t v = 0; v < versions; ++v) {
    auto snap = load_snapshot(store, v);
    if (!snap.ok()) continue;
    const std::set<std::string> paths = live_paths(**snap);
    // Checkpoint round trip: write it into a second table folder and replay from it alone.
    auto copy = std::make_shared<const LogStore>(fs, "/copy" + std::to_string(v));
    if (!fs->create_directories(copy->log_dir()).ok()) std::abort();
    Status written = write_checkpoint(*copy, v, checkpoint_actions(**snap));
    if (!written.ok()) continue;  // e.g. a schema our Parquet writer cannot represent
    auto again = load_snapshot(copy, v);
    if (!again.ok()) {
      std::fprintf(stderr, "checkpoint of version %lld does not load: %s\n", static_cast<long long>(v),
                   again.status().to_string().c_str());
      std::abort();
    }
    if (live_paths(**again) != paths || (*again)->metadata().schema_string != (*snap)->metadata().schema_string ||
        (*again)->partition_columns() != (*snap)->partition_columns()) {
      std::fprintf(stderr, "checkpoint of version %lld replays to a different state\n", static_cast<long long>(v));
      std::abort();
    }
  }
  return 0;
}
