// Parsing type names: the simple types, DECIMAL(p, s), VARCHAR(n) / CHAR(n), and ARRAY<...>,
// MAP<..., ...> and STRUCT<...> with their fields.
#include <charconv>
#include <string>
#include <utility>

#include "sql/internal/parser.h"

namespace braid::sql::parser_internal {

Result<TypeName> Parser::parse_type() {
  Nest nest(depth_);
  BRAID_RETURN_IF_ERROR(check_depth());
  if (!at(TokenKind::kIdentifier)) return expected("a type name");
  const Token& t = peek();
  return parse_type_named(t.pos, std::string(t.text));
}

// The type whose name token is the current token (or, for `a:int` in a struct, the name of a
// :parameter token).
Result<TypeName> Parser::parse_type_named(SourcePosition pos, std::string name) {
  const std::string u = upper(name);
  TypeName t;
  t.pos = pos;
  struct Simple {
    std::string_view name;
    TypeKind kind;
  };
  static constexpr Simple kSimple[] = {
      {"BOOLEAN", TypeKind::kBoolean},
      {"TINYINT", TypeKind::kTinyint},
      {"BYTE", TypeKind::kTinyint},
      {"SMALLINT", TypeKind::kSmallint},
      {"SHORT", TypeKind::kSmallint},
      {"INT", TypeKind::kInt},
      {"INTEGER", TypeKind::kInt},
      {"BIGINT", TypeKind::kBigint},
      {"LONG", TypeKind::kBigint},
      {"FLOAT", TypeKind::kFloat},
      {"REAL", TypeKind::kFloat},
      {"DOUBLE", TypeKind::kDouble},
      {"STRING", TypeKind::kString},
      {"BINARY", TypeKind::kBinary},
      {"DATE", TypeKind::kDate},
      {"TIMESTAMP", TypeKind::kTimestamp},
      {"TIMESTAMP_LTZ", TypeKind::kTimestamp},
      {"TIMESTAMP_NTZ", TypeKind::kTimestampNtz},
  };
  for (const Simple& s : kSimple) {
    if (u == s.name) {
      next();
      t.kind = s.kind;
      if (t.kind == TypeKind::kDouble) accept_keyword("PRECISION");
      return t;
    }
  }
  if (u == "DECIMAL" || u == "DEC" || u == "NUMERIC") {
    next();
    t.kind = TypeKind::kDecimal;
    if (accept(TokenKind::kLParen)) {
      const SourcePosition p = peek().pos;
      BRAID_ASSIGN_OR_RETURN(t.precision, parse_small_int("a precision"));
      if (accept(TokenKind::kComma)) {
        BRAID_ASSIGN_OR_RETURN(t.scale, parse_small_int("a scale"));
      }
      BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "')'"));
      if (*t.precision < 1 || *t.precision > 38) {
        return error_at(
            p, fmt::format("DECIMAL precision {} is not between 1 and 38", *t.precision));
      }
      if (t.scale && *t.scale > *t.precision) {
        return error_at(
            p, fmt::format("DECIMAL scale {} exceeds its precision {}", *t.scale, *t.precision));
      }
    }
    return t;
  }
  if (u == "VARCHAR" || u == "CHAR" || u == "CHARACTER") {
    next();
    t.kind = u == "VARCHAR" ? TypeKind::kVarchar : TypeKind::kChar;
    BRAID_RETURN_IF_ERROR(expect(TokenKind::kLParen, "'('"));
    BRAID_ASSIGN_OR_RETURN(t.length, parse_small_int("a length"));
    BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "')'"));
    return t;
  }
  if (u == "ARRAY" || u == "MAP" || u == "STRUCT") {
    next();
    if (u == "STRUCT" && accept(TokenKind::kNotEq)) {  // STRUCT<> lexes as STRUCT and '<>'
      t.kind = TypeKind::kStruct;
      return t;
    }
    BRAID_RETURN_IF_ERROR(expect(TokenKind::kLt, "'<'"));
    if (u == "ARRAY") {
      t.kind = TypeKind::kArray;
      BRAID_ASSIGN_OR_RETURN(TypeName element, parse_type());
      t.children.push_back(std::move(element));
    } else if (u == "MAP") {
      t.kind = TypeKind::kMap;
      BRAID_ASSIGN_OR_RETURN(TypeName key, parse_type());
      BRAID_RETURN_IF_ERROR(expect(TokenKind::kComma, "','"));
      BRAID_ASSIGN_OR_RETURN(TypeName value, parse_type());
      t.children.push_back(std::move(key));
      t.children.push_back(std::move(value));
    } else {
      t.kind = TypeKind::kStruct;
      if (!at(TokenKind::kGt)) {
        do {
          BRAID_ASSIGN_OR_RETURN(StructFieldType f, parse_struct_field());
          t.fields.push_back(std::move(f));
        } while (accept(TokenKind::kComma));
      }
    }
    BRAID_RETURN_IF_ERROR(expect(TokenKind::kGt, "'>'"));
    return t;
  }
  return expected("a type name");
}

Result<StructFieldType> Parser::parse_struct_field() {
  StructFieldType f;
  f.pos = peek().pos;
  if (!at_name_part()) return expected("a field name");
  f.name = next().value;
  if (at(TokenKind::kParameter)) {
    // `a:int` lexes as `a` and the parameter `:int`.
    const Token& p = peek();
    Nest nest(depth_);
    BRAID_RETURN_IF_ERROR(check_depth());
    BRAID_ASSIGN_OR_RETURN(f.type, parse_type_named({p.pos.line, p.pos.column + 1}, p.value));
  } else {
    accept(TokenKind::kColon);
    BRAID_ASSIGN_OR_RETURN(f.type, parse_type());
  }
  while (true) {
    if (at_keyword("NOT") && at_keyword("NULL", 1)) {
      next();
      next();
      f.not_null = true;
    } else if (accept_keyword("COMMENT")) {
      BRAID_ASSIGN_OR_RETURN(f.comment, parse_string("a comment string"));
    } else {
      break;
    }
  }
  return f;
}

Result<int> Parser::parse_small_int(std::string_view what) {
  const Token& t = peek();
  int value = 0;
  if (t.kind != TokenKind::kNumber || t.number_kind != NumberKind::kInteger)
    return expected(what);
  const auto parsed = std::from_chars(t.value.data(), t.value.data() + t.value.size(), value);
  if (parsed.ec != std::errc() || value > 1000000)
    return error_at(t.pos, fmt::format("{} is too large", t.value));
  next();
  return value;
}

}  // namespace braid::sql::parser_internal
