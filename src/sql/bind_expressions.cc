// Binding expressions: column references (and the correlated ones braid refuses), literals,
// parameters, operators and predicates, CASE, CAST, scalar function calls, and uncorrelated
// subqueries (IN, EXISTS, scalar), which run once here and become constants.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "columnar/column_builder.h"
#include "sql/internal/binder.h"

namespace braid::sql::binder_internal {
namespace {

ColumnPtr string_value(std::string_view s, TypePtr type = string_type()) {
  BinaryBuilder b(std::move(type));
  b.append(s);
  return *b.finish();
}

}  // namespace

// Binds an expression in a context.
Result<exec::ExprPtr> Binder::bind_expr(const Expr& e, const ExprContext& c) {
  if (c.substitutions) {
    auto it = c.substitutions->find(to_sql(e));
    if (it != c.substitutions->end()) {
      const auto& col = (*c.columns)[static_cast<size_t>(it->second)];
      return exec::column_ref(it->second, col.type, col.name);
    }
  }
  return std::visit([&](const auto& n) { return bind_node(n, e, c); }, e.node);
}

Result<exec::ExprPtr> Binder::call(std::string_view name, std::vector<exec::ExprPtr> args, SourcePosition pos) {
  auto r = exec::make_call(name, std::move(args));
  if (!r.ok()) return error_at(pos, r.status().code(), "{}", r.status().to_string());
  return r;
}

Result<exec::ExprPtr> Binder::bind_node(const Literal& l, const Expr& e, const ExprContext&) { return bind_literal(l, e.pos); }

Result<exec::ExprPtr> Binder::bind_literal(const Literal& l, SourcePosition pos) {
  auto fold = [&](exec::ExprPtr x) -> Result<exec::ExprPtr> {
    auto v = exec::evaluate_constant(x, eval());
    if (!v.ok()) return error_at(pos, v.status().code(), "{}", v.status().to_string());
    return exec::literal(*v);
  };
  switch (l.kind) {
    case LiteralKind::kNull:
      return exec::null_literal(null_type());
    case LiteralKind::kBoolean: {
      BooleanBuilder b;
      b.append(l.bool_value);
      return exec::literal(*b.finish());
    }
    case LiteralKind::kInteger:
    case LiteralKind::kBigint:
    case LiteralKind::kSmallint:
    case LiteralKind::kTinyint: {
      errno = 0;
      char* end = nullptr;
      const long long v = std::strtoll(l.text.c_str(), &end, 10);
      const bool fits64 = errno == 0 && end && *end == '\0';
      if (l.kind == LiteralKind::kInteger && !fits64) {
        const int digits = static_cast<int>(l.text.size());
        if (digits > 38) return error_at(pos, StatusCode::kInvalidArgument, "the number {} is out of range", l.text);
        return fold(*exec::make_cast(exec::literal(string_value(l.text)), decimal128(digits, 0), false));
      }
      if (!fits64) return error_at(pos, StatusCode::kInvalidArgument, "the number {} is out of range for BIGINT", l.text);
      TypePtr type = l.kind == LiteralKind::kBigint     ? int64()
                     : l.kind == LiteralKind::kSmallint ? int16()
                     : l.kind == LiteralKind::kTinyint  ? int8()
                     : (v >= INT32_MIN && v <= INT32_MAX) ? int32()
                                                          : int64();
      Int64Builder b(int64());
      b.append(v);
      BRAID_ASSIGN_OR_RETURN(auto cast, exec::make_cast(exec::literal(*b.finish()), type, false));
      return fold(cast);
    }
    case LiteralKind::kDecimal: {
      // A BD literal (1.5BD, 1.5e3BD): exactly its value, as Spark's BigDecimal.
      std::string digits = l.text;
      int64_t exponent = 0;
      if (const auto e = digits.find_first_of("eE"); e != std::string::npos) {
        exponent = std::strtoll(digits.c_str() + e + 1, nullptr, 10);
        digits.resize(e);
        if (exponent > 1000 || exponent < -1000) {
          return error_at(pos, StatusCode::kInvalidArgument, "the decimal {} has more than 38 digits", l.text);
        }
      }
      const auto dot = digits.find('.');
      int64_t scale = (dot == std::string::npos ? 0 : static_cast<int64_t>(digits.size() - dot - 1)) - exponent;
      std::erase(digits, '.');
      digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size()));
      // A negative scale (1.5e3: 15 x 10^2) becomes trailing zeros of a whole number.
      const int64_t whole_zeros = scale < 0 ? -scale : 0;
      scale = std::max<int64_t>(scale, 0);
      const int precision = static_cast<int>(std::min<int64_t>(std::max<int64_t>(static_cast<int64_t>(digits.size()) + whole_zeros, scale), 1000));
      if (precision > 38) return error_at(pos, StatusCode::kInvalidArgument, "the decimal {} has more than 38 digits", l.text);
      BRAID_ASSIGN_OR_RETURN(auto cast, exec::make_cast(exec::literal(string_value(l.text)),
                                                        decimal128(std::max(precision, 1), static_cast<int>(scale)), false));
      return fold(cast);
    }
    case LiteralKind::kDouble:
    case LiteralKind::kFloat: {
      // As Spark: a literal beyond the type's range is an error, not Infinity.
      const bool is_double = l.kind == LiteralKind::kDouble;
      if (is_double ? std::isinf(std::strtod(l.text.c_str(), nullptr)) : std::isinf(std::strtof(l.text.c_str(), nullptr))) {
        return error_at(pos, StatusCode::kInvalidArgument, "the number {} is out of range for {}", l.text,
                        is_double ? "DOUBLE" : "FLOAT");
      }
      BRAID_ASSIGN_OR_RETURN(auto cast, exec::make_cast(exec::literal(string_value(l.text)),
                                                        l.kind == LiteralKind::kDouble ? float64() : float32(), false));
      return fold(cast);
    }
    case LiteralKind::kString:
      return exec::literal(string_value(l.text));
    case LiteralKind::kBinary: {
      if (l.text.size() % 2 != 0) return error_at(pos, StatusCode::kInvalidArgument, "X'{}' has an odd number of hex digits", l.text);
      std::string bytes;
      for (size_t i = 0; i < l.text.size(); i += 2) {
        bytes += static_cast<char>(std::strtol(l.text.substr(i, 2).c_str(), nullptr, 16));
      }
      return exec::literal(string_value(bytes, binary()));
    }
    case LiteralKind::kDate:
      return fold(*exec::make_cast(exec::literal(string_value(l.text)), date32(), false));
    case LiteralKind::kTimestamp:
      return fold(*exec::make_cast(exec::literal(string_value(l.text)), timestamp(TimeUnit::kMicro, "UTC"), false));
    case LiteralKind::kTimestampNtz:
      return fold(*exec::make_cast(exec::literal(string_value(l.text)), timestamp(TimeUnit::kMicro), false));
    case LiteralKind::kInterval:
      break;
  }
  return error_at(pos, StatusCode::kNotImplemented, "interval literals are not supported yet");
}

