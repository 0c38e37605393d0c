// TIMESTAMP AS OF: the latest version committed at or before the timestamp; before the first
// commit or after the latest one is an error, as in Delta. Commit times are set on the log files
// (their modification times are the commit timestamps when a commit has no in-commit timestamp).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "catalog/session.h"
#include "support/status_matchers.h"

namespace braid::catalog {
namespace {

using ::braid::testing::StatusIs;
using ::testing::HasSubstr;

TEST(TimeTravelTest, TimestampAsOfPicksTheVersionCommittedAtOrBefore) {
  const auto root = std::filesystem::temp_directory_path() / ("braid-time-travel-" + std::to_string(::getpid()));
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root);
  auto session = Session::open(root.string());
  ASSERT_OK(session.status());
  for (const char* sql : {"CREATE TABLE t (id BIGINT) USING DELTA", "INSERT INTO t VALUES (1)", "INSERT INTO t VALUES (2), (3)"}) {
    ASSERT_OK((*session)->execute(sql).status());
  }
  // Versions 0, 1, 2 committed at 2024-01-01 00:00, 01:00 and 02:00 UTC.
  const auto base = std::chrono::file_clock::from_sys(
      std::chrono::system_clock::time_point(std::chrono::sys_days{std::chrono::year{2024} / 1 / 1}));
  for (int v = 0; v < 3; ++v) {
    char name[32];
    std::snprintf(name, sizeof(name), "%020d.json", v);
    std::filesystem::last_write_time(root / "t" / "_delta_log" / name, base + std::chrono::hours(v));
  }
  auto count_at = [&](const std::string& ts) -> Result<int64_t> {
    BRAID_ASSIGN_OR_RETURN(auto r, (*session)->execute("SELECT count(*) FROM t TIMESTAMP AS OF '" + ts + "'"));
    return r.batches.at(0)->column(0)->value<int64_t>(0);
  };
  EXPECT_EQ(*count_at("2024-01-01 00:30:00"), 0);
  EXPECT_EQ(*count_at("2024-01-01 01:00:00"), 1);  // exactly at a commit
  EXPECT_EQ(*count_at("2024-01-01 01:59:59.999"), 1);
  EXPECT_EQ(*count_at("2024-01-01 02:00:00"), 3);
  EXPECT_THAT(count_at("2024-01-01 02:00:01"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("[DELTA_TIMESTAMP_GREATER_THAN_COMMIT]")));
  EXPECT_THAT(count_at("2023-12-31 23:59:59"),
              StatusIs(StatusCode::kNotFound, HasSubstr("[DELTA_TIMESTAMP_EARLIER_THAN_COMMIT_RETENTION]")));
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace braid::catalog
