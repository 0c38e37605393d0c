// Parsing expressions: operators by precedence, predicates (IS, IN, BETWEEN, LIKE), prefix and
// postfix operators, literals, parenthesised expressions and subqueries, function calls (with
// FILTER and OVER), and the special forms (CASE, CAST, EXTRACT, INTERVAL, SUBSTRING, TRIM).
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sql/internal/parser.h"
#include "sql/keywords.h"

namespace braid::sql::parser_internal {
namespace {

std::optional<IntervalUnit> interval_unit(const Token& t) {
  if (t.kind != TokenKind::kIdentifier) return std::nullopt;
  std::string u = upper(t.text);
  if (u.size() > 1 && u.back() == 'S') u.pop_back();
  if (u == "YEAR") return IntervalUnit::kYear;
  if (u == "MONTH") return IntervalUnit::kMonth;
  if (u == "WEEK") return IntervalUnit::kWeek;
  if (u == "DAY") return IntervalUnit::kDay;
  if (u == "HOUR") return IntervalUnit::kHour;
  if (u == "MINUTE") return IntervalUnit::kMinute;
  if (u == "SECOND") return IntervalUnit::kSecond;
  if (u == "MILLISECOND") return IntervalUnit::kMillisecond;
  if (u == "MICROSECOND") return IntervalUnit::kMicrosecond;
  return std::nullopt;
}

}  // namespace

bool Parser::binary_operator(const Token& t, BinaryOp& op, int& prec) {
  switch (t.kind) {
    case TokenKind::kEq:
    case TokenKind::kEqEq:
      op = BinaryOp::kEq;
      prec = kPrecCompare;
      return true;
    case TokenKind::kNotEq:
    case TokenKind::kBangEq:
      op = BinaryOp::kNotEq;
      prec = kPrecCompare;
      return true;
    case TokenKind::kLt:
      op = BinaryOp::kLt;
      prec = kPrecCompare;
      return true;
    case TokenKind::kLtEq:
      op = BinaryOp::kLtEq;
      prec = kPrecCompare;
      return true;
    case TokenKind::kGt:
      op = BinaryOp::kGt;
      prec = kPrecCompare;
      return true;
    case TokenKind::kGtEq:
      op = BinaryOp::kGtEq;
      prec = kPrecCompare;
      return true;
    case TokenKind::kNullSafeEq:
      op = BinaryOp::kNullSafeEq;
      prec = kPrecCompare;
      return true;
    case TokenKind::kPipe:
      op = BinaryOp::kBitOr;
      prec = kPrecBitOr;
      return true;
    case TokenKind::kCaret:
      op = BinaryOp::kBitXor;
      prec = kPrecBitXor;
      return true;
    case TokenKind::kAmpersand:
      op = BinaryOp::kBitAnd;
      prec = kPrecBitAnd;
      return true;
    case TokenKind::kPlus:
      op = BinaryOp::kAdd;
      prec = kPrecAdditive;
      return true;
    case TokenKind::kMinus:
      op = BinaryOp::kSubtract;
      prec = kPrecAdditive;
      return true;
    case TokenKind::kConcat:
      op = BinaryOp::kConcat;
      prec = kPrecAdditive;
      return true;
    case TokenKind::kStar:
      op = BinaryOp::kMultiply;
      prec = kPrecMultiplicative;
      return true;
    case TokenKind::kSlash:
      op = BinaryOp::kDivide;
      prec = kPrecMultiplicative;
      return true;
    case TokenKind::kPercent:
      op = BinaryOp::kModulo;
      prec = kPrecMultiplicative;
      return true;
    case TokenKind::kIdentifier:
      if (t.is_keyword("OR")) {
        op = BinaryOp::kOr;
        prec = kPrecOr;
        return true;
      }
      if (t.is_keyword("AND")) {
        op = BinaryOp::kAnd;
        prec = kPrecAnd;
        return true;
      }
      if (t.is_keyword("DIV")) {
        op = BinaryOp::kIntDivide;
        prec = kPrecMultiplicative;
        return true;
      }
      return false;
    default: return false;
  }
}

bool Parser::at_predicate(size_t ahead) const {
  const Token& t = peek(ahead);
  return t.is_keyword("IN") || t.is_keyword("BETWEEN") || t.is_keyword("LIKE") ||
         t.is_keyword("ILIKE") || t.is_keyword("RLIKE") || t.is_keyword("REGEXP");
}

Result<ExprPtr> Parser::parse_binary(int min_prec) {
  Nest nest(depth_);
  BRAID_RETURN_IF_ERROR(check_depth());
  BRAID_ASSIGN_OR_RETURN(ExprPtr left, parse_prefix(min_prec));
  while (true) {
    if (min_prec <= kPrecCompare) {
      if (at_keyword("IS")) {
        BRAID_ASSIGN_OR_RETURN(left, parse_is(std::move(left)));
        continue;
      }
      if (at_predicate(0) || (at_keyword("NOT") && at_predicate(1))) {
        BRAID_ASSIGN_OR_RETURN(left, parse_predicate(std::move(left)));
        continue;
      }
    }
    BinaryOp op;
    int prec = 0;
    if (!binary_operator(peek(), op, prec) || prec < min_prec) break;
    const SourcePosition pos = next().pos;
    BRAID_ASSIGN_OR_RETURN(ExprPtr right, parse_binary(prec + 1));
    BRAID_ASSIGN_OR_RETURN(left, make_expr(pos, Binary{op, std::move(left), std::move(right)}));
  }
  return left;
}

Result<ExprPtr> Parser::parse_is(ExprPtr left) {
  const SourcePosition pos = next().pos;  // IS
  const bool negated = accept_keyword("NOT");
  IsKind kind;
  if (accept_keyword("NULL")) {
    kind = IsKind::kNull;
  } else if (accept_keyword("TRUE")) {
    kind = IsKind::kTrue;
  } else if (accept_keyword("FALSE")) {
    kind = IsKind::kFalse;
  } else if (accept_keyword("UNKNOWN")) {
    kind = IsKind::kUnknown;
  } else if (accept_keyword("DISTINCT")) {
    BRAID_RETURN_IF_ERROR(expect_keyword("FROM"));
    BRAID_ASSIGN_OR_RETURN(ExprPtr right, parse_binary(kPrecBitOr));
    return make_expr(pos, IsDistinctFrom{std::move(left), std::move(right), negated});
  } else {
    return expected("NULL, TRUE, FALSE, UNKNOWN or DISTINCT FROM");
  }
  return make_expr(pos, IsPredicate{std::move(left), kind, negated});
}

Result<ExprPtr> Parser::parse_predicate(ExprPtr left) {
  const bool negated = accept_keyword("NOT");
  const Token& t = next();
  const SourcePosition pos = t.pos;
  if (t.is_keyword("IN")) {
    BRAID_RETURN_IF_ERROR(expect(TokenKind::kLParen, "'('"));
    if (is_query_start(peek())) {
      BRAID_ASSIGN_OR_RETURN(QueryPtr q, parse_query());
      BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "')'"));
      return make_expr(pos, InSubquery{std::move(left), std::move(q), negated});
    }
    std::vector<ExprPtr> list;
    do {
      BRAID_ASSIGN_OR_RETURN(ExprPtr e, parse_expr());
      if (ScalarSubquery* sub = e->as<ScalarSubquery>();
          sub && list.empty() && at_query_continuation()) {
        // x IN ((SELECT ...) UNION (SELECT ...))
        QueryPtr inner = std::move(sub->query);
        const SourcePosition qpos = inner->pos;
        BRAID_ASSIGN_OR_RETURN(QueryPtr q, parse_query_after_with(qpos, {}, std::move(inner)));
        BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "')'"));
        return make_expr(pos, InSubquery{std::move(left), std::move(q), negated});
      }
      list.push_back(std::move(e));
    } while (accept(TokenKind::kComma));
    BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "',' or ')'"));
    if (list.size() == 1) {
      // x IN ((SELECT ...)) is an IN subquery, as in Spark.
      if (ScalarSubquery* sub = list[0]->as<ScalarSubquery>()) {
        QueryPtr q = std::move(sub->query);
        return make_expr(pos, InSubquery{std::move(left), std::move(q), negated});
      }
    }
    return make_expr(pos, InList{std::move(left), std::move(list), negated});
  }
  if (t.is_keyword("BETWEEN")) {
    BRAID_ASSIGN_OR_RETURN(ExprPtr low, parse_binary(kPrecBitOr));
    BRAID_RETURN_IF_ERROR(expect_keyword("AND"));
    BRAID_ASSIGN_OR_RETURN(ExprPtr high, parse_binary(kPrecBitOr));
    return make_expr(pos, Between{std::move(left), std::move(low), std::move(high), negated});
  }
  Like like;
  like.kind = t.is_keyword("LIKE")    ? LikeKind::kLike
              : t.is_keyword("ILIKE") ? LikeKind::kIlike
                                      : LikeKind::kRlike;
  like.operand = std::move(left);
  like.negated = negated;
  BRAID_ASSIGN_OR_RETURN(like.pattern, parse_binary(kPrecBitOr));
  if (like.kind != LikeKind::kRlike && accept_keyword("ESCAPE")) {
    BRAID_ASSIGN_OR_RETURN(like.escape, parse_string("an escape string"));
  }
  return make_expr(pos, std::move(like));
}

