#include "common/memory_tracker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "support/status_matchers.h"

namespace braid {
namespace {

using ::braid::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

TEST(MemoryTrackerTest, Accessors) {
  MemoryTracker process("process");
  MemoryTracker query("query 1", 4096, &process);
  EXPECT_EQ(query.name(), "query 1");
  EXPECT_EQ(query.limit(), 4096);
  EXPECT_EQ(query.parent(), &process);
  EXPECT_EQ(process.parent(), nullptr);
  EXPECT_EQ(process.limit(), 0);
  EXPECT_EQ(MemoryTracker("negative", -5).limit(), 0);  // no limit
  EXPECT_EQ(query.current(), 0);
  EXPECT_EQ(query.peak(), 0);
  EXPECT_EQ(MemoryTracker::process().name(), "process");
  EXPECT_EQ(&MemoryTracker::process(), &MemoryTracker::process());
}

TEST(MemoryTrackerTest, ReserveAndReleaseCountUpTheTree) {
  MemoryTracker process("process");
  MemoryTracker task("task", 0, &process);
  MemoryTracker query("query", 0, &task);
  ASSERT_OK(query.reserve(100));
  ASSERT_OK(query.reserve(50));
  ASSERT_OK(task.reserve(7));
  EXPECT_EQ(query.current(), 150);
  EXPECT_EQ(task.current(), 157);
  EXPECT_EQ(process.current(), 157);
  query.release(120);
  EXPECT_EQ(query.current(), 30);
  EXPECT_EQ(task.current(), 37);
  EXPECT_EQ(process.current(), 37);
  EXPECT_EQ(query.peak(), 150);
  EXPECT_EQ(task.peak(), 157);
  EXPECT_EQ(process.peak(), 157);
  query.release(30);
  task.release(7);
  EXPECT_EQ(process.current(), 0);
  EXPECT_EQ(process.peak(), 157);  // peaks stay
}

TEST(MemoryTrackerTest, ZeroAndNegativeReservationsAreNoOps) {
  MemoryTracker t("t", 10);
  ASSERT_OK(t.reserve(0));
  ASSERT_OK(t.reserve(-100));
  EXPECT_EQ(t.current(), 0);
  EXPECT_EQ(t.peak(), 0);
}

TEST(MemoryTrackerTest, ReservingExactlyTheLimitSucceeds) {
  MemoryTracker t("t", 1000);
  ASSERT_OK(t.reserve(1000));
  EXPECT_EQ(t.current(), 1000);
  EXPECT_THAT(t.reserve(1), StatusIs(StatusCode::kOutOfMemory, HasSubstr("memory limit of t")));
  t.release(1000);
}

TEST(MemoryTrackerTest, LimitOnTheChild) {
  MemoryTracker process("process", 1000);
  MemoryTracker query("query 7", 300, &process);
  ASSERT_OK(query.reserve(250));
  EXPECT_THAT(query.reserve(51),
              StatusIs(StatusCode::kOutOfMemory,
                       "memory limit of query 7 (300 B) exceeded: 250 B in use, 51 B more requested"));
  // The failed reservation counted nothing anywhere and raised no peak.
  EXPECT_EQ(query.current(), 250);
  EXPECT_EQ(query.peak(), 250);
  EXPECT_EQ(process.current(), 250);
  EXPECT_EQ(process.peak(), 250);
  ASSERT_OK(query.reserve(50));
  query.release(300);
}

TEST(MemoryTrackerTest, LimitOnTheParent) {
  MemoryTracker process("process", 1000);
  MemoryTracker a("query a", 0, &process);
  MemoryTracker b("query b", 0, &process);
  ASSERT_OK(a.reserve(600));
  ASSERT_OK(b.reserve(300));
  EXPECT_THAT(b.reserve(101), StatusIs(StatusCode::kOutOfMemory,
                                       AllOf(HasSubstr("memory limit of process"),
                                             HasSubstr("900 B in use, 101 B more requested"))));
  EXPECT_EQ(a.current(), 600);
  EXPECT_EQ(b.current(), 300);
  EXPECT_EQ(b.peak(), 300);
  EXPECT_EQ(process.current(), 900);
  EXPECT_EQ(process.peak(), 900);
  a.release(600);
  ASSERT_OK(b.reserve(101));  // room again once a released
  EXPECT_EQ(process.current(), 401);
  b.release(401);
}

TEST(MemoryTrackerTest, GrandparentLimitRollsBackEveryLevel) {
  MemoryTracker root("root", 100);
  MemoryTracker mid("mid", 0, &root);
  MemoryTracker leaf("leaf", 0, &mid);
  ASSERT_OK(leaf.reserve(60));
  EXPECT_THAT(leaf.reserve(41), StatusIs(StatusCode::kOutOfMemory, HasSubstr("memory limit of root")));
  EXPECT_EQ(leaf.current(), 60);
  EXPECT_EQ(mid.current(), 60);
  EXPECT_EQ(root.current(), 60);
  EXPECT_EQ(leaf.peak(), 60);
  EXPECT_EQ(mid.peak(), 60);
  leaf.release(60);
}

TEST(MemoryTrackerTest, TheNearestLimitIsNamed) {
  MemoryTracker root("root", 100);
  MemoryTracker leaf("leaf", 50, &root);
  EXPECT_THAT(leaf.reserve(200), StatusIs(StatusCode::kOutOfMemory, HasSubstr("memory limit of leaf (50 B)")));
  EXPECT_EQ(root.current(), 0);
}

TEST(MemoryTrackerTest, ConsumeNeverFailsAndCountsTowardLimits) {
  MemoryTracker process("process", 100);
  MemoryTracker query("query", 0, &process);
  query.consume(150);  // allocated anyway
  EXPECT_EQ(query.current(), 150);
  EXPECT_EQ(process.current(), 150);
  EXPECT_EQ(process.peak(), 150);
  EXPECT_THAT(query.reserve(1), StatusIs(StatusCode::kOutOfMemory, HasSubstr("process")));
  query.release(150);
  ASSERT_OK(query.reserve(1));
  query.release(1);
}

TEST(MemoryTrackerTest, DestroyedChildStopsCountingInItsParent) {
  MemoryTracker process("process");
  {
    MemoryTracker query("query", 0, &process);
    ASSERT_OK(query.reserve(64));
    EXPECT_EQ(process.current(), 64);
  }
  EXPECT_EQ(process.current(), 0);
  EXPECT_EQ(process.peak(), 64);
}

TEST(MemoryTrackerTest, ConcurrentReservationsBalance) {
  MemoryTracker process("process");
  std::vector<std::unique_ptr<MemoryTracker>> children;
  for (int t = 0; t < 4; ++t) {
    children.push_back(std::make_unique<MemoryTracker>("child " + std::to_string(t), 0, &process));
  }
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      MemoryTracker& mine = *children[static_cast<size_t>(t % 4)];
      for (int i = 0; i < 5000; ++i) {
        if (!mine.reserve(64).ok()) failures.fetch_add(1);
        mine.release(64);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(process.current(), 0);
  for (const auto& c : children) EXPECT_EQ(c->current(), 0);
  EXPECT_GE(process.peak(), 64);
  EXPECT_LE(process.peak(), 8 * 64);
}

TEST(MemoryTrackerTest, ConcurrentReservationsNeverOvercommit) {
  MemoryTracker process("process", 1000);
  std::atomic<int64_t> held{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      int64_t mine = 0;
      for (int i = 0; i < 2000; ++i) {
        if (process.reserve(10).ok()) {
          mine += 10;
          held.fetch_add(10);
        }
        if (i % 3 == 0 && mine > 0) {
          process.release(10);
          mine -= 10;
          held.fetch_sub(10);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(process.current(), held.load());
  EXPECT_LE(process.current(), 1000);
  EXPECT_LE(process.peak(), 1000);
  process.release(held.load());
  EXPECT_EQ(process.current(), 0);
}

TEST(FormatBytesTest, PicksAUnit) {
  EXPECT_EQ(format_bytes(0), "0 B");
  EXPECT_EQ(format_bytes(1), "1 B");
  EXPECT_EQ(format_bytes(512), "512 B");
  EXPECT_EQ(format_bytes(1023), "1023 B");
  EXPECT_EQ(format_bytes(1024), "1.0 KiB");
  EXPECT_EQ(format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(format_bytes(int64_t{10} << 20), "10.0 MiB");
  EXPECT_EQ(format_bytes(int64_t{3} << 30), "3.0 GiB");
  EXPECT_EQ(format_bytes(int64_t{5} << 40), "5.0 TiB");
  EXPECT_EQ(format_bytes(int64_t{2048} << 40), "2048.0 TiB");  // TiB is the largest unit
  EXPECT_EQ(format_bytes(-2048), "-2.0 KiB");
  EXPECT_EQ(format_bytes(-5), "-5 B");
}

TEST(FormatBytesTest, RoundingNeverShows1024OfAUnit) {
  EXPECT_EQ(format_bytes((int64_t{1} << 20) - 1), "1.0 MiB");
  EXPECT_EQ(format_bytes((int64_t{1} << 30) - 1), "1.0 GiB");
  EXPECT_EQ(format_bytes(1048552), "1.0 MiB");     // 1023.977 KiB
  EXPECT_EQ(format_bytes(1048473), "1023.9 KiB");  // 1023.899 KiB
}

TEST(ParseMemorySizeTest, BinaryUnitsAndNoLimit) {
  EXPECT_EQ(*parse_memory_size("1048576"), int64_t{1} << 20);
  EXPECT_EQ(*parse_memory_size("512MB"), int64_t{512} << 20);
  EXPECT_EQ(*parse_memory_size("2 GiB"), int64_t{2} << 30);
  EXPECT_EQ(*parse_memory_size("1.5g"), int64_t{3} << 29);
  EXPECT_EQ(*parse_memory_size("64k"), int64_t{64} << 10);
  EXPECT_EQ(*parse_memory_size("1TB"), int64_t{1} << 40);
  EXPECT_EQ(*parse_memory_size("none"), 0);
  EXPECT_EQ(*parse_memory_size("Unlimited"), 0);
  EXPECT_EQ(*parse_memory_size("0"), 0);
}

TEST(ParseMemorySizeTest, RejectsWhatIsNotASize) {
  for (const char* bad : {"", "GB", "12XB", "1.2.3G", "-5MB", "lots", "1e30"}) {
    EXPECT_THAT(parse_memory_size(bad), StatusIs(StatusCode::kInvalidArgument, HasSubstr("memory size"))) << bad;
  }
}

TEST(MemoryTrackerTest, LimitCanChangeAndPeakRestarts) {
  MemoryTracker t("t");
  ASSERT_OK(t.reserve(300));
  t.set_limit(500);
  EXPECT_THAT(t.reserve(201), StatusIs(StatusCode::kOutOfMemory, HasSubstr("memory limit of t")));
  ASSERT_OK(t.reserve(200));
  t.release(400);
  EXPECT_EQ(t.peak(), 500);
  t.reset_peak();
  EXPECT_EQ(t.peak(), 100);
  ASSERT_OK(t.reserve(50));
  EXPECT_EQ(t.peak(), 150);
  t.set_limit(0);  // no limit
  ASSERT_OK(t.reserve(int64_t{1} << 40));
  t.release((int64_t{1} << 40) + 150);
  EXPECT_EQ(t.current(), 0);
}

}  // namespace
}  // namespace braid
