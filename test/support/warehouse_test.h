// WarehouseTest: a GoogleTest fixture with a fresh warehouse folder per test (removed afterwards)
// and a Session over it, for tests that run SQL end to end.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "catalog/session.h"
#include "support/status_matchers.h"

namespace braid::testing {

class WarehouseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("braid-test-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->test_suite_name() + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_);
    auto s = catalog::Session::open(root_.string());
    ASSERT_OK(s.status());
    session_ = std::move(*s);
  }
  void TearDown() override {
    session_.reset();
    std::filesystem::remove_all(root_);
  }

  // Runs a statement that must succeed; its result (empty on failure, which is reported).
  catalog::StatementResult run(const std::string& sql) { return run(*session_, sql); }
  static catalog::StatementResult run(catalog::Session& session, const std::string& sql) {
    auto r = session.execute(sql);
    EXPECT_TRUE(r.ok()) << session.owner() << ": " << sql << "\n" << r.status().to_string_with_code();
    return r.ok() ? std::move(*r) : catalog::StatementResult{};
  }

  std::filesystem::path root_;
  std::unique_ptr<catalog::Session> session_;
};

}  // namespace braid::testing
