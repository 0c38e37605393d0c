#include "columnar/utf8.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>

namespace braid {
namespace {

// Encodes one code point (no checks: surrogates are encoded as such, for the tests).
std::string encode(uint32_t cp) {
  std::string s;
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else if (cp < 0x800) {
    s += static_cast<char>(0xC0 | (cp >> 6));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    s += static_cast<char>(0xE0 | (cp >> 12));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (cp >> 18));
    s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return s;
}

TEST(Utf8Test, ValidSequences) {
  EXPECT_TRUE(utf8::is_valid(""));
  EXPECT_TRUE(utf8::is_valid("a"));
  EXPECT_TRUE(utf8::is_valid("plain ascii, long enough to take the fast path"));
  EXPECT_TRUE(utf8::is_valid(std::string_view("nul\0inside", 10)));
  EXPECT_TRUE(utf8::is_valid("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"));  // é € 😀
  // The boundaries of each sequence length.
  for (uint32_t cp : {0x7Fu, 0x80u, 0x7FFu, 0x800u, 0xD7FFu, 0xE000u, 0xFFFDu, 0xFFFFu, 0x10000u,
                      0x10FFFFu}) {
    EXPECT_TRUE(utf8::is_valid(encode(cp))) << std::hex << cp;
    // After eight ASCII bytes too (past the fast path), and before them.
    EXPECT_TRUE(utf8::is_valid("12345678" + encode(cp))) << std::hex << cp;
    EXPECT_TRUE(utf8::is_valid(encode(cp) + "12345678")) << std::hex << cp;
  }
}

TEST(Utf8Test, Overlongs) {
  EXPECT_FALSE(utf8::is_valid("\xC0\xAF"));          // '/' in two bytes
  EXPECT_FALSE(utf8::is_valid("\xC1\xBF"));          // U+007F in two bytes
  EXPECT_FALSE(utf8::is_valid("\xE0\x80\xAF"));      // '/' in three bytes
  EXPECT_FALSE(utf8::is_valid("\xE0\x9F\xBF"));      // U+07FF in three bytes
  EXPECT_FALSE(utf8::is_valid("\xF0\x80\x80\xAF"));  // '/' in four bytes
  EXPECT_FALSE(utf8::is_valid("\xF0\x8F\xBF\xBF"));  // U+FFFF in four bytes
  EXPECT_FALSE(utf8::is_valid(std::string_view("\xC0\x80", 2)));  // "modified UTF-8" NUL
}

TEST(Utf8Test, Surrogates) {
  EXPECT_FALSE(utf8::is_valid("\xED\xA0\x80"));  // U+D800
  EXPECT_FALSE(utf8::is_valid("\xED\xBF\xBF"));  // U+DFFF
  EXPECT_FALSE(utf8::is_valid("\xED\xA0\xBD\xED\xB8\x80"));  // CESU-8 pair
  EXPECT_TRUE(utf8::is_valid("\xED\x9F\xBF"));   // U+D7FF
}

TEST(Utf8Test, BeyondU10FFFF) {
  EXPECT_FALSE(utf8::is_valid("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(utf8::is_valid("\xF5\x80\x80\x80"));
  EXPECT_FALSE(utf8::is_valid("\xF7\xBF\xBF\xBF"));
  EXPECT_FALSE(utf8::is_valid("\xF8\x88\x80\x80\x80"));  // old five-byte form
  EXPECT_FALSE(utf8::is_valid("\xFC\x84\x80\x80\x80\x80"));
  EXPECT_FALSE(utf8::is_valid("\xFE"));
  EXPECT_FALSE(utf8::is_valid("\xFF"));
}

TEST(Utf8Test, TruncatedAndStraySequences) {
  EXPECT_FALSE(utf8::is_valid("\xC3"));
  EXPECT_FALSE(utf8::is_valid("\xE2\x82"));
  EXPECT_FALSE(utf8::is_valid("\xF0\x9F\x98"));
  EXPECT_FALSE(utf8::is_valid("abc\xE2\x82"));
  EXPECT_FALSE(utf8::is_valid("\xE2\x82" "abc"));  // a non-continuation byte too early
  EXPECT_FALSE(utf8::is_valid("\x80"));            // continuation without a lead byte
  EXPECT_FALSE(utf8::is_valid("\xBF"));
  EXPECT_FALSE(utf8::is_valid("a\x80z"));
  EXPECT_FALSE(utf8::is_valid("\xC3\xA9\xA9"));    // one continuation too many
  EXPECT_FALSE(utf8::is_valid("12345678\xC3"));    // after the fast path
  EXPECT_FALSE(utf8::is_valid("1234567\xC3"));
}

TEST(Utf8Test, LengthCountsCodePoints) {
  EXPECT_EQ(utf8::length(""), 0);
  EXPECT_EQ(utf8::length("hello"), 5);
  EXPECT_EQ(utf8::length("h\xC3\xA9llo"), 5);
  EXPECT_EQ(utf8::length("\xE2\x82\xAC\xF0\x9F\x98\x80"), 2);
  EXPECT_EQ(utf8::length("\xFF\xFE"), 2);  // invalid bytes count one each
}

TEST(Utf8Test, PrefixBytes) {
  EXPECT_EQ(utf8::prefix_bytes("\xC3\xA9\xC3\xA9x", 0), 0u);
  EXPECT_EQ(utf8::prefix_bytes("\xC3\xA9\xC3\xA9x", 1), 2u);
  EXPECT_EQ(utf8::prefix_bytes("\xC3\xA9\xC3\xA9x", 2), 4u);
  EXPECT_EQ(utf8::prefix_bytes("\xC3\xA9\xC3\xA9x", 3), 5u);
  EXPECT_EQ(utf8::prefix_bytes("\xC3\xA9\xC3\xA9x", 100), 5u);
  EXPECT_EQ(utf8::prefix_bytes("ab\xF0\x9F\x98\x80" "c", 3), 6u);  // never splits a sequence
  EXPECT_EQ(utf8::prefix_bytes("", 3), 0u);
}

RC_GTEST_PROP(Utf8Property, EveryScalarValueIsValidAndCountsOnce, ()) {
  std::string s;
  const auto n = *rc::gen::inRange(0, 20);
  for (int i = 0; i < n; ++i) {
    auto cp = *rc::gen::inRange<uint32_t>(0, 0x110000);
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
    s += encode(cp);
  }
  RC_ASSERT(utf8::is_valid(s));
  RC_ASSERT(utf8::length(s) == n);
  // Any prefix that cuts a sequence is invalid; prefixes found by prefix_bytes are valid.
  const auto k = *rc::gen::inRange<int64_t>(0, n + 1);
  const size_t bytes = utf8::prefix_bytes(s, k);
  RC_ASSERT(utf8::is_valid(s.substr(0, bytes)));
  RC_ASSERT(utf8::length(s.substr(0, bytes)) == k);
}

RC_GTEST_PROP(Utf8Property, SurrogatesAreRejectedAnywhere, ()) {
  const auto cp = *rc::gen::inRange<uint32_t>(0xD800, 0xE000);
  const auto prefix = *rc::gen::container<std::string>(rc::gen::inRange<char>('a', 'z'));
  RC_ASSERT(!utf8::is_valid(prefix + encode(cp)));
}

}  // namespace
}  // namespace braid
