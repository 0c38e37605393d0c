// The binder behind sql/binder.h: one class that binds a query's parts, its methods defined by
// what they bind:
//   binder.cc               entry points (bind_query, bind_scalar, to_type, ...) and what the
//                           bind_*.cc files share: column lookup, aggregate names, constants
//   bind_select.cc          queries: WITH, SELECT with GROUP BY, aggregates, HAVING, windows,
//                           QUALIFY, ORDER BY, LIMIT / OFFSET; projection pushdown into scans
//   bind_relations.cc       FROM items: tables and views, table functions, derived tables,
//                           VALUES, set operations
//   bind_joins.cc           joins (equi-join keys, USING) and WHERE pushdown into their sides
//   bind_expressions.cc     expressions, literals and uncorrelated subqueries
//   skipping_predicates.cc  the simple predicates that let scans skip files and row groups
//
// Private to src/sql/. Thread-safety: a Binder binds one statement at a time.
#pragma once

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "braid/result.h"
#include "common/ascii.h"
#include "sql/ast.h"
#include "sql/binder.h"
#include "sql/plan.h"

namespace braid::sql::binder_internal {

using ascii::lower;
using ascii::iequals;

template <typename... Args>
Status error_at(SourcePosition pos, StatusCode code, fmt::format_string<Args...> format, Args&&... args) {
  std::string message = fmt::format(format, std::forward<Args>(args)...);
  if (pos.line > 0) message = fmt::format("line {}, column {}: {}", pos.line, pos.column, message);
  return Status(code, std::move(message));
}

SchemaPtr schema_of(const std::vector<BoundColumn>& columns);
std::vector<exec::ExprPtr> refs_of(const std::vector<BoundColumn>& columns, int first = 0);

// ---- AST walking

template <typename F>
void for_each_child(const Expr& e, F&& f) {
  std::visit(
      [&](const auto& n) {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, Unary>) {
          f(*n.operand);
        } else if constexpr (std::is_same_v<T, Binary> || std::is_same_v<T, IsDistinctFrom>) {
          f(*n.left);
          f(*n.right);
        } else if constexpr (std::is_same_v<T, IsPredicate>) {
          f(*n.operand);
        } else if constexpr (std::is_same_v<T, Between>) {
          f(*n.operand);
          f(*n.low);
          f(*n.high);
        } else if constexpr (std::is_same_v<T, InList>) {
          f(*n.operand);
          for (const auto& x : n.list) f(*x);
        } else if constexpr (std::is_same_v<T, InSubquery>) {
          f(*n.operand);
        } else if constexpr (std::is_same_v<T, Like>) {
          f(*n.operand);
          f(*n.pattern);
        } else if constexpr (std::is_same_v<T, Case>) {
          if (n.operand) f(*n.operand);
          for (const auto& w : n.whens) {
            f(*w.condition);
            f(*w.result);
          }
          if (n.else_result) f(*n.else_result);
        } else if constexpr (std::is_same_v<T, Cast>) {
          f(*n.operand);
        } else if constexpr (std::is_same_v<T, FunctionCall>) {
          for (const auto& a : n.args) f(*a);
          for (const auto& a : n.named_args) f(*a.value);
          if (n.filter) f(*n.filter);
          if (n.over) {
            for (const auto& p : n.over->partition_by) f(*p);
            for (const auto& o : n.over->order_by) f(*o.expr);
          }
        } else if constexpr (std::is_same_v<T, Subscript>) {
          f(*n.base);
          f(*n.index);
        } else if constexpr (std::is_same_v<T, FieldAccess>) {
          f(*n.base);
        } else if constexpr (std::is_same_v<T, Row>) {
          for (const auto& x : n.items) f(*x);
        }
      },
      e.node);
}

// A qualified name (db.f) keeps its qualifier, so it is an unknown function rather than f.
std::string function_name(const FunctionCall& fc);
std::optional<exec::AggregateKind> aggregate_kind(const std::string& name, bool star);
// A function name braid does not know. Spark aggregates braid lacks are common enough in
// migrated SQL to say so, with what braid has.
Status unknown_function(const std::string& name, SourcePosition pos);
bool is_aggregate_call(const Expr& e);
bool contains_aggregate(const Expr& e);
// The conjuncts of an AND tree.
void split_conjuncts(const Expr& e, std::vector<const Expr*>& out);

Result<int64_t> constant_int(const exec::ExprPtr& e, const exec::EvalContext& ctx, SourcePosition pos,
                             std::string_view what);
// The type both a and b convert to (Spark's common type), by asking coalesce.
Result<TypePtr> common_type(const TypePtr& a, const TypePtr& b);
Result<exec::ExprPtr> cast_if_needed(exec::ExprPtr e, const TypePtr& to);

// How a column reference is looked up.
struct ExprContext {
  const std::vector<BoundColumn>* columns = nullptr;
  // AST text (to_sql) of expressions computed below (group keys, aggregates, window calls) ->
  // the column holding them.
  const std::map<std::string, int>* substitutions = nullptr;
  // Aggregated: column references resolve in the pre-aggregation columns and must be group keys.
  const std::vector<BoundColumn>* pre_columns = nullptr;
  const std::map<int, int>* key_of_pre_column = nullptr;
  bool aggregated = false;
  const std::vector<std::string>* unread = nullptr;  // for error messages only
};

Result<int> resolve_column(const ColumnRef& ref, const std::vector<BoundColumn>& columns, SourcePosition pos,
                           const std::vector<std::string>* unread = nullptr);

class Binder {
 public:
  explicit Binder(Resolver& resolver) : resolver_(resolver) {}

