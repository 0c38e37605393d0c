// The recursive-descent parser behind sql/parser.h: one class over the tokens of lexer.h, its
// methods defined by grammar area:
//   parser.cc             entry points, errors, nesting limits, names and other shared pieces
//   parse_statements.cc   statement dispatch, CREATE / ALTER / DROP, DESCRIBE, SHOW, OPTIMIZE,
//                         VACUUM, EXPLAIN, SET, RESET
//   parse_dml.cc          INSERT, UPDATE, DELETE, MERGE
//   parse_queries.cc      queries: WITH, set operations, SELECT, VALUES, ORDER BY, windows
//   parse_relations.cc    FROM: table names, joins, table functions, derived tables, time travel
//   parse_types.cc        type names and struct fields
//   parse_expressions.cc  expressions: operators, predicates, literals, calls, special forms
//
// Private to src/sql/. Thread-safety: a Parser is used by one thread for one text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "braid/result.h"
#include "common/ascii.h"
#include "sql/ast.h"
#include "sql/lexer.h"
#include "sql/parser.h"

namespace braid::sql::parser_internal {

using ascii::upper;
using ascii::lower;

// Heights of new nodes (their children's heights plus one): bound the depth of any tree walk.
int node_height(const ExprNode& node);
int query_height(const Query& q);
int table_height(const TableRef& t);

// Operator precedence, loosest first (Spark's).
enum Prec : int {
  kPrecOr = 1,
  kPrecAnd,
  kPrecNot,
  kPrecCompare,  // comparisons and IS / IN / BETWEEN / LIKE
  kPrecBitOr,
  kPrecBitXor,
  kPrecBitAnd,
  kPrecAdditive,        // + - ||
  kPrecMultiplicative,  // * / % DIV
  kPrecUnary,
};

// Stack the parser may use below its entry point before it refuses to nest further: sanitizer
// and unoptimised builds have much bigger frames (and run on 8 MB main or pool thread stacks).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) || !defined(NDEBUG)
#define BRAID_SQL_BIG_FRAMES 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define BRAID_SQL_BIG_FRAMES 1
#endif
#endif
#ifdef BRAID_SQL_BIG_FRAMES
constexpr uintptr_t kStackBudget = 4u << 20;
#else
constexpr uintptr_t kStackBudget = 1u << 20;
#endif

class Nest {
 public:
  explicit Nest(int& depth) : depth_(depth) { ++depth_; }
  ~Nest() { --depth_; }
  Nest(const Nest&) = delete;
  Nest& operator=(const Nest&) = delete;

 private:
  int& depth_;
};

class Parser {
 public:
  // `tokens` may stop early at a lexical error (`lex_error`, see tokenize_prefix): syntax errors
  // before it are reported first, and reaching the early end reports it.
  Parser(std::string_view sql, std::vector<Token> tokens, Status lex_error)
      : sql_(sql), tokens_(std::move(tokens)), lex_error_(std::move(lex_error)) {}

  // The entry points of sql/parser.h (parser.cc).
  Result<std::vector<StatementPtr>> statements();
  Result<StatementPtr> single_statement();
  Result<ExprPtr> single_expression();
  Result<std::vector<StructFieldType>> field_list();
  Result<TypeName> single_type();

 private:
  // ---- tokens

  const Token& peek(size_t ahead = 0) const {
    return at_ + ahead < tokens_.size() ? tokens_[at_ + ahead] : tokens_.back();
  }
  const Token& next() {
    const Token& t = tokens_[at_];
    if (t.kind != TokenKind::kEnd) {
      last_end_ = t.offset + t.text.size();
      ++at_;
    }
    return t;
  }
  bool at(TokenKind kind, size_t ahead = 0) const { return peek(ahead).kind == kind; }
  bool at_keyword(std::string_view kw, size_t ahead = 0) const {
    return peek(ahead).is_keyword(kw);
  }
  bool accept(TokenKind kind) {
    if (!at(kind)) return false;
    next();
    return true;
  }
  bool accept_keyword(std::string_view kw) {
    if (!at_keyword(kw)) return false;
    next();
    return true;
  }
  Status expect(TokenKind kind, std::string_view what) {
    if (!at(kind)) return expected(what);
    next();
    return Status::OK();
  }
  Status expect_keyword(std::string_view kw) {
    if (!at_keyword(kw)) return expected(kw);
    next();
    return Status::OK();
  }

