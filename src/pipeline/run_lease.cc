#include "pipeline/run_lease.h"

#include <fmt/core.h>
#include <signal.h>
#include <simdjson.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "common/atomic_output_file.h"
#include "common/json_writer.h"
#include "pipeline/internal/wall_clock.h"

namespace braid::pipeline {

using internal::iso_time;
using internal::now_us;

namespace {

constexpr std::string_view kConcurrentPrefix = "concurrent-";
constexpr size_t kGenerationDigits = 20;

std::string this_host() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

// The start time of process `pid` in clock ticks after boot (field 22 of /proc/PID/stat), which
// tells a process from a later one given the same pid; nullopt when unknown.
std::optional<int64_t> process_start_ticks(int64_t pid) {
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  if (!in) return std::nullopt;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The command name (field 2) is in parentheses and may hold spaces and ')': count fields from
  // the last ')'.
  const auto close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(close + 1));
  std::string field;
  for (int i = 3; i <= 22; ++i) {
    if (!(fields >> field)) return std::nullopt;
  }
  int64_t ticks = 0;
  const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), ticks);
  if (error != std::errc() || end != field.data() + field.size()) return std::nullopt;
  return ticks;
}

bool process_exists(int64_t pid) {
  if (pid <= 0 || pid > INT32_MAX) return false;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

std::string generation_name(int64_t generation) { return fmt::format("{:0{}}.json", generation, kGenerationDigits); }

// The generation a file name holds, or 0 for any other file (temporary files, registrations).
int64_t generation_of(std::string_view name) {
  if (name.size() != kGenerationDigits + 5 || name.substr(kGenerationDigits) != ".json") return 0;
  int64_t g = 0;
  for (char c : name.substr(0, kGenerationDigits)) {
    if (c < '0' || c > '9') return 0;
    g = g * 10 + (c - '0');
  }
  return g;
}

bool is_registration(std::string_view name) {
  return name.starts_with(kConcurrentPrefix) && name.ends_with(".json") && name.find(".tmp-") == std::string_view::npos;
}

std::string to_json(const LeaseHolder& h) {
  JsonWriter w;
  w.begin_object();
  w.field("run_id", h.run_id);
  w.field("pipeline", h.pipeline);
  w.field("host", h.host);
  w.field("pid", h.pid);
  w.field("process_start", h.process_start);
  w.field("started_at", iso_time(h.started_at_us));
  w.field("started_at_us", h.started_at_us);
  w.field("heartbeat_at", iso_time(h.heartbeat_at_us));
  w.field("heartbeat_at_us", h.heartbeat_at_us);
  w.field("released", h.released);
  w.field("concurrent", h.concurrent);
  w.end_object();
  return w.take();
}

Result<LeaseHolder> parse_holder(const std::string& text, const std::string& file) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  LeaseHolder h;
  std::string_view run_id, pipeline, host;
  if (parser.parse(text).get(doc) || doc["run_id"].get(run_id) || doc["pipeline"].get(pipeline) ||
      doc["host"].get(host) || doc["pid"].get(h.pid) || doc["process_start"].get(h.process_start) ||
      doc["started_at_us"].get(h.started_at_us) || doc["heartbeat_at_us"].get(h.heartbeat_at_us) ||
      doc["released"].get(h.released) || doc["concurrent"].get(h.concurrent)) {
    return Status::corruption("run lease {} is not readable (a file braid writes; delete it if no run of its pipeline "
                              "is running)",
                              file);
  }
  h.run_id = run_id;
  h.pipeline = pipeline;
  h.host = host;
  h.file = file;
  return h;
}

Result<LeaseHolder> read_holder(FileSystem& fs, const std::string& file) {
  BRAID_ASSIGN_OR_RETURN(auto text, fs.read_file(file));
  return parse_holder(text, file);
}

struct FolderState {
  int64_t newest = 0;                  // the newest generation, 0: none
  std::vector<int64_t> generations;    // every generation present
  std::vector<std::string> registrations;  // concurrent-*.json file names
};

Result<FolderState> scan(FileSystem& fs, const std::string& folder) {
  FolderState state;
  auto entries = fs.list(folder);
  if (!entries.ok()) {
    if (entries.status().code() == StatusCode::kNotFound) return state;
    return entries.status();
  }
  for (const auto& e : *entries) {
    if (e.is_directory) continue;
    if (int64_t g = generation_of(e.name); g > 0) {
      state.generations.push_back(g);
      state.newest = std::max(state.newest, g);
    } else if (is_registration(e.name)) {
      state.registrations.push_back(e.name);
    }
  }
  return state;
}

Status refused(const LeaseHolder& holder, const std::string& pipeline, const std::string& runs_dir) {
  return Status::conflict(
      "pipeline {} is already running on this warehouse: {}; wait for it to end (braid runs -w {} lists runs), or pass "
      "--allow-concurrent to run both at once",
      pipeline, describe_holder(holder, now_us()), std::string(parent_path(parent_path(runs_dir))));
}

}  // namespace

