// GoogleTest matchers for Status and Result: assert the specific outcome, never just "not OK".
//   EXPECT_THAT(status, StatusIs(StatusCode::kParseError, HasSubstr("line 3")));
//   EXPECT_OK(status);  ASSERT_OK_AND_ASSIGN(auto x, make_x());
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "braid/result.h"

namespace braid::testing {

inline const Status& to_status(const Status& s) { return s; }
template <typename T>
const Status& to_status(const Result<T>& r) {
  return r.status();
}

MATCHER_P2(StatusIs, code, message_matcher,
           "has code " + std::string(status_code_name(code)) + " and a message that " +
               ::testing::DescribeMatcher<std::string>(message_matcher)) {
  const Status& s = ::braid::testing::to_status(arg);
  *result_listener << "status is '" << s.to_string_with_code() << "'";
  return s.code() == code &&
         ::testing::ExplainMatchResult(message_matcher, s.to_string(), result_listener);
}

}  // namespace braid::testing

#define EXPECT_OK(expr)                                        \
  do {                                                         \
    const auto& _held = (expr);                                \
    const ::braid::Status& _s = ::braid::testing::to_status(_held); \
    EXPECT_TRUE(_s.ok()) << _s.to_string_with_code();          \
  } while (false)
#define ASSERT_OK(expr)                                        \
  do {                                                         \
    const auto& _held = (expr);                                \
    const ::braid::Status& _s = ::braid::testing::to_status(_held); \
    ASSERT_TRUE(_s.ok()) << _s.to_string_with_code();          \
  } while (false)
#define ASSERT_OK_AND_ASSIGN(lhs, rexpr) \
  ASSERT_OK_AND_ASSIGN_IMPL(BRAID_CONCAT(_test_result_, __LINE__), lhs, rexpr)
#define ASSERT_OK_AND_ASSIGN_IMPL(tmp, lhs, rexpr)              \
  auto tmp = (rexpr);                                           \
  ASSERT_TRUE(tmp.ok()) << tmp.status().to_string_with_code(); \
  lhs = std::move(tmp).value()
