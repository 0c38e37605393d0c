#include "common/memory_tracker.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "support/status_matchers.h"

namespace braid {
namespace {

using ::braid::testing::StatusIs;
using ::testing::HasSubstr;

TEST(MemoryTrackerTest, CountsUpTheTreeWithPeaks) {
  MemoryTracker process("process");
  MemoryTracker query("query", 0, &process);
  ASSERT_OK(query.reserve(100));
  ASSERT_OK(query.reserve(50));
  query.release(120);
  EXPECT_EQ(query.current(), 30);
  EXPECT_EQ(query.peak(), 150);
  EXPECT_EQ(process.current(), 30);
  EXPECT_EQ(process.peak(), 150);
  query.consume(10);
  EXPECT_EQ(process.current(), 40);
  query.release(40);
}

TEST(MemoryTrackerTest, LimitsOnChildAndParent) {
  MemoryTracker process("process", 1000);
  MemoryTracker query("query 7", 300, &process);
  ASSERT_OK(query.reserve(300));
  EXPECT_THAT(query.reserve(1), StatusIs(StatusCode::kOutOfMemory, HasSubstr("memory limit of query 7")));
  EXPECT_EQ(query.current(), 300);  // the failed reservation counted nothing
  EXPECT_EQ(query.peak(), 300);
  MemoryTracker other("query 8", 0, &process);
  ASSERT_OK(other.reserve(700));
  EXPECT_THAT(other.reserve(1), StatusIs(StatusCode::kOutOfMemory, HasSubstr("memory limit of process")));
  EXPECT_EQ(other.current(), 700);
  EXPECT_EQ(process.current(), 1000);
  query.release(300);
  other.release(700);
}

TEST(MemoryTrackerTest, ConcurrentReservationsBalance) {
  MemoryTracker process("process");
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        ASSERT_OK(process.reserve(64));
        process.release(64);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(process.current(), 0);
  EXPECT_GE(process.peak(), 64);
  EXPECT_LE(process.peak(), 8 * 64);
}

TEST(MemoryTrackerTest, FormatBytes) {
  EXPECT_EQ(format_bytes(512), "512 B");
  EXPECT_EQ(format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(format_bytes(int64_t{3} << 30), "3.0 GiB");
}

}  // namespace
}  // namespace braid