// One level of depth per parenthesis or operand: prefix operators count only when they nest.
Result<ExprPtr> Parser::parse_prefix(int min_prec) {
  const Token& t = peek();
  if (t.is_keyword("NOT") || t.kind == TokenKind::kBang) return parse_not(min_prec);
  if (t.kind == TokenKind::kMinus || t.kind == TokenKind::kPlus || t.kind == TokenKind::kTilde) {
    return parse_unary_operator();
  }
  return parse_postfix();
}

Result<ExprPtr> Parser::parse_not(int min_prec) {
  if (min_prec > kPrecNot) return expected("an expression");
  const SourcePosition pos = next().pos;
  BRAID_ASSIGN_OR_RETURN(ExprPtr operand, parse_binary(kPrecNot));
  if (Exists* e = operand->as<Exists>(); e && !e->negated) {
    e->negated = true;
    operand->pos = pos;
    return operand;
  }
  return make_expr(pos, Unary{UnaryOp::kNot, std::move(operand)});
}

Result<ExprPtr> Parser::parse_unary_operator() {
  const Token& t = next();
  const UnaryOp op = t.kind == TokenKind::kMinus  ? UnaryOp::kNegate
                     : t.kind == TokenKind::kPlus ? UnaryOp::kPlus
                                                  : UnaryOp::kBitNot;
  Nest nest(depth_);
  BRAID_RETURN_IF_ERROR(check_depth());
  BRAID_ASSIGN_OR_RETURN(ExprPtr operand, parse_prefix(kPrecUnary));
  return make_expr(t.pos, Unary{op, std::move(operand)});
}