Result<exec::ExprPtr> Binder::bind_node(const ColumnRef& ref, const Expr& e, const ExprContext& c) {
  if (c.aggregated) {
    auto found = resolve_column(ref, *c.pre_columns, e.pos, c.unread);
    if (!found.ok()) return correlated_or(ref, e.pos, found.status());
    const int pre = *found;
    auto it = c.key_of_pre_column->find(pre);
    if (it == c.key_of_pre_column->end()) {
      return error_at(e.pos, StatusCode::kInvalidArgument,
                      "[MISSING_AGGREGATION] column `{}` is neither in GROUP BY nor inside an aggregate function",
                      fmt::join(ref.parts, "."));
    }
    const auto& col = (*c.columns)[static_cast<size_t>(it->second)];
    return exec::column_ref(it->second, col.type, col.name);
  }
  auto i = resolve_column(ref, *c.columns, e.pos, c.unread);
  if (!i.ok()) return correlated_or(ref, e.pos, i.status());
  const auto& col = (*c.columns)[static_cast<size_t>(*i)];
  return exec::column_ref(*i, col.type, col.name);
}

// `unresolved`, unless the reference names a column of a query enclosing this subquery: then
// the subquery is correlated, which braid does not support (its subqueries run once).
Status Binder::correlated_or(const ColumnRef& ref, SourcePosition pos, Status unresolved) const {
  if (unresolved.message().find("[UNRESOLVED_COLUMN]") == std::string::npos) return unresolved;
  for (auto it = outer_.rbegin(); it != outer_.rend(); ++it) {
    if (resolve_column(ref, **it, pos).ok()) {
      return error_at(pos, StatusCode::kNotImplemented,
                      "not supported: correlated subqueries (`{}` is a column of an enclosing query; rewrite the "
                      "subquery as a join)",
                      fmt::join(ref.parts, "."));
    }
  }
  return unresolved;
}

