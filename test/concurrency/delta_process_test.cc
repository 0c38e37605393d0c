// Many processes writing one Delta table at once, and writers killed with SIGKILL mid-write.
// The writers are test/tools/delta_stress.cc. What must hold:
//   - no acknowledged commit is lost, versions are contiguous and unique, every committed
//     append is in the table exactly once and nothing else is;
//   - updates of disjoint partitions never conflict; overlapping read-modify-writes serialize;
//   - after any number of crashes the table opens, shows exactly whole committed versions,
//     every live file reads, a later writer commits normally, and VACUUM deletes only files no
//     version references (the torn and orphaned ones).
// BRAID_CRASH_ITERATIONS bounds the crash loop (default 40).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "columnar/column_builder.h"
#include "delta/scan.h"
#include "delta/table.h"
#include "support/status_matchers.h"

extern char** environ;

namespace braid::delta {
namespace {

namespace fs = std::filesystem;

// A child process with its stdout on a pipe.
class Child {
 public:
  explicit Child(const std::vector<std::string>& args) {
    int fds[2];
    if (::pipe(fds) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    if (::posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    out_ = fds[0];
  }
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      wait();
    }
    if (out_ >= 0) ::close(out_);
  }
  bool started() const { return pid_ > 0; }
  void kill() { ::kill(pid_, SIGKILL); }