Result<ExprPtr> Parser::parse_postfix() {
  BRAID_ASSIGN_OR_RETURN(ExprPtr e, parse_primary());
  bool done = false;
  while (!done &&
         (at(TokenKind::kLBracket) || at(TokenKind::kDot) || at(TokenKind::kDoubleColon))) {
    BRAID_ASSIGN_OR_RETURN(e, parse_postfix_operator(std::move(e), done));
  }
  return e;
}

// One of `[index]`, `.field`, `.*` (sets done: nothing may follow) or `::type` after `e`.
Result<ExprPtr> Parser::parse_postfix_operator(ExprPtr e, bool& done) {
  if (at(TokenKind::kLBracket)) {
    const SourcePosition pos = next().pos;
    BRAID_ASSIGN_OR_RETURN(ExprPtr index, parse_expr());
    BRAID_RETURN_IF_ERROR(expect(TokenKind::kRBracket, "']'"));
    return make_expr(pos, Subscript{std::move(e), std::move(index)});
  }
  if (at(TokenKind::kDoubleColon)) {
    const SourcePosition pos = next().pos;
    BRAID_ASSIGN_OR_RETURN(TypeName type, parse_type());
    return make_expr(pos, Cast{std::move(e), std::move(type), false});
  }
  const SourcePosition pos = peek().pos;  // '.'
  if (at(TokenKind::kStar, 1)) {
    ColumnRef* ref = e->as<ColumnRef>();
    if (!ref) return error_at(pos, "'.*' must follow a table name");
    next();
    next();
    done = true;
    QualifiedName qualifier = std::move(ref->parts);
    return make_expr(e->pos, Star{std::move(qualifier)});
  }
  if (!at_name_part(1)) {
    next();
    return expected("a field name");
  }
  next();
  std::string field = next().value;
  if (ColumnRef* ref = e->as<ColumnRef>()) {
    ref->parts.push_back(std::move(field));
    return e;
  }
  return make_expr(pos, FieldAccess{std::move(e), std::move(field)});
}

