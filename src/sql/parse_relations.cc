// Parsing FROM: table names (with format paths), joins, table functions, derived tables, VALUES
// in FROM, aliases and time travel (`VERSION AS OF`, `TIMESTAMP AS OF`, `t@v3`).
#include <algorithm>
#include <string>
#include <utility>

#include "sql/internal/parser.h"

namespace braid::sql::parser_internal {

// t, db.t, delta.`/path`; with allow_string_path also 'path' (a Delta table by path).
Result<TableName> Parser::parse_table_name(bool allow_string_path) {
  TableName name;
  name.pos = peek().pos;
  if (allow_string_path && at(TokenKind::kString)) {
    if (peek().value.empty()) return error_at(name.pos, "a table path cannot be empty");
    name.path_format = "delta";
    name.path = next().value;
    name.parts = {"delta", name.path};
    return name;
  }
  BRAID_ASSIGN_OR_RETURN(std::string first, parse_name("a table name"));
  name.parts.push_back(std::move(first));
  bool last_quoted = false;
  while (at(TokenKind::kDot) && at_name_part(1)) {
    next();
    last_quoted = at(TokenKind::kQuotedIdentifier);
    name.parts.push_back(next().value);
  }
  if (name.parts.size() == 2 && last_quoted) {
    const std::string format = lower(name.parts[0]);
    if (format == "delta" || format == "parquet" || format == "csv" || format == "json") {
      name.path_format = format;
      name.path = name.parts[1];
    }
  }
  return name;
}

Result<TableRefPtr> Parser::parse_from() {
  BRAID_ASSIGN_OR_RETURN(TableRefPtr left, parse_join_chain());
  while (at(TokenKind::kComma)) {
    const SourcePosition pos = next().pos;
    BRAID_ASSIGN_OR_RETURN(TableRefPtr right, parse_join_chain());
    BRAID_ASSIGN_OR_RETURN(left,
                           make_join(pos, JoinType::kCross, std::move(left), std::move(right)));
  }
  return left;
}

Result<TableRefPtr> Parser::make_join(SourcePosition pos, JoinType type, TableRefPtr left,
                                      TableRefPtr right) {
  auto ref = std::make_unique<TableRef>();
  ref->pos = pos;
  Join j;
  j.type = type;
  j.left = std::move(left);
  j.right = std::move(right);
  ref->node = std::move(j);
  BRAID_RETURN_IF_ERROR(finish_table(*ref));
  return ref;
}

// Reads a join operator if one starts here.
std::optional<JoinType> Parser::accept_join_type() {
  if (accept_keyword("JOIN")) return JoinType::kInner;
  auto with_join = [&](size_t words, JoinType type) -> std::optional<JoinType> {
    if (!at_keyword("JOIN", words)) return std::nullopt;
    for (size_t i = 0; i <= words; ++i) next();
    return type;
  };
  if (at_keyword("INNER")) return with_join(1, JoinType::kInner);
  if (at_keyword("CROSS")) return with_join(1, JoinType::kCross);
  if (at_keyword("LEFT")) {
    if (at_keyword("OUTER", 1)) return with_join(2, JoinType::kLeft);
    if (at_keyword("SEMI", 1)) return with_join(2, JoinType::kLeftSemi);
    if (at_keyword("ANTI", 1)) return with_join(2, JoinType::kLeftAnti);
    return with_join(1, JoinType::kLeft);
  }
  if (at_keyword("SEMI")) return with_join(1, JoinType::kLeftSemi);
  if (at_keyword("ANTI")) return with_join(1, JoinType::kLeftAnti);
  if (at_keyword("RIGHT")) return with_join(at_keyword("OUTER", 1) ? 2 : 1, JoinType::kRight);
  if (at_keyword("FULL")) return with_join(at_keyword("OUTER", 1) ? 2 : 1, JoinType::kFull);
  return std::nullopt;
}

Result<TableRefPtr> Parser::parse_join_chain() {
  BRAID_ASSIGN_OR_RETURN(TableRefPtr left, parse_table_primary());
  while (true) {
    const Token& t = peek();
    const SourcePosition pos = t.pos;
    if (t.is_keyword("NATURAL"))
      return Status::not_implemented("line {}, column {}: NATURAL JOIN is not supported",
                                     pos.line, pos.column);
    std::optional<JoinType> type = accept_join_type();
    if (!type) {
      if (t.is_keyword("INNER") || t.is_keyword("CROSS") || t.is_keyword("LEFT") ||
          t.is_keyword("RIGHT") || t.is_keyword("FULL")) {
        next();
        if (at_keyword("OUTER") || at_keyword("SEMI") || at_keyword("ANTI")) next();
        return expected("JOIN");
      }
      break;
    }
    BRAID_ASSIGN_OR_RETURN(TableRefPtr right, parse_table_primary());
    BRAID_ASSIGN_OR_RETURN(TableRefPtr join,
                           make_join(pos, *type, std::move(left), std::move(right)));
    Join& j = std::get<Join>(join->node);
    if (accept_keyword("ON")) {
      BRAID_ASSIGN_OR_RETURN(j.on, parse_expr());
    } else if (accept_keyword("USING")) {
      BRAID_ASSIGN_OR_RETURN(j.using_columns, parse_name_list("a column name"));
    }
    BRAID_RETURN_IF_ERROR(finish_table(*join));
    left = std::move(join);
  }
  return left;
}

bool Parser::at_time_travel() const {
  size_t k = 0;
  if (at_keyword("FOR")) k = 1;
  const Token& t = peek(k);
  if (!(t.is_keyword("VERSION") || t.is_keyword("SYSTEM_VERSION") || t.is_keyword("TIMESTAMP") ||
        t.is_keyword("SYSTEM_TIME"))) {
    return false;
  }
  return at_keyword("AS", k + 1) && at_keyword("OF", k + 2);
}

Result<TableRefPtr> Parser::parse_table_primary() {
  Nest nest(depth_);
  BRAID_RETURN_IF_ERROR(check_depth());
  auto ref = std::make_unique<TableRef>();
  ref->pos = peek().pos;
  if (at(TokenKind::kLParen)) {
    if (paren_starts_query(0)) {
      next();
      BRAID_ASSIGN_OR_RETURN(QueryPtr q, parse_query());
      BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "')'"));
      ref->node = DerivedTable{std::move(q)};
    } else {
      next();
      BRAID_ASSIGN_OR_RETURN(ref, parse_join_chain());
      BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "')'"));
      if (ref->alias && (at_keyword("AS") || at_implicit_alias())) {
        return error_at(peek().pos, "a relation can have only one alias");
      }
    }
  } else if (at_keyword("VALUES")) {
    const SourcePosition pos = peek().pos;
    BRAID_ASSIGN_OR_RETURN(Values values, parse_values());
    auto q = std::make_unique<Query>();
    q->pos = pos;
    q->body = std::move(values);
    BRAID_RETURN_IF_ERROR(finish_query(*q));
    ref->node = DerivedTable{std::move(q)};
  } else if (at_name()) {
    if (at(TokenKind::kLParen, 1) ||
        (at(TokenKind::kDot, 1) && at_name_part(2) && at(TokenKind::kLParen, 3))) {
      TableFunction f;
      f.name.push_back(next().value);
      if (accept(TokenKind::kDot)) f.name.push_back(next().value);
      next();  // (
      if (!at(TokenKind::kRParen)) {
        do {
          if (at_name() && (at(TokenKind::kEq, 1) || at(TokenKind::kArrow, 1))) {
            NamedArgument a;
            a.pos = peek().pos;
            a.name = next().value;
            next();
            BRAID_ASSIGN_OR_RETURN(a.value, parse_expr());
            f.named_args.push_back(std::move(a));
          } else {
            if (!f.named_args.empty())
              return error_at(peek().pos, "positional argument after named arguments");
            BRAID_ASSIGN_OR_RETURN(ExprPtr e, parse_expr());
            f.args.push_back(std::move(e));
          }
        } while (accept(TokenKind::kComma));
      }
      BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "',' or ')'"));
      ref->node = std::move(f);
    } else {
      BaseTable b;
      BRAID_ASSIGN_OR_RETURN(b.name, parse_table_name(false));
      if (at(TokenKind::kAt) && at(TokenKind::kIdentifier, 1)) {
        // t@v3: version 3 (Delta's shorthand).
        const Token& v = peek(1);
        const std::string text(v.text);
        if (text.size() > 1 && (text[0] == 'v' || text[0] == 'V') &&
            std::all_of(text.begin() + 1, text.end(),
                        [](char c) { return c >= '0' && c <= '9'; })) {
          const SourcePosition pos = next().pos;
          next();
          Literal lit;
          lit.kind = LiteralKind::kInteger;
          lit.text = text.substr(1);
          TimeTravel tt;
          tt.pos = pos;
          tt.kind = TimeTravelKind::kVersion;
          BRAID_ASSIGN_OR_RETURN(tt.value, make_expr(v.pos, std::move(lit)));
          b.time_travel = std::move(tt);
        } else {
          return error_at(v.pos,
                          fmt::format("expected a version like v3 after '@', found '{}'", text));
        }
      } else if (at_time_travel()) {
        TimeTravel tt;
        tt.pos = peek().pos;
        accept_keyword("FOR");
        const Token& kind = next();
        tt.kind = kind.is_keyword("VERSION") || kind.is_keyword("SYSTEM_VERSION")
                      ? TimeTravelKind::kVersion
                      : TimeTravelKind::kTimestamp;
        next();  // AS
        next();  // OF
        BRAID_ASSIGN_OR_RETURN(tt.value, parse_binary(kPrecBitOr));
        b.time_travel = std::move(tt);
      }
      ref->node = std::move(b);
    }
  } else {
    return expected("a table");
  }
  // [AS] alias [(columns)]
  if (accept_keyword("AS")) {
    BRAID_ASSIGN_OR_RETURN(ref->alias, parse_name("an alias"));
  } else if (at_implicit_alias()) {
    ref->alias = next().value;
  }
  if (ref->alias && at(TokenKind::kLParen)) {
    BRAID_ASSIGN_OR_RETURN(ref->column_aliases, parse_name_list("a column alias"));
  }
  BRAID_RETURN_IF_ERROR(finish_table(*ref));
  return ref;
}

}  // namespace braid::sql::parser_internal
