// The parser's entry points (sql/parser.h) and what every grammar area shares: errors, the
// nesting limits (depth and tree heights), names and string literals. The grammar itself is in
// the parse_*.cc files (see internal/parser.h).
#include "sql/parser.h"

#include <algorithm>
#include <optional>
#include <string>
#include <variant>

#include "sql/internal/parser.h"
#include "sql/keywords.h"
#include "sql/lexer.h"

namespace braid::sql {
namespace parser_internal {
namespace {

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

int h(const ExprPtr& e) {
  return e ? e->height : 0;
}
int h(const QueryPtr& q) {
  return q ? q->height : 0;
}
int h(const TableRefPtr& t) {
  return t ? t->height : 0;
}
int h(const std::vector<ExprPtr>& list) {
  int m = 0;
  for (const auto& e : list) m = std::max(m, h(e));
  return m;
}
int h(const std::vector<OrderItem>& items) {
  int m = 0;
  for (const auto& i : items) m = std::max(m, h(i.expr));
  return m;
}
int h(const std::vector<NamedArgument>& args) {
  int m = 0;
  for (const auto& a : args) m = std::max(m, h(a.value));
  return m;
}
int h(const WindowSpec& w) {
  int m = std::max(h(w.partition_by), h(w.order_by));
  if (w.frame) m = std::max({m, h(w.frame->start.offset), h(w.frame->end.offset)});
  return m;
}
int h(const std::vector<CommonTableExpr>& ctes) {
  int m = 0;
  for (const auto& c : ctes) m = std::max(m, h(c.query));
  return m;
}

}  // namespace

int node_height(const ExprNode& node) {
  return 1 + std::visit(Overloaded{
                            [](const Literal&) { return 0; },
                            [](const ColumnRef&) { return 0; },
                            [](const Star&) { return 0; },
                            [](const Parameter&) { return 0; },
                            [](const Unary& n) { return h(n.operand); },
                            [](const Binary& n) { return std::max(h(n.left), h(n.right)); },
                            [](const IsPredicate& n) { return h(n.operand); },
                            [](const IsDistinctFrom& n) { return std::max(h(n.left), h(n.right)); },
                            [](const Between& n) {
                              return std::max({h(n.operand), h(n.low), h(n.high)});
                            },
                            [](const InList& n) { return std::max(h(n.operand), h(n.list)); },
                            [](const InSubquery& n) { return std::max(h(n.operand), h(n.query)); },
                            [](const Exists& n) { return h(n.query); },
                            [](const ScalarSubquery& n) { return h(n.query); },
                            [](const Like& n) { return std::max(h(n.operand), h(n.pattern)); },
                            [](const Case& n) {
                              int m = std::max(h(n.operand), h(n.else_result));
                              for (const auto& w : n.whens)
                                m = std::max({m, h(w.condition), h(w.result)});
                              return m;
                            },
                            [](const Cast& n) { return h(n.operand); },
                            [](const FunctionCall& n) {
                              int m = std::max({h(n.args), h(n.named_args), h(n.filter)});
                              if (n.over) m = std::max(m, h(*n.over));
                              return m;
                            },
                            [](const Subscript& n) { return std::max(h(n.base), h(n.index)); },
                            [](const FieldAccess& n) { return h(n.base); },
                            [](const Row& n) { return h(n.items); },
                        },
                        node);
}

int query_height(const Query& q) {
  int m = std::max({h(q.ctes), h(q.order_by), h(q.limit), h(q.offset)});
  m = std::max(
      m,
      std::visit(
          Overloaded{
              [](const Select& s) {
                int r = std::max({h(s.from), h(s.where), h(s.group_by), h(s.having), h(s.qualify)});
                for (const auto& i : s.items) r = std::max(r, h(i.expr));
                for (const auto& w : s.windows) r = std::max(r, h(w.spec));
                return r;
              },
              [](const Values& v) {
                int r = 0;
                for (const auto& row : v.rows) r = std::max(r, h(row));
                return r;
              },
              [](const SetOperation& s) { return std::max(h(s.left), h(s.right)); },
              [](const QueryPtr& inner) { return h(inner); },
          },
          q.body));
  return 1 + m;
}

int table_height(const TableRef& t) {
  return 1 + std::visit(
                 Overloaded{
                     [](const BaseTable& b) { return b.time_travel ? h(b.time_travel->value) : 0; },
                     [](const TableFunction& f) { return std::max(h(f.args), h(f.named_args)); },
                     [](const DerivedTable& d) { return h(d.query); },
                     [](const Join& j) {
                       return std::max({h(j.left), h(j.right), h(j.on)});
                     },
                 },
                 t.node);
}

Result<std::vector<StatementPtr>> Parser::statements() {
  set_stack_base();
  std::vector<StatementPtr> out;
  while (true) {
    while (accept(TokenKind::kSemicolon)) {
    }
    if (at(TokenKind::kEnd)) {
      if (!lex_error_.ok()) return lex_error_;
      return out;
    }
    BRAID_ASSIGN_OR_RETURN(StatementPtr st, parse_one_statement());
    out.push_back(std::move(st));
    if (!accept(TokenKind::kSemicolon) && !at(TokenKind::kEnd))
      return expected("';' or end of input");
  }
}

Result<StatementPtr> Parser::single_statement() {
  set_stack_base();
  while (accept(TokenKind::kSemicolon)) {
  }
  if (at(TokenKind::kEnd)) return expected("a statement");
  BRAID_ASSIGN_OR_RETURN(StatementPtr st, parse_one_statement());
  while (accept(TokenKind::kSemicolon)) {
  }
  if (!at(TokenKind::kEnd)) return expected("end of input");
  if (!lex_error_.ok()) return lex_error_;
  return st;
}

Result<ExprPtr> Parser::single_expression() {
  set_stack_base();
  BRAID_ASSIGN_OR_RETURN(ExprPtr e, parse_expr());
  if (!at(TokenKind::kEnd)) return expected("end of input");
  if (!lex_error_.ok()) return lex_error_;
  return e;
}

Result<std::vector<StructFieldType>> Parser::field_list() {
  set_stack_base();
  std::vector<StructFieldType> fields;
  do {
    BRAID_ASSIGN_OR_RETURN(StructFieldType f, parse_struct_field());
    fields.push_back(std::move(f));
  } while (accept(TokenKind::kComma));
  if (!at(TokenKind::kEnd)) return expected("',' or end of input");
  if (!lex_error_.ok()) return lex_error_;
  return fields;
}

Result<TypeName> Parser::single_type() {
  set_stack_base();
  BRAID_ASSIGN_OR_RETURN(TypeName t, parse_type());
  if (!at(TokenKind::kEnd)) return expected("end of input");
  if (!lex_error_.ok()) return lex_error_;
  return t;
}

Status Parser::expected(std::string_view what) const {
  const Token& t = peek();
  if (t.kind == TokenKind::kEnd && !lex_error_.ok()) return lex_error_;
  if (auto construct = unsupported_construct(); !construct.empty()) return not_supported(t.pos, construct);
  return Status::parse_error("line {}, column {}: expected {}, found {}", t.pos.line,
                             t.pos.column, what, describe_token(t));
}

Status Parser::error_at(SourcePosition pos, std::string_view message) {
  return Status::parse_error("line {}, column {}: {}", pos.line, pos.column, message);
}

// Spark SQL that braid recognises only to refuse it by name.
Status Parser::not_supported(SourcePosition pos, std::string_view construct) {
  return Status::not_implemented("line {}, column {}: not supported: {}", pos.line, pos.column, construct);
}

// The Spark construct that starts at the current token where the grammar has no place for it
// (so an error names it rather than the token), or empty.
std::string_view Parser::unsupported_construct() const {
  if (at_keyword("BY", 1) && (at_keyword("DISTRIBUTE") || at_keyword("CLUSTER") || at_keyword("SORT"))) {
    return "DISTRIBUTE BY, CLUSTER BY and SORT BY (braid does not partition a query's output; ORDER BY sorts it)";
  }
  if (at_keyword("TABLESAMPLE")) return "TABLESAMPLE";
  if (at_keyword("LATERAL")) return at_keyword("VIEW", 1) ? "LATERAL VIEW" : "LATERAL subqueries";
  if (at_keyword("PIVOT")) return "PIVOT";
  if (at_keyword("UNPIVOT")) return "UNPIVOT";
  if (at_keyword("GROUPING") && at_keyword("SETS", 1)) return "GROUP BY GROUPING SETS";
  if (at_keyword("WITH") && (at_keyword("ROLLUP", 1) || at_keyword("CUBE", 1))) {
    return at_keyword("ROLLUP", 1) ? "GROUP BY ... WITH ROLLUP" : "GROUP BY ... WITH CUBE";
  }
  return {};
}

Status Parser::too_deep(SourcePosition pos) {
  return error_at(pos,
                  fmt::format("nesting too deep (the limit is {} levels)", kMaxNestingDepth));
}

Status Parser::out_of_stack(SourcePosition pos) {
  return error_at(pos, "nesting too deep for the parser's stack");
}

// A word that can be an alias without AS.
bool Parser::at_implicit_alias() const {
  const Token& t = peek();
  if (t.kind == TokenKind::kQuotedIdentifier) return true;
  return t.kind == TokenKind::kIdentifier && !is_reserved_word(t.text) &&
         keyword_kind(t.text) != KeywordKind::kNoImplicitAlias;
}

Result<std::string> Parser::parse_name(std::string_view what) {
  if (!at_name()) return expected(what);
  return next().value;
}

Status Parser::finish_query(Query& q) {
  q.height = query_height(q);
  if (q.height > kMaxNestingDepth) return too_deep(q.pos);
  return Status::OK();
}

Status Parser::finish_table(TableRef& t) {
  t.height = table_height(t);
  if (t.height > kMaxNestingDepth) return too_deep(t.pos);
  return Status::OK();
}

// ( name, ... )
Result<std::vector<std::string>> Parser::parse_name_list(std::string_view what) {
  BRAID_RETURN_IF_ERROR(expect(TokenKind::kLParen, "'('"));
  std::vector<std::string> names;
  do {
    BRAID_ASSIGN_OR_RETURN(std::string n, parse_name(what));
    names.push_back(std::move(n));
  } while (accept(TokenKind::kComma));
  BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "',' or ')'"));
  return names;
}

