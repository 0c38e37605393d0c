// RunLease: one run of a pipeline at a time on a warehouse, and a way to tell a live run from a
// dead one.
//
// Two runs of one pipeline at once would each skip, redo or misattribute the other's tasks, so a
// run holds the pipeline's lease while it runs: the folder WAREHOUSE/_braid/runs/<pipeline>.lease/
// holds numbered generations (00000000000000000001.json, ...), and the newest says who holds
// the lease: run id, pid, host, the process's start time, when the run started, a heartbeat the
// holder renews every few seconds, and whether it was released. Taking the lease is a
// put-if-absent of the next generation (FileSystem::put_if_absent, the one atomic primitive of
// every store braid writes to), so of two runs racing for it exactly one wins; the loser is
// refused with an error naming the run that holds it.
//
// A lease whose holder died (kill -9, power loss) is stale: its heartbeat is older than
// `stale_after_ms`, or it was taken on this host by a process that no longer exists (or whose pid
// now belongs to another process). The next run takes a stale lease over (its generation
// supersedes the dead one's) and says so naming the dead run. A holder that finds a newer
// generation than its own has lost the lease (it was presumed dead: stopped for longer than
// `stale_after_ms`); `on_lost` tells it, and it stops heartbeating.
//
// A run started with --allow-concurrent takes no pipeline lease; it registers as
// <pipeline>.lease/concurrent-<run_id>.json (same fields, heartbeat, removed on release), so it is
// still seen as running, and a later exclusive run is refused while it lives.
//
// Thread-safety: a RunLease is owned by one run; its heartbeat runs on a thread of its own.
// Everything here may be used by any number of processes on one warehouse at once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "braid/result.h"
#include "common/file_system.h"

namespace braid::pipeline {

// The contents of a lease file.
struct LeaseHolder {
  std::string run_id{};
  std::string pipeline{};
  std::string host{};
  int64_t pid = 0;
  int64_t process_start = 0;  // the process's start time in clock ticks after boot (Linux); 0: unknown
  int64_t started_at_us = 0;
  int64_t heartbeat_at_us = 0;
  bool released = false;
  bool concurrent = false;  // an --allow-concurrent run's registration, not the pipeline's lease
  std::string file{};       // where it was read from
};

enum class LeaseState {
  kLive,      // its run is running
  kStale,     // its run died without releasing it
  kReleased,  // its run ended
};
std::string_view lease_state_name(LeaseState state);

struct LeaseOptions {
  int64_t heartbeat_interval_ms = 2000;
  int64_t stale_after_ms = 30000;
  // Called once, from the heartbeat thread, when another run took the lease over.
  std::function<void(const LeaseHolder& new_holder)> on_lost;
};

// What a holder's lease says now: released, stale (heartbeat older than stale_after_ms, or taken
// on this host by a process that is gone), or live.
LeaseState lease_state(const LeaseHolder& holder, int64_t now_us, int64_t stale_after_ms);

// A holder in a sentence: "run R (pid 123 on host h, started 2025-01-01T00:00:00.000Z, last
// heartbeat 3 s ago)".
std::string describe_holder(const LeaseHolder& holder, int64_t now_us);

// The folder of a pipeline's lease under a warehouse's runs folder.
std::string lease_folder(const std::string& runs_dir, const std::string& pipeline);

class RunLease {
 public:
  // Takes the lease of `pipeline` for `run_id` under `runs_dir` (WAREHOUSE/_braid/runs). When a
  // live run holds it (or, for an exclusive lease, when a live --allow-concurrent run of the
  // pipeline is registered) fails with kConflict naming that run. `concurrent`: register as an
  // --allow-concurrent run instead of taking the pipeline's lease.
  static Result<std::unique_ptr<RunLease>> acquire(std::shared_ptr<FileSystem> fs, const std::string& runs_dir,
                                                   const std::string& pipeline, const std::string& run_id,
                                                   bool concurrent, LeaseOptions options = {});
  // Releases the lease (if release() was not called).
  ~RunLease();
  RunLease(const RunLease&) = delete;
  RunLease& operator=(const RunLease&) = delete;

  // Marks the lease released (a concurrent registration is removed) and stops the heartbeat. A
  // lease that was lost is left to its new holder.
  Status release();
  // The dead run whose stale lease this one took over, if any.
  const std::optional<LeaseHolder>& taken_over() const { return taken_over_; }
  // Live --allow-concurrent runs of the pipeline seen when a concurrent lease was taken.
  const std::vector<LeaseHolder>& others() const { return others_; }
  bool lost() const;
  const std::string& file() const { return file_; }

 private:
  struct Heartbeat;
  // Only acquire() makes leases (the key keeps the constructor its own while make_unique calls it).
  struct Key {};

 public:
  RunLease(Key, std::shared_ptr<FileSystem> fs, std::string folder, std::string file, LeaseHolder holder,
           int64_t generation, LeaseOptions options);

 private:
  void start_heartbeat();

  std::shared_ptr<FileSystem> fs_;
  std::string folder_;
  std::string file_;
  LeaseHolder holder_;
  int64_t generation_ = 0;  // 0: a concurrent registration
  LeaseOptions options_;
  std::optional<LeaseHolder> taken_over_;
  std::vector<LeaseHolder> others_;
  std::unique_ptr<Heartbeat> heartbeat_;
  bool released_ = false;
};

// Every lease and --allow-concurrent registration under `runs_dir` (the newest generation of
// each pipeline's lease), with its state now. Unreadable files are skipped.
Result<std::vector<std::pair<LeaseHolder, LeaseState>>> list_leases(FileSystem& fs, const std::string& runs_dir,
                                                                   int64_t stale_after_ms = LeaseOptions{}.stale_after_ms);

}  // namespace braid::pipeline