std::string_view lease_state_name(LeaseState state) {
  switch (state) {
    case LeaseState::kLive: return "live";
    case LeaseState::kStale: return "stale";
    case LeaseState::kReleased: return "released";
  }
  return "?";
}

LeaseState lease_state(const LeaseHolder& holder, int64_t now, int64_t stale_after_ms) {
  if (holder.released) return LeaseState::kReleased;
  if (now - holder.heartbeat_at_us > stale_after_ms * 1000) return LeaseState::kStale;
  if (holder.host == this_host()) {
    if (!process_exists(holder.pid)) return LeaseState::kStale;
    if (holder.process_start != 0) {
      auto start = process_start_ticks(holder.pid);
      if (start && *start != holder.process_start) return LeaseState::kStale;  // the pid was reused
    }
  }
  return LeaseState::kLive;
}

std::string describe_holder(const LeaseHolder& h, int64_t now) {
  return fmt::format("run {} (pid {} on host {}, started {}, last heartbeat {} s ago)", h.run_id, h.pid, h.host,
                     iso_time(h.started_at_us), std::max<int64_t>(0, (now - h.heartbeat_at_us) / 1'000'000));
}

std::string lease_folder(const std::string& runs_dir, const std::string& pipeline) {
  return join_path(runs_dir, pipeline + ".lease");
}

// Renews the holder's heartbeat every interval until stopped.
struct RunLease::Heartbeat {
  std::mutex mutex;
  std::condition_variable changed;
  bool stopping = false;
  bool lost = false;
  std::thread thread;
};

RunLease::RunLease(Key, std::shared_ptr<FileSystem> fs, std::string folder, std::string file, LeaseHolder holder,
                   int64_t generation, LeaseOptions options)
    : fs_(std::move(fs)),
      folder_(std::move(folder)),
      file_(std::move(file)),
      holder_(std::move(holder)),
      generation_(generation),
      options_(std::move(options)),
      heartbeat_(std::make_unique<Heartbeat>()) {}

Result<std::unique_ptr<RunLease>> RunLease::acquire(std::shared_ptr<FileSystem> fs, const std::string& runs_dir,
                                                    const std::string& pipeline, const std::string& run_id,
                                                    bool concurrent, LeaseOptions options) {
  const std::string folder = lease_folder(runs_dir, pipeline);
  BRAID_RETURN_IF_ERROR(fs->create_directories(folder));
  LeaseHolder me;
  me.run_id = run_id;
  me.pipeline = pipeline;
  me.host = this_host();
  me.pid = static_cast<int64_t>(::getpid());
  me.process_start = process_start_ticks(me.pid).value_or(0);
  me.started_at_us = me.heartbeat_at_us = now_us();
  me.concurrent = concurrent;
  // Each pass reads the folder and tries one put-if-absent; a lost race reads again.
  for (int pass = 0; pass < 50; ++pass) {
    BRAID_ASSIGN_OR_RETURN(FolderState state, scan(*fs, folder));
    const int64_t now = now_us();
    std::vector<LeaseHolder> live_registrations;
    for (const auto& name : state.registrations) {
      auto h = read_holder(*fs, join_path(folder, name));
      if (!h.ok()) continue;  // removed meanwhile, or being replaced
      if (h->pipeline == pipeline && lease_state(*h, now, options.stale_after_ms) == LeaseState::kLive) {
        live_registrations.push_back(std::move(*h));
      }
    }
    std::optional<LeaseHolder> newest;
    if (state.newest > 0) {
      auto h = read_holder(*fs, join_path(folder, generation_name(state.newest)));
      if (!h.ok()) {
        if (h.status().code() == StatusCode::kNotFound) continue;
        return h.status();
      }
      newest = std::move(*h);
    }
    const LeaseState newest_state =
        newest ? lease_state(*newest, now, options.stale_after_ms) : LeaseState::kReleased;

    if (concurrent) {
      const std::string file = join_path(folder, std::string(kConcurrentPrefix) + run_id + ".json");
      Status put = fs->put_if_absent(file, to_json(me));
      if (put.code() == StatusCode::kAlreadyExists) {
        auto h = read_holder(*fs, file);
        if (h.ok() && lease_state(*h, now, options.stale_after_ms) == LeaseState::kLive) {
          return Status::conflict("run {} of pipeline {} is already running: {}", run_id, pipeline,
                                  describe_holder(*h, now));
        }
        // A registration its run left behind when it died: replace it.
        Status removed = fs->remove(file);
        if (!removed.ok() && removed.code() != StatusCode::kNotFound) return removed;
        continue;
      }
      BRAID_RETURN_IF_ERROR(put);
      auto lease = std::make_unique<RunLease>(Key{}, fs, folder, file, me, 0, std::move(options));
      if (newest && newest_state == LeaseState::kLive) lease->others_.push_back(*newest);
      for (auto& h : live_registrations) {
        if (h.run_id != run_id) lease->others_.push_back(std::move(h));
      }
      lease->start_heartbeat();
      return lease;
    }

    if (!live_registrations.empty()) return refused(live_registrations.front(), pipeline, runs_dir);
    if (newest && newest_state == LeaseState::kLive) return refused(*newest, pipeline, runs_dir);
    const int64_t generation = state.newest + 1;
    const std::string file = join_path(folder, generation_name(generation));
    Status put = fs->put_if_absent(file, to_json(me));
    if (put.code() == StatusCode::kAlreadyExists) continue;  // another run took this generation first
    BRAID_RETURN_IF_ERROR(put);
    // A generation newer than ours means our view of the folder was out of date (the generation we
    // wrote had been cleaned up after a newer one superseded it): ours never counted.
    BRAID_ASSIGN_OR_RETURN(FolderState after, scan(*fs, folder));
    if (after.newest > generation) {
      (void)fs->remove(file);
      continue;
    }
    for (int64_t g : after.generations) {
      if (g < generation) (void)fs->remove(join_path(folder, generation_name(g)));  // superseded
    }
    auto lease = std::make_unique<RunLease>(Key{}, fs, folder, file, me, generation, std::move(options));
    if (newest && newest_state == LeaseState::kStale) lease->taken_over_ = *newest;
    lease->start_heartbeat();
    return lease;
  }
  return Status::unavailable("could not take the lease of pipeline {} in {}: other runs kept taking it first", pipeline,
                             folder);
}