  // ---- errors and nesting (parser.cc)

  [[gnu::noinline]] Status expected(std::string_view what) const;
  [[gnu::noinline]] static Status error_at(SourcePosition pos, std::string_view message);
  [[gnu::noinline]] static Status not_supported(SourcePosition pos, std::string_view construct);
  std::string_view unsupported_construct() const;
  Status check_depth() const {
    if (depth_ > kMaxNestingDepth) return too_deep(peek().pos);
    // Backstop for builds with big frames (sanitizers) or callers on small stacks: the depth
    // limit keeps ordinary builds far below the budget.
    const auto here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
    if (stack_base_ > here && stack_base_ - here > kStackBudget) return out_of_stack(peek().pos);
    return Status::OK();
  }
  [[gnu::noinline]] static Status too_deep(SourcePosition pos);
  [[gnu::noinline]] static Status out_of_stack(SourcePosition pos);
  void set_stack_base() { stack_base_ = reinterpret_cast<uintptr_t>(__builtin_frame_address(0)); }

  // ---- names (parser.cc)

  // A word usable as a name here: quoted, or unquoted and not reserved.
  bool at_name(size_t ahead = 0) const {
    const Token& t = peek(ahead);
    if (t.kind == TokenKind::kQuotedIdentifier) return true;
    return t.kind == TokenKind::kIdentifier && !is_reserved_word(t.text);
  }
  bool at_implicit_alias() const;
  Result<std::string> parse_name(std::string_view what);
  // After a dot any word is a name part (`t.order`, `s.end`).
  bool at_name_part(size_t ahead = 0) const { return peek(ahead).is_word(); }
  Result<std::vector<std::string>> parse_name_list(std::string_view what);
  Result<std::string> parse_string(std::string_view what);
  Result<QualifiedName> parse_column_path();

  static bool is_query_start(const Token& t) {
    return t.is_keyword("SELECT") || t.is_keyword("WITH") || t.is_keyword("VALUES");
  }
  // peek(ahead) is '(': does a query start inside, after any further '('s?
  bool paren_starts_query(size_t ahead) const {
    // Bounded: more parentheses than the nesting limit fail anyway, and an unbounded scan at every
    // level would make deep inputs quadratic.
    size_t j = ahead;
    while (at(TokenKind::kLParen, j) && j - ahead <= static_cast<size_t>(kMaxNestingDepth)) ++j;
    return is_query_start(peek(j));
  }

  // ---- node construction (heights bounded; parser.cc)

  // Noinline, and taking the alternative rather than the variant, to keep the frames of the
  // recursive descent small (sanitizer builds give every temporary its own stack slot).
  template <typename T>
  [[gnu::noinline]] Result<ExprPtr> make_expr(SourcePosition pos, T&& node) {
    auto e = std::make_unique<Expr>();
    e->pos = pos;
    e->node.template emplace<std::decay_t<T>>(std::forward<T>(node));
    e->height = node_height(e->node);
    if (e->height > kMaxNestingDepth) return too_deep(pos);
    return e;
  }
  [[gnu::noinline]] Status finish_query(Query& q);
  [[gnu::noinline]] Status finish_table(TableRef& t);

  // ---- statements (parse_statements.cc)

  Result<StatementPtr> parse_one_statement();
  Result<StatementNode> parse_statement_node();
  Result<StatementNode> parse_alter();
  Result<StatementNode> parse_create();
  Result<bool> parse_if_not_exists();
  Result<bool> parse_if_exists();
  Result<StatementNode> parse_create_table(bool or_replace);
  Result<Properties> parse_properties();
  Result<StatementNode> parse_create_view(bool or_replace, bool temporary, bool global);
  Result<StatementNode> parse_drop();
  bool at_table_name_start(size_t ahead) const;
  Result<StatementNode> parse_describe();
  Result<StatementNode> parse_show();
  Result<StatementNode> parse_optimize();
  Result<StatementNode> parse_vacuum();
  Result<StatementNode> parse_explain();
  bool at_statement_end() const;
  Result<StatementNode> parse_set();
  std::string parse_set_value();
  Result<StatementNode> parse_reset();

  // ---- INSERT, UPDATE, DELETE, MERGE (parse_dml.cc)

