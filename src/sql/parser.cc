#include "sql/parser.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <iterator>
#include <string>

#include "sql/lexer.h"

namespace braid::sql {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}
std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Sorted: clause and operator words that never name anything unless quoted.
constexpr std::string_view kReservedWords[] = {
    "ALL",   "AND",  "AS",      "BETWEEN", "CASE",    "CROSS",  "DISTINCT", "ELSE",    "EXCEPT",
    "FALSE", "FROM", "FULL",    "GROUP",   "HAVING",  "ILIKE",  "IN",       "INNER",   "INTERSECT",
    "IS",    "JOIN", "LATERAL", "LEFT",    "LIKE",    "LIMIT",  "MINUS",    "NATURAL", "NOT",
    "NULL",  "ON",   "OR",      "ORDER",   "QUALIFY", "REGEXP", "RIGHT",    "RLIKE",   "SELECT",
    "THEN",  "TRUE", "UNION",   "USING",   "WHEN",    "WHERE",  "WITH",
};
static_assert(std::is_sorted(std::begin(kReservedWords), std::end(kReservedWords)));

// Words that may be names (`end`, `window`, `offset` are common column names) but are not taken
// as implicit aliases, because a clause or operator may start with them.
constexpr std::string_view kAliasStopWords[] = {
    "ANTI", "CLUSTER", "DISTRIBUTE", "DIV", "END",  "ESCAPE",      "FILTER",  "FOR",    "OFFSET",
    "OVER", "PIVOT",   "SEMI",       "SET", "SORT", "TABLESAMPLE", "UNPIVOT", "WINDOW",
};
static_assert(std::is_sorted(std::begin(kAliasStopWords), std::end(kAliasStopWords)));

bool in_sorted(std::string_view word, const auto& list) {
  const std::string u = upper(word);
  return std::binary_search(std::begin(list), std::end(list), std::string_view(u));
}