Result<ExprPtr> Parser::number_literal(const Token& t) {
  Literal lit;
  lit.text = t.value;
  switch (t.number_kind) {
    case NumberKind::kInteger: lit.kind = LiteralKind::kInteger; break;
    case NumberKind::kBigint: lit.kind = LiteralKind::kBigint; break;
    case NumberKind::kSmallint: lit.kind = LiteralKind::kSmallint; break;
    case NumberKind::kTinyint: lit.kind = LiteralKind::kTinyint; break;
    case NumberKind::kDecimal: lit.kind = LiteralKind::kDecimal; break;
    case NumberKind::kDouble: lit.kind = LiteralKind::kDouble; break;
    case NumberKind::kFloat: lit.kind = LiteralKind::kFloat; break;
  }
  return make_expr(t.pos, std::move(lit));
}

Result<ExprPtr> Parser::parse_primary() {
  switch (peek().kind) {
    case TokenKind::kNumber:
    case TokenKind::kString:
    case TokenKind::kHexString:
    case TokenKind::kParameter:
    case TokenKind::kStar: return parse_token_expression();
    case TokenKind::kLParen: return parse_paren_expression();
    case TokenKind::kQuotedIdentifier: return parse_name_expression();
    case TokenKind::kIdentifier: return parse_word_expression();
    default: return expected("an expression");
  }
}

// A literal, parameter or `*` token.
Result<ExprPtr> Parser::parse_token_expression() {
  const Token& t = peek();
  switch (t.kind) {
    case TokenKind::kNumber: return number_literal(next());
    case TokenKind::kString: {
      const SourcePosition pos = t.pos;
      Literal lit;
      lit.kind = LiteralKind::kString;
      BRAID_ASSIGN_OR_RETURN(lit.text, parse_string("a string"));
      return make_expr(pos, std::move(lit));
    }
    case TokenKind::kHexString: {
      Literal lit;
      lit.kind = LiteralKind::kBinary;
      lit.text = t.value;
      const SourcePosition pos = next().pos;
      return make_expr(pos, std::move(lit));
    }
    case TokenKind::kParameter: {
      const Token& p = next();
      return make_expr(p.pos, Parameter{p.value});
    }
    default: return make_expr(next().pos, Star{});
  }
}

// After a parenthesised query: does a longer query go on (set operator, ORDER BY, LIMIT)?
bool Parser::at_query_continuation() const {
  return at_keyword("UNION") || at_keyword("EXCEPT") || at_keyword("MINUS") ||
         at_keyword("INTERSECT") || (at_keyword("ORDER") && at_keyword("BY", 1)) ||
         at_keyword("LIMIT") || at_keyword("OFFSET");
}

Result<ExprPtr> Parser::parse_paren_expression() {
  const SourcePosition pos = peek().pos;
  if (is_query_start(peek(1))) {
    next();
    BRAID_ASSIGN_OR_RETURN(QueryPtr q, parse_query());
    BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "')'"));
    return make_expr(pos, ScalarSubquery{std::move(q)});
  }
  next();
  BRAID_ASSIGN_OR_RETURN(ExprPtr first, parse_expr());
  if (ScalarSubquery* sub = first->as<ScalarSubquery>()) {
    // ((SELECT ...) UNION (SELECT ...)): the parenthesised query starts a longer query.
    if (at_query_continuation()) {
      QueryPtr inner = std::move(sub->query);
      const SourcePosition qpos = inner->pos;
      BRAID_ASSIGN_OR_RETURN(QueryPtr q, parse_query_after_with(qpos, {}, std::move(inner)));
      BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "')'"));
      return make_expr(pos, ScalarSubquery{std::move(q)});
    }
  }
  if (!at(TokenKind::kComma)) {
    BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "')'"));
    return first;
  }
  Row row;
  row.items.push_back(std::move(first));
  while (accept(TokenKind::kComma)) {
    BRAID_ASSIGN_OR_RETURN(ExprPtr e, parse_expr());
    row.items.push_back(std::move(e));
  }
  BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "',' or ')'"));
  return make_expr(pos, std::move(row));
}