  struct Relation {
    PlanPtr plan;
    std::vector<BoundColumn> columns;
    std::vector<std::string> unread;  // qualified names of columns pruned from scans (for errors)
  };

  Result<Relation> bind_query(const Query& q);  // bind_select.cc

  // Binds an expression in a context (bind_expressions.cc).
  Result<exec::ExprPtr> bind_expr(const Expr& e, const ExprContext& c);

  const exec::EvalContext& eval() const { return resolver_.eval_context(); }

  // ---- relations (bind_relations.cc)

  static Result<Relation> rename(Relation r, const std::string& qualifier, const std::vector<std::string>& names,
                                 SourcePosition pos);
  Result<Relation> bind_from(const TableRef& t);

 private:
  // ---- expressions (bind_expressions.cc)

  Result<exec::ExprPtr> call(std::string_view name, std::vector<exec::ExprPtr> args, SourcePosition pos);
  Result<exec::ExprPtr> bind_node(const Literal& l, const Expr& e, const ExprContext&);
  Result<exec::ExprPtr> bind_literal(const Literal& l, SourcePosition pos);
  Result<exec::ExprPtr> bind_node(const ColumnRef& ref, const Expr& e, const ExprContext& c);
  Status correlated_or(const ColumnRef& ref, SourcePosition pos, Status unresolved) const;
  Result<exec::ExprPtr> bind_node(const Star&, const Expr& e, const ExprContext&);
  Result<exec::ExprPtr> bind_node(const Parameter& p, const Expr& e, const ExprContext&);
  Result<exec::ExprPtr> bind_node(const Unary& u, const Expr& e, const ExprContext& c);
  Result<exec::ExprPtr> bind_node(const Binary& b, const Expr& e, const ExprContext& c);
  Result<exec::ExprPtr> bind_node(const IsPredicate& p, const Expr& e, const ExprContext& c);
  Result<exec::ExprPtr> bind_node(const IsDistinctFrom& d, const Expr& e, const ExprContext& c);
  Result<exec::ExprPtr> bind_node(const Between& b, const Expr& e, const ExprContext& c);
  Result<exec::ExprPtr> bind_node(const InList& in, const Expr& e, const ExprContext& c);
  Result<exec::Table> run_subquery(const Query& q, const ExprContext& c, size_t* columns);
  Result<exec::ExprPtr> bind_node(const InSubquery& in, const Expr& e, const ExprContext& c);
  Result<exec::ExprPtr> bind_node(const Exists& ex, const Expr&, const ExprContext& c);
  Result<exec::ExprPtr> bind_node(const ScalarSubquery& s, const Expr& e, const ExprContext& c);
  Result<exec::ExprPtr> bind_node(const Like& l, const Expr& e, const ExprContext& c);
  Result<exec::ExprPtr> bind_node(const Case& cs, const Expr& e, const ExprContext& c);
  Result<exec::ExprPtr> bind_node(const Cast& cast, const Expr& e, const ExprContext& c);
  Result<exec::ExprPtr> bind_node(const FunctionCall& fc, const Expr& e, const ExprContext& c);
  Result<exec::ExprPtr> bind_node(const Subscript&, const Expr& e, const ExprContext&);
  Result<exec::ExprPtr> bind_node(const FieldAccess&, const Expr& e, const ExprContext&);
  Result<exec::ExprPtr> bind_node(const Row&, const Expr& e, const ExprContext&);

  // ---- relations (bind_relations.cc)

  Result<Relation> bind_from_impl(const TableRef& t);
  Result<Relation> bind_base_table(const BaseTable& base);
  static std::vector<std::string> unread_columns(const Schema& all, const Schema& read);
  PlanPtr prune_scan(const PlanPtr& plan) const;
  Result<Relation> bind_table_function(const TableFunction& fn, SourcePosition pos);
  Result<Relation> bind_values(const Values& values, SourcePosition pos);
  static Relation values_relation(std::vector<RecordBatchPtr> batches, std::vector<BoundColumn> columns);
  Result<Relation> bind_set_operation(const SetOperation& op, SourcePosition pos);
  Result<PlanPtr> cast_columns(const Relation& r, const std::vector<BoundColumn>& to);

  // ---- joins (bind_joins.cc)

  Result<Relation> bind_join(const Join& j, SourcePosition pos, const std::vector<const Expr*>& pushdown);
  Status push_filters(const std::vector<const Expr*>& conjuncts, Relation& side);
  PlanPtr filter_over(PlanPtr plan, exec::ExprPtr predicate, const std::vector<const Expr*>& conditions,
                      const std::vector<BoundColumn>& columns);

  // ---- SELECT (bind_select.cc)

  struct WindowCall {
    const Expr* expr;
    std::string spec_key;
  };

  Result<Relation> bind_select(const Select& s, const std::vector<OrderItem>& order_by, const Expr* limit,
                               const Expr* offset);

  Result<Relation> order_and_limit(Relation r, const std::vector<OrderItem>& order_by, const Expr* limit,
                                   const Expr* offset);
  Status limit_values(const Expr* limit, const Expr* offset, std::optional<int64_t>& n, std::optional<int64_t>& skip);

  Resolver& resolver_;
  std::vector<std::map<std::string, Relation>> ctes_;
  // Column names the SELECT being bound references (null: unknown, read every column). Scans of
  // tables in its FROM read only these columns.
  const std::set<std::string>* needed_ = nullptr;
  // WHERE conjuncts offered to the join bind_from is about to bind (see bind_join).
  std::vector<const Expr*> pushdown_;
  // The columns of the queries around the subquery being bound, innermost last.
  std::vector<const std::vector<BoundColumn>*> outer_;
};

}  // namespace braid::sql::binder_internal
