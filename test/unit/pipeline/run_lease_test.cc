// The run lease: one run of a pipeline at a time, taken atomically; a dead holder's lease (a
// process that is gone, or a heartbeat too old) is taken over; a holder superseded while alive
// is told; --allow-concurrent registrations.
#include "pipeline/run_lease.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "common/json_writer.h"
#include "common/memory_file_system.h"
#include "support/status_matchers.h"

namespace braid::pipeline {
namespace {

using ::braid::testing::StatusIs;
using ::testing::HasSubstr;

const std::string kRuns = "/wh/_braid/runs";

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string host() {
  char name[256] = {};
  gethostname(name, sizeof name - 1);
  return name;
}

// A lease file as another process would have written it.
std::string holder_json(const std::string& run_id, const std::string& host_name, int64_t pid, int64_t heartbeat_at_us,
                        bool released = false) {
  JsonWriter w;
  w.begin_object();
  w.field("run_id", run_id);
  w.field("pipeline", std::string("p"));
  w.field("host", host_name);
  w.field("pid", pid);
  w.field("process_start", int64_t{0});
  w.field("started_at_us", heartbeat_at_us);
  w.field("heartbeat_at_us", heartbeat_at_us);
  w.field("released", released);
  w.field("concurrent", false);
  w.end_object();
  return w.take();
}

// A pid no process has: beyond any pid_max.
constexpr int64_t kGonePid = 2147483000;

class RunLeaseTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK(fs_->create_directories(lease_folder(kRuns, "p"))); }
  std::string generation_file(int g) const { return lease_folder(kRuns, "p") + "/" + fmt::format("{:020}.json", g); }
  std::shared_ptr<MemoryFileSystem> fs_ = std::make_shared<MemoryFileSystem>();
};

TEST_F(RunLeaseTest, ASecondRunIsRefusedNamingTheFirstUntilItReleases) {
  ASSERT_OK_AND_ASSIGN(auto first, RunLease::acquire(fs_, kRuns, "p", "r1", false));
  EXPECT_FALSE(first->taken_over());
  EXPECT_THAT(RunLease::acquire(fs_, kRuns, "p", "r2", false).status(),
              StatusIs(StatusCode::kConflict, HasSubstr(fmt::format("run r1 (pid {} on host {}", getpid(), host()))));
  // Another pipeline is another lease.
  ASSERT_OK_AND_ASSIGN(auto other, RunLease::acquire(fs_, kRuns, "q", "r3", false));
  ASSERT_OK(first->release());
  ASSERT_OK_AND_ASSIGN(auto second, RunLease::acquire(fs_, kRuns, "p", "r2", false));
  EXPECT_FALSE(second->taken_over()) << "a released lease is free, not stale";
  // Superseded generations are removed: the folder holds the newest only.
  std::vector<std::string> files;
  for (const auto& f : fs_->all_files()) {
    if (f.rfind(lease_folder(kRuns, "p"), 0) == 0) files.push_back(f);
  }
  EXPECT_THAT(files, ::testing::ElementsAre(generation_file(2)));
}

TEST_F(RunLeaseTest, TheLeaseOfAProcessThatIsGoneIsTakenOver) {
  ASSERT_OK(fs_->put_if_absent(generation_file(1), holder_json("dead", host(), kGonePid, now_us())));
  ASSERT_OK_AND_ASSIGN(auto lease, RunLease::acquire(fs_, kRuns, "p", "r2", false));
  ASSERT_TRUE(lease->taken_over());
  EXPECT_EQ(lease->taken_over()->run_id, "dead");
  EXPECT_EQ(lease->file(), generation_file(2));
}

TEST_F(RunLeaseTest, AHeartbeatOlderThanTheTimeoutIsStaleOnAnyHost) {
  // On another host the pid says nothing; the heartbeat does.
  ASSERT_OK(fs_->put_if_absent(generation_file(1), holder_json("far", "elsewhere", 1, now_us() - 3600'000'000LL)));
  ASSERT_OK_AND_ASSIGN(auto lease, RunLease::acquire(fs_, kRuns, "p", "r2", false));
  ASSERT_TRUE(lease->taken_over());
  EXPECT_EQ(lease->taken_over()->run_id, "far");
}

TEST_F(RunLeaseTest, ALiveRunOnAnotherHostIsRespected) {
  ASSERT_OK(fs_->put_if_absent(generation_file(1), holder_json("far", "elsewhere", kGonePid, now_us())));
  EXPECT_THAT(RunLease::acquire(fs_, kRuns, "p", "r2", false).status(),
              StatusIs(StatusCode::kConflict, HasSubstr("run far (pid 2147483000 on host elsewhere")));
}

TEST_F(RunLeaseTest, AnUnreadableLeaseIsAnErrorNamingIt) {
  ASSERT_OK(fs_->put_if_absent(generation_file(1), "{not json"));
  EXPECT_THAT(RunLease::acquire(fs_, kRuns, "p", "r2", false).status(),
              StatusIs(StatusCode::kCorruption, HasSubstr(generation_file(1))));
}