// A column reference or a function call starting with a name.
Result<ExprPtr> Parser::parse_name_expression() {
  const SourcePosition pos = peek().pos;
  QualifiedName parts;
  parts.push_back(next().value);
  while (at(TokenKind::kDot) && at_name_part(1)) {
    next();
    parts.push_back(next().value);
  }
  if (at(TokenKind::kLParen)) return parse_call(pos, std::move(parts));
  return make_expr(pos, ColumnRef{std::move(parts)});
}

Result<ExprPtr> Parser::parse_word_expression() {
  const Token& t = peek();
  const SourcePosition pos = t.pos;
  const std::string u = upper(t.text);
  const bool call = at(TokenKind::kLParen, 1);
  if (u == "NULL" || u == "TRUE" || u == "FALSE") {
    next();
    Literal lit;
    lit.kind = u == "NULL" ? LiteralKind::kNull : LiteralKind::kBoolean;
    lit.bool_value = u == "TRUE";
    return make_expr(pos, std::move(lit));
  }
  if (u == "CASE") return parse_case();
  if ((u == "CAST" || u == "TRY_CAST") && call) {
    next();
    next();
    BRAID_ASSIGN_OR_RETURN(ExprPtr operand, parse_expr());
    BRAID_RETURN_IF_ERROR(expect_keyword("AS"));
    BRAID_ASSIGN_OR_RETURN(TypeName type, parse_type());
    BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "')'"));
    return make_expr(pos, Cast{std::move(operand), std::move(type), u == "TRY_CAST"});
  }
  if (u == "EXISTS" && call && paren_starts_query(2)) {
    next();
    next();
    BRAID_ASSIGN_OR_RETURN(QueryPtr q, parse_query());
    BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "')'"));
    return make_expr(pos, Exists{std::move(q), false});
  }
  if (u == "INTERVAL" && (at(TokenKind::kString, 1) || at(TokenKind::kNumber, 1) ||
                          ((at(TokenKind::kMinus, 1) || at(TokenKind::kPlus, 1)) &&
                           at(TokenKind::kNumber, 2) && interval_unit(peek(3))))) {
    return parse_interval();
  }
  if ((u == "DATE" || u == "TIMESTAMP" || u == "TIMESTAMP_LTZ" || u == "TIMESTAMP_NTZ") &&
      at(TokenKind::kString, 1)) {
    next();
    Literal lit;
    lit.kind = u == "DATE"            ? LiteralKind::kDate
               : u == "TIMESTAMP_NTZ" ? LiteralKind::kTimestampNtz
                                      : LiteralKind::kTimestamp;
    BRAID_ASSIGN_OR_RETURN(lit.text, parse_string("a string"));
    return make_expr(pos, std::move(lit));
  }
  if ((u == "CURRENT_DATE" || u == "CURRENT_TIMESTAMP" || u == "CURRENT_USER") && !call) {
    next();
    FunctionCall f;
    f.name.push_back(lower(u));
    return make_expr(pos, std::move(f));
  }
  if (u == "EXTRACT" && call && at(TokenKind::kIdentifier, 2) && at_keyword("FROM", 3)) {
    next();
    next();
    const Token& field_token = next();
    Literal field;
    field.kind = LiteralKind::kString;
    field.text = upper(field_token.text);
    const SourcePosition field_pos = field_token.pos;
    next();  // FROM
    FunctionCall f;
    f.name.push_back("extract");
    BRAID_ASSIGN_OR_RETURN(ExprPtr field_expr, make_expr(field_pos, std::move(field)));
    f.args.push_back(std::move(field_expr));
    BRAID_ASSIGN_OR_RETURN(ExprPtr source, parse_expr());
    f.args.push_back(std::move(source));
    BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "')'"));
    return make_expr(pos, std::move(f));
  }
  if ((u == "SUBSTRING" || u == "SUBSTR") && call) return parse_substring();
  if (u == "TRIM" && call) return parse_trim();
  if (is_reserved_word(u)) {
    if (call && keyword_kind(u) == KeywordKind::kReservedFunction) return parse_name_expression();
    return expected("an expression");
  }
  return parse_name_expression();
}