Result<exec::ExprPtr> Binder::bind_node(const Star&, const Expr& e, const ExprContext&) {
  return error_at(e.pos, StatusCode::kInvalidArgument, "`*` is only allowed in a select list or count(*)");
}

Result<exec::ExprPtr> Binder::bind_node(const Parameter& p, const Expr& e, const ExprContext&) {
  auto v = resolver_.parameter(p.name);
  if (!v.ok()) return error_at(e.pos, StatusCode::kNotFound, "no value is bound to the parameter :{}", p.name);
  return exec::literal(*v);
}

Result<exec::ExprPtr> Binder::bind_node(const Unary& u, const Expr& e, const ExprContext& c) {
  BRAID_ASSIGN_OR_RETURN(auto x, bind_expr(*u.operand, c));
  switch (u.op) {
    case UnaryOp::kNegate: {
      // -<literal> folds, so that -2147483648 stays an INT like Spark's.
      BRAID_ASSIGN_OR_RETURN(auto neg, call("negate", {x}, e.pos));
      if (neg->is_constant()) {
        auto v = exec::evaluate_constant(neg, eval());
        if (v.ok()) return exec::literal(*v);
      }
      return neg;
    }
    case UnaryOp::kPlus:
      return x;
    case UnaryOp::kNot:
      return call("not", {x}, e.pos);
    case UnaryOp::kBitNot:
      return call("~", {x}, e.pos);
  }
  return Status::internal("unary operator");
}

Result<exec::ExprPtr> Binder::bind_node(const Binary& b, const Expr& e, const ExprContext& c) {
  BRAID_ASSIGN_OR_RETURN(auto l, bind_expr(*b.left, c));
  BRAID_ASSIGN_OR_RETURN(auto r, bind_expr(*b.right, c));
  static const std::map<BinaryOp, std::string_view> kNames = {
      {BinaryOp::kAdd, "+"},       {BinaryOp::kSubtract, "-"}, {BinaryOp::kMultiply, "*"},
      {BinaryOp::kDivide, "/"},    {BinaryOp::kModulo, "%"},   {BinaryOp::kIntDivide, "div"},
      {BinaryOp::kConcat, "||"},   {BinaryOp::kBitAnd, "&"},   {BinaryOp::kBitOr, "|"},
      {BinaryOp::kBitXor, "^"},    {BinaryOp::kEq, "="},       {BinaryOp::kNotEq, "<>"},
      {BinaryOp::kLt, "<"},        {BinaryOp::kLtEq, "<="},    {BinaryOp::kGt, ">"},
      {BinaryOp::kGtEq, ">="},     {BinaryOp::kNullSafeEq, "<=>"}, {BinaryOp::kAnd, "and"},
      {BinaryOp::kOr, "or"}};
  return call(kNames.at(b.op), {l, r}, e.pos);
}

Result<exec::ExprPtr> Binder::bind_node(const IsPredicate& p, const Expr& e, const ExprContext& c) {
  BRAID_ASSIGN_OR_RETURN(auto x, bind_expr(*p.operand, c));
  exec::ExprPtr out;
  if (p.kind == IsKind::kNull || p.kind == IsKind::kUnknown) {
    BRAID_ASSIGN_OR_RETURN(out, call(p.negated ? "is_not_null" : "is_null", {x}, e.pos));
    return out;
  }
  BooleanBuilder bb;
  bb.append(p.kind == IsKind::kTrue);
  BRAID_ASSIGN_OR_RETURN(out, call("<=>", {x, exec::literal(*bb.finish())}, e.pos));
  if (p.negated) return call("not", {out}, e.pos);
  return out;
}

Result<exec::ExprPtr> Binder::bind_node(const IsDistinctFrom& d, const Expr& e, const ExprContext& c) {
  BRAID_ASSIGN_OR_RETURN(auto l, bind_expr(*d.left, c));
  BRAID_ASSIGN_OR_RETURN(auto r, bind_expr(*d.right, c));
  BRAID_ASSIGN_OR_RETURN(auto same, call("<=>", {l, r}, e.pos));
  if (d.negated) return same;
  return call("not", {same}, e.pos);
}