  Result<StatementNode> parse_insert(std::vector<CommonTableExpr> ctes);
  Result<std::optional<std::string>> parse_optional_alias();
  Result<std::vector<Assignment>> parse_assignments();
  Result<StatementNode> parse_update(std::vector<CommonTableExpr> ctes);
  Result<StatementNode> parse_delete(std::vector<CommonTableExpr> ctes);
  Result<StatementNode> parse_merge(std::vector<CommonTableExpr> ctes);
  Result<MergeClause> parse_merge_clause();

  // ---- table names and relations (parse_relations.cc)

  Result<TableName> parse_table_name(bool allow_string_path);
  Result<TableRefPtr> parse_from();
  Result<TableRefPtr> make_join(SourcePosition pos, JoinType type, TableRefPtr left,
                                TableRefPtr right);
  std::optional<JoinType> accept_join_type();
  Result<TableRefPtr> parse_join_chain();
  bool at_time_travel() const;
  [[gnu::noinline]] Result<TableRefPtr> parse_table_primary();

  // ---- queries (parse_queries.cc)

  Result<QueryPtr> parse_query();
  Status parse_ctes(std::vector<CommonTableExpr>& ctes);
  [[gnu::noinline]] Result<QueryPtr> parse_query_after_with(SourcePosition pos,
                                                            std::vector<CommonTableExpr> ctes,
                                                            QueryPtr first);
  Result<QueryPtr> make_set_operation(SourcePosition pos, SetOpKind kind, bool all, QueryPtr left,
                                      QueryPtr right);
  bool parse_set_quantifier();
  Result<QueryPtr> parse_set_expression(QueryPtr first);
  Result<QueryPtr> parse_set_term(QueryPtr first);
  Result<QueryPtr> parse_query_primary();
  Result<Values> parse_values();
  [[gnu::noinline]] Result<Select> parse_select();
  Result<std::vector<ExprPtr>> parse_expr_list();
  Result<std::vector<OrderItem>> parse_order_items();
  [[gnu::noinline]] Result<WindowSpec> parse_window_spec();
  Result<FrameBound> parse_frame_bound();

  // ---- types (parse_types.cc)

  Result<TypeName> parse_type();
  Result<TypeName> parse_type_named(SourcePosition pos, std::string name);
  Result<StructFieldType> parse_struct_field();
  Result<int> parse_small_int(std::string_view what);

  // ---- expressions (parse_expressions.cc)

  Result<ExprPtr> parse_expr() { return parse_binary(kPrecOr); }
  static bool binary_operator(const Token& t, BinaryOp& op, int& prec);
  bool at_predicate(size_t ahead) const;
  Result<ExprPtr> parse_binary(int min_prec);
  [[gnu::noinline]] Result<ExprPtr> parse_is(ExprPtr left);
  [[gnu::noinline]] Result<ExprPtr> parse_predicate(ExprPtr left);
  Result<ExprPtr> parse_prefix(int min_prec);
  [[gnu::noinline]] Result<ExprPtr> parse_not(int min_prec);
  [[gnu::noinline]] Result<ExprPtr> parse_unary_operator();
  Result<ExprPtr> parse_postfix();
  [[gnu::noinline]] Result<ExprPtr> parse_postfix_operator(ExprPtr e, bool& done);
  [[gnu::noinline]] Result<ExprPtr> number_literal(const Token& t);
  Result<ExprPtr> parse_primary();
  [[gnu::noinline]] Result<ExprPtr> parse_token_expression();
  bool at_query_continuation() const;
  Result<ExprPtr> parse_paren_expression();
  Result<ExprPtr> parse_name_expression();
  [[gnu::noinline]] Result<ExprPtr> parse_word_expression();
  [[gnu::noinline]] Result<ExprPtr> parse_case();
  [[gnu::noinline]] Result<ExprPtr> parse_interval();
  [[gnu::noinline]] Result<ExprPtr> parse_substring();
  [[gnu::noinline]] Result<ExprPtr> parse_trim();
  Result<ExprPtr> parse_call(SourcePosition pos, QualifiedName name);
  [[gnu::noinline]] Result<ExprPtr> finish_call(SourcePosition pos, FunctionCall f,
                                                ExprPtr first);
  Status parse_call_args(FunctionCall& f);

  std::string_view sql_;
  std::vector<Token> tokens_;
  Status lex_error_;
  uintptr_t stack_base_ = 0;
  size_t at_ = 0;
  size_t last_end_ = 0;
  int depth_ = 0;
};

}  // namespace braid::sql::parser_internal