// Reserved words that still name functions when followed by '(' (left('abc', 2), like(a, b)).
bool is_reserved_function(const std::string& u) {
  return u == "LEFT" || u == "RIGHT" || u == "LIKE" || u == "ILIKE" || u == "RLIKE" ||
         u == "REGEXP";
}

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

  Result<std::vector<StatementPtr>> statements() {
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

  Result<StatementPtr> single_statement() {
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

  Result<ExprPtr> single_expression() {
    set_stack_base();
    BRAID_ASSIGN_OR_RETURN(ExprPtr e, parse_expr());
    if (!at(TokenKind::kEnd)) return expected("end of input");
    if (!lex_error_.ok()) return lex_error_;
    return e;
  }

  Result<std::vector<StructFieldType>> field_list() {
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

  Result<TypeName> single_type() {
    set_stack_base();
    BRAID_ASSIGN_OR_RETURN(TypeName t, parse_type());
    if (!at(TokenKind::kEnd)) return expected("end of input");
    if (!lex_error_.ok()) return lex_error_;
    return t;
  }

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

  [[gnu::noinline]] Status expected(std::string_view what) const {
    const Token& t = peek();
    if (t.kind == TokenKind::kEnd && !lex_error_.ok()) return lex_error_;
    if (auto construct = unsupported_construct(); !construct.empty()) return not_supported(t.pos, construct);
    return Status::parse_error("line {}, column {}: expected {}, found {}", t.pos.line,
                               t.pos.column, what, describe_token(t));
  }
  [[gnu::noinline]] static Status error_at(SourcePosition pos, std::string_view message) {
    return Status::parse_error("line {}, column {}: {}", pos.line, pos.column, message);
  }
  // Spark SQL that braid recognises only to refuse it by name.
  [[gnu::noinline]] static Status not_supported(SourcePosition pos, std::string_view construct) {
    return Status::not_implemented("line {}, column {}: not supported: {}", pos.line, pos.column, construct);
  }
  // The Spark construct that starts at the current token where the grammar has no place for it
  // (so an error names it rather than the token), or empty.
  std::string_view unsupported_construct() const {
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
  Status check_depth() const {
    if (depth_ > kMaxNestingDepth) return too_deep(peek().pos);
    // Backstop for builds with big frames (sanitizers) or callers on small stacks: the depth
    // limit keeps ordinary builds far below the budget.
    const auto here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
    if (stack_base_ > here && stack_base_ - here > kStackBudget) return out_of_stack(peek().pos);
    return Status::OK();
  }
  [[gnu::noinline]] static Status too_deep(SourcePosition pos) {
    return error_at(pos,
                    fmt::format("nesting too deep (the limit is {} levels)", kMaxNestingDepth));
  }
  [[gnu::noinline]] static Status out_of_stack(SourcePosition pos) {
    return error_at(pos, "nesting too deep for the parser's stack");
  }
  void set_stack_base() { stack_base_ = reinterpret_cast<uintptr_t>(__builtin_frame_address(0)); }

  // A word usable as a name here: quoted, or unquoted and not reserved.
  bool at_name(size_t ahead = 0) const {
    const Token& t = peek(ahead);
    if (t.kind == TokenKind::kQuotedIdentifier) return true;
    return t.kind == TokenKind::kIdentifier && !is_reserved_word(t.text);
  }
  // A word that can be an alias without AS.
  bool at_implicit_alias() const {
    const Token& t = peek();
    if (t.kind == TokenKind::kQuotedIdentifier) return true;
    return t.kind == TokenKind::kIdentifier && !is_reserved_word(t.text) &&
           !in_sorted(t.text, kAliasStopWords);
  }
  Result<std::string> parse_name(std::string_view what) {
    if (!at_name()) return expected(what);
    return next().value;
  }
  // After a dot any word is a name part (`t.order`, `s.end`).
  bool at_name_part(size_t ahead = 0) const { return peek(ahead).is_word(); }

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

  // ---- node construction (heights bounded)

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
  [[gnu::noinline]] Status finish_query(Query& q) {
    q.height = query_height(q);
    if (q.height > kMaxNestingDepth) return too_deep(q.pos);
    return Status::OK();
  }
  [[gnu::noinline]] Status finish_table(TableRef& t) {
    t.height = table_height(t);
    if (t.height > kMaxNestingDepth) return too_deep(t.pos);
    return Status::OK();
  }

  // ---- statements

  Result<StatementPtr> parse_one_statement() {
    Nest nest(depth_);
    BRAID_RETURN_IF_ERROR(check_depth());
    const Token& first = peek();
    auto st = std::make_unique<Statement>();
    st->pos = first.pos;
    st->offset = first.offset;
    BRAID_ASSIGN_OR_RETURN(st->node, parse_statement_node());
    st->text = std::string(sql_.substr(st->offset, last_end_ - st->offset));
    return st;
  }

  Result<StatementNode> parse_statement_node() {
    const Token& t = peek();
    if (t.is_keyword("WITH")) {
      const SourcePosition pos = t.pos;
      next();
      std::vector<CommonTableExpr> ctes;
      BRAID_RETURN_IF_ERROR(parse_ctes(ctes));
      if (at_keyword("INSERT")) return parse_insert(std::move(ctes));
      if (at_keyword("UPDATE")) return parse_update(std::move(ctes));
      if (at_keyword("DELETE")) return parse_delete(std::move(ctes));
      if (at_keyword("MERGE")) return parse_merge(std::move(ctes));
      BRAID_ASSIGN_OR_RETURN(QueryPtr q, parse_query_after_with(pos, std::move(ctes), nullptr));
      return QueryStatement{std::move(q)};
    }
    if (t.is_keyword("SELECT") || t.is_keyword("VALUES") || t.kind == TokenKind::kLParen) {
      BRAID_ASSIGN_OR_RETURN(QueryPtr q, parse_query());
      return QueryStatement{std::move(q)};
    }
    if (t.is_keyword("CREATE")) return parse_create();
    if (t.is_keyword("DROP")) return parse_drop();
    if (t.is_keyword("INSERT")) return parse_insert({});
    if (t.is_keyword("UPDATE")) return parse_update({});
    if (t.is_keyword("DELETE")) return parse_delete({});
    if (t.is_keyword("MERGE")) return parse_merge({});
    if (t.is_keyword("DESCRIBE") || t.is_keyword("DESC")) return parse_describe();
    if (t.is_keyword("SHOW")) return parse_show();
    if (t.is_keyword("OPTIMIZE")) return parse_optimize();
    if (t.is_keyword("VACUUM")) return parse_vacuum();
    if (t.is_keyword("EXPLAIN")) return parse_explain();
    if (t.is_keyword("SET")) return parse_set();
    if (t.is_keyword("ALTER")) return parse_alter();
    if (t.is_keyword("RESET")) return parse_reset();
    return expected("a statement");
  }

  // ALTER TABLE t SET TBLPROPERTIES (...) | UNSET TBLPROPERTIES [IF EXISTS] (...): the one ALTER
  // braid implements; the others are refused by name.
  Result<StatementNode> parse_alter() {
    next();  // ALTER
    if (!at_keyword("TABLE")) return expected("TABLE");
    next();
    AlterTableProperties a;
    BRAID_ASSIGN_OR_RETURN(a.table, parse_table_name(true));
    const Token& t = peek();
    if ((t.is_keyword("SET") || t.is_keyword("UNSET")) && at_keyword("TBLPROPERTIES", 1)) {
      a.unset = t.is_keyword("UNSET");
      next();
      next();
      if (!a.unset) {
        BRAID_ASSIGN_OR_RETURN(a.properties, parse_properties());
        return a;
      }
      BRAID_ASSIGN_OR_RETURN(a.if_exists, parse_if_exists());
      BRAID_RETURN_IF_ERROR(expect(TokenKind::kLParen, "'('"));
      do {
        std::string key;
        if (at(TokenKind::kString)) {
          key = next().value;
        } else if (at_name_part()) {
          key = next().value;
          while (at(TokenKind::kDot) && at_name_part(1)) {
            next();
            key += '.';
            key += next().value;
          }
        } else {
          return expected("a property key");
        }
        a.keys.push_back(std::move(key));
      } while (accept(TokenKind::kComma));
      BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "',' or ')'"));
      return a;
    }
    return error_at(t.pos, fmt::format("ALTER TABLE ... {} is not supported; braid implements ALTER TABLE ... SET "
                                       "TBLPROPERTIES and UNSET TBLPROPERTIES",
                                       t.kind == TokenKind::kEnd ? std::string("(nothing)") : upper(t.text)));
  }

  Result<StatementNode> parse_create() {
    next();  // CREATE
    bool or_replace = false;
    if (accept_keyword("OR")) {
      BRAID_RETURN_IF_ERROR(expect_keyword("REPLACE"));
      or_replace = true;
    }
    const bool global = accept_keyword("GLOBAL");
    const bool temporary = accept_keyword("TEMPORARY") || accept_keyword("TEMP");
    if (global && !temporary) return expected("TEMPORARY");
    if (at_keyword("VIEW")) {
      next();
      return parse_create_view(or_replace, temporary, global);
    }
    if (temporary) return expected("VIEW");
    if (!at_keyword("TABLE")) return expected("TABLE or VIEW");
    next();
    return parse_create_table(or_replace);
  }

  Result<bool> parse_if_not_exists() {
    if (!at_keyword("IF")) return false;
    next();
    BRAID_RETURN_IF_ERROR(expect_keyword("NOT"));
    BRAID_RETURN_IF_ERROR(expect_keyword("EXISTS"));
    return true;
  }
  Result<bool> parse_if_exists() {
    if (!at_keyword("IF")) return false;
    next();
    BRAID_RETURN_IF_ERROR(expect_keyword("EXISTS"));
    return true;
  }

  Result<StatementNode> parse_create_table(bool or_replace) {
    CreateTable c;
    c.or_replace = or_replace;
    const SourcePosition if_pos = peek().pos;
    BRAID_ASSIGN_OR_RETURN(c.if_not_exists, parse_if_not_exists());
    if (c.or_replace && c.if_not_exists) {
      return error_at(if_pos, "CREATE OR REPLACE TABLE cannot be combined with IF NOT EXISTS");
    }
    BRAID_ASSIGN_OR_RETURN(c.name, parse_table_name(false));
    if (at(TokenKind::kLParen) && !paren_starts_query(0)) {
      next();
      do {
        ColumnDef col;
        col.pos = peek().pos;
        BRAID_ASSIGN_OR_RETURN(col.name, parse_name("a column name"));
        BRAID_ASSIGN_OR_RETURN(col.type, parse_type());
        while (true) {
          if (at_keyword("NOT") && at_keyword("NULL", 1)) {
            next();
            next();
            col.not_null = true;
          } else if (accept_keyword("COMMENT")) {
            BRAID_ASSIGN_OR_RETURN(col.comment, parse_string("a comment string"));
          } else {
            break;
          }
        }
        c.columns.push_back(std::move(col));
      } while (accept(TokenKind::kComma));
      BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "',' or ')'"));
    }
    // Table clauses, in any order, each at most once.
    bool seen_partitioned = false;
    bool seen_properties = false;
    while (true) {
      const Token& t = peek();
      auto duplicate = [&]() {
        return error_at(t.pos, fmt::format("duplicate {} clause", upper(t.text)));
      };
      if (t.is_keyword("USING")) {
        if (c.using_format) return duplicate();
        next();
        BRAID_ASSIGN_OR_RETURN(c.using_format, parse_name("a table format"));
      } else if (t.is_keyword("PARTITIONED")) {
        if (seen_partitioned) return duplicate();
        seen_partitioned = true;
        next();
        BRAID_RETURN_IF_ERROR(expect_keyword("BY"));
        BRAID_ASSIGN_OR_RETURN(c.partitioned_by, parse_name_list("a column name"));
      } else if (t.is_keyword("LOCATION")) {
        if (c.location) return duplicate();
        next();
        BRAID_ASSIGN_OR_RETURN(c.location, parse_string("a location string"));
      } else if (t.is_keyword("COMMENT")) {
        if (c.comment) return duplicate();
        next();
        BRAID_ASSIGN_OR_RETURN(c.comment, parse_string("a comment string"));
      } else if (t.is_keyword("CLUSTER") && at_keyword("BY", 1)) {
        return not_supported(t.pos, "CREATE TABLE ... CLUSTER BY (liquid clustering); PARTITIONED BY works");
      } else if (t.is_keyword("TBLPROPERTIES")) {
        if (seen_properties) return duplicate();
        seen_properties = true;
        next();
        BRAID_ASSIGN_OR_RETURN(c.properties, parse_properties());
      } else {
        break;
      }
    }
    if (accept_keyword("AS")) {
      BRAID_ASSIGN_OR_RETURN(c.as_query, parse_query());
    }
    return c;
  }

  // ( name, ... )
  Result<std::vector<std::string>> parse_name_list(std::string_view what) {
    BRAID_RETURN_IF_ERROR(expect(TokenKind::kLParen, "'('"));
    std::vector<std::string> names;
    do {
      BRAID_ASSIGN_OR_RETURN(std::string n, parse_name(what));
      names.push_back(std::move(n));
    } while (accept(TokenKind::kComma));
    BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "',' or ')'"));
    return names;
  }

  Result<std::string> parse_string(std::string_view what) {
    if (!at(TokenKind::kString)) return expected(what);
    std::string s = next().value;
    while (at(TokenKind::kString)) s += next().value;  // 'a' 'b' is 'ab', as in Spark
    return s;
  }

  // TBLPROPERTIES ('key' = 'value', key.part = value, ...): keys and values as text.
  Result<Properties> parse_properties() {
    BRAID_RETURN_IF_ERROR(expect(TokenKind::kLParen, "'('"));
    Properties props;
    do {
      std::string key;
      if (at(TokenKind::kString)) {
        key = next().value;
      } else if (at_name_part()) {
        key = next().value;
        while (at(TokenKind::kDot) && at_name_part(1)) {
          next();
          key += '.';
          key += next().value;
        }
      } else {
        return expected("a property key");
      }
      accept(TokenKind::kEq);
      std::string value;
      const Token& v = peek();
      if (v.kind == TokenKind::kString) {
        BRAID_ASSIGN_OR_RETURN(value, parse_string("a property value"));
      } else if (v.kind == TokenKind::kNumber || v.kind == TokenKind::kIdentifier) {
        value = std::string(next().text);
      } else if ((v.kind == TokenKind::kMinus || v.kind == TokenKind::kPlus) &&
                 at(TokenKind::kNumber, 1)) {
        value = std::string(next().text);
        value += next().text;
      } else {
        return expected("a property value");
      }
      props.emplace_back(std::move(key), std::move(value));
    } while (accept(TokenKind::kComma));
    BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "',' or ')'"));
    return props;
  }

  Result<StatementNode> parse_create_view(bool or_replace, bool temporary, bool global) {
    CreateView v;
    v.or_replace = or_replace;
    v.temporary = temporary;
    v.global = global;
    const SourcePosition if_pos = peek().pos;
    BRAID_ASSIGN_OR_RETURN(v.if_not_exists, parse_if_not_exists());
    if (v.or_replace && v.if_not_exists) {
      return error_at(if_pos, "CREATE OR REPLACE VIEW cannot be combined with IF NOT EXISTS");
    }
    BRAID_ASSIGN_OR_RETURN(v.name, parse_table_name(false));
    if (at(TokenKind::kLParen)) {
      next();
      do {
        ViewColumn col;
        BRAID_ASSIGN_OR_RETURN(col.name, parse_name("a column name"));
        if (accept_keyword("COMMENT")) {
          BRAID_ASSIGN_OR_RETURN(col.comment, parse_string("a comment string"));
        }
        v.columns.push_back(std::move(col));
      } while (accept(TokenKind::kComma));
      BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "',' or ')'"));
    }
    if (accept_keyword("COMMENT")) {
      BRAID_ASSIGN_OR_RETURN(v.comment, parse_string("a comment string"));
    }
    BRAID_RETURN_IF_ERROR(expect_keyword("AS"));
    const size_t start = peek().offset;
    BRAID_ASSIGN_OR_RETURN(v.query, parse_query());
    v.query_text = std::string(sql_.substr(start, last_end_ - start));
    return v;
  }

  Result<StatementNode> parse_drop() {
    next();  // DROP
    if (accept_keyword("TABLE")) {
      DropTable d;
      BRAID_ASSIGN_OR_RETURN(d.if_exists, parse_if_exists());
      BRAID_ASSIGN_OR_RETURN(d.name, parse_table_name(false));
      return d;
    }
    if (accept_keyword("VIEW")) {
      DropView d;
      BRAID_ASSIGN_OR_RETURN(d.if_exists, parse_if_exists());
      BRAID_ASSIGN_OR_RETURN(d.name, parse_table_name(false));
      return d;
    }
    return expected("TABLE or VIEW");
  }

  Result<StatementNode> parse_insert(std::vector<CommonTableExpr> ctes) {
    next();  // INSERT
    Insert ins;
    ins.ctes = std::move(ctes);
    if (accept_keyword("OVERWRITE")) {
      ins.overwrite = true;
    } else if (!accept_keyword("INTO")) {
      return expected("INTO or OVERWRITE");
    }
    if (at_keyword("TABLE") && at_name(1) && !is_query_start(peek(1))) next();
    BRAID_ASSIGN_OR_RETURN(ins.table, parse_table_name(false));
    if (at_keyword("PARTITION") && at(TokenKind::kLParen, 1)) {
      next();
      next();
      do {
        PartitionValue p;
        p.pos = peek().pos;
        BRAID_ASSIGN_OR_RETURN(p.column, parse_name("a partition column"));
        if (accept(TokenKind::kEq)) {
          BRAID_ASSIGN_OR_RETURN(p.value, parse_binary(kPrecBitOr));
        }
        ins.partition.push_back(std::move(p));
      } while (accept(TokenKind::kComma));
      BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "',' or ')'"));
    }
    if (at(TokenKind::kLParen) && !paren_starts_query(0)) {
      BRAID_ASSIGN_OR_RETURN(ins.columns, parse_name_list("a column name"));
    }
    if (at_keyword("REPLACE") && at_keyword("WHERE", 1)) {
      next();
      next();
      BRAID_ASSIGN_OR_RETURN(ins.replace_where, parse_expr());
    }
    BRAID_ASSIGN_OR_RETURN(ins.query, parse_query());
    return ins;
  }

  // [AS] alias, for UPDATE / DELETE / MERGE targets.
  Result<std::optional<std::string>> parse_optional_alias() {
    if (accept_keyword("AS")) {
      BRAID_ASSIGN_OR_RETURN(std::string a, parse_name("an alias"));
      return std::optional<std::string>(std::move(a));
    }
    if (at_implicit_alias()) return std::optional<std::string>(next().value);
    return std::optional<std::string>();
  }

  Result<std::vector<Assignment>> parse_assignments() {
    std::vector<Assignment> out;
    do {
      Assignment a;
      a.pos = peek().pos;
      BRAID_ASSIGN_OR_RETURN(a.column, parse_column_path());
      if (!accept(TokenKind::kEq)) return expected("'='");
      BRAID_ASSIGN_OR_RETURN(a.value, parse_expr());
      out.push_back(std::move(a));
    } while (accept(TokenKind::kComma));
    return out;
  }

  // a, t.a, s.field.subfield
  Result<QualifiedName> parse_column_path() {
    QualifiedName parts;
    BRAID_ASSIGN_OR_RETURN(std::string first, parse_name("a column name"));
    parts.push_back(std::move(first));
    while (at(TokenKind::kDot) && at_name_part(1)) {
      next();
      parts.push_back(next().value);
    }
    return parts;
  }

  Result<StatementNode> parse_update(std::vector<CommonTableExpr> ctes) {
    next();  // UPDATE
    Update u;
    u.ctes = std::move(ctes);
    BRAID_ASSIGN_OR_RETURN(u.table, parse_table_name(false));
    BRAID_ASSIGN_OR_RETURN(u.alias, parse_optional_alias());
    BRAID_RETURN_IF_ERROR(expect_keyword("SET"));
    BRAID_ASSIGN_OR_RETURN(u.assignments, parse_assignments());
    if (accept_keyword("WHERE")) {
      BRAID_ASSIGN_OR_RETURN(u.where, parse_expr());
    }
    return u;
  }

  Result<StatementNode> parse_delete(std::vector<CommonTableExpr> ctes) {
    next();  // DELETE
    Delete d;
    d.ctes = std::move(ctes);
    BRAID_RETURN_IF_ERROR(expect_keyword("FROM"));
    BRAID_ASSIGN_OR_RETURN(d.table, parse_table_name(false));
    BRAID_ASSIGN_OR_RETURN(d.alias, parse_optional_alias());
    if (accept_keyword("WHERE")) {
      BRAID_ASSIGN_OR_RETURN(d.where, parse_expr());
    }
    return d;
  }

  Result<StatementNode> parse_merge(std::vector<CommonTableExpr> ctes) {
    next();  // MERGE
    Merge m;
    m.ctes = std::move(ctes);
    BRAID_RETURN_IF_ERROR(expect_keyword("INTO"));
    BRAID_ASSIGN_OR_RETURN(m.target, parse_table_name(false));
    BRAID_ASSIGN_OR_RETURN(m.target_alias, parse_optional_alias());
    BRAID_RETURN_IF_ERROR(expect_keyword("USING"));
    BRAID_ASSIGN_OR_RETURN(m.source, parse_table_primary());
    BRAID_RETURN_IF_ERROR(expect_keyword("ON"));
    BRAID_ASSIGN_OR_RETURN(m.on, parse_expr());
    if (!at_keyword("WHEN")) return expected("WHEN");
    while (at_keyword("WHEN")) {
      BRAID_ASSIGN_OR_RETURN(MergeClause clause, parse_merge_clause());
      m.clauses.push_back(std::move(clause));
    }
    // Spark: of several clauses of one kind, only the last may omit its condition.
    for (size_t i = 0; i < m.clauses.size(); ++i) {
      const MergeClause& c = m.clauses[i];
      if (c.condition) continue;
      for (size_t j = i + 1; j < m.clauses.size(); ++j) {
        if (m.clauses[j].match != c.match) continue;
        const char* kind = c.match == MergeMatch::kMatched ? "WHEN MATCHED"
                           : c.match == MergeMatch::kNotMatchedByTarget
                               ? "WHEN NOT MATCHED [BY TARGET]"
                               : "WHEN NOT MATCHED BY SOURCE";
        return error_at(c.pos, fmt::format("only the last {} clause may omit its condition", kind));
      }
    }
    return m;
  }

  Result<MergeClause> parse_merge_clause() {
    MergeClause c;
    c.pos = next().pos;  // WHEN
    if (accept_keyword("NOT")) {
      BRAID_RETURN_IF_ERROR(expect_keyword("MATCHED"));
      c.match = MergeMatch::kNotMatchedByTarget;
      if (accept_keyword("BY")) {
        if (accept_keyword("SOURCE")) {
          c.match = MergeMatch::kNotMatchedBySource;
        } else if (!accept_keyword("TARGET")) {
          return expected("TARGET or SOURCE");
        }
      }
    } else {
      BRAID_RETURN_IF_ERROR(expect_keyword("MATCHED"));
    }
    if (accept_keyword("AND")) {
      BRAID_ASSIGN_OR_RETURN(c.condition, parse_expr());
    }
    BRAID_RETURN_IF_ERROR(expect_keyword("THEN"));
    if (c.match == MergeMatch::kNotMatchedByTarget) {
      if (!accept_keyword("INSERT")) return expected("INSERT");
      if (accept(TokenKind::kStar)) {
        c.action = MergeAction::kInsertStar;
        return c;
      }
      c.action = MergeAction::kInsert;
      const SourcePosition cols_pos = peek().pos;
      if (accept(TokenKind::kLParen)) {
        do {
          BRAID_ASSIGN_OR_RETURN(QualifiedName col, parse_column_path());
          c.insert_columns.push_back(std::move(col));
        } while (accept(TokenKind::kComma));
        BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "',' or ')'"));
      } else if (!at_keyword("VALUES")) {
        return expected("'(', '*' or VALUES");
      }
      BRAID_RETURN_IF_ERROR(expect_keyword("VALUES"));
      BRAID_RETURN_IF_ERROR(expect(TokenKind::kLParen, "'('"));
      do {
        BRAID_ASSIGN_OR_RETURN(ExprPtr v, parse_expr());
        c.insert_values.push_back(std::move(v));
      } while (accept(TokenKind::kComma));
      BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "',' or ')'"));
      if (!c.insert_columns.empty() && c.insert_columns.size() != c.insert_values.size()) {
        return error_at(cols_pos, fmt::format("INSERT lists {} columns but {} values",
                                              c.insert_columns.size(), c.insert_values.size()));
      }
      return c;
    }
    if (accept_keyword("DELETE")) {
      c.action = MergeAction::kDelete;
      return c;
    }
    if (!at_keyword("UPDATE")) return expected("UPDATE or DELETE");
    next();
    BRAID_RETURN_IF_ERROR(expect_keyword("SET"));
    if (at(TokenKind::kStar)) {
      if (c.match == MergeMatch::kNotMatchedBySource) {
        return error_at(peek().pos, "UPDATE SET * is not allowed in WHEN NOT MATCHED BY SOURCE");
      }
      next();
      c.action = MergeAction::kUpdateStar;
      return c;
    }
    c.action = MergeAction::kUpdate;
    BRAID_ASSIGN_OR_RETURN(c.assignments, parse_assignments());
    return c;
  }

  // Words after DESCRIBE/HISTORY/... that start a table name (not the end of the statement).
  bool at_table_name_start(size_t ahead) const {
    return at_name(ahead) || at(TokenKind::kString, ahead);
  }

  Result<StatementNode> parse_describe() {
    next();  // DESCRIBE | DESC
    Describe d;
    if (at_keyword("HISTORY") && at_table_name_start(1)) {
      next();
      d.kind = DescribeKind::kHistory;
      BRAID_ASSIGN_OR_RETURN(d.table, parse_table_name(true));
      if (accept_keyword("LIMIT")) {
        BRAID_ASSIGN_OR_RETURN(d.limit, parse_binary(kPrecBitOr));
      }
      return d;
    }
    if (at_keyword("DETAIL") && at_table_name_start(1)) {
      next();
      d.kind = DescribeKind::kDetail;
      BRAID_ASSIGN_OR_RETURN(d.table, parse_table_name(true));
      return d;
    }
    if (at_keyword("TABLE") && at_name(1)) next();
    if ((at_keyword("EXTENDED") || at_keyword("FORMATTED")) && at_name(1)) {
      next();
      d.extended = true;
    }
    BRAID_ASSIGN_OR_RETURN(d.table, parse_table_name(false));
    return d;
  }

  Result<StatementNode> parse_show() {
    next();  // SHOW
    Show s;
    if (accept_keyword("TABLES")) {
      s.kind = ShowKind::kTables;
    } else if (accept_keyword("VIEWS")) {
      s.kind = ShowKind::kViews;
    } else if (accept_keyword("COLUMNS")) {
      s.kind = ShowKind::kColumns;
      if (!accept_keyword("FROM") && !accept_keyword("IN")) return expected("FROM or IN");
      BRAID_ASSIGN_OR_RETURN(s.table, parse_table_name(false));
      if (accept_keyword("FROM") || accept_keyword("IN")) {
        BRAID_ASSIGN_OR_RETURN(s.database, parse_column_path());
      }
      return s;
    } else {
      return expected("TABLES, VIEWS or COLUMNS");
    }
    if (accept_keyword("FROM") || accept_keyword("IN")) {
      BRAID_ASSIGN_OR_RETURN(s.database, parse_column_path());
    }
    accept_keyword("LIKE");
    if (at(TokenKind::kString)) {
      BRAID_ASSIGN_OR_RETURN(s.pattern, parse_string("a pattern"));
    }
    return s;
  }

  Result<StatementNode> parse_optimize() {
    next();  // OPTIMIZE
    Optimize o;
    BRAID_ASSIGN_OR_RETURN(o.table, parse_table_name(true));
    if (accept_keyword("WHERE")) {
      BRAID_ASSIGN_OR_RETURN(o.where, parse_expr());
    }
    if (accept_keyword("ZORDER")) {
      BRAID_RETURN_IF_ERROR(expect_keyword("BY"));
      const bool paren = accept(TokenKind::kLParen);
      do {
        BRAID_ASSIGN_OR_RETURN(QualifiedName col, parse_column_path());
        o.zorder_by.push_back(std::move(col));
      } while (accept(TokenKind::kComma));
      if (paren) BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "',' or ')'"));
    }
    return o;
  }

  Result<StatementNode> parse_vacuum() {
    next();  // VACUUM
    Vacuum v;
    BRAID_ASSIGN_OR_RETURN(v.table, parse_table_name(true));
    if (accept_keyword("RETAIN")) {
      const Token& n = peek();
      double hours = 0;
      if (n.kind != TokenKind::kNumber || n.number_kind == NumberKind::kFloat)
        return expected("a number of hours");
      const std::string& text = n.value;
      const auto parsed = std::from_chars(text.data(), text.data() + text.size(), hours);
      if (parsed.ec != std::errc() || parsed.ptr != text.data() + text.size()) {
        return error_at(n.pos, "invalid number of hours");
      }
      next();
      v.retain_hours = hours;
      BRAID_RETURN_IF_ERROR(expect_keyword("HOURS"));
    }
    if (accept_keyword("DRY")) {
      BRAID_RETURN_IF_ERROR(expect_keyword("RUN"));
      v.dry_run = true;
    }
    return v;
  }

  Result<StatementNode> parse_explain() {
    next();  // EXPLAIN
    Explain e;
    if (accept_keyword("EXTENDED")) {
      e.mode = ExplainMode::kExtended;
    } else if (accept_keyword("FORMATTED")) {
      e.mode = ExplainMode::kFormatted;
    } else if (accept_keyword("CODEGEN")) {
      e.mode = ExplainMode::kCodegen;
    } else if (accept_keyword("COST")) {
      e.mode = ExplainMode::kCost;
    }
    BRAID_ASSIGN_OR_RETURN(e.statement, parse_one_statement());
    return e;
  }

  bool at_statement_end() const { return at(TokenKind::kEnd) || at(TokenKind::kSemicolon); }

  Result<StatementNode> parse_set() {
    next();  // SET
    SetOption s;
    if (at_statement_end()) return s;
    if (at(TokenKind::kEq)) return expected("an option name");
    if (at_keyword("TIME") && at_keyword("ZONE", 1)) {
      // SET TIME ZONE 'zone' | LOCAL | INTERVAL ...: Spark's spelling of the session time zone.
      next();
      next();
      if (at_statement_end()) return expected("a time zone");
      s.key = "spark.sql.session.timeZone";
      s.value = parse_set_value();
      return s;
    }
    const size_t key_start = peek().offset;
    while (!at_statement_end() && !at(TokenKind::kEq)) next();
    s.key = std::string(sql_.substr(key_start, last_end_ - key_start));
    if (accept(TokenKind::kEq)) s.value = parse_set_value();
    return s;
  }

  // The value of SET: one string literal unquoted, else the text up to the statement's end.
  std::string parse_set_value() {
    if (at(TokenKind::kString) && (at(TokenKind::kEnd, 1) || at(TokenKind::kSemicolon, 1))) return next().value;
    if (at_statement_end()) return std::string();
    const size_t value_start = peek().offset;
    while (!at_statement_end()) next();
    return std::string(sql_.substr(value_start, last_end_ - value_start));
  }

  Result<StatementNode> parse_reset() {
    next();  // RESET
    SetOption s;
    s.reset = true;
    if (at_statement_end()) return s;
    const size_t key_start = peek().offset;
    while (!at_statement_end()) next();
    s.key = std::string(sql_.substr(key_start, last_end_ - key_start));
    return s;
  }

  // ---- table names and relations

  // t, db.t, delta.`/path`; with allow_string_path also 'path' (a Delta table by path).
  Result<TableName> parse_table_name(bool allow_string_path) {
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

  Result<TableRefPtr> parse_from() {
    BRAID_ASSIGN_OR_RETURN(TableRefPtr left, parse_join_chain());
    while (at(TokenKind::kComma)) {
      const SourcePosition pos = next().pos;
      BRAID_ASSIGN_OR_RETURN(TableRefPtr right, parse_join_chain());
      BRAID_ASSIGN_OR_RETURN(left,
                             make_join(pos, JoinType::kCross, std::move(left), std::move(right)));
    }
    return left;
  }

  Result<TableRefPtr> make_join(SourcePosition pos, JoinType type, TableRefPtr left,
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
  std::optional<JoinType> accept_join_type() {
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

  Result<TableRefPtr> parse_join_chain() {
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

  bool at_time_travel() const {
    size_t k = 0;
    if (at_keyword("FOR")) k = 1;
    const Token& t = peek(k);
    if (!(t.is_keyword("VERSION") || t.is_keyword("SYSTEM_VERSION") || t.is_keyword("TIMESTAMP") ||
          t.is_keyword("SYSTEM_TIME"))) {
      return false;
    }
    return at_keyword("AS", k + 1) && at_keyword("OF", k + 2);
  }

  [[gnu::noinline]] Result<TableRefPtr> parse_table_primary() {
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

  // ---- queries

  Result<QueryPtr> parse_query() {
    Nest nest(depth_);
    BRAID_RETURN_IF_ERROR(check_depth());
    const SourcePosition pos = peek().pos;
    std::vector<CommonTableExpr> ctes;
    if (accept_keyword("WITH")) BRAID_RETURN_IF_ERROR(parse_ctes(ctes));
    return parse_query_after_with(pos, std::move(ctes), nullptr);
  }

  Status parse_ctes(std::vector<CommonTableExpr>& ctes) {
    if (at_keyword("RECURSIVE") && !at_keyword("AS", 1) && !at(TokenKind::kLParen, 1)) {
      return not_supported(peek().pos, "WITH RECURSIVE");  // (`recursive` alone names a query)
    }
    do {
      CommonTableExpr cte;
      cte.pos = peek().pos;
      BRAID_ASSIGN_OR_RETURN(cte.name, parse_name("a name for the WITH query"));
      if (at(TokenKind::kLParen)) {
        BRAID_ASSIGN_OR_RETURN(cte.columns, parse_name_list("a column name"));
      }
      BRAID_RETURN_IF_ERROR(expect_keyword("AS"));
      BRAID_RETURN_IF_ERROR(expect(TokenKind::kLParen, "'('"));
      BRAID_ASSIGN_OR_RETURN(cte.query, parse_query());
      BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "')'"));
      ctes.push_back(std::move(cte));
    } while (accept(TokenKind::kComma));
    return Status::OK();
  }

  // The rest of a query after its WITH clause. `first`, if given, is an already parsed
  // parenthesised query that starts the body (see parse_paren_expression).
  [[gnu::noinline]] Result<QueryPtr> parse_query_after_with(SourcePosition pos,
                                                            std::vector<CommonTableExpr> ctes,
                                                            QueryPtr first) {
    BRAID_ASSIGN_OR_RETURN(QueryPtr q, parse_set_expression(std::move(first)));
    std::vector<OrderItem> order_by;
    ExprPtr limit;
    ExprPtr offset;
    if (at_keyword("ORDER") && at_keyword("BY", 1)) {
      next();
      next();
      BRAID_ASSIGN_OR_RETURN(order_by, parse_order_items());
    }
    if (accept_keyword("LIMIT")) {
      if (!accept_keyword("ALL")) {
        BRAID_ASSIGN_OR_RETURN(limit, parse_expr());
      }
    }
    if (accept_keyword("OFFSET")) {
      BRAID_ASSIGN_OR_RETURN(offset, parse_expr());
    }
    const bool has_tail = !order_by.empty() || limit || offset;
    if (ctes.empty() && !has_tail) return q;
    const bool bare = q->ctes.empty() && q->order_by.empty() && !q->limit && !q->offset;
    if (!bare) {
      auto outer = std::make_unique<Query>();
      outer->body = std::move(q);
      q = std::move(outer);
    }
    q->pos = pos;
    q->ctes = std::move(ctes);
    q->order_by = std::move(order_by);
    q->limit = std::move(limit);
    q->offset = std::move(offset);
    BRAID_RETURN_IF_ERROR(finish_query(*q));
    return q;
  }

  Result<QueryPtr> make_set_operation(SourcePosition pos, SetOpKind kind, bool all, QueryPtr left,
                                      QueryPtr right) {
    auto q = std::make_unique<Query>();
    q->pos = pos;
    SetOperation op;
    op.kind = kind;
    op.all = all;
    op.left = std::move(left);
    op.right = std::move(right);
    q->body = std::move(op);
    BRAID_RETURN_IF_ERROR(finish_query(*q));
    return q;
  }

  // [ALL | DISTINCT] after a set operator.
  bool parse_set_quantifier() {
    if (accept_keyword("ALL")) return true;
    accept_keyword("DISTINCT");
    return false;
  }

  Result<QueryPtr> parse_set_expression(QueryPtr first) {
    BRAID_ASSIGN_OR_RETURN(QueryPtr left, parse_set_term(std::move(first)));
    while (at_keyword("UNION") || at_keyword("EXCEPT") || at_keyword("MINUS")) {
      const Token& t = next();
      const SetOpKind kind = t.is_keyword("UNION") ? SetOpKind::kUnion : SetOpKind::kExcept;
      const bool all = parse_set_quantifier();
      BRAID_ASSIGN_OR_RETURN(QueryPtr right, parse_set_term(nullptr));
      BRAID_ASSIGN_OR_RETURN(
          left, make_set_operation(t.pos, kind, all, std::move(left), std::move(right)));
    }
    return left;
  }

  Result<QueryPtr> parse_set_term(QueryPtr first) {
    QueryPtr left = std::move(first);
    if (!left) {
      BRAID_ASSIGN_OR_RETURN(left, parse_query_primary());
    }
    while (at_keyword("INTERSECT")) {
      const SourcePosition pos = next().pos;
      const bool all = parse_set_quantifier();
      BRAID_ASSIGN_OR_RETURN(QueryPtr right, parse_query_primary());
      BRAID_ASSIGN_OR_RETURN(left, make_set_operation(pos, SetOpKind::kIntersect, all,
                                                      std::move(left), std::move(right)));
    }
    return left;
  }

  Result<QueryPtr> parse_query_primary() {
    Nest nest(depth_);
    BRAID_RETURN_IF_ERROR(check_depth());
    const SourcePosition pos = peek().pos;
    if (at(TokenKind::kLParen)) {
      next();
      BRAID_ASSIGN_OR_RETURN(QueryPtr q, parse_query());
      BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "')'"));
      return q;
    }
    auto q = std::make_unique<Query>();
    q->pos = pos;
    if (at_keyword("SELECT")) {
      BRAID_ASSIGN_OR_RETURN(q->body, parse_select());
    } else if (at_keyword("VALUES")) {
      BRAID_ASSIGN_OR_RETURN(q->body, parse_values());
    } else {
      return expected("a query");
    }
    BRAID_RETURN_IF_ERROR(finish_query(*q));
    return q;
  }

  Result<Values> parse_values() {
    next();  // VALUES
    Values v;
    do {
      const SourcePosition row_pos = peek().pos;
      BRAID_ASSIGN_OR_RETURN(ExprPtr row, parse_expr());
      std::vector<ExprPtr> items;
      if (Row* r = row->as<Row>()) {
        items = std::move(r->items);
      } else {
        items.push_back(std::move(row));
      }
      if (!v.rows.empty() && items.size() != v.rows.front().size()) {
        return error_at(row_pos,
                        fmt::format("VALUES rows must have the same number of values ({} then {})",
                                    v.rows.front().size(), items.size()));
      }
      v.rows.push_back(std::move(items));
    } while (accept(TokenKind::kComma));
    return v;
  }

  [[gnu::noinline]] Result<Select> parse_select() {
    const Token& select = next();
    // Spark reads a /*+ ... */ comment right after SELECT as hints; braid has none to honour.
    const size_t gap_start = select.offset + select.text.size();
    const std::string_view gap = sql_.substr(gap_start, peek().offset - gap_start);
    if (gap.find("/*+") != std::string_view::npos) return not_supported(select.pos, "hints (/*+ ... */ after SELECT)");
    Select s;
    if (accept_keyword("DISTINCT")) {
      s.distinct = true;
    } else {
      accept_keyword("ALL");
    }
    do {
      SelectItem item;
      item.pos = peek().pos;
      BRAID_ASSIGN_OR_RETURN(item.expr, parse_expr());
      if (item.expr->as<Star>() && at_keyword("EXCEPT") && at(TokenKind::kLParen, 1) && !paren_starts_query(1)) {
        return not_supported(peek().pos, "SELECT * EXCEPT (...) (list the columns to keep)");
      }
      if (accept_keyword("AS")) {
        BRAID_ASSIGN_OR_RETURN(item.alias, parse_name("an alias"));
      } else if (at_implicit_alias()) {
        item.alias = next().value;
      }
      s.items.push_back(std::move(item));
    } while (accept(TokenKind::kComma));
    if (accept_keyword("FROM")) {
      BRAID_ASSIGN_OR_RETURN(s.from, parse_from());
    }
    if (accept_keyword("WHERE")) {
      BRAID_ASSIGN_OR_RETURN(s.where, parse_expr());
    }
    if (at_keyword("GROUP")) {
      next();
      BRAID_RETURN_IF_ERROR(expect_keyword("BY"));
      if (accept_keyword("ALL")) {
        s.group_by_all = true;
      } else {
        do {
          if ((at_keyword("ROLLUP") || at_keyword("CUBE")) && at(TokenKind::kLParen, 1)) {
            return not_supported(peek().pos, at_keyword("ROLLUP") ? "GROUP BY ROLLUP" : "GROUP BY CUBE");
          }
          if (at_keyword("GROUPING") && at_keyword("SETS", 1)) return not_supported(peek().pos, "GROUP BY GROUPING SETS");
          BRAID_ASSIGN_OR_RETURN(ExprPtr e, parse_expr());
          s.group_by.push_back(std::move(e));
        } while (accept(TokenKind::kComma));
      }
    }
    if (accept_keyword("HAVING")) {
      BRAID_ASSIGN_OR_RETURN(s.having, parse_expr());
    }
    while (true) {
      if (at_keyword("WINDOW") && at_name(1) && at_keyword("AS", 2) && s.windows.empty()) {
        next();
        do {
          NamedWindow w;
          w.pos = peek().pos;
          BRAID_ASSIGN_OR_RETURN(w.name, parse_name("a window name"));
          BRAID_RETURN_IF_ERROR(expect_keyword("AS"));
          BRAID_ASSIGN_OR_RETURN(w.spec, parse_window_spec());
          s.windows.push_back(std::move(w));
        } while (accept(TokenKind::kComma));
      } else if (at_keyword("QUALIFY") && !s.qualify) {
        next();
        BRAID_ASSIGN_OR_RETURN(s.qualify, parse_expr());
      } else {
        break;
      }
    }
    return s;
  }

  Result<std::vector<ExprPtr>> parse_expr_list() {
    std::vector<ExprPtr> list;
    do {
      BRAID_ASSIGN_OR_RETURN(ExprPtr e, parse_expr());
      list.push_back(std::move(e));
    } while (accept(TokenKind::kComma));
    return list;
  }

  Result<std::vector<OrderItem>> parse_order_items() {
    std::vector<OrderItem> items;
    do {
      OrderItem item;
      item.pos = peek().pos;
      BRAID_ASSIGN_OR_RETURN(item.expr, parse_expr());
      if (accept_keyword("DESC")) {
        item.descending = true;
      } else {
        accept_keyword("ASC");
      }
      if (accept_keyword("NULLS")) {
        if (accept_keyword("FIRST")) {
          item.nulls_first = true;
        } else if (accept_keyword("LAST")) {
          item.nulls_first = false;
        } else {
          return expected("FIRST or LAST");
        }
      }
      items.push_back(std::move(item));
    } while (accept(TokenKind::kComma));
    return items;
  }

  [[gnu::noinline]] Result<WindowSpec> parse_window_spec() {
    Nest nest(depth_);
    BRAID_RETURN_IF_ERROR(check_depth());
    WindowSpec w;
    w.pos = peek().pos;
    BRAID_RETURN_IF_ERROR(expect(TokenKind::kLParen, "'('"));
    auto at_clause = [&]() {
      return ((at_keyword("PARTITION") || at_keyword("DISTRIBUTE") || at_keyword("ORDER") ||
               at_keyword("SORT")) &&
              at_keyword("BY", 1)) ||
             at_keyword("ROWS") || at_keyword("RANGE");
    };
    if (at_name() && !at_clause()) w.base_window = next().value;
    if ((at_keyword("PARTITION") || at_keyword("DISTRIBUTE")) && at_keyword("BY", 1)) {
      next();
      next();
      BRAID_ASSIGN_OR_RETURN(w.partition_by, parse_expr_list());
    }
    if ((at_keyword("ORDER") || at_keyword("SORT")) && at_keyword("BY", 1)) {
      next();
      next();
      BRAID_ASSIGN_OR_RETURN(w.order_by, parse_order_items());
    }
    if (at_keyword("ROWS") || at_keyword("RANGE")) {
      WindowFrame frame;
      frame.unit = next().is_keyword("ROWS") ? FrameUnit::kRows : FrameUnit::kRange;
      if (accept_keyword("BETWEEN")) {
        BRAID_ASSIGN_OR_RETURN(frame.start, parse_frame_bound());
        BRAID_RETURN_IF_ERROR(expect_keyword("AND"));
        BRAID_ASSIGN_OR_RETURN(frame.end, parse_frame_bound());
      } else {
        BRAID_ASSIGN_OR_RETURN(frame.start, parse_frame_bound());
        frame.end.kind = FrameBoundKind::kCurrentRow;
      }
      w.frame = std::move(frame);
    }
    BRAID_RETURN_IF_ERROR(expect(TokenKind::kRParen, "')'"));
    return w;
  }

  Result<FrameBound> parse_frame_bound() {
    FrameBound b;
    if (accept_keyword("UNBOUNDED")) {
      if (accept_keyword("PRECEDING")) {
        b.kind = FrameBoundKind::kUnboundedPreceding;
      } else if (accept_keyword("FOLLOWING")) {
        b.kind = FrameBoundKind::kUnboundedFollowing;
      } else {
        return expected("PRECEDING or FOLLOWING");
      }
      return b;
    }
    if (at_keyword("CURRENT") && at_keyword("ROW", 1)) {
      next();
      next();
      b.kind = FrameBoundKind::kCurrentRow;
      return b;
    }
    BRAID_ASSIGN_OR_RETURN(b.offset, parse_binary(kPrecBitOr));
    if (accept_keyword("PRECEDING")) {
      b.kind = FrameBoundKind::kPreceding;
    } else if (accept_keyword("FOLLOWING")) {
      b.kind = FrameBoundKind::kFollowing;
    } else {
      return expected("PRECEDING or FOLLOWING");
    }
    return b;
  }

  // ---- types

  Result<TypeName> parse_type() {
    Nest nest(depth_);
    BRAID_RETURN_IF_ERROR(check_depth());
    if (!at(TokenKind::kIdentifier)) return expected("a type name");
    const Token& t = peek();
    return parse_type_named(t.pos, std::string(t.text));
  }

  // The type whose name token is the current token (or, for `a:int` in a struct, the name of a
  // :parameter token).
  Result<TypeName> parse_type_named(SourcePosition pos, std::string name) {
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

  Result<StructFieldType> parse_struct_field() {
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

  Result<int> parse_small_int(std::string_view what) {
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

  // ---- expressions

  Result<ExprPtr> parse_expr() { return parse_binary(kPrecOr); }

  static bool binary_operator(const Token& t, BinaryOp& op, int& prec) {
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

  bool at_predicate(size_t ahead) const {
    const Token& t = peek(ahead);
    return t.is_keyword("IN") || t.is_keyword("BETWEEN") || t.is_keyword("LIKE") ||
           t.is_keyword("ILIKE") || t.is_keyword("RLIKE") || t.is_keyword("REGEXP");
  }

  Result<ExprPtr> parse_binary(int min_prec) {
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

  [[gnu::noinline]] Result<ExprPtr> parse_is(ExprPtr left) {
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

  [[gnu::noinline]] Result<ExprPtr> parse_predicate(ExprPtr left) {
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
  Result<ExprPtr> parse_prefix(int min_prec) {
    const Token& t = peek();
    if (t.is_keyword("NOT") || t.kind == TokenKind::kBang) return parse_not(min_prec);
    if (t.kind == TokenKind::kMinus || t.kind == TokenKind::kPlus || t.kind == TokenKind::kTilde) {
      return parse_unary_operator();
    }
    return parse_postfix();
  }

  [[gnu::noinline]] Result<ExprPtr> parse_not(int min_prec) {
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

  [[gnu::noinline]] Result<ExprPtr> parse_unary_operator() {
    const Token& t = next();
    const UnaryOp op = t.kind == TokenKind::kMinus  ? UnaryOp::kNegate
                       : t.kind == TokenKind::kPlus ? UnaryOp::kPlus
                                                    : UnaryOp::kBitNot;
    Nest nest(depth_);
    BRAID_RETURN_IF_ERROR(check_depth());
    BRAID_ASSIGN_OR_RETURN(ExprPtr operand, parse_prefix(kPrecUnary));
    return make_expr(t.pos, Unary{op, std::move(operand)});
  }

  Result<ExprPtr> parse_postfix() {
    BRAID_ASSIGN_OR_RETURN(ExprPtr e, parse_primary());
    bool done = false;
    while (!done &&
           (at(TokenKind::kLBracket) || at(TokenKind::kDot) || at(TokenKind::kDoubleColon))) {
      BRAID_ASSIGN_OR_RETURN(e, parse_postfix_operator(std::move(e), done));
    }
    return e;
  }

  // One of `[index]`, `.field`, `.*` (sets done: nothing may follow) or `::type` after `e`.
  [[gnu::noinline]] Result<ExprPtr> parse_postfix_operator(ExprPtr e, bool& done) {
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

  [[gnu::noinline]] Result<ExprPtr> number_literal(const Token& t) {
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

  Result<ExprPtr> parse_primary() {
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
  [[gnu::noinline]] Result<ExprPtr> parse_token_expression() {
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
  bool at_query_continuation() const {
    return at_keyword("UNION") || at_keyword("EXCEPT") || at_keyword("MINUS") ||
           at_keyword("INTERSECT") || (at_keyword("ORDER") && at_keyword("BY", 1)) ||
           at_keyword("LIMIT") || at_keyword("OFFSET");
  }

  Result<ExprPtr> parse_paren_expression() {
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
  Result<ExprPtr> parse_name_expression() {
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

  [[gnu::noinline]] Result<ExprPtr> parse_word_expression() {
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
      if (call && is_reserved_function(u)) return parse_name_expression();
      return expected("an expression");
    }
    return parse_name_expression();
  }

  [[gnu::noinline]] Result<ExprPtr> parse_case() {
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

  [[gnu::noinline]] Result<ExprPtr> parse_interval() {
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
  [[gnu::noinline]] Result<ExprPtr> parse_substring() {
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
  [[gnu::noinline]] Result<ExprPtr> parse_trim() {
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

  Result<ExprPtr> parse_call(SourcePosition pos, QualifiedName name) {
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
  [[gnu::noinline]] Result<ExprPtr> finish_call(SourcePosition pos, FunctionCall f, ExprPtr first) {
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

  Status parse_call_args(FunctionCall& f) {
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

  std::string_view sql_;
  std::vector<Token> tokens_;
  Status lex_error_;
  uintptr_t stack_base_ = 0;
  size_t at_ = 0;
  size_t last_end_ = 0;
  int depth_ = 0;
};

Parser make_parser(std::string_view sql) {
  Status lex_error;
  std::vector<Token> tokens = tokenize_prefix(sql, &lex_error);
  return Parser(sql, std::move(tokens), std::move(lex_error));
}

}  // namespace

bool is_reserved_word(std::string_view word) {
  return in_sorted(word, kReservedWords);
}

Result<std::vector<StatementPtr>> parse_statements(std::string_view sql) {
  Parser parser = make_parser(sql);
  return parser.statements();
}

Result<StatementPtr> parse_statement(std::string_view sql) {
  Parser parser = make_parser(sql);
  return parser.single_statement();
}

Result<ExprPtr> parse_expression(std::string_view sql) {
  Parser parser = make_parser(sql);
  return parser.single_expression();
}

Result<TypeName> parse_type_name(std::string_view sql) {
  Parser parser = make_parser(sql);
  return parser.single_type();
}

Result<std::vector<StructFieldType>> parse_field_list(std::string_view sql) {
  Parser parser = make_parser(sql);
  return parser.field_list();
}

Status error_at(SourcePosition pos, const Status& error) {
  if (error.ok() || pos.line == 0 || error.message().starts_with("line ")) return error;
  return Status(error.code(), fmt::format("line {}, column {}: {}", pos.line, pos.column, error.to_string()));
}

}  // namespace braid::sql