Result<exec::ExprPtr> Binder::bind_node(const Between& b, const Expr& e, const ExprContext& c) {
  BRAID_ASSIGN_OR_RETURN(auto x, bind_expr(*b.operand, c));
  BRAID_ASSIGN_OR_RETURN(auto lo, bind_expr(*b.low, c));
  BRAID_ASSIGN_OR_RETURN(auto hi, bind_expr(*b.high, c));
  BRAID_ASSIGN_OR_RETURN(auto in, call("between", {x, lo, hi}, e.pos));
  if (b.negated) return call("not", {in}, e.pos);
  return in;
}

Result<exec::ExprPtr> Binder::bind_node(const InList& in, const Expr& e, const ExprContext& c) {
  std::vector<exec::ExprPtr> args;
  BRAID_ASSIGN_OR_RETURN(auto x, bind_expr(*in.operand, c));
  args.push_back(x);
  for (const auto& item : in.list) {
    BRAID_ASSIGN_OR_RETURN(auto v, bind_expr(*item, c));
    args.push_back(v);
  }
  return call(in.negated ? "not_in" : "in", std::move(args), e.pos);
}

// Uncorrelated subqueries run once, here. `c` is where the subquery sits: its columns are the
// enclosing query's, which the subquery cannot read (see correlated_or).
Result<exec::Table> Binder::run_subquery(const Query& q, const ExprContext& c, size_t* columns) {
  const size_t depth = outer_.size();
  if (c.columns) outer_.push_back(c.columns);
  if (c.pre_columns) outer_.push_back(c.pre_columns);
  auto bound = bind_query(q);
  outer_.resize(depth);
  BRAID_ASSIGN_OR_RETURN(Relation r, std::move(bound));
  *columns = r.columns.size();
  return resolver_.run(r.plan);
}

Result<exec::ExprPtr> Binder::bind_node(const InSubquery& in, const Expr& e, const ExprContext& c) {
  BRAID_ASSIGN_OR_RETURN(auto x, bind_expr(*in.operand, c));
  size_t width = 0;
  BRAID_ASSIGN_OR_RETURN(exec::Table t, run_subquery(*in.query, c, &width));
  if (width != 1) return error_at(e.pos, StatusCode::kInvalidArgument, "an IN subquery must return one column, not {}", width);
  std::vector<exec::ExprPtr> args{x};
  for (const auto& b : t.batches) {
    for (int64_t r = 0; r < b->num_rows(); ++r) args.push_back(exec::literal(b->column(0)->slice(r, 1)));
  }
  if (args.size() == 1) {
    // x IN (empty set) is false, also for NULL x.
    BooleanBuilder bb;
    bb.append(in.negated);
    return exec::literal(*bb.finish());
  }
  return call(in.negated ? "not_in" : "in", std::move(args), e.pos);
}

Result<exec::ExprPtr> Binder::bind_node(const Exists& ex, const Expr&, const ExprContext& c) {
  size_t width = 0;
  BRAID_ASSIGN_OR_RETURN(exec::Table t, run_subquery(*ex.query, c, &width));
  BooleanBuilder bb;
  bb.append((t.num_rows() > 0) != ex.negated);
  return exec::literal(*bb.finish());
}

Result<exec::ExprPtr> Binder::bind_node(const ScalarSubquery& s, const Expr& e, const ExprContext& c) {
  size_t width = 0;
  BRAID_ASSIGN_OR_RETURN(exec::Table t, run_subquery(*s.query, c, &width));
  if (width != 1) return error_at(e.pos, StatusCode::kInvalidArgument, "a scalar subquery must return one column, not {}", width);
  if (t.num_rows() > 1) {
    return error_at(e.pos, StatusCode::kInvalidArgument,
                    "[SCALAR_SUBQUERY_TOO_MANY_ROWS] a scalar subquery returned {} rows; it may return at most one",
                    t.num_rows());
  }
  for (const auto& b : t.batches) {
    if (b->num_rows() == 1) return exec::literal(b->column(0)->slice(0, 1));
  }
  return exec::null_literal(t.schema->field(0)->type());
}

Result<exec::ExprPtr> Binder::bind_node(const Like& l, const Expr& e, const ExprContext& c) {
  BRAID_ASSIGN_OR_RETURN(auto x, bind_expr(*l.operand, c));
  BRAID_ASSIGN_OR_RETURN(auto p, bind_expr(*l.pattern, c));
  std::vector<exec::ExprPtr> args{x, p};
  if (l.escape) args.push_back(exec::literal(string_value(*l.escape)));
  const char* name = l.kind == LikeKind::kLike ? "like" : l.kind == LikeKind::kIlike ? "ilike" : "rlike";
  BRAID_ASSIGN_OR_RETURN(auto out, call(name, std::move(args), e.pos));
  if (l.negated) return call("not", {out}, e.pos);
  return out;
}

