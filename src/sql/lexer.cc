#include "sql/lexer.h"

#include <cstdint>

#include "common/ascii.h"

namespace braid::sql {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_ascii_word_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

// Non-ASCII code points allowed in unquoted names: letters of any script, roughly. Punctuation
// and symbol blocks are refused so that a pasted typographic quote or a euro sign is reported as
// an unexpected character instead of becoming part of a name.
bool is_name_code_point(uint32_t cp) {
  if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7) return false;           // C1, Latin-1 symbols
  if (cp >= 0x2000 && cp <= 0x2BFF) return false;                    // punctuation, symbols
  if (cp >= 0x3000 && cp <= 0x303F) return false;                    // CJK punctuation
  if (cp >= 0xD800 && cp <= 0xDFFF) return false;                    // surrogates
  if (cp == 0xFEFF || (cp >= 0xFE00 && cp <= 0xFE0F)) return false;  // BOM, variation selectors
  if (cp >= 0xFF00 && cp <= 0xFF0F) return false;                    // fullwidth punctuation
  if (cp >= 0x1F000 && cp <= 0x1FAFF) return false;                  // emoji
  return cp <= 0x10FFFF;
}

// Length in bytes of the UTF-8 character at s[at] if it may be part of a name (digits only when
// not at the start), else 0.
size_t name_char_length(std::string_view s, size_t at, bool start) {
  if (at >= s.size()) return 0;
  const auto lead = static_cast<unsigned char>(s[at]);
  if (lead < 0x80) return is_ascii_word_start(s[at]) || (!start && is_digit(s[at])) ? 1 : 0;
  size_t n = 0;
  uint32_t cp = 0;
  if ((lead & 0xE0) == 0xC0) {
    n = 2;
    cp = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    n = 3;
    cp = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    n = 4;
    cp = lead & 0x07;
  } else {
    return 0;
  }
  if (at + n > s.size()) return 0;
  for (size_t i = 1; i < n; ++i) {
    const auto b = static_cast<unsigned char>(s[at + i]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  return is_name_code_point(cp) ? n : 0;
}
using ascii::to_upper;

int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  return to_upper(c) - 'A' + 10;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class Lexer {
 public:
  explicit Lexer(std::string_view sql) : sql_(sql) {}

  // All tokens; on a lexical error, those before it and a kEnd where the bad token starts.
  std::vector<Token> run(Status* error) {
    std::vector<Token> tokens;
    while (true) {
      Token token;
      token.pos = {line_, column_};
      token.offset = at_;
      Status status = skip_space_and_comments();
      if (status.ok()) {
        token.pos = {line_, column_};
        token.offset = at_;
        if (at_ >= sql_.size()) {
          token.kind = TokenKind::kEnd;
          tokens.push_back(std::move(token));
          *error = Status::OK();
          return tokens;
        }
        status = next_token(token);
      }
      if (!status.ok()) {
        Token end;
        end.kind = TokenKind::kEnd;
        end.pos = token.pos;
        end.offset = token.offset;
        tokens.push_back(std::move(end));
        *error = std::move(status);
        return tokens;
      }
      token.text = sql_.substr(token.offset, at_ - token.offset);
      tokens.push_back(std::move(token));
    }
  }

 private:
  char peek(size_t ahead = 0) const { return at_ + ahead < sql_.size() ? sql_[at_ + ahead] : '\0'; }
  bool has(size_t ahead) const { return at_ + ahead < sql_.size(); }

  // Moves one byte forward, keeping line and column (columns count code points: UTF-8
  // continuation bytes do not advance it; \r\n is one line break).
  void advance() {
    const char c = sql_[at_++];
    if (c == '\n' || (c == '\r' && peek() != '\n')) {
      ++line_;
      column_ = 1;
    } else if (c == '\r') {
      // the '\n' that follows ends the line
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++column_;
    }
  }
  void advance(size_t n) {
    for (size_t i = 0; i < n && at_ < sql_.size(); ++i) advance();
  }
  void skip_name_chars() {
    while (size_t n = name_char_length(sql_, at_, false)) advance(n);
  }

  static Status error_at(SourcePosition pos, std::string_view what) {
    return Status::parse_error("line {}, column {}: {}", pos.line, pos.column, what);
  }

  Status skip_space_and_comments() {
    while (at_ < sql_.size()) {
      const char c = peek();
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        advance();
      } else if (c == '-' && peek(1) == '-') {
        while (at_ < sql_.size() && peek() != '\n' && peek() != '\r') advance();
      } else if (c == '/' && peek(1) == '*') {
        // Bracketed comments nest, as in Spark.
        const SourcePosition start{line_, column_};
        advance(2);
        int depth = 1;
        while (depth > 0) {
          if (at_ >= sql_.size()) return error_at(start, "unterminated comment");
          if (peek() == '/' && peek(1) == '*') {
            advance(2);
            ++depth;
          } else if (peek() == '*' && peek(1) == '/') {
            advance(2);
            --depth;
          } else {
            advance();
          }
        }
      } else {
        break;
      }
    }
    return Status::OK();
  }

  Status next_token(Token& token) {
    const char c = peek();
    if ((c == 'x' || c == 'X') && peek(1) == '\'') return lex_hex_string(token);
    if (size_t n = name_char_length(sql_, at_, true); n > 0) {
      skip_name_chars();
      token.kind = TokenKind::kIdentifier;
      token.value = std::string(sql_.substr(token.offset, at_ - token.offset));
      return Status::OK();
    }
    if (is_digit(c) || (c == '.' && is_digit(peek(1)))) return lex_number(token);
    if (c == '\'' || c == '"') return lex_string(token);
    if (c == '`') return lex_quoted_identifier(token);
    if (c == ':' && name_char_length(sql_, at_ + 1, true) > 0) {
      advance();
      const size_t start = at_;
      skip_name_chars();
      token.kind = TokenKind::kParameter;
      token.value = std::string(sql_.substr(start, at_ - start));
      return Status::OK();
    }
    return lex_operator(token);
  }

  Status lex_operator(Token& token) {
    struct Op {
      std::string_view text;
      TokenKind kind;
    };
    // Longest first.
    static constexpr Op kOps[] = {
        {"<=>", TokenKind::kNullSafeEq}, {"==", TokenKind::kEqEq},
        {"=>", TokenKind::kArrow},       {"<>", TokenKind::kNotEq},
        {"!=", TokenKind::kBangEq},      {"<=", TokenKind::kLtEq},
        {">=", TokenKind::kGtEq},        {"||", TokenKind::kConcat},
        {"::", TokenKind::kDoubleColon}, {"=", TokenKind::kEq},
        {"<", TokenKind::kLt},           {">", TokenKind::kGt},
        {"+", TokenKind::kPlus},         {"-", TokenKind::kMinus},
        {"*", TokenKind::kStar},         {"/", TokenKind::kSlash},
        {"%", TokenKind::kPercent},      {"&", TokenKind::kAmpersand},
        {"|", TokenKind::kPipe},         {"^", TokenKind::kCaret},
        {"~", TokenKind::kTilde},        {"!", TokenKind::kBang},
        {":", TokenKind::kColon},        {".", TokenKind::kDot},
        {",", TokenKind::kComma},        {"(", TokenKind::kLParen},
        {")", TokenKind::kRParen},       {"[", TokenKind::kLBracket},
        {"]", TokenKind::kRBracket},     {";", TokenKind::kSemicolon},
        {"@", TokenKind::kAt},
    };
    const std::string_view rest = sql_.substr(at_);
    for (const Op& op : kOps) {
      if (rest.substr(0, op.text.size()) == op.text) {
        advance(op.text.size());
        token.kind = op.kind;
        return Status::OK();
      }
    }
    // Name the whole UTF-8 character, not a lone lead byte.
    size_t n = 1;
    const auto lead = static_cast<unsigned char>(peek());
    if (lead >= 0x80) {
      while (n < 4 && has(n) && (static_cast<unsigned char>(peek(n)) & 0xC0) == 0x80) ++n;
    }
    const size_t expected_length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    std::string shown;
    if (lead < 0x20 || lead == 0x7F ||
        (lead >= 0x80 && (lead < 0xC2 || lead > 0xF4 || n != expected_length))) {
      shown = fmt::format("\\x{:02X}", lead);  // not printable, or not valid UTF-8
    } else {
      shown = std::string(rest.substr(0, n));
    }
    return error_at({line_, column_}, fmt::format("unexpected character '{}'", shown));
  }

  Status lex_number(Token& token) {
    bool has_dot = false;
    bool has_exponent = false;
    while (is_digit(peek())) advance();
    if (peek() == '.' && is_digit(peek(1))) {
      has_dot = true;
      advance();
      while (is_digit(peek())) advance();
    } else if (peek() == '.' && name_char_length(sql_, at_ + 1, true) == 0 && peek(1) != '`' &&
               at_ > token.offset) {
      // "1." is 1.0 in Spark; but "1.x" and "1.`x`" are a field of 1, as in any dotted name.
      has_dot = true;
      advance();
    }
    if ((peek() == 'e' || peek() == 'E') &&
        (is_digit(peek(1)) || ((peek(1) == '+' || peek(1) == '-') && is_digit(peek(2))))) {
      has_exponent = true;
      advance(2);
      while (is_digit(peek())) advance();
    }
    token.kind = TokenKind::kNumber;
    token.value = std::string(sql_.substr(token.offset, at_ - token.offset));
    token.number_kind = has_exponent ? NumberKind::kDouble
                        : has_dot    ? NumberKind::kDecimal
                                     : NumberKind::kInteger;
    const SourcePosition start = token.pos;
    const char s = to_upper(peek());
    size_t suffix = 0;
    if (s == 'B' && to_upper(peek(1)) == 'D') {
      token.number_kind = NumberKind::kDecimal;
      suffix = 2;
    } else if (s == 'D') {
      token.number_kind = NumberKind::kDouble;
      suffix = 1;
    } else if (s == 'F') {
      token.number_kind = NumberKind::kFloat;
      suffix = 1;
    } else if (s == 'L' || s == 'S' || s == 'Y') {
      if (has_dot || has_exponent) return bad_number(start, token.offset);
      token.number_kind = s == 'L'   ? NumberKind::kBigint
                          : s == 'S' ? NumberKind::kSmallint
                                     : NumberKind::kTinyint;
      suffix = 1;
    }
    advance(suffix);
    if (name_char_length(sql_, at_, false) > 0) return bad_number(start, token.offset);
    return Status::OK();
  }

  Status bad_number(SourcePosition start, size_t offset) {
    while (at_ < sql_.size() && (name_char_length(sql_, at_, false) > 0 || peek() == '.'))
      advance();
    std::string_view text = sql_.substr(offset, at_ - offset);
    if (text.size() > 40) text = text.substr(0, 40);
    return error_at(start, fmt::format("invalid number literal '{}'", text));
  }

  Status lex_string(Token& token) {
    const char quote = peek();
    const SourcePosition start = token.pos;
    advance();
    std::string value;
    while (true) {
      if (at_ >= sql_.size()) return error_at(start, "unterminated string literal");
      const char c = peek();
      if (c == quote) {
        if (peek(1) == quote) {  // '' inside '...' is one quote
          value += quote;
          advance(2);
          continue;
        }
        advance();
        break;
      }
      if (c == '\\') {
        BRAID_RETURN_IF_ERROR(lex_escape(value));
        continue;
      }
      value += c;
      advance();
    }
    token.kind = TokenKind::kString;
    token.value = std::move(value);
    return Status::OK();
  }

  // Spark's unescapeSQLString: \b \n \r \t \Z \0, octal \ooo, \uXXXX, \UXXXXXXXX; \% and \_
  // keep their backslash (for LIKE patterns); any other escaped character stands for itself.
  Status lex_escape(std::string& value) {
    const SourcePosition where{line_, column_};
    advance();  // the backslash
    if (at_ >= sql_.size()) return error_at(where, "unterminated string literal");
    const char c = peek();
    if (c >= '0' && c <= '3' && peek(1) >= '0' && peek(1) <= '7' && peek(2) >= '0' &&
        peek(2) <= '7') {
      value += static_cast<char>((c - '0') * 64 + (peek(1) - '0') * 8 + (peek(2) - '0'));
      advance(3);
      return Status::OK();
    }
    if (c == 'u' || c == 'U') {
      const size_t digits = c == 'u' ? 4 : 8;
      uint32_t cp = 0;
      for (size_t i = 1; i <= digits; ++i) {
        if (!is_hex(peek(i))) return error_at(where, "invalid unicode escape in string literal");
        cp = cp * 16 + static_cast<uint32_t>(hex_value(peek(i)));
      }
      if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return error_at(where, "invalid unicode escape in string literal");
      }
      append_utf8(value, cp);
      advance(digits + 1);
      return Status::OK();
    }
    switch (c) {
      case 'b': value += '\b'; break;
      case 'n': value += '\n'; break;
      case 'r': value += '\r'; break;
      case 't': value += '\t'; break;
      case 'Z': value += '\x1A'; break;
      case '0': value += '\0'; break;
      case '%': value += "\\%"; break;
      case '_': value += "\\_"; break;
      default: value += c; break;
    }
    advance();
    return Status::OK();
  }

  Status lex_quoted_identifier(Token& token) {
    const SourcePosition start = token.pos;
    advance();
    std::string value;
    while (true) {
      if (at_ >= sql_.size()) return error_at(start, "unterminated quoted identifier");
      if (peek() == '`') {
        if (peek(1) == '`') {
          value += '`';
          advance(2);
          continue;
        }
        advance();
        break;
      }
      value += peek();
      advance();
    }
    if (value.empty()) return error_at(start, "empty quoted identifier");
    token.kind = TokenKind::kQuotedIdentifier;
    token.value = std::move(value);
    return Status::OK();
  }

  Status lex_hex_string(Token& token) {
    const SourcePosition start = token.pos;
    advance(2);
    std::string value;
    while (true) {
      if (at_ >= sql_.size()) return error_at(start, "unterminated binary literal");
      const char c = peek();
      if (c == '\'') {
        advance();
        break;
      }
      if (!is_hex(c)) return error_at({line_, column_}, "invalid hex digit in binary literal");
      value += c;
      advance();
    }
    token.kind = TokenKind::kHexString;
    token.value = std::move(value);
    return Status::OK();
  }

  std::string_view sql_;
  size_t at_ = 0;
  int line_ = 1;
  int column_ = 1;
};

}  // namespace

