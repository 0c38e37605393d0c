// SQL lexer: token kinds, values, positions, literals and their Spark spellings, comments, errors.
#include "sql/lexer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/status_matchers.h"

namespace braid::sql {
namespace {

using ::braid::testing::StatusIs;
using ::testing::HasSubstr;

std::vector<Token> lex(std::string_view sql) {
  auto r = tokenize(sql);
  EXPECT_TRUE(r.ok()) << r.status().to_string();
  return r.ok() ? std::move(r).value() : std::vector<Token>{};
}

std::vector<TokenKind> kinds(std::string_view sql) {
  std::vector<TokenKind> out;
  for (const Token& t : lex(sql)) out.push_back(t.kind);
  return out;
}

TEST(LexerTest, EmptyInputIsJustEnd) {
  auto tokens = lex("");
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].kind, TokenKind::kEnd);
  EXPECT_EQ(tokens[0].pos, (SourcePosition{1, 1}));
  EXPECT_EQ(describe_token(tokens[0]), "end of input");
}

TEST(LexerTest, WordsKeepSpellingAndMatchKeywordsIgnoringCase) {
  auto tokens = lex("SeLeCt Region _x9 `select`");
  ASSERT_EQ(tokens.size(), 5u);
  EXPECT_EQ(tokens[0].kind, TokenKind::kIdentifier);
  EXPECT_TRUE(tokens[0].is_keyword("SELECT"));
  EXPECT_EQ(tokens[0].value, "SeLeCt");
  EXPECT_EQ(tokens[1].value, "Region");
  EXPECT_FALSE(tokens[1].is_keyword("SELECT"));
  EXPECT_EQ(tokens[2].value, "_x9");
  EXPECT_EQ(tokens[3].kind, TokenKind::kQuotedIdentifier);
  EXPECT_EQ(tokens[3].value, "select");
  EXPECT_FALSE(tokens[3].is_keyword("SELECT"));  // backticks make a name, never a keyword
}

TEST(LexerTest, BacktickIdentifiers) {
  auto tokens = lex("`a``b` `with space` `/data/t`");
  EXPECT_EQ(tokens[0].value, "a`b");
  EXPECT_EQ(tokens[1].value, "with space");
  EXPECT_EQ(tokens[2].value, "/data/t");
  EXPECT_THAT(tokenize("`abc"), StatusIs(StatusCode::kParseError,
                                         "line 1, column 1: unterminated quoted identifier"));
  EXPECT_THAT(tokenize("a ``"),
              StatusIs(StatusCode::kParseError, "line 1, column 3: empty quoted identifier"));
}