Result<exec::ExprPtr> Binder::bind_node(const Case& cs, const Expr& e, const ExprContext& c) {
  std::vector<exec::ExprPtr> args;
  exec::ExprPtr operand;
  if (cs.operand) {
    BRAID_ASSIGN_OR_RETURN(operand, bind_expr(*cs.operand, c));
  }
  for (const auto& w : cs.whens) {
    BRAID_ASSIGN_OR_RETURN(auto cond, bind_expr(*w.condition, c));
    if (operand) {
      BRAID_ASSIGN_OR_RETURN(cond, call("=", {operand, cond}, w.condition->pos));
    }
    BRAID_ASSIGN_OR_RETURN(auto value, bind_expr(*w.result, c));
    args.push_back(cond);
    args.push_back(value);
  }
  if (cs.else_result) {
    BRAID_ASSIGN_OR_RETURN(auto value, bind_expr(*cs.else_result, c));
    args.push_back(value);
  }
  return call("case_when", std::move(args), e.pos);
}

Result<exec::ExprPtr> Binder::bind_node(const Cast& cast, const Expr& e, const ExprContext& c) {
  BRAID_ASSIGN_OR_RETURN(auto x, bind_expr(*cast.operand, c));
  BRAID_ASSIGN_OR_RETURN(TypePtr to, to_type(cast.type));
  auto out = exec::make_cast(x, to, cast.is_try);
  if (!out.ok()) return error_at(e.pos, out.status().code(), "{}", out.status().to_string());
  return out;
}

Result<exec::ExprPtr> Binder::bind_node(const FunctionCall& fc, const Expr& e, const ExprContext& c) {
  const std::string name = function_name(fc);
  if (fc.over) {
    return error_at(e.pos, StatusCode::kInvalidArgument, "window function {} is not allowed here", name);
  }
  if (aggregate_kind(name, fc.star)) {
    return error_at(e.pos, StatusCode::kInvalidArgument,
                    "aggregate function {} is not allowed here (only in SELECT, HAVING, ORDER BY and QUALIFY of a query)", name);
  }
  if (!exec::is_function(name)) return unknown_function(name, e.pos);
  if (fc.star) return error_at(e.pos, StatusCode::kInvalidArgument, "{}(*) is not a function", name);
  if (!fc.named_args.empty()) return error_at(fc.named_args[0].pos, StatusCode::kInvalidArgument, "{} takes no named arguments", name);
  // Syntax only aggregates take: refused, never dropped.
  if (fc.distinct) return error_at(e.pos, StatusCode::kInvalidArgument, "{}(DISTINCT ...): {} is not an aggregate function", name, name);
  if (fc.filter) {
    return error_at(fc.filter->pos, StatusCode::kInvalidArgument, "FILTER (WHERE ...) applies to aggregate functions; {} is not one", name);
  }
  if (fc.null_treatment != NullTreatment::kDefault) {
    return error_at(e.pos, StatusCode::kInvalidArgument, "{} takes no {}", name,
                    fc.null_treatment == NullTreatment::kIgnoreNulls ? "IGNORE NULLS" : "RESPECT NULLS");
  }
  std::vector<exec::ExprPtr> args;
  for (const auto& a : fc.args) {
    BRAID_ASSIGN_OR_RETURN(auto x, bind_expr(*a, c));
    args.push_back(x);
  }
  return call(name, std::move(args), e.pos);
}

Result<exec::ExprPtr> Binder::bind_node(const Subscript&, const Expr& e, const ExprContext&) {
  return error_at(e.pos, StatusCode::kNotImplemented, "subscripts ([]) are not supported yet");
}

Result<exec::ExprPtr> Binder::bind_node(const FieldAccess&, const Expr& e, const ExprContext&) {
  return error_at(e.pos, StatusCode::kNotImplemented, "struct field access is not supported yet");
}

Result<exec::ExprPtr> Binder::bind_node(const Row&, const Expr& e, const ExprContext&) {
  return error_at(e.pos, StatusCode::kNotImplemented, "row values are not supported yet");
}

}  // namespace braid::sql::binder_internal