Result<ExprPtr> Parser::parse_case() {
  const SourcePosition pos = next().pos;  // CASE
  Case c;
  if (!at_keyword("WHEN")) {
    BRAID_ASSIGN_OR_RETURN(c.operand, parse_expr());
  }
  while (accept_keyword("WHEN")) {
    WhenClause w;
    BRAID_ASSIGN_OR_RETURN(w.condition, parse_expr());
    BRAID_RETURN_IF_ERROR(expect_keyword("THEN"));
    BRAID_ASSIGN_OR_RETURN(w.result, parse_expr());
    c.whens.push_back(std::move(w));
  }
  if (c.whens.empty()) return expected("WHEN");
  if (accept_keyword("ELSE")) {
    BRAID_ASSIGN_OR_RETURN(c.else_result, parse_expr());
  }
  if (!at_keyword("END")) return expected(c.else_result ? "END" : "WHEN, ELSE or END");
  next();
  return make_expr(pos, std::move(c));
}

Result<ExprPtr> Parser::parse_interval() {
  const SourcePosition pos = next().pos;  // INTERVAL
  Literal lit;
  lit.kind = LiteralKind::kInterval;
  if (at(TokenKind::kString) && !interval_unit(peek(1))) {
    lit.text = next().value;
    return make_expr(pos, std::move(lit));
  }
  // value unit [TO unit], repeated while another `value unit` follows.
  auto at_part = [&]() {
    size_t k = 0;
    if (at(TokenKind::kMinus) || at(TokenKind::kPlus)) {
      if (!at(TokenKind::kNumber, 1)) return false;
      k = 1;
    } else if (!at(TokenKind::kNumber) && !at(TokenKind::kString)) {
      return false;
    }
    return interval_unit(peek(k + 1)).has_value();
  };
  do {
    IntervalPart part;
    if (at(TokenKind::kMinus) || at(TokenKind::kPlus)) {
      if (next().kind == TokenKind::kMinus) part.value = "-";
    }
    const Token& v = peek();
    if (v.kind == TokenKind::kString) {
      part.quoted = true;
      part.value = v.value;
    } else if (v.kind == TokenKind::kNumber &&
               (v.number_kind == NumberKind::kInteger || v.number_kind == NumberKind::kDecimal)) {
      part.value += v.value;
    } else {
      return expected("an interval value");
    }
    next();
    std::optional<IntervalUnit> unit = interval_unit(peek());
    if (!unit) return expected("an interval unit");
    next();
    part.unit = *unit;
    if (accept_keyword("TO")) {
      unit = interval_unit(peek());
      if (!unit) return expected("an interval unit");
      next();
      part.to_unit = *unit;
    }
    lit.interval_parts.push_back(std::move(part));
  } while (at_part());
  return make_expr(pos, std::move(lit));
}

// SUBSTRING(x FROM a [FOR b]) or substring(x, a[, b]).
Result<ExprPtr> Parser::parse_substring() {
  const SourcePosition pos = peek().pos;
  FunctionCall f;
  f.name.push_back(next().value);
  next();  // (
  BRAID_ASSIGN_OR_RETURN(ExprPtr first, parse_expr());
  if (accept_keyword("FROM")) {
    f.args.push_back(std::move(first));
    BRAID_ASSIGN_OR_RETURN(ExprPtr start, parse_expr());
    f.args.push_back(std::move(start));
    if (accept_keyword("FOR")) {
      BRAID_ASSIGN_OR_RETURN(ExprPtr length, parse_expr());
      f.args.push_back(std::move(length));
    }
    BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "')'"));
    return make_expr(pos, std::move(f));
  }
  return finish_call(pos, std::move(f), std::move(first));
}