Result<std::string> Parser::parse_string(std::string_view what) {
  if (!at(TokenKind::kString)) return expected(what);
  std::string s = next().value;
  while (at(TokenKind::kString)) s += next().value;  // 'a' 'b' is 'ab', as in Spark
  return s;
}

// a, t.a, s.field.subfield
Result<QualifiedName> Parser::parse_column_path() {
  QualifiedName parts;
  BRAID_ASSIGN_OR_RETURN(std::string first, parse_name("a column name"));
  parts.push_back(std::move(first));
  while (at(TokenKind::kDot) && at_name_part(1)) {
    next();
    parts.push_back(next().value);
  }
  return parts;
}

}  // namespace parser_internal

namespace {

parser_internal::Parser make_parser(std::string_view sql) {
  Status lex_error;
  std::vector<Token> tokens = tokenize_prefix(sql, &lex_error);
  return parser_internal::Parser(sql, std::move(tokens), std::move(lex_error));
}

}  // namespace

bool is_reserved_word(std::string_view word) {
  const std::optional<KeywordKind> kind = keyword_kind(word);
  return kind == KeywordKind::kReserved || kind == KeywordKind::kReservedFunction;
}

Result<std::vector<StatementPtr>> parse_statements(std::string_view sql) {
  parser_internal::Parser parser = make_parser(sql);
  return parser.statements();
}

Result<StatementPtr> parse_statement(std::string_view sql) {
  parser_internal::Parser parser = make_parser(sql);
  return parser.single_statement();
}

Result<ExprPtr> parse_expression(std::string_view sql) {
  parser_internal::Parser parser = make_parser(sql);
  return parser.single_expression();
}

Result<TypeName> parse_type_name(std::string_view sql) {
  parser_internal::Parser parser = make_parser(sql);
  return parser.single_type();
}

Result<std::vector<StructFieldType>> parse_field_list(std::string_view sql) {
  parser_internal::Parser parser = make_parser(sql);
  return parser.field_list();
}

Status error_at(SourcePosition pos, const Status& error) {
  if (error.ok() || pos.line == 0 || error.message().starts_with("line ")) return error;
  return Status(error.code(), fmt::format("line {}, column {}: {}", pos.line, pos.column, error.to_string()));
}

}  // namespace braid::sql
