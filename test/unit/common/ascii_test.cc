#include "common/ascii.h"

#include <gtest/gtest.h>

namespace braid {
namespace {

static_assert(ascii::iequals("Region", "rEGION"));
static_assert(!ascii::iequals("region", "regions"));
static_assert(ascii::to_lower('Z') == 'z' && ascii::to_upper('a') == 'A' && ascii::to_lower('_') == '_');

TEST(AsciiTest, ChangesOnlyAsciiLetters) {
  EXPECT_EQ(ascii::lower("MERGE Into t_1"), "merge into t_1");
  EXPECT_EQ(ascii::upper("merge into t_1"), "MERGE INTO T_1");
  // UTF-8 bytes are not letters here, whatever the locale: "Ä" stays "Ä".
  EXPECT_EQ(ascii::lower("\xC3\x84RGER"), "\xC3\x84rger");
  EXPECT_EQ(ascii::upper("\xC3\xA4rger"), "\xC3\xA4RGER");
  EXPECT_EQ(ascii::lower(""), "");
}

TEST(AsciiTest, EqualsIgnoringCase) {
  EXPECT_TRUE(ascii::iequals("delta.appendOnly", "DELTA.APPENDONLY"));
  EXPECT_TRUE(ascii::iequals("", ""));
  EXPECT_FALSE(ascii::iequals("\xC3\x84", "\xC3\xA4"));  // Ä and ä: not ASCII, so not folded
  EXPECT_FALSE(ascii::iequals("a", "b"));
}

}  // namespace
}  // namespace braid