TEST_F(RunLeaseTest, TheHeartbeatIsRenewedAndAReleaseIsRecorded) {
  LeaseOptions options;
  options.heartbeat_interval_ms = 10;
  ASSERT_OK_AND_ASSIGN(auto lease, RunLease::acquire(fs_, kRuns, "p", "r1", false, options));
  ASSERT_OK_AND_ASSIGN(auto before, fs_->read_file(lease->file()));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_OK_AND_ASSIGN(auto after, fs_->read_file(lease->file()));
  EXPECT_NE(before, after) << "the heartbeat rewrote the lease";
  ASSERT_OK(lease->release());
  ASSERT_OK_AND_ASSIGN(auto leases, list_leases(*fs_, kRuns));
  ASSERT_EQ(leases.size(), 1u);
  EXPECT_EQ(leases[0].first.run_id, "r1");
  EXPECT_EQ(leases[0].second, LeaseState::kReleased);
}

TEST_F(RunLeaseTest, AHolderSupersededWhileAliveIsTold) {
  LeaseOptions options;
  options.heartbeat_interval_ms = 10;
  std::atomic<bool> told{false};
  std::string new_holder;
  options.on_lost = [&](const LeaseHolder& h) {
    new_holder = h.run_id;
    told = true;
  };
  ASSERT_OK_AND_ASSIGN(auto lease, RunLease::acquire(fs_, kRuns, "p", "r1", false, options));
  // Another host presumed it dead (a paused process) and took the next generation.
  ASSERT_OK(fs_->put_if_absent(generation_file(2), holder_json("r2", "elsewhere", 7, now_us())));
  for (int i = 0; i < 200 && !told; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_TRUE(told);
  EXPECT_EQ(new_holder, "r2");
  EXPECT_TRUE(lease->lost());
  // Releasing leaves the new holder's lease alone.
  ASSERT_OK(lease->release());
  ASSERT_OK_AND_ASSIGN(auto text, fs_->read_file(generation_file(2)));
  EXPECT_THAT(text, HasSubstr(R"("released":false)"));
}

TEST_F(RunLeaseTest, OfRunsRacingForTheLeaseExactlyOneWins) {
  constexpr int kRunners = 16;
  std::atomic<int> won{0}, refused{0};
  std::vector<std::unique_ptr<RunLease>> held(kRunners);
  std::vector<std::thread> threads;
  for (int i = 0; i < kRunners; ++i) {
    threads.emplace_back([&, i] {
      auto lease = RunLease::acquire(fs_, kRuns, "p", fmt::format("r{}", i), false);
      if (lease.ok()) {
        ++won;
        held[static_cast<size_t>(i)] = std::move(*lease);
      } else if (lease.status().code() == StatusCode::kConflict) {
        ++refused;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won, 1);
  EXPECT_EQ(refused, kRunners - 1);
}

TEST_F(RunLeaseTest, ConcurrentRunsRegisterAndKeepExclusiveRunsOut) {
  ASSERT_OK_AND_ASSIGN(auto exclusive, RunLease::acquire(fs_, kRuns, "p", "r1", false));
  ASSERT_OK_AND_ASSIGN(auto concurrent, RunLease::acquire(fs_, kRuns, "p", "r2", true));
  ASSERT_EQ(concurrent->others().size(), 1u);
  EXPECT_EQ(concurrent->others()[0].run_id, "r1");
  // The same run twice at once is refused even when concurrency is allowed.
  EXPECT_THAT(RunLease::acquire(fs_, kRuns, "p", "r2", true).status(),
              StatusIs(StatusCode::kConflict, HasSubstr("run r2 of pipeline p is already running")));
  ASSERT_OK(exclusive->release());
  // A live concurrent run keeps an exclusive one out.
  EXPECT_THAT(RunLease::acquire(fs_, kRuns, "p", "r3", false).status(),
              StatusIs(StatusCode::kConflict, HasSubstr("run r2 (pid")));
  ASSERT_OK_AND_ASSIGN(auto listed, list_leases(*fs_, kRuns));
  EXPECT_EQ(listed.size(), 2u);  // r1 released, r2 live
  ASSERT_OK(concurrent->release());
  EXPECT_FALSE(*fs_->exists(concurrent->file())) << "a registration is removed when its run ends";
  ASSERT_OK_AND_ASSIGN(auto third, RunLease::acquire(fs_, kRuns, "p", "r3", false));
}

TEST(RunLeaseStateTest, ProcessesAndHeartbeats) {
  const int64_t now = now_us();
  LeaseHolder me{.run_id = "r", .pipeline = "p", .host = host(), .pid = getpid(), .heartbeat_at_us = now};
  EXPECT_EQ(lease_state(me, now, 30000), LeaseState::kLive);
  LeaseHolder gone = me;
  gone.pid = kGonePid;
  EXPECT_EQ(lease_state(gone, now, 30000), LeaseState::kStale);
  LeaseHolder reused = me;
  reused.process_start = 1;  // this pid, but a process that started at another time
  EXPECT_EQ(lease_state(reused, now, 30000), LeaseState::kStale);
  LeaseHolder old = me;
  old.heartbeat_at_us = now - 31'000'000;
  EXPECT_EQ(lease_state(old, now, 30000), LeaseState::kStale);
  LeaseHolder done = me;
  done.released = true;
  EXPECT_EQ(lease_state(done, now, 30000), LeaseState::kReleased);
}

}  // namespace
}  // namespace braid::pipeline
