// The SQL lexer: Spark SQL text to tokens.
//
// Words come out as kIdentifier whatever they are: keywords are case-insensitive and contextual
// in Spark (a column may be called `date` or `region`), so the parser decides which words are
// keywords where (Token::is_keyword). Backtick-quoted names are kQuotedIdentifier and are never
// keywords. Comments (`-- ...` to end of line, `/* ... */`, nesting allowed) and white space are
// skipped. Every token carries its 1-based line and column (columns count UTF-8 code points) and
// its byte offset, and the token list always ends with one kEnd token positioned after the text.
//
// Errors are kParseError "line L, column C: <what>" (unterminated string, quoted identifier or
// comment, a bad escape, a malformed number, an unexpected character).
// Thread-safety: pure function.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "braid/result.h"
#include "sql/ast.h"

namespace braid::sql {

enum class TokenKind {
  kEnd,
  kIdentifier,        // word: letters (any script), digits, '_', not starting with a digit
  kQuotedIdentifier,  // `name` (value without backticks, `` undoubled)
  kString,            // 'text' or "text" (value unescaped)
  kHexString,         // X'0AFF' (value: the hex digits)
  kNumber,            // see NumberKind (value: digits as written, without the suffix)
  kParameter,         // :name (value: name)
  // Operators and punctuation.
  kEq,           // =
  kEqEq,         // ==
  kNotEq,        // <> (kBangEq is !=)
  kBangEq,       // !=
  kLt,           // <
  kLtEq,         // <=
  kGt,           // >
  kGtEq,         // >=
  kNullSafeEq,   // <=>
  kPlus,         // +
  kMinus,        // -
  kStar,         // *
  kSlash,        // /
  kPercent,      // %
  kConcat,       // ||
  kAmpersand,    // &
  kPipe,         // |
  kCaret,        // ^
  kTilde,        // ~
  kBang,         // ! (NOT)
  kDoubleColon,  // ::
  kColon,        // :
  kArrow,        // =>
  kDot,          // .
  kComma,        // ,
  kLParen,       // (
  kRParen,       // )
  kLBracket,     // [
  kRBracket,     // ]
  kSemicolon,    // ;
  kAt,           // @
};

enum class NumberKind {
  kInteger,   // 12
  kBigint,    // 12L
  kSmallint,  // 12S
  kTinyint,   // 12Y
  kDecimal,   // 1.5, .5, 12BD, 1.5BD (plain decimals are DECIMAL in Spark)
  kDouble,    // 1e3, 1.5D, 12D
  kFloat,     // 1.5F, 12F
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string_view text;  // the exact source text (empty for kEnd)
  std::string value;      // see TokenKind
  NumberKind number_kind = NumberKind::kInteger;
  SourcePosition pos;
  size_t offset = 0;

  // An unquoted word equal to `upper_keyword` (which must be upper case), ignoring case.
  bool is_keyword(std::string_view upper_keyword) const;
  bool is_word() const {
    return kind == TokenKind::kIdentifier || kind == TokenKind::kQuotedIdentifier;
  }
};

// The tokens of `sql`, ending with kEnd; or the first lexical error.
Result<std::vector<Token>> tokenize(std::string_view sql);

// Like tokenize, but on a lexical error returns the tokens before it, ending with a kEnd token
// where the bad token starts, and sets *error; so a parser can report an earlier syntax error
// first. *error is OK when the whole text lexed.
std::vector<Token> tokenize_prefix(std::string_view sql, Status* error);

// Whether `name` lexes as one unquoted word (letters, digits, '_', not starting with a digit).
bool is_plain_word(std::string_view name);

// "'FROM'", "string literal 'x'", "end of input": how errors name a token after "found".
std::string describe_token(const Token& token);

}  // namespace braid::sql