  // Reads stdout to its end, reaps the child and returns its wait status.
  int wait() {
    char buffer[4096];
    while (out_ >= 0) {
      ssize_t n = ::read(out_, buffer, sizeof buffer);
      if (n > 0) {
        output_.append(buffer, static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      ::close(out_);
      out_ = -1;
    }
    int status = 0;
    if (pid_ > 0) {
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      pid_ = -1;
      status_ = status;
    }
    return status_;
  }
  const std::string& output() const { return output_; }

  // The acknowledged commits: one vector of numbers per "committed ..." line.
  std::vector<std::vector<int64_t>> commits() const {
    std::vector<std::vector<int64_t>> result;
    std::istringstream in(output_);
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream words(line);
      std::string word;
      if (!(words >> word) || word != "committed") continue;
      std::vector<int64_t> numbers;
      int64_t n;
      while (words >> n) numbers.push_back(n);
      result.push_back(numbers);
    }
    return result;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  int status_ = 0;
  std::string output_;
};

bool exited_ok(int status) { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }

class DeltaProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = (fs::temp_directory_path() / ("braid-delta-proc-" + std::to_string(::getpid()) + "-" +
                                          ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                .string();
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  std::vector<std::string> stress(std::vector<std::string> args) const {
    std::vector<std::string> command = {BRAID_DELTA_STRESS, args[0], root_};
    command.insert(command.end(), args.begin() + 1, args.end());
    return command;
  }

  SchemaPtr table_schema() const {
    return schema({field("id", int64()), field("region", string_type()), field("value", int64())});
  }
  // The table with `per_region` rows (value 0) in each of regions r0..r3, ids region*100 + i.
  void create_seeded(int per_region) {
    CreateOptions o;
    o.partition_columns = {"region"};
    std::vector<RecordBatchPtr> seed;
    for (int g = 0; g < 4; ++g) {
      Int64Builder id(int64()), v(int64());
      BinaryBuilder r(string_type());
      for (int i = 0; i < per_region; ++i) {
        id.append(g * 100 + i);
        r.append("r" + std::to_string(g));
        v.append(0);
      }
      seed.push_back(std::make_shared<const RecordBatch>(table_schema(), per_region,
                                                         std::vector<ColumnPtr>{*id.finish(), *r.finish(), *v.finish()}));
    }
    ASSERT_OK(DeltaTable::create(local_file_system(), root_, table_schema(), o, seed).status());
  }

  // id -> value of every row of the latest version (fails the test on a duplicate id).
  std::map<int64_t, int64_t> rows_by_id() const {
    std::map<int64_t, int64_t> result;
    auto table = DeltaTable::open(local_file_system(), root_);
    EXPECT_TRUE(table.ok()) << table.status().to_string();
    if (!table.ok()) return result;
    auto snap = table->snapshot();
    EXPECT_TRUE(snap.ok()) << snap.status().to_string();
    if (!snap.ok()) return result;
    auto batches = read_table(*snap);
    EXPECT_TRUE(batches.ok()) << batches.status().to_string();
    if (!batches.ok()) return result;
    for (const auto& b : *batches) {
      for (int64_t r = 0; r < b->num_rows(); ++r) {
        const int64_t id = b->column(0)->value<int64_t>(r);
        EXPECT_TRUE(result.emplace(id, b->column(2)->value<int64_t>(r)).second) << "duplicate id " << id;
      }
    }
    return result;
  }

  // The commit versions in the log: must be 0..n-1 with no gap.
  int64_t checked_version_count() const {
    auto table = DeltaTable::open(local_file_system(), root_);
    EXPECT_TRUE(table.ok()) << table.status().to_string();
    if (!table.ok()) return 0;
    auto listing = table->store()->list();
    EXPECT_TRUE(listing.ok());
    if (!listing.ok()) return 0;
    for (size_t v = 0; v < listing->commits.size(); ++v) EXPECT_EQ(listing->commits[v].version, static_cast<int64_t>(v));
    return static_cast<int64_t>(listing->commits.size());
  }

  std::string root_;
};

TEST_F(DeltaProcessTest, ProcessesAppendingToOneNewTableLoseNothing) {
  constexpr int kWriters = 4, kCommits = 6, kRows = 20;
  std::vector<std::unique_ptr<Child>> children;
  for (int w = 0; w < kWriters; ++w) {
    children.push_back(std::make_unique<Child>(stress({"append", "--writer", std::to_string(w), "--commits",
                                                       std::to_string(kCommits), "--rows", std::to_string(kRows)})));
    ASSERT_TRUE(children.back()->started());
  }
  std::set<int64_t> versions;
  std::set<int64_t> expected_ids;
  for (auto& child : children) {
    ASSERT_TRUE(exited_ok(child->wait())) << child->output();
    auto commits = child->commits();
    EXPECT_EQ(commits.size(), static_cast<size_t>(kCommits));
    for (const auto& c : commits) {
      ASSERT_EQ(c.size(), 3u);
      EXPECT_TRUE(versions.insert(c[0]).second) << "version " << c[0] << " acknowledged twice";
      for (int64_t id = c[1]; id < c[1] + c[2]; ++id) expected_ids.insert(id);
    }
  }
  // Version 0 is the (empty) create; one of the writers made it.
  EXPECT_EQ(checked_version_count(), kWriters * kCommits + 1);
  std::set<int64_t> ids;
  for (const auto& [id, value] : rows_by_id()) ids.insert(id);
  EXPECT_EQ(ids, expected_ids);
}

TEST_F(DeltaProcessTest, ProcessesUpdatingDisjointPartitionsNeverConflict) {
  create_seeded(5);
  constexpr int kTimes = 5;
  std::vector<std::unique_ptr<Child>> children;
  for (int g = 0; g < 4; ++g) {
    children.push_back(std::make_unique<Child>(
        stress({"increment", "--region", "r" + std::to_string(g), "--times", std::to_string(kTimes)})));
  }
  for (auto& child : children) {
    ASSERT_TRUE(exited_ok(child->wait())) << child->output();
    auto commits = child->commits();
    ASSERT_EQ(commits.size(), static_cast<size_t>(kTimes));
    for (const auto& c : commits) EXPECT_EQ(c[1], 1) << "a disjoint update needed a retry: " << child->output();
  }
  EXPECT_EQ(checked_version_count(), 1 + 4 * kTimes);
  auto rows = rows_by_id();
  ASSERT_EQ(rows.size(), 20u);
  for (const auto& [id, value] : rows) EXPECT_EQ(value, kTimes) << "id " << id;
}

TEST_F(DeltaProcessTest, OverlappingReadModifyWritesSerialize) {
  create_seeded(3);
  constexpr int kWriters = 3, kTimes = 4;
  std::vector<std::unique_ptr<Child>> children;
  for (int w = 0; w < kWriters; ++w) {
    children.push_back(std::make_unique<Child>(
        stress({"increment", "--region", "r1", "--id", "101", "--times", std::to_string(kTimes)})));
  }
  int retries = 0;
  for (auto& child : children) {
    ASSERT_TRUE(exited_ok(child->wait())) << child->output();
    for (const auto& c : child->commits()) retries += static_cast<int>(c[1] - 1);
  }
  EXPECT_EQ(checked_version_count(), 1 + kWriters * kTimes);
  auto rows = rows_by_id();
  ASSERT_EQ(rows.size(), 12u);
  // Every increment landed exactly once: a lost update would leave less.
  for (const auto& [id, value] : rows) EXPECT_EQ(value, id == 101 ? kWriters * kTimes : 0) << "id " << id;
  std::printf("overlapping writers: %d whole-operation retries after conflicts\n", retries);
}

// Every data file under the table folder (not the log).
std::set<std::string> data_files_on_disk(const std::string& root) {
  std::set<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    std::string path = e.path().string();
    if (path.find("/_delta_log") != std::string::npos) continue;
    files.insert(path);
  }
  return files;
}

TEST_F(DeltaProcessTest, KilledWritersNeverCorruptTheTable) {
  int iterations = 40;
  if (const char* env = std::getenv("BRAID_CRASH_ITERATIONS")) iterations = std::max(1, std::atoi(env));
  std::mt19937 rng(::testing::UnitTest::GetInstance()->random_seed());
  std::set<int64_t> acknowledged_first_ids;    // appends the writers reported as committed
  std::map<int64_t, int64_t> rows_of_first_id;  // every append a writer may have made
  int killed = 0;
  for (int i = 0; i < iterations; ++i) {
    const int64_t writer = i;
    const int commits = 3, n = 40;
    for (int c = 0; c < commits; ++c) rows_of_first_id[writer * 1000000 + c * n] = n;
    std::vector<std::string> args = {"append", "--writer", std::to_string(writer), "--commits",
                                     std::to_string(commits), "--rows", std::to_string(n)};
    const bool inject = i % 2 == 0;
    if (inject) {
      // Creating the table is ~5 changes, each append ~6 (directories, data file writes, commit).
      args.push_back("--kill-after-ops");
      args.push_back(std::to_string(std::uniform_int_distribution<int>(1, 30)(rng)));
    }
    Child child(stress(args));
    ASSERT_TRUE(child.started());
    if (!inject) {
      std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution<int>(0, 60000)(rng)));
      child.kill();
    }
    const int status = child.wait();
    if (WIFSIGNALED(status)) ++killed;
    for (const auto& c : child.commits()) acknowledged_first_ids.insert(c[1]);

    if (!DeltaTable::exists(*local_file_system(), root_)) {
      ASSERT_TRUE(acknowledged_first_ids.empty()) << "a commit was acknowledged but the table is gone";
      continue;
    }
    // The table opens and holds whole appends only: all acknowledged ones, maybe some made
    // just before the kill, and never part of one.
    const int64_t versions = checked_version_count();
    auto rows = rows_by_id();
    std::map<int64_t, int64_t> rows_per_append;
    for (const auto& [id, value] : rows) {
      auto it = rows_of_first_id.upper_bound(id);
      ASSERT_NE(it, rows_of_first_id.begin()) << "id " << id << " was never written";
      --it;
      ASSERT_LT(id, it->first + it->second) << "id " << id << " was never written";
      ++rows_per_append[it->first];
    }
    for (const auto& [first, count] : rows_per_append) EXPECT_EQ(count, n) << "append " << first << " is torn";
    for (int64_t first : acknowledged_first_ids) EXPECT_TRUE(rows_per_append.count(first)) << "lost append " << first;
    // Version 0 is the create; each later version one append.
    EXPECT_EQ(static_cast<int64_t>(rows_per_append.size()), versions - 1);
  }
  std::printf("%d of %d writers were killed mid-run\n", killed, iterations);
  if (!DeltaTable::exists(*local_file_system(), root_)) GTEST_SKIP() << "no writer got as far as creating the table";

