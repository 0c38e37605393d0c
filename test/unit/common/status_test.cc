#include "braid/status.h"

#include <gtest/gtest.h>

#include "braid/result.h"
#include "support/status_matchers.h"

namespace braid {
namespace {

using ::braid::testing::StatusIs;
using ::testing::HasSubstr;

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kOk);
  EXPECT_EQ(s.to_string(), "OK");
  EXPECT_FALSE(s.is_retryable());
}

TEST(StatusTest, FactoriesFormatMessages) {
  Status s = Status::not_found("table '{}' in {}", "sales", "warehouse");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "table 'sales' in warehouse");
  EXPECT_EQ(s.to_string_with_code(), "not found: table 'sales' in warehouse");
}

TEST(StatusTest, ContextChainReadsOutermostFirst) {
  Status s = Status::corruption("unexpected end of data");
  s = std::move(s).with_context("page 3");
  s.with_context("column 'amount'");
  s = std::move(s).with_context_f("reading {}", "data/x.parquet");
  EXPECT_EQ(s.to_string(),
            "reading data/x.parquet: column 'amount': page 3: unexpected end of data");
  EXPECT_EQ(s.message(), "unexpected end of data");
  EXPECT_EQ(s.context(), (std::vector<std::string>{"reading data/x.parquet", "column 'amount'",
                                                   "page 3"}));
}

TEST(StatusTest, ContextOnOkIsNoOp) {
  Status s = Status::OK().with_context("ignored");
  EXPECT_TRUE(s.ok());
}

TEST(StatusTest, CopyIsDeep) {
  Status a = Status::conflict("commit 5 lost to commit 4");
  Status b = a;
  b.with_context("task region=EU");
  EXPECT_EQ(a.to_string(), "commit 5 lost to commit 4");
  EXPECT_EQ(b.to_string(), "task region=EU: commit 5 lost to commit 4");
  EXPECT_FALSE(a == b);
  Status c = a;
  EXPECT_TRUE(a == c);
}

TEST(StatusTest, RetryableIsSetByWhoKnows) {
  Status s = Status::conflict("concurrent append").set_retryable();
  EXPECT_TRUE(s.is_retryable());
  Status ok;
  ok.set_retryable();
  EXPECT_FALSE(ok.is_retryable());
}

TEST(StatusTest, CodeNamesAreStable) {
  EXPECT_EQ(status_code_name(StatusCode::kParseError), "parse error");
  EXPECT_EQ(status_code_name(StatusCode::kOutOfMemory), "out of memory");
  EXPECT_EQ(static_cast<int>(StatusCode::kInternal), 12);
}

Result<int> half(int x) {
  if (x % 2 != 0) return Status::invalid_argument("{} is odd", x);
  return x / 2;
}

Result<int> quarter(int x) {
  BRAID_ASSIGN_OR_RETURN(int h, half(x));
  BRAID_ASSIGN_OR_RETURN(int q, half(h).with_context("second half"));
  return q;
}

Status check_even(int x) {
  BRAID_RETURN_IF_ERROR(half(x));
  return Status::OK();
}

TEST(ResultTest, ValueAndError) {
  Result<int> r = half(8);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 4);
  EXPECT_THAT(half(3), StatusIs(StatusCode::kInvalidArgument, HasSubstr("3 is odd")));
}

TEST(ResultTest, MacrosPropagateWithContext) {
  EXPECT_EQ(*quarter(8), 2);
  EXPECT_THAT(quarter(6), StatusIs(StatusCode::kInvalidArgument, "second half: 3 is odd"));
  EXPECT_THAT(quarter(5), StatusIs(StatusCode::kInvalidArgument, "5 is odd"));
  EXPECT_TRUE(check_even(2).ok());
  EXPECT_THAT(check_even(1), StatusIs(StatusCode::kInvalidArgument, "1 is odd"));
}

TEST(ResultTest, OkStatusBecomesInternalError) {
  Result<int> r{Status::OK()};
  EXPECT_THAT(r, StatusIs(StatusCode::kInternal, HasSubstr("OK status")));
}

TEST(ResultTest, MoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
  ASSERT_TRUE(r.ok());
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 7);
}

}  // namespace
}  // namespace braid
