#include "common/cancellation.h"

#include <gtest/gtest.h>

#include "support/status_matchers.h"

namespace braid {
namespace {

using ::braid::testing::StatusIs;

TEST(CancellationTokenTest, DefaultTokenIsNeverCancelled) {
  CancellationToken none;
  EXPECT_FALSE(none.is_cancelled());
  EXPECT_OK(none.check());
  none.cancel("ignored");
  EXPECT_FALSE(none.is_cancelled());
  EXPECT_OK(none.check());
}

TEST(CancellationTokenTest, ChildOfADefaultTokenCanBeCancelledOnItsOwn) {
  CancellationToken none;
  auto child = none.child();
  EXPECT_FALSE(child.is_cancelled());
  child.cancel("child stopped");
  EXPECT_TRUE(child.is_cancelled());
  EXPECT_THAT(child.check(), StatusIs(StatusCode::kCancelled, "child stopped"));
  EXPECT_FALSE(none.is_cancelled());
}

TEST(CancellationTokenTest, MadeTokenCancelsWithReason) {
  auto t = CancellationToken::make();
  EXPECT_FALSE(t.is_cancelled());
  EXPECT_OK(t.check());
  t.cancel("query timed out after 30 s");
  EXPECT_TRUE(t.is_cancelled());
  EXPECT_THAT(t.check(), StatusIs(StatusCode::kCancelled, "query timed out after 30 s"));
}

TEST(CancellationTokenTest, DefaultReason) {
  auto t = CancellationToken::make();
  t.cancel();
  EXPECT_THAT(t.check(), StatusIs(StatusCode::kCancelled, "cancelled"));
}

TEST(CancellationTokenTest, CopiesShareState) {
  auto t = CancellationToken::make();
  CancellationToken copy = t;
  copy.cancel("via the copy");
  EXPECT_TRUE(t.is_cancelled());
  EXPECT_THAT(t.check(), StatusIs(StatusCode::kCancelled, "via the copy"));
}

TEST(CancellationTokenTest, FirstReasonWins) {
  auto t = CancellationToken::make();
  t.cancel("first");
  t.cancel("second");
  EXPECT_THAT(t.check(), StatusIs(StatusCode::kCancelled, "first"));
}

TEST(CancellationTokenTest, ParentCancelsEveryDescendant) {
  auto run = CancellationToken::make();
  auto task = run.child();
  auto query = task.child();
  auto morsel = query.child();
  run.cancel("run aborted");
  for (const auto* t : {&task, &query, &morsel}) {
    EXPECT_TRUE(t->is_cancelled());
    EXPECT_THAT(t->check(), StatusIs(StatusCode::kCancelled, "run aborted"));
  }
}

TEST(CancellationTokenTest, ChildLeavesParentAndSiblingsAlone) {
  auto parent = CancellationToken::make();
  auto child = parent.child();
  auto sibling = parent.child();
  auto grandchild = child.child();
  child.cancel("child only");
  EXPECT_TRUE(child.is_cancelled());
  EXPECT_TRUE(grandchild.is_cancelled());
  EXPECT_THAT(grandchild.check(), StatusIs(StatusCode::kCancelled, "child only"));
  EXPECT_FALSE(parent.is_cancelled());
  EXPECT_OK(parent.check());
  EXPECT_FALSE(sibling.is_cancelled());
  EXPECT_OK(sibling.check());
}

TEST(CancellationTokenTest, ChildCancelledFirstKeepsItsOwnReason) {
  auto parent = CancellationToken::make();
  auto child = parent.child();
  auto sibling = parent.child();
  child.cancel("child first");
  parent.cancel("parent later");
  EXPECT_THAT(child.check(), StatusIs(StatusCode::kCancelled, "child first"));
  EXPECT_THAT(sibling.check(), StatusIs(StatusCode::kCancelled, "parent later"));
}

TEST(CancellationTokenTest, ParentCancelledFirstKeepsItsReasonInChildren) {
  auto parent = CancellationToken::make();
  auto child = parent.child();
  parent.cancel("parent first");
  child.cancel("child later");
  EXPECT_THAT(child.check(), StatusIs(StatusCode::kCancelled, "parent first"));
}

TEST(CancellationTokenTest, ChildMadeAfterCancellationIsCancelled) {
  auto parent = CancellationToken::make();
  parent.cancel("already stopped");
  auto child = parent.child();
  EXPECT_TRUE(child.is_cancelled());
  EXPECT_THAT(child.check(), StatusIs(StatusCode::kCancelled, "already stopped"));
}

TEST(CancellationTokenTest, ChildKeepsItsParentAlive) {
  CancellationToken child;
  CancellationToken cancel_handle;
  {
    auto parent = CancellationToken::make();
    child = parent.child();
    cancel_handle = parent;
  }
  cancel_handle.cancel("still reachable");
  EXPECT_THAT(child.check(), StatusIs(StatusCode::kCancelled, "still reachable"));
}

}  // namespace
}  // namespace braid