// TRIM([BOTH|LEADING|TRAILING] [chars] FROM s) or trim(s).
Result<ExprPtr> Parser::parse_trim() {
  const SourcePosition pos = peek().pos;
  FunctionCall f;
  f.name.push_back(next().value);
  next();  // (
  std::string spec;
  if ((at_keyword("BOTH") || at_keyword("LEADING") || at_keyword("TRAILING")) &&
      !at(TokenKind::kComma, 1) && !at(TokenKind::kRParen, 1)) {
    spec = upper(next().text);
  }
  ExprPtr chars;
  if (!spec.empty() && at_keyword("FROM")) {
    next();
  } else {
    BRAID_ASSIGN_OR_RETURN(ExprPtr first, parse_expr());
    if (!accept_keyword("FROM")) {
      if (!spec.empty()) return expected("FROM");
      return finish_call(pos, std::move(f), std::move(first));
    }
    chars = std::move(first);
  }
  BRAID_ASSIGN_OR_RETURN(ExprPtr source, parse_expr());
  BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "')'"));
  f.name = {spec == "LEADING" ? "ltrim" : spec == "TRAILING" ? "rtrim" : "btrim"};
  f.args.push_back(std::move(source));
  if (chars) f.args.push_back(std::move(chars));
  return make_expr(pos, std::move(f));
}

Result<ExprPtr> Parser::parse_call(SourcePosition pos, QualifiedName name) {
  next();  // (
  FunctionCall f;
  f.name = std::move(name);
  if (at(TokenKind::kStar) && at(TokenKind::kRParen, 1)) {
    next();
    f.star = true;
    return finish_call(pos, std::move(f), nullptr);
  }
  if (at(TokenKind::kRParen)) return finish_call(pos, std::move(f), nullptr);
  if (accept_keyword("DISTINCT")) {
    f.distinct = true;
  } else {
    accept_keyword("ALL");
  }
  return finish_call(pos, std::move(f), nullptr);
}

// The arguments after `first` (already parsed, or null), the ')' and what may follow a call.
Result<ExprPtr> Parser::finish_call(SourcePosition pos, FunctionCall f, ExprPtr first) {
  if (first) {
    f.args.push_back(std::move(first));
    if (accept(TokenKind::kComma)) {
      BRAID_RETURN_IF_ERROR(parse_call_args(f));
    }
  } else if (!at(TokenKind::kRParen)) {
    BRAID_RETURN_IF_ERROR(parse_call_args(f));
  }
  BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "',' or ')'"));
  if ((at_keyword("IGNORE") || at_keyword("RESPECT")) && at_keyword("NULLS", 1)) {
    f.null_treatment =
        next().is_keyword("IGNORE") ? NullTreatment::kIgnoreNulls : NullTreatment::kRespectNulls;
    next();
  }
  if (at_keyword("FILTER") && at(TokenKind::kLParen, 1)) {
    next();
    next();
    BRAID_RETURN_IF_ERROR(expect_keyword("WHERE"));
    BRAID_ASSIGN_OR_RETURN(f.filter, parse_expr());
    BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "')'"));
  }
  if (at_keyword("OVER") && (at(TokenKind::kLParen, 1) || at_name(1))) {
    next();
    if (at(TokenKind::kLParen)) {
      BRAID_ASSIGN_OR_RETURN(f.over, parse_window_spec());
    } else {
      WindowSpec w;
      w.pos = peek().pos;
      w.base_window = next().value;
      f.over = std::move(w);
    }
  }
  return make_expr(pos, std::move(f));
}

Status Parser::parse_call_args(FunctionCall& f) {
  do {
    if (at_name() && at(TokenKind::kArrow, 1)) {
      NamedArgument a;
      a.pos = peek().pos;
      a.name = next().value;
      next();  // =>
      BRAID_ASSIGN_OR_RETURN(a.value, parse_expr());
      f.named_args.push_back(std::move(a));
    } else {
      if (!f.named_args.empty())
        return error_at(peek().pos, "positional argument after named arguments");
      BRAID_ASSIGN_OR_RETURN(ExprPtr e, parse_expr());
      f.args.push_back(std::move(e));
    }
  } while (accept(TokenKind::kComma));
  return Status::OK();
}

}  // namespace braid::sql::parser_internal