TEST(LexerTest, StringLiteralsAndEscapes) {
  auto tokens = lex(
      R"('it\'s' "dq" 'a''b' "x""y" '\n\t\r\b\Z\0' '\\' 'A\101' '\u00e9\U0001F600' '\%\_' '\q')");
  ASSERT_EQ(tokens.size(), 11u);
  for (size_t i = 0; i + 1 < tokens.size(); ++i) EXPECT_EQ(tokens[i].kind, TokenKind::kString);
  EXPECT_EQ(tokens[0].value, "it's");
  EXPECT_EQ(tokens[1].value, "dq");
  EXPECT_EQ(tokens[2].value, "a'b");
  EXPECT_EQ(tokens[3].value, "x\"y");
  EXPECT_EQ(tokens[4].value, std::string("\n\t\r\b\x1A\0", 6));
  EXPECT_EQ(tokens[5].value, "\\");
  EXPECT_EQ(tokens[6].value, "AA");  // octal
  EXPECT_EQ(tokens[7].value, "\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(tokens[8].value, "\\%\\_");  // kept for LIKE, as Spark does
  EXPECT_EQ(tokens[9].value, "q");
  EXPECT_EQ(tokens[0].text, R"('it\'s')");
}

TEST(LexerTest, UnicodeInStringsAndColumns) {
  auto tokens = lex("'héllo wörld ✓' x");
  EXPECT_EQ(tokens[0].value, "héllo wörld ✓");
  // Columns count characters, not bytes.
  EXPECT_EQ(tokens[1].pos, (SourcePosition{1, 17}));
  EXPECT_EQ(tokens[1].offset, std::string_view("'héllo wörld ✓' ").size());
  auto names = lex("ñame");
  EXPECT_EQ(names[0].kind, TokenKind::kIdentifier);
  EXPECT_EQ(names[0].value, "ñame");
}

TEST(LexerTest, StringErrors) {
  EXPECT_THAT(tokenize("SELECT 'abc"),
              StatusIs(StatusCode::kParseError, "line 1, column 8: unterminated string literal"));
  EXPECT_THAT(tokenize("'abc\\"),
              StatusIs(StatusCode::kParseError, HasSubstr("unterminated string literal")));
  EXPECT_THAT(tokenize("'\\u12G4'"),
              StatusIs(StatusCode::kParseError,
                       "line 1, column 2: invalid unicode escape in string literal"));
  EXPECT_THAT(tokenize("'\\uD800'"),
              StatusIs(StatusCode::kParseError, HasSubstr("invalid unicode escape")));
  EXPECT_THAT(tokenize("'\\U00110000'"),
              StatusIs(StatusCode::kParseError, HasSubstr("invalid unicode escape")));
}

TEST(LexerTest, NumbersAndSuffixes) {
  struct Case {
    const char* text;
    NumberKind kind;
    const char* value;
  };
  const Case cases[] = {
      {"12", NumberKind::kInteger, "12"},        {"12L", NumberKind::kBigint, "12"},
      {"12s", NumberKind::kSmallint, "12"},      {"12Y", NumberKind::kTinyint, "12"},
      {"1.5", NumberKind::kDecimal, "1.5"},      {".5", NumberKind::kDecimal, ".5"},
      {"1.", NumberKind::kDecimal, "1."},        {"1.5BD", NumberKind::kDecimal, "1.5"},
      {"12bd", NumberKind::kDecimal, "12"},      {"1e3", NumberKind::kDouble, "1e3"},
      {"1.5E-3", NumberKind::kDouble, "1.5E-3"}, {"2e+2", NumberKind::kDouble, "2e+2"},
      {"1.5D", NumberKind::kDouble, "1.5"},      {"7d", NumberKind::kDouble, "7"},
      {"1.5F", NumberKind::kFloat, "1.5"},       {"1e3BD", NumberKind::kDecimal, "1e3"},
  };
  for (const Case& c : cases) {
    auto tokens = lex(c.text);
    ASSERT_EQ(tokens.size(), 2u) << c.text;
    EXPECT_EQ(tokens[0].kind, TokenKind::kNumber) << c.text;
    EXPECT_EQ(tokens[0].number_kind, c.kind) << c.text;
    EXPECT_EQ(tokens[0].value, c.value) << c.text;
    EXPECT_EQ(tokens[0].text, c.text);
  }
}

TEST(LexerTest, MalformedNumbers) {
  EXPECT_THAT(tokenize("SELECT 1.5L"),
              StatusIs(StatusCode::kParseError, "line 1, column 8: invalid number literal '1.5L'"));
  EXPECT_THAT(tokenize("12abc"), StatusIs(StatusCode::kParseError,
                                          "line 1, column 1: invalid number literal '12abc'"));
  EXPECT_THAT(tokenize("1Lx"),
              StatusIs(StatusCode::kParseError, HasSubstr("invalid number literal '1Lx'")));
}

TEST(LexerTest, HexBinaryLiteral) {
  auto tokens = lex("X'0aFF' x'' xy");
  EXPECT_EQ(tokens[0].kind, TokenKind::kHexString);
  EXPECT_EQ(tokens[0].value, "0aFF");
  EXPECT_EQ(tokens[1].kind, TokenKind::kHexString);
  EXPECT_EQ(tokens[1].value, "");
  EXPECT_EQ(tokens[2].kind, TokenKind::kIdentifier);
  EXPECT_THAT(tokenize("X'0G'"), StatusIs(StatusCode::kParseError,
                                          "line 1, column 4: invalid hex digit in binary literal"));
  EXPECT_THAT(tokenize("X'00"),
              StatusIs(StatusCode::kParseError, HasSubstr("unterminated binary literal")));
}

TEST(LexerTest, Parameters) {
  auto tokens = lex(":region = :p_2 :: a::int");
  EXPECT_EQ(tokens[0].kind, TokenKind::kParameter);
  EXPECT_EQ(tokens[0].value, "region");
  EXPECT_EQ(tokens[0].text, ":region");
  EXPECT_EQ(tokens[2].kind, TokenKind::kParameter);
  EXPECT_EQ(tokens[2].value, "p_2");
  EXPECT_EQ(tokens[3].kind, TokenKind::kDoubleColon);
  EXPECT_EQ(tokens[4].kind, TokenKind::kIdentifier);
  EXPECT_EQ(tokens[5].kind, TokenKind::kDoubleColon);
  EXPECT_EQ(tokens[6].value, "int");
}

TEST(LexerTest, Operators) {
  using K = TokenKind;
  EXPECT_EQ(
      kinds("= == <> != < <= > >= <=> + - * / % || & | ^ ~ :: . , ( ) [ ] ; => ! : @"),
      (std::vector<K>{K::kEq,        K::kEqEq,      K::kNotEq,  K::kBangEq,     K::kLt,
                      K::kLtEq,      K::kGt,        K::kGtEq,   K::kNullSafeEq, K::kPlus,
                      K::kMinus,     K::kStar,      K::kSlash,  K::kPercent,    K::kConcat,
                      K::kAmpersand, K::kPipe,      K::kCaret,  K::kTilde,      K::kDoubleColon,
                      K::kDot,       K::kComma,     K::kLParen, K::kRParen,     K::kLBracket,
                      K::kRBracket,  K::kSemicolon, K::kArrow,  K::kBang,       K::kColon,
                      K::kAt,        K::kEnd}));
  // No spaces needed; `>>` is two '>' (nested type parameters).
  EXPECT_EQ(kinds("a<=>b>>c"), (std::vector<K>{K::kIdentifier, K::kNullSafeEq, K::kIdentifier,
                                               K::kGt, K::kGt, K::kIdentifier, K::kEnd}));
}

TEST(LexerTest, UnexpectedCharacter) {
  EXPECT_THAT(tokenize("SELECT $x"),
              StatusIs(StatusCode::kParseError, "line 1, column 8: unexpected character '$'"));
  EXPECT_THAT(tokenize("a\n  #"),
              StatusIs(StatusCode::kParseError, "line 2, column 3: unexpected character '#'"));
  EXPECT_THAT(tokenize(std::string_view("a\0", 2)),
              StatusIs(StatusCode::kParseError, "line 1, column 2: unexpected character '\\x00'"));
  EXPECT_THAT(
      tokenize("a \xE2\x80\x9C"
               "b\xE2\x80\x9D"),  // typographic quotes
      StatusIs(StatusCode::kParseError, "line 1, column 3: unexpected character '\xE2\x80\x9C'"));
  EXPECT_THAT(
      tokenize("a\xC2\xA0"
               "b"),  // a no-break space
      StatusIs(StatusCode::kParseError, "line 1, column 2: unexpected character '\xC2\xA0'"));
  EXPECT_THAT(tokenize("\xFF"),
              StatusIs(StatusCode::kParseError, "line 1, column 1: unexpected character '\\xFF'"));
  EXPECT_TRUE(is_plain_word("région_2"));
  EXPECT_TRUE(is_plain_word("日本"));
  EXPECT_FALSE(is_plain_word("a€"));
  EXPECT_FALSE(is_plain_word("2a"));
  EXPECT_FALSE(is_plain_word(""));
}

TEST(LexerTest, CommentsAreSkipped) {
  auto tokens =
      lex("SELECT -- a comment ' not a string\n  1 /* block\n comment */ + /* nested /* inner */ "
          "still */ 2");
  ASSERT_EQ(tokens.size(), 5u);
  EXPECT_EQ(tokens[1].text, "1");
  EXPECT_EQ(tokens[1].pos, (SourcePosition{2, 3}));
  EXPECT_EQ(tokens[2].kind, TokenKind::kPlus);
  EXPECT_EQ(tokens[2].pos, (SourcePosition{3, 13}));
  EXPECT_EQ(tokens[3].text, "2");
  auto hint = lex("SELECT /*+ BROADCAST(t) */ a");
  ASSERT_EQ(hint.size(), 3u);
  EXPECT_EQ(hint[1].value, "a");
  EXPECT_EQ(lex("a -- trailing").size(), 2u);
}

TEST(LexerTest, UnterminatedComment) {
  EXPECT_THAT(tokenize("SELECT 1\n  /* no end"),
              StatusIs(StatusCode::kParseError, "line 2, column 3: unterminated comment"));
  EXPECT_THAT(tokenize("/* a /* b */"),
              StatusIs(StatusCode::kParseError, "line 1, column 1: unterminated comment"));
}

TEST(LexerTest, PositionsAndOffsets) {
  auto tokens = lex("SELECT a,\r\n  bb\n\tFROM t");
  ASSERT_EQ(tokens.size(), 7u);
  EXPECT_EQ(tokens[0].pos, (SourcePosition{1, 1}));
  EXPECT_EQ(tokens[1].pos, (SourcePosition{1, 8}));
  EXPECT_EQ(tokens[2].pos, (SourcePosition{1, 9}));
  EXPECT_EQ(tokens[3].pos, (SourcePosition{2, 3}));  // \r\n is one line break
  EXPECT_EQ(tokens[3].offset, 13u);
  EXPECT_EQ(tokens[4].pos, (SourcePosition{3, 2}));
  EXPECT_EQ(tokens[6].kind, TokenKind::kEnd);
  EXPECT_EQ(tokens[6].pos, (SourcePosition{3, 8}));
  EXPECT_EQ(tokens[6].offset, 23u);
}

TEST(LexerTest, DescribeToken) {
  auto tokens = lex("FROM 'abc' `q`");
  EXPECT_EQ(describe_token(tokens[0]), "'FROM'");
  EXPECT_EQ(describe_token(tokens[1]), "string literal 'abc'");
  EXPECT_EQ(describe_token(tokens[2]), "'`q`'");
  const std::string long_sql = "'" + std::string(100, 'x') + "'";
  auto long_one = lex(long_sql);
  EXPECT_EQ(describe_token(long_one[0]), "string literal '" + std::string(39, 'x') + "...");
}

}  // namespace
}  // namespace braid::sql