void RunLease::start_heartbeat() {
  heartbeat_->thread = std::thread([this] {
    Heartbeat& hb = *heartbeat_;
    std::unique_lock lock(hb.mutex);
    while (!hb.stopping) {
      hb.changed.wait_for(lock, std::chrono::milliseconds(options_.heartbeat_interval_ms));
      if (hb.stopping) break;
      lock.unlock();
      std::optional<LeaseHolder> new_holder;
      bool lost = false;
      if (generation_ > 0) {
        auto state = scan(*fs_, folder_);
        if (state.ok() && state->newest > generation_) {
          lost = true;
          auto h = read_holder(*fs_, join_path(folder_, generation_name(state->newest)));
          if (h.ok()) new_holder = std::move(*h);
        }
      } else {
        auto h = read_holder(*fs_, file_);
        if (!h.ok() && h.status().code() == StatusCode::kNotFound) lost = true;  // removed as stale by another run
      }
      if (!lost) {
        LeaseHolder renewed = holder_;
        renewed.heartbeat_at_us = now_us();
        // A failed renewal is tried again next time; only a heartbeat older than stale_after
        // makes others presume this run dead.
        if (write_file_atomically(fs_, file_, to_json(renewed)).ok()) holder_ = renewed;
      }
      lock.lock();
      if (lost) {
        hb.lost = true;
        lock.unlock();
        if (options_.on_lost) options_.on_lost(new_holder.value_or(LeaseHolder{}));
        return;
      }
    }
  });
}

bool RunLease::lost() const {
  std::lock_guard lock(heartbeat_->mutex);
  return heartbeat_->lost;
}

Status RunLease::release() {
  if (released_) return Status::OK();
  released_ = true;
  {
    std::lock_guard lock(heartbeat_->mutex);
    heartbeat_->stopping = true;
  }
  heartbeat_->changed.notify_all();
  if (heartbeat_->thread.joinable()) heartbeat_->thread.join();
  if (heartbeat_->lost) return Status::OK();
  if (generation_ == 0) {
    Status removed = fs_->remove(file_);
    return removed.code() == StatusCode::kNotFound ? Status::OK() : removed;
  }
  BRAID_ASSIGN_OR_RETURN(FolderState state, scan(*fs_, folder_));
  if (state.newest != generation_) return Status::OK();  // taken over: the lease is its new holder's
  LeaseHolder done = holder_;
  done.heartbeat_at_us = now_us();
  done.released = true;
  return write_file_atomically(fs_, file_, to_json(done));
}

RunLease::~RunLease() { (void)release(); }

Result<std::vector<std::pair<LeaseHolder, LeaseState>>> list_leases(FileSystem& fs, const std::string& runs_dir,
                                                                   int64_t stale_after_ms) {
  std::vector<std::pair<LeaseHolder, LeaseState>> out;
  auto entries = fs.list(runs_dir);
  if (!entries.ok()) {
    if (entries.status().code() == StatusCode::kNotFound) return out;
    return entries.status();
  }
  const int64_t now = now_us();
  for (const auto& e : *entries) {
    if (!e.is_directory || !e.name.ends_with(".lease")) continue;
    const std::string folder = join_path(runs_dir, e.name);
    BRAID_ASSIGN_OR_RETURN(FolderState state, scan(fs, folder));
    std::vector<std::string> files = state.registrations;
    if (state.newest > 0) files.push_back(generation_name(state.newest));
    for (const auto& name : files) {
      auto h = read_holder(fs, join_path(folder, name));
      if (!h.ok()) continue;
      const LeaseState st = lease_state(*h, now, stale_after_ms);
      out.emplace_back(std::move(*h), st);
    }
  }
  return out;
}

}  // namespace braid::pipeline