  // A writer after all the crashes commits normally.
  Child after(stress({"append", "--writer", "999", "--commits", "1", "--rows", "5"}));
  ASSERT_TRUE(exited_ok(after.wait())) << after.output();

  // VACUUM with no retention removes exactly the files no version references.
  ASSERT_OK_AND_ASSIGN(auto table, DeltaTable::open(local_file_system(), root_));
  ASSERT_OK_AND_ASSIGN(auto snap, table.snapshot());
  std::set<std::string> live;
  for (const auto& f : snap->files()) live.insert(root_ + "/" + f.path);
  const std::set<std::string> before = data_files_on_disk(root_);
  const auto rows_before = rows_by_id();
  for (const auto& path : live) ASSERT_TRUE(before.count(path)) << "live file missing: " << path;
  VacuumOptions vacuum;
  vacuum.retain_hours = 0;
  vacuum.force = true;
  ASSERT_OK_AND_ASSIGN(auto vacuumed, table.vacuum(vacuum));
  for (const auto& path : vacuumed.files) EXPECT_FALSE(live.count(path)) << "vacuum deleted a live file " << path;
  EXPECT_EQ(data_files_on_disk(root_), live);
  const auto rows_after = rows_by_id();
  EXPECT_EQ(rows_after, rows_before);
  std::printf("vacuum removed %zu orphaned files\n", vacuumed.files.size());
}

}  // namespace
}  // namespace braid::delta