bool Token::is_keyword(std::string_view upper_keyword) const {
  if (kind != TokenKind::kIdentifier || text.size() != upper_keyword.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (to_upper(text[i]) != upper_keyword[i]) return false;
  }
  return true;
}

Result<std::vector<Token>> tokenize(std::string_view sql) {
  Status error;
  std::vector<Token> tokens = Lexer(sql).run(&error);
  if (!error.ok()) return error;
  return tokens;
}

std::vector<Token> tokenize_prefix(std::string_view sql, Status* error) {
  return Lexer(sql).run(error);
}

bool is_plain_word(std::string_view name) {
  size_t at = 0;
  while (at < name.size()) {
    const size_t n = name_char_length(name, at, at == 0);
    if (n == 0) return false;
    at += n;
  }
  return !name.empty();
}

std::string describe_token(const Token& token) {
  if (token.kind == TokenKind::kEnd) return "end of input";
  std::string_view text = token.text;
  std::string shown;
  // Clip long tokens (a huge string literal) by code points so the message stays valid UTF-8.
  size_t cut = text.size();
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && ++chars > 40) {
      cut = i;
      break;
    }
  }
  shown = std::string(text.substr(0, cut));
  if (cut < text.size()) shown += "...";
  if (token.kind == TokenKind::kString) return "string literal " + shown;
  return "'" + shown + "'";
}

}  // namespace braid::sql
