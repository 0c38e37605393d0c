#include "sql/binder.h"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <set>

#include "columnar/column_builder.h"
#include "common/json_writer.h"
#include "sql/parser.h"

namespace braid::sql {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool iequals(std::string_view a, std::string_view b) { return lower(a) == lower(b); }

template <typename... Args>
Status error_at(SourcePosition pos, StatusCode code, fmt::format_string<Args...> format, Args&&... args) {
  std::string message = fmt::format(format, std::forward<Args>(args)...);
  if (pos.line > 0) message = fmt::format("line {}, column {}: {}", pos.line, pos.column, message);
  return Status(code, std::move(message));
}

std::string join_names(const std::vector<BoundColumn>& columns) {
  std::string out;
  for (const auto& c : columns) {
    if (!out.empty()) out += ", ";
    out += c.qualifier.empty() ? c.name : c.qualifier + "." + c.name;
  }
  return out;
}

SchemaPtr schema_of(const std::vector<BoundColumn>& columns) {
  std::vector<FieldPtr> fields;
  for (const auto& c : columns) fields.push_back(field(c.name, c.type));
  return schema(std::move(fields));
}

std::vector<BoundColumn> columns_of(const Schema& s, const std::string& qualifier) {
  std::vector<BoundColumn> out;
  for (int i = 0; i < s.num_fields(); ++i) out.push_back({qualifier, s.field(i)->name(), s.field(i)->type()});
  return out;
}

std::vector<exec::ExprPtr> refs_of(const std::vector<BoundColumn>& columns, int first = 0) {
  std::vector<exec::ExprPtr> out;
  for (size_t i = 0; i < columns.size(); ++i) {
    out.push_back(exec::column_ref(first + static_cast<int>(i), columns[i].type, columns[i].name));
  }
  return out;
}

ColumnPtr string_value(std::string_view s, TypePtr type = string_type()) {
  BinaryBuilder b(std::move(type));
  b.append(s);
  return *b.finish();
}

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
std::string function_name(const FunctionCall& fc) { return lower(fmt::format("{}", fmt::join(fc.name, "."))); }

std::optional<exec::AggregateKind> aggregate_kind(const std::string& name, bool star) {
  using K = exec::AggregateKind;
  if (name == "count") return star ? K::kCountStar : K::kCount;
  if (name == "sum") return K::kSum;
  if (name == "avg" || name == "mean") return K::kAvg;
  if (name == "min") return K::kMin;
  if (name == "max") return K::kMax;
  if (name == "any_value" || name == "any" || name == "some") return K::kAnyValue;
  if (name == "first" || name == "first_value") return K::kFirst;
  if (name == "last" || name == "last_value") return K::kLast;
  return std::nullopt;
}

// A function name braid does not know. Spark aggregates braid lacks are common enough in
// migrated SQL to say so, with what braid has.
Status unknown_function(const std::string& name, SourcePosition pos) {
  static const std::set<std::string> kSparkAggregates = {
      "collect_list", "collect_set", "array_agg", "max_by", "min_by", "count_if", "bool_and", "bool_or", "every",
      "stddev", "stddev_pop", "stddev_samp", "std", "variance", "var_pop", "var_samp", "corr", "covar_pop",
      "covar_samp", "percentile", "percentile_approx", "approx_percentile", "approx_count_distinct", "median", "mode",
      "kurtosis", "skewness", "string_agg", "listagg", "histogram_numeric", "regr_slope", "bit_and", "bit_or",
      "bit_xor", "sum_distinct", "grouping", "grouping_id"};
  if (kSparkAggregates.count(name)) {
    return error_at(pos, StatusCode::kNotFound,
                    "unknown function '{}': braid does not implement this Spark function (its aggregates are count, "
                    "sum, avg, min, max, any_value, first and last)",
                    name);
  }
  return error_at(pos, StatusCode::kNotFound, "unknown function '{}'", name);
}

bool is_aggregate_call(const Expr& e) {
  const auto* fc = e.as<FunctionCall>();
  return fc && !fc->over && aggregate_kind(function_name(*fc), fc->star).has_value();
}

// Aggregate calls (outside window specs' own calls) and window calls, in the order met.
void collect_calls(const Expr& e, std::vector<const Expr*>& aggregates, std::vector<const Expr*>& windows) {
  if (const auto* fc = e.as<FunctionCall>()) {
    if (fc->over) {
      windows.push_back(&e);
      // Aggregates inside a window call's arguments are computed before it (sum(sum(x)) OVER).
      for_each_child(e, [&](const Expr& c) { collect_calls(c, aggregates, windows); });
      return;
    }
    if (aggregate_kind(function_name(*fc), fc->star)) {
      aggregates.push_back(&e);
      return;
    }
  }
  for_each_child(e, [&](const Expr& c) { collect_calls(c, aggregates, windows); });
}

bool contains_aggregate(const Expr& e) {
  if (is_aggregate_call(e)) return true;
  bool found = false;
  for_each_child(e, [&](const Expr& c) { found = found || contains_aggregate(c); });
  return found;
}

// Whether a WHERE conjunct may also be applied below a join, to the side whose columns it reads:
// no subqueries (evaluated at bind time: not twice), aggregates, window calls or functions whose
// value differs per call.
bool pushable(const Expr& e) {
  if (e.as<InSubquery>() || e.as<Exists>() || e.as<ScalarSubquery>()) return false;
  if (const auto* fc = e.as<FunctionCall>()) {
    static const std::set<std::string> kVolatile = {"rand", "random", "randn", "uuid", "shuffle"};
    if (fc->over || is_aggregate_call(e) || kVolatile.count(function_name(*fc))) return false;
  }
  bool ok = true;
  for_each_child(e, [&](const Expr& c) { ok = ok && pushable(c); });
  return ok;
}

// Lower-cased name parts referenced by an expression (outside subqueries, which are
// uncorrelated); `*any_star` when it holds a `*`.
void collect_names(const Expr& e, std::set<std::string>& names, bool* any_star) {
  if (const auto* ref = e.as<ColumnRef>()) {
    for (const auto& p : ref->parts) names.insert(lower(p));
  } else if (e.as<Star>()) {
    *any_star = true;
  } else if (const auto* fc = e.as<FunctionCall>(); fc && fc->star) {
    // count(*) reads no column.
  }
  for_each_child(e, [&](const Expr& c) { collect_names(c, names, any_star); });
}

void collect_names(const TableRef& t, std::set<std::string>& names, bool* any_star) {
  if (const auto* j = t.as<Join>()) {
    if (j->on) collect_names(*j->on, names, any_star);
    for (const auto& c : j->using_columns) names.insert(lower(c));
    collect_names(*j->left, names, any_star);
    collect_names(*j->right, names, any_star);
  }
}

// Spark's generated column name for an expression without an alias.
std::string generated_name(const Expr& e) {
  if (const auto* c = e.as<ColumnRef>()) return c->parts.back();
  if (const auto* fc = e.as<FunctionCall>(); fc && fc->star && function_name(*fc) == "count") return "count(1)";
  if (const auto* p = e.as<Parameter>()) return ":" + p->name;
  if (const auto* u = e.as<Unary>(); u && u->op == UnaryOp::kNegate && u->operand->as<Literal>()) {
    return "-" + generated_name(*u->operand);
  }
  if (const auto* l = e.as<Literal>()) {
    if (l->kind == LiteralKind::kString) return l->text;
    if (l->kind == LiteralKind::kNull) return "NULL";
    if (l->kind == LiteralKind::kBoolean) return l->bool_value ? "true" : "false";
  }
  std::string text = to_sql(e);
  // Spark prints plain identifiers without backticks in generated names.
  std::erase(text, '`');
  return text;
}

// The conjuncts of an AND tree.
void split_conjuncts(const Expr& e, std::vector<const Expr*>& out) {
  if (const auto* b = e.as<Binary>(); b && b->op == BinaryOp::kAnd) {
    split_conjuncts(*b->left, out);
    split_conjuncts(*b->right, out);
    return;
  }
  out.push_back(&e);
}

Result<int64_t> constant_int(const exec::ExprPtr& e, const exec::EvalContext& ctx, SourcePosition pos,
                             std::string_view what) {
  auto value = exec::evaluate_constant(e, ctx);
  if (!value.ok()) return error_at(pos, StatusCode::kInvalidArgument, "{} must be a constant: {}", what, value.status().to_string());
  BRAID_ASSIGN_OR_RETURN(auto as_long, exec::make_cast(exec::literal(*value), int64(), false));
  BRAID_ASSIGN_OR_RETURN(ColumnPtr v, exec::evaluate_constant(as_long, ctx));
  if (v->is_null(0)) return error_at(pos, StatusCode::kInvalidArgument, "{} must not be NULL", what);
  return v->value<int64_t>(0);
}

Result<std::string> constant_string(const exec::ExprPtr& e, const exec::EvalContext& ctx, SourcePosition pos,
                                    std::string_view what) {
  auto value = exec::evaluate_constant(e, ctx);
  if (!value.ok()) return error_at(pos, StatusCode::kInvalidArgument, "{} must be a constant: {}", what, value.status().to_string());
  BRAID_ASSIGN_OR_RETURN(auto as_string, exec::make_cast(exec::literal(*value), string_type(), false));
  BRAID_ASSIGN_OR_RETURN(ColumnPtr v, exec::evaluate_constant(as_string, ctx));
  if (v->is_null(0)) return error_at(pos, StatusCode::kInvalidArgument, "{} must not be NULL", what);
  auto view = v->string_value(0);
  return std::string(view);
}

// The type both a and b convert to (Spark's common type), by asking coalesce.
Result<TypePtr> common_type(const TypePtr& a, const TypePtr& b) {
  if (a->equals(*b)) return a;
  BRAID_ASSIGN_OR_RETURN(auto c, exec::make_call("coalesce", {exec::null_literal(a), exec::null_literal(b)}));
  return c->type();
}

Result<exec::ExprPtr> cast_if_needed(exec::ExprPtr e, const TypePtr& to) {
  if (e->type()->equals(*to)) return e;
  return exec::make_cast(std::move(e), to, false);
}

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
                           const std::vector<std::string>* unread = nullptr) {
  const auto& parts = ref.parts;
  std::string name = parts.back();
  std::string qualifier = parts.size() >= 2 ? parts[parts.size() - 2] : "";
  int found = -1;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (!iequals(columns[i].name, name)) continue;
    if (!qualifier.empty() && !iequals(columns[i].qualifier, qualifier)) continue;
    if (found >= 0) {
      return error_at(pos, StatusCode::kInvalidArgument, "column reference `{}` is ambiguous; it could be {}.{} or {}.{}",
                      fmt::join(parts, "."), columns[static_cast<size_t>(found)].qualifier,
                      columns[static_cast<size_t>(found)].name, columns[i].qualifier, columns[i].name);
    }
    found = static_cast<int>(i);
  }
  if (found < 0) {
    std::string names = join_names(columns);
    // Columns the scan does not read (nothing referenced them) are input columns all the same.
    if (unread) {
      for (const auto& n : *unread) names += (names.empty() ? "" : ", ") + (n.starts_with(".") ? n.substr(1) : n);
    }
    return error_at(pos, StatusCode::kInvalidArgument,
                    "[UNRESOLVED_COLUMN] cannot resolve column `{}`; the input columns are: {}",
                    fmt::join(parts, "."), names.empty() ? "(none)" : names);
  }
  return found;
}

class Binder {
 public:
  explicit Binder(Resolver& resolver) : resolver_(resolver) {}

  struct Relation {
    PlanPtr plan;
    std::vector<BoundColumn> columns;
    std::vector<std::string> unread;  // qualified names of columns pruned from scans (for errors)
  };

  Result<Relation> bind_query(const Query& q) {
    ctes_.emplace_back();
    struct Pop {
      std::vector<std::map<std::string, Relation>>& stack;
      ~Pop() { stack.pop_back(); }
    } pop{ctes_};
    for (const auto& cte : q.ctes) {
      BRAID_ASSIGN_OR_RETURN(Relation r, bind_query(*cte.query));
      BRAID_ASSIGN_OR_RETURN(r, rename(std::move(r), cte.name, cte.columns, cte.pos));
      ctes_.back()[lower(cte.name)] = std::move(r);
    }
    if (const auto* select = q.as<Select>()) return bind_select(*select, q.order_by, q.limit.get(), q.offset.get());
    Relation r;
    if (const auto* values = q.as<Values>()) {
      BRAID_ASSIGN_OR_RETURN(r, bind_values(*values, q.pos));
    } else if (const auto* setop = q.as<SetOperation>()) {
      BRAID_ASSIGN_OR_RETURN(r, bind_set_operation(*setop, q.pos));
    } else {
      BRAID_ASSIGN_OR_RETURN(r, bind_query(*std::get<QueryPtr>(q.body)));
    }
    return order_and_limit(std::move(r), q.order_by, q.limit.get(), q.offset.get());
  }

  // Binds an expression in a context.
  Result<exec::ExprPtr> bind_expr(const Expr& e, const ExprContext& c) {
    if (c.substitutions) {
      auto it = c.substitutions->find(to_sql(e));
      if (it != c.substitutions->end()) {
        const auto& col = (*c.columns)[static_cast<size_t>(it->second)];
        return exec::column_ref(it->second, col.type, col.name);
      }
    }
    return std::visit([&](const auto& n) { return bind_node(n, e, c); }, e.node);
  }

  const exec::EvalContext& eval() const { return resolver_.eval_context(); }

 private:
  // ---- expressions

  Result<exec::ExprPtr> call(std::string_view name, std::vector<exec::ExprPtr> args, SourcePosition pos) {
    auto r = exec::make_call(name, std::move(args));
    if (!r.ok()) return error_at(pos, r.status().code(), "{}", r.status().to_string());
    return r;
  }

  Result<exec::ExprPtr> bind_node(const Literal& l, const Expr& e, const ExprContext&) { return bind_literal(l, e.pos); }

  Result<exec::ExprPtr> bind_literal(const Literal& l, SourcePosition pos) {
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

  Result<exec::ExprPtr> bind_node(const ColumnRef& ref, const Expr& e, const ExprContext& c) {
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
  Status correlated_or(const ColumnRef& ref, SourcePosition pos, Status unresolved) const {
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

  Result<exec::ExprPtr> bind_node(const Star&, const Expr& e, const ExprContext&) {
    return error_at(e.pos, StatusCode::kInvalidArgument, "`*` is only allowed in a select list or count(*)");
  }

  Result<exec::ExprPtr> bind_node(const Parameter& p, const Expr& e, const ExprContext&) {
    auto v = resolver_.parameter(p.name);
    if (!v.ok()) return error_at(e.pos, StatusCode::kNotFound, "no value is bound to the parameter :{}", p.name);
    return exec::literal(*v);
  }

  Result<exec::ExprPtr> bind_node(const Unary& u, const Expr& e, const ExprContext& c) {
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

  Result<exec::ExprPtr> bind_node(const Binary& b, const Expr& e, const ExprContext& c) {
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

  Result<exec::ExprPtr> bind_node(const IsPredicate& p, const Expr& e, const ExprContext& c) {
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

  Result<exec::ExprPtr> bind_node(const IsDistinctFrom& d, const Expr& e, const ExprContext& c) {
    BRAID_ASSIGN_OR_RETURN(auto l, bind_expr(*d.left, c));
    BRAID_ASSIGN_OR_RETURN(auto r, bind_expr(*d.right, c));
    BRAID_ASSIGN_OR_RETURN(auto same, call("<=>", {l, r}, e.pos));
    if (d.negated) return same;
    return call("not", {same}, e.pos);
  }

  Result<exec::ExprPtr> bind_node(const Between& b, const Expr& e, const ExprContext& c) {
    BRAID_ASSIGN_OR_RETURN(auto x, bind_expr(*b.operand, c));
    BRAID_ASSIGN_OR_RETURN(auto lo, bind_expr(*b.low, c));
    BRAID_ASSIGN_OR_RETURN(auto hi, bind_expr(*b.high, c));
    BRAID_ASSIGN_OR_RETURN(auto in, call("between", {x, lo, hi}, e.pos));
    if (b.negated) return call("not", {in}, e.pos);
    return in;
  }

  Result<exec::ExprPtr> bind_node(const InList& in, const Expr& e, const ExprContext& c) {
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
  Result<exec::Table> run_subquery(const Query& q, const ExprContext& c, size_t* columns) {
    const size_t depth = outer_.size();
    if (c.columns) outer_.push_back(c.columns);
    if (c.pre_columns) outer_.push_back(c.pre_columns);
    auto bound = bind_query(q);
    outer_.resize(depth);
    BRAID_ASSIGN_OR_RETURN(Relation r, std::move(bound));
    *columns = r.columns.size();
    return resolver_.run(r.plan);
  }

  Result<exec::ExprPtr> bind_node(const InSubquery& in, const Expr& e, const ExprContext& c) {
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

  Result<exec::ExprPtr> bind_node(const Exists& ex, const Expr&, const ExprContext& c) {
    size_t width = 0;
    BRAID_ASSIGN_OR_RETURN(exec::Table t, run_subquery(*ex.query, c, &width));
    BooleanBuilder bb;
    bb.append((t.num_rows() > 0) != ex.negated);
    return exec::literal(*bb.finish());
  }

  Result<exec::ExprPtr> bind_node(const ScalarSubquery& s, const Expr& e, const ExprContext& c) {
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

  Result<exec::ExprPtr> bind_node(const Like& l, const Expr& e, const ExprContext& c) {
    BRAID_ASSIGN_OR_RETURN(auto x, bind_expr(*l.operand, c));
    BRAID_ASSIGN_OR_RETURN(auto p, bind_expr(*l.pattern, c));
    std::vector<exec::ExprPtr> args{x, p};
    if (l.escape) args.push_back(exec::literal(string_value(*l.escape)));
    const char* name = l.kind == LikeKind::kLike ? "like" : l.kind == LikeKind::kIlike ? "ilike" : "rlike";
    BRAID_ASSIGN_OR_RETURN(auto out, call(name, std::move(args), e.pos));
    if (l.negated) return call("not", {out}, e.pos);
    return out;
  }

  Result<exec::ExprPtr> bind_node(const Case& cs, const Expr& e, const ExprContext& c) {
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

  Result<exec::ExprPtr> bind_node(const Cast& cast, const Expr& e, const ExprContext& c) {
    BRAID_ASSIGN_OR_RETURN(auto x, bind_expr(*cast.operand, c));
    BRAID_ASSIGN_OR_RETURN(TypePtr to, to_type(cast.type));
    auto out = exec::make_cast(x, to, cast.is_try);
    if (!out.ok()) return error_at(e.pos, out.status().code(), "{}", out.status().to_string());
    return out;
  }

  Result<exec::ExprPtr> bind_node(const FunctionCall& fc, const Expr& e, const ExprContext& c) {
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

  Result<exec::ExprPtr> bind_node(const Subscript&, const Expr& e, const ExprContext&) {
    return error_at(e.pos, StatusCode::kNotImplemented, "subscripts ([]) are not supported yet");
  }
  Result<exec::ExprPtr> bind_node(const FieldAccess&, const Expr& e, const ExprContext&) {
    return error_at(e.pos, StatusCode::kNotImplemented, "struct field access is not supported yet");
  }
  Result<exec::ExprPtr> bind_node(const Row&, const Expr& e, const ExprContext&) {
    return error_at(e.pos, StatusCode::kNotImplemented, "row values are not supported yet");
  }

  // ---- relations
 public:
  static Result<Relation> rename(Relation r, const std::string& qualifier, const std::vector<std::string>& names,
                                 SourcePosition pos) {
    if (!names.empty() && names.size() != r.columns.size()) {
      return error_at(pos, StatusCode::kInvalidArgument, "{} column names are given for {} columns", names.size(),
                      r.columns.size());
    }
    for (size_t i = 0; i < r.columns.size(); ++i) {
      r.columns[i].qualifier = qualifier;
      if (!names.empty()) r.columns[i].name = names[i];
    }
    for (auto& n : r.unread) n = qualifier.empty() ? n.substr(n.find('.') + 1) : qualifier + "." + n.substr(n.find('.') + 1);
    if (!names.empty()) {
      r.plan = make_plan(ProjectNode{r.plan, refs_of(r.columns)}, schema_of(r.columns));
    }
    return r;
  }

  Result<Relation> bind_from(const TableRef& t) {
    return bind_from_impl(t);
  }

 private:
  Result<Relation> bind_from_impl(const TableRef& t) {
    // Conjuncts offered for pushing are for a join right here, never for what lies below another
    // kind of relation (a subquery's names are its own).
    std::vector<const Expr*> pushdown = std::move(pushdown_);
    pushdown_.clear();
    Relation r;
    std::string qualifier;
    if (const auto* base = t.as<BaseTable>()) {
      BRAID_ASSIGN_OR_RETURN(r, bind_base_table(*base));
      qualifier = base->name.is_path() ? "" : base->name.parts.back();
    } else if (const auto* fn = t.as<TableFunction>()) {
      BRAID_ASSIGN_OR_RETURN(r, bind_table_function(*fn, t.pos));
      qualifier = fn->name.back();
    } else if (const auto* derived = t.as<DerivedTable>()) {
      BRAID_ASSIGN_OR_RETURN(r, bind_query(*derived->query));
    } else {
      return bind_join(std::get<Join>(t.node), t.pos, pushdown);
    }
    if (t.alias) qualifier = *t.alias;
    return rename(std::move(r), qualifier, t.column_aliases, t.pos);
  }

  Result<Relation> bind_base_table(const BaseTable& base) {
    if (!base.name.is_path() && base.name.parts.size() == 1 && !base.time_travel) {
      const std::string key = lower(base.name.parts[0]);
      for (auto it = ctes_.rbegin(); it != ctes_.rend(); ++it) {
        auto found = it->find(key);
        if (found != it->end()) return found->second;
      }
    }
    std::optional<int64_t> version;
    std::optional<std::string> timestamp;
    if (base.time_travel) {
      ExprContext none;
      std::vector<BoundColumn> empty;
      none.columns = &empty;
      BRAID_ASSIGN_OR_RETURN(auto value, bind_expr(*base.time_travel->value, none));
      if (base.time_travel->kind == TimeTravelKind::kVersion) {
        BRAID_ASSIGN_OR_RETURN(version, constant_int(value, eval(), base.time_travel->pos, "VERSION AS OF"));
      } else {
        BRAID_ASSIGN_OR_RETURN(timestamp, constant_string(value, eval(), base.time_travel->pos, "TIMESTAMP AS OF"));
      }
    }
    auto resolved = resolver_.resolve(base.name, version, timestamp);
    if (!resolved.ok()) {
      return error_at(base.name.pos, resolved.status().code(), "{}", resolved.status().to_string());
    }
    Relation r;
    r.plan = prune_scan(resolved->plan);
    r.columns = columns_of(*r.plan->schema, "");
    r.unread = unread_columns(*resolved->plan->schema, *r.plan->schema);
    return r;
  }

  // Names in `all` that `read` lacks, as ".name" (rename() adds the qualifier).
  static std::vector<std::string> unread_columns(const Schema& all, const Schema& read) {
    std::vector<std::string> out;
    for (int i = 0; i < all.num_fields(); ++i) {
      if (read.field_index(all.field(i)->name()) < 0) out.push_back("." + all.field(i)->name());
    }
    return out;
  }

  // A scan of only the columns the query needs (projection pushdown).
  PlanPtr prune_scan(const PlanPtr& plan) const {
    const auto* scan = std::get_if<ScanNode>(&plan->node);
    if (!needed_ || !scan) return plan;
    ScanNode pruned = *scan;
    pruned.columns.clear();
    std::vector<FieldPtr> fields;
    for (size_t i = 0; i < scan->columns.size(); ++i) {
      const auto& f = plan->schema->field(static_cast<int>(i));
      if (needed_->count(lower(f->name()))) {
        pruned.columns.push_back(scan->columns[i]);
        fields.push_back(f);
      }
    }
    if (pruned.columns.size() == scan->columns.size()) return plan;
    if (pruned.columns.empty()) {
      // No column is read (count(*)): read the narrowest one for the row count.
      size_t pick = 0;
      for (size_t i = 0; i < scan->columns.size(); ++i) {
        const auto id = plan->schema->field(static_cast<int>(i))->type()->id();
        if (id != TypeId::kString && id != TypeId::kBinary && id != TypeId::kStruct && id != TypeId::kList &&
            id != TypeId::kMap) {
          pick = i;
          break;
        }
      }
      pruned.columns.push_back(scan->columns[pick]);
      fields.push_back(plan->schema->field(static_cast<int>(pick)));
    }
    return make_plan(std::move(pruned), schema(std::move(fields)));
  }

  Result<Relation> bind_table_function(const TableFunction& fn, SourcePosition pos);

  Result<Relation> bind_values(const Values& values, SourcePosition pos) {
    if (values.rows.empty()) return error_at(pos, StatusCode::kInvalidArgument, "VALUES needs at least one row");
    const size_t width = values.rows[0].size();
    ExprContext none;
    std::vector<BoundColumn> empty;
    none.columns = &empty;
    std::vector<std::vector<ColumnPtr>> cells(width);
    std::vector<TypePtr> types(width);
    for (const auto& row : values.rows) {
      if (row.size() != width) {
        return error_at(row.empty() ? pos : row[0]->pos, StatusCode::kInvalidArgument,
                        "every VALUES row must have {} values; this one has {}", width, row.size());
      }
      for (size_t c = 0; c < width; ++c) {
        BRAID_ASSIGN_OR_RETURN(auto e, bind_expr(*row[c], none));
        auto v = exec::evaluate_constant(e, eval());
        if (!v.ok()) return error_at(row[c]->pos, v.status().code(), "{}", v.status().to_string());
        cells[c].push_back(*v);
        if (!types[c]) {
          types[c] = (*v)->type();
        } else {
          auto t = common_type(types[c], (*v)->type());
          if (!t.ok()) {
            return error_at(row[c]->pos, StatusCode::kInvalidArgument, "VALUES column {} mixes {} and {}", c + 1,
                            types[c]->to_string(), (*v)->type()->to_string());
          }
          types[c] = *t;
        }
      }
    }
    std::vector<ColumnPtr> columns;
    std::vector<BoundColumn> bound;
    for (size_t c = 0; c < width; ++c) {
      // A column of only NULLs reads as... NULLs of type null; Spark calls it VOID. Keep it.
      auto builder = make_builder(types[c]);
      for (const auto& cell : cells[c]) {
        ColumnPtr v = cell;
        if (!v->type()->equals(*types[c])) {
          BRAID_ASSIGN_OR_RETURN(auto cast, exec::make_cast(exec::literal(v), types[c], false));
          BRAID_ASSIGN_OR_RETURN(v, exec::evaluate_constant(cast, eval()));
        }
        builder->append_from(*v, 0);
      }
      BRAID_ASSIGN_OR_RETURN(auto col, builder->finish());
      columns.push_back(col);
      bound.push_back({"", fmt::format("col{}", c + 1), types[c]});
    }
    auto batch = std::make_shared<const RecordBatch>(schema_of(bound), static_cast<int64_t>(values.rows.size()), columns);
    return values_relation({batch}, bound);
  }

  static Relation values_relation(std::vector<RecordBatchPtr> batches, std::vector<BoundColumn> columns) {
    ScanNode scan;
    scan.source = ValuesSource{std::move(batches), {}};
    scan.source_schema = schema_of(columns);
    for (size_t i = 0; i < columns.size(); ++i) scan.columns.push_back(static_cast<int>(i));
    Relation r;
    r.plan = make_plan(std::move(scan), schema_of(columns));
    r.columns = std::move(columns);
    return r;
  }

  Result<Relation> bind_set_operation(const SetOperation& op, SourcePosition pos) {
    BRAID_ASSIGN_OR_RETURN(Relation left, bind_query(*op.left));
    BRAID_ASSIGN_OR_RETURN(Relation right, bind_query(*op.right));
    if (left.columns.size() != right.columns.size()) {
      return error_at(pos, StatusCode::kInvalidArgument, "the two sides of a set operation have {} and {} columns",
                      left.columns.size(), right.columns.size());
    }
    std::vector<BoundColumn> out = left.columns;
    for (auto& c : out) c.qualifier.clear();
    for (size_t i = 0; i < out.size(); ++i) {
      auto t = common_type(left.columns[i].type, right.columns[i].type);
      if (!t.ok()) {
        return error_at(pos, StatusCode::kInvalidArgument, "column {} of a set operation mixes {} and {}", i + 1,
                        left.columns[i].type->to_string(), right.columns[i].type->to_string());
      }
      out[i].type = *t;
    }
    BRAID_ASSIGN_OR_RETURN(PlanPtr l, cast_columns(left, out));
    BRAID_ASSIGN_OR_RETURN(PlanPtr r, cast_columns(right, out));
    const SchemaPtr s = schema_of(out);
    Relation result;
    result.columns = out;
    if (op.kind == SetOpKind::kUnion) {
      result.plan = make_plan(UnionNode{{l, r}}, s);
      if (!op.all) result.plan = make_plan(DistinctNode{result.plan}, s);
      return result;
    }
    if (op.all) return error_at(pos, StatusCode::kNotImplemented, "INTERSECT ALL and EXCEPT ALL are not supported yet");
    JoinNode join;
    join.left = make_plan(DistinctNode{l}, s);
    join.right = r;
    join.kind = op.kind == SetOpKind::kIntersect ? JoinNode::Kind::kLeftSemi : JoinNode::Kind::kLeftAnti;
    join.left_keys = refs_of(out);
    join.right_keys = refs_of(out);
    join.null_safe.assign(out.size(), true);  // set operations treat NULLs as equal
    result.plan = make_plan(std::move(join), s);
    return result;
  }

  Result<PlanPtr> cast_columns(const Relation& r, const std::vector<BoundColumn>& to) {
    bool same = true;
    std::vector<exec::ExprPtr> exprs;
    for (size_t i = 0; i < to.size(); ++i) {
      auto ref = exec::column_ref(static_cast<int>(i), r.columns[i].type, r.columns[i].name);
      if (!r.columns[i].type->equals(*to[i].type)) same = false;
      BRAID_ASSIGN_OR_RETURN(auto e, cast_if_needed(ref, to[i].type));
      exprs.push_back(e);
    }
    if (same) return r.plan;
    return make_plan(ProjectNode{r.plan, std::move(exprs)}, schema_of(to));
  }

  // `pushdown`: conjuncts of a WHERE over this join. Each is also applied to a side it reads only
  // the columns of, when that keeps the join's result (either side of an inner or cross join; the
  // left of a left, semi or anti join; the right of a right join): the side's scan then reads and
  // joins fewer rows. The WHERE still applies above the join.
  Result<Relation> bind_join(const Join& j, SourcePosition pos, const std::vector<const Expr*>& pushdown) {
    const bool to_left = j.type == JoinType::kInner || j.type == JoinType::kCross || j.type == JoinType::kLeft ||
                         j.type == JoinType::kLeftSemi || j.type == JoinType::kLeftAnti;
    const bool to_right = j.type == JoinType::kInner || j.type == JoinType::kCross || j.type == JoinType::kRight;
    if (to_left) pushdown_ = pushdown;
    BRAID_ASSIGN_OR_RETURN(Relation left, bind_from(*j.left));
    if (to_right) pushdown_ = pushdown;
    BRAID_ASSIGN_OR_RETURN(Relation right, bind_from(*j.right));
    if (to_left) BRAID_RETURN_IF_ERROR(push_filters(pushdown, left));
    if (to_right) BRAID_RETURN_IF_ERROR(push_filters(pushdown, right));
    std::vector<BoundColumn> both = left.columns;
    both.insert(both.end(), right.columns.begin(), right.columns.end());
    std::vector<std::string> unread = left.unread;
    unread.insert(unread.end(), right.unread.begin(), right.unread.end());
    JoinNode node;
    node.left = left.plan;
    node.right = right.plan;
    switch (j.type) {
      case JoinType::kInner: node.kind = JoinNode::Kind::kInner; break;
      case JoinType::kLeft: node.kind = JoinNode::Kind::kLeft; break;
      case JoinType::kRight: node.kind = JoinNode::Kind::kRight; break;
      case JoinType::kFull: node.kind = JoinNode::Kind::kFull; break;
      case JoinType::kCross: node.kind = JoinNode::Kind::kCross; break;
      case JoinType::kLeftSemi: node.kind = JoinNode::Kind::kLeftSemi; break;
      case JoinType::kLeftAnti: node.kind = JoinNode::Kind::kLeftAnti; break;
    }
    const int left_width = static_cast<int>(left.columns.size());
    std::vector<std::pair<int, int>> using_pairs;
    if (!j.using_columns.empty()) {
      for (const auto& name : j.using_columns) {
        ColumnRef ref{{name}};
        BRAID_ASSIGN_OR_RETURN(int li, resolve_column(ref, left.columns, pos));
        BRAID_ASSIGN_OR_RETURN(int ri, resolve_column(ref, right.columns, pos));
        node.left_keys.push_back(exec::column_ref(li, left.columns[static_cast<size_t>(li)].type, name));
        node.right_keys.push_back(exec::column_ref(ri, right.columns[static_cast<size_t>(ri)].type, name));
        node.null_safe.push_back(false);
        using_pairs.emplace_back(li, ri);
      }
    } else if (j.on) {
      std::vector<const Expr*> conjuncts;
      split_conjuncts(*j.on, conjuncts);
      std::vector<exec::ExprPtr> residual;
      ExprContext lc, rc, bc;
      lc.columns = &left.columns;
      rc.columns = &right.columns;
      bc.columns = &both;
      for (const Expr* conj : conjuncts) {
        const auto* b = conj->as<Binary>();
        if (b && (b->op == BinaryOp::kEq || b->op == BinaryOp::kNullSafeEq) && node.kind != JoinNode::Kind::kCross) {
          auto l1 = bind_expr(*b->left, lc);
          auto r1 = bind_expr(*b->right, rc);
          if (!l1.ok() || !r1.ok()) {
            l1 = bind_expr(*b->right, lc);
            r1 = bind_expr(*b->left, rc);
          }
          if (l1.ok() && r1.ok() && !(*l1)->is_constant() && !(*r1)->is_constant()) {
            // Compare in the common type.
            auto t = common_type((*l1)->type(), (*r1)->type());
            if (t.ok()) {
              BRAID_ASSIGN_OR_RETURN(auto lk, cast_if_needed(*l1, *t));
              BRAID_ASSIGN_OR_RETURN(auto rk, cast_if_needed(*r1, *t));
              node.left_keys.push_back(lk);
              node.right_keys.push_back(rk);
              node.null_safe.push_back(b->op == BinaryOp::kNullSafeEq);
              continue;
            }
          }
        }
        BRAID_ASSIGN_OR_RETURN(auto e, bind_expr(*conj, bc));
        residual.push_back(e);
      }
      for (auto& e : residual) {
        if (!node.residual) {
          node.residual = e;
        } else {
          BRAID_ASSIGN_OR_RETURN(node.residual, call("and", {node.residual, e}, pos));
        }
      }
    }
    if (node.kind == JoinNode::Kind::kInner && node.left_keys.empty()) node.kind = JoinNode::Kind::kCross;
    if (node.left_keys.empty() && node.kind != JoinNode::Kind::kCross) {
      return error_at(pos, StatusCode::kNotImplemented,
                      "a {} join needs at least one equality between the two sides in its ON clause",
                      node.kind == JoinNode::Kind::kLeft ? "LEFT" : node.kind == JoinNode::Kind::kRight ? "RIGHT"
                      : node.kind == JoinNode::Kind::kFull ? "FULL" : "SEMI/ANTI");
    }
    const bool left_only = node.kind == JoinNode::Kind::kLeftSemi || node.kind == JoinNode::Kind::kLeftAnti;
    Relation out;
    out.unread = std::move(unread);
    out.columns = left_only ? left.columns : both;
    out.plan = make_plan(std::move(node), schema_of(out.columns));
    if (using_pairs.empty() || left_only) return out;
    // USING: the key columns once (coalesced for outer joins), then the other columns.
    std::vector<exec::ExprPtr> exprs;
    std::vector<BoundColumn> cols;
    std::set<int> used_left, used_right;
    for (auto [li, ri] : using_pairs) {
      auto l = exec::column_ref(li, both[static_cast<size_t>(li)].type, both[static_cast<size_t>(li)].name);
      auto r = exec::column_ref(left_width + ri, both[static_cast<size_t>(left_width + ri)].type,
                                both[static_cast<size_t>(left_width + ri)].name);
      exec::ExprPtr key = l;
      if (j.type == JoinType::kRight) key = r;
      if (j.type == JoinType::kFull) {
        BRAID_ASSIGN_OR_RETURN(key, call("coalesce", {l, r}, pos));
      }
      exprs.push_back(key);
      cols.push_back({both[static_cast<size_t>(li)].qualifier, both[static_cast<size_t>(li)].name, key->type()});
      used_left.insert(li);
      used_right.insert(ri);
    }
    for (int i = 0; i < static_cast<int>(both.size()); ++i) {
      if (i < left_width ? used_left.count(i) : used_right.count(i - left_width)) continue;
      exprs.push_back(exec::column_ref(i, both[static_cast<size_t>(i)].type, both[static_cast<size_t>(i)].name));
      cols.push_back(both[static_cast<size_t>(i)]);
    }
    out.plan = make_plan(ProjectNode{out.plan, std::move(exprs)}, schema_of(cols));
    out.columns = std::move(cols);
    return out;
  }

  // Applies to `side` the conjuncts that bind over its columns alone (others are skipped).
  Status push_filters(const std::vector<const Expr*>& conjuncts, Relation& side) {
    ExprContext c;
    c.columns = &side.columns;
    exec::ExprPtr predicate;
    std::vector<const Expr*> pushed;
    for (const Expr* conj : conjuncts) {
      auto bound = bind_expr(*conj, c);
      if (!bound.ok() || (*bound)->type()->id() != TypeId::kBoolean) continue;
      pushed.push_back(conj);
      if (!predicate) {
        predicate = *bound;
      } else {
        BRAID_ASSIGN_OR_RETURN(predicate, call("and", {predicate, *bound}, conj->pos));
      }
    }
    if (predicate) side.plan = filter_over(side.plan, predicate, pushed, side.columns);
    return Status::OK();
  }

  // `plan` filtered by `predicate` (bound from `conditions` over `columns`). The conditions'
  // skipping predicates also go into a scan right below (files, partitions and row groups that
  // cannot match are not read); the filter still runs on the rows read.
  PlanPtr filter_over(PlanPtr plan, exec::ExprPtr predicate, const std::vector<const Expr*>& conditions,
                      const std::vector<BoundColumn>& columns) {
    const auto* scan = std::get_if<ScanNode>(&plan->node);
    const auto* values = scan ? std::get_if<ValuesSource>(&scan->source) : nullptr;
    if (scan && (values == nullptr || !values->stats.empty())) {
      ScanNode pruned = *scan;
      for (const Expr* condition : conditions) {
        auto skipping = skipping_predicates(*condition, columns, resolver_);
        pruned.skipping.insert(pruned.skipping.end(), skipping.begin(), skipping.end());
      }
      if (pruned.skipping.size() != scan->skipping.size()) plan = make_plan(std::move(pruned), plan->schema);
    }
    return make_plan(FilterNode{plan, std::move(predicate)}, plan->schema);
  }

  // ---- SELECT

  struct WindowCall {
    const Expr* expr;
    std::string spec_key;
  };

  Result<Relation> bind_select(const Select& s, const std::vector<OrderItem>& order_by, const Expr* limit,
                               const Expr* offset);

  Result<Relation> order_and_limit(Relation r, const std::vector<OrderItem>& order_by, const Expr* limit,
                                   const Expr* offset) {
    std::optional<int64_t> n, skip;
    BRAID_RETURN_IF_ERROR(limit_values(limit, offset, n, skip));
    if (!order_by.empty()) {
      SortNode sort;
      sort.input = r.plan;
      ExprContext c;
      c.columns = &r.columns;
      for (const auto& item : order_by) {
        exec::ExprPtr key;
        if (const auto* lit = item.expr->as<Literal>(); lit && lit->kind == LiteralKind::kInteger) {
          const int64_t k = std::atoll(lit->text.c_str());
          if (k < 1 || k > static_cast<int64_t>(r.columns.size())) {
            return error_at(item.pos, StatusCode::kInvalidArgument, "ORDER BY position {} is not in the select list (1 to {})", k,
                            r.columns.size());
          }
          const auto& col = r.columns[static_cast<size_t>(k - 1)];
          key = exec::column_ref(static_cast<int>(k - 1), col.type, col.name);
        } else {
          BRAID_ASSIGN_OR_RETURN(key, bind_expr(*item.expr, c));
        }
        sort.keys.push_back(key);
        sort.ascending.push_back(!item.descending);
        sort.nulls_first.push_back(item.nulls_first.value_or(!item.descending));
      }
      if (n) sort.limit = *n + skip.value_or(0);
      r.plan = make_plan(std::move(sort), r.plan->schema);
    }
    if (n || skip) r.plan = make_plan(LimitNode{r.plan, n.value_or(-1), skip.value_or(0)}, r.plan->schema);
    return r;
  }

  Status limit_values(const Expr* limit, const Expr* offset, std::optional<int64_t>& n, std::optional<int64_t>& skip) {
    ExprContext none;
    std::vector<BoundColumn> empty;
    none.columns = &empty;
    if (limit) {
      BRAID_ASSIGN_OR_RETURN(auto e, bind_expr(*limit, none));
      BRAID_ASSIGN_OR_RETURN(n, constant_int(e, eval(), limit->pos, "LIMIT"));
      if (*n < 0) return error_at(limit->pos, StatusCode::kInvalidArgument, "LIMIT must not be negative");
    }
    if (offset) {
      BRAID_ASSIGN_OR_RETURN(auto e, bind_expr(*offset, none));
      BRAID_ASSIGN_OR_RETURN(skip, constant_int(e, eval(), offset->pos, "OFFSET"));
      if (*skip < 0) return error_at(offset->pos, StatusCode::kInvalidArgument, "OFFSET must not be negative");
    }
    return Status::OK();
  }

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

// ---- table functions

Result<Binder::Relation> Binder::bind_table_function(const TableFunction& fn, SourcePosition pos) {
  const std::string name = lower(fn.name.back());
  ExprContext none;
  std::vector<BoundColumn> empty;
  none.columns = &empty;
  std::vector<exec::ExprPtr> args;
  for (const auto& a : fn.args) {
    BRAID_ASSIGN_OR_RETURN(auto e, bind_expr(*a, none));
    args.push_back(e);
  }
  if (name == "range") {
    if (!fn.named_args.empty()) {
      return error_at(fn.named_args[0].pos, StatusCode::kInvalidArgument, "range takes no named arguments (start, end, step)");
    }
    if (args.empty() || args.size() > 3) return error_at(pos, StatusCode::kInvalidArgument, "range takes 1 to 3 arguments");
    int64_t start = 0, end = 0, step = 1;
    if (args.size() == 1) {
      BRAID_ASSIGN_OR_RETURN(end, constant_int(args[0], eval(), pos, "range's end"));
    } else {
      BRAID_ASSIGN_OR_RETURN(start, constant_int(args[0], eval(), pos, "range's start"));
      BRAID_ASSIGN_OR_RETURN(end, constant_int(args[1], eval(), pos, "range's end"));
      if (args.size() == 3) {
        BRAID_ASSIGN_OR_RETURN(step, constant_int(args[2], eval(), pos, "range's step"));
      }
    }
    if (step == 0) return error_at(pos, StatusCode::kInvalidArgument, "range's step must not be 0");
    // The rows are made when the scan reads them (a window at a time, counted on the statement's
    // memory), not here: range(1e9) must cost nothing until read and stream when it is.
    const std::vector<BoundColumn> cols{{"", "id", int64()}};
    ScanNode scan;
    scan.source = RangeSource{start, end, step};
    scan.source_schema = schema_of(cols);
    scan.columns = {0};
    Relation r;
    r.plan = make_plan(std::move(scan), schema_of(cols));
    r.columns = cols;
    return r;
  }
  if (name == "read_parquet" || name == "read_csv") {
    if (args.size() != 1) return error_at(pos, StatusCode::kInvalidArgument, "{} takes one path (or glob) argument", name);
    BRAID_ASSIGN_OR_RETURN(std::string path, constant_string(args[0], eval(), pos, "the path"));
    std::vector<std::pair<std::string, std::string>> options;
    bool verify_checksums = true;  // read_parquet: ParquetReadOptions::verify_checksums
    for (const auto& na : fn.named_args) {
      BRAID_ASSIGN_OR_RETURN(auto e, bind_expr(*na.value, none));
      BRAID_ASSIGN_OR_RETURN(std::string v, constant_string(e, eval(), na.pos, na.name));
      if (name == "read_parquet") {
        if (lower(na.name) != "verify_checksums") {
          return error_at(na.pos, StatusCode::kInvalidArgument, "read_parquet: unknown option '{}' (verify_checksums)", na.name);
        }
        if (lower(v) != "true" && lower(v) != "false") {
          return error_at(na.pos, StatusCode::kInvalidArgument, "read_parquet: verify_checksums must be true or false, not '{}'", v);
        }
        verify_checksums = lower(v) == "true";
        continue;
      }
      options.emplace_back(lower(na.name), v);
    }
    TableName tn;
    tn.pos = pos;
    tn.path_format = name == "read_parquet" ? "parquet" : "csv";
    tn.path = path;
    // The resolver opens files (it owns the file system and the CSV options' meaning).
    for (const auto& [k, v] : options) tn.parts.push_back(k + "=" + v);
    auto resolved = resolver_.resolve(tn, std::nullopt, std::nullopt);
    if (!resolved.ok()) return error_at(pos, resolved.status().code(), "{}", resolved.status().to_string());
    if (!verify_checksums) {
      auto plan = std::make_shared<PlanNode>(*resolved->plan);
      if (auto* scan = std::get_if<ScanNode>(&plan->node)) {
        if (auto* file = std::get_if<FileSource>(&scan->source)) file->verify_checksums = false;
      }
      resolved->plan = std::move(plan);
    }
    Relation r;
    r.plan = prune_scan(resolved->plan);
    r.columns = columns_of(*r.plan->schema, "");
    r.unread = unread_columns(*resolved->plan->schema, *r.plan->schema);
    return r;
  }
  return error_at(pos, StatusCode::kNotFound, "unknown table function '{}' (range, read_parquet, read_csv)", name);
}

// ---- SELECT

Result<Binder::Relation> Binder::bind_select(const Select& s, const std::vector<OrderItem>& order_by,
                                             const Expr* limit, const Expr* offset) {
  Relation from;
  if (s.from) {
    std::set<std::string> needed;
    bool any_star = false;
    for (const auto& item : s.items) collect_names(*item.expr, needed, &any_star);
    for (const Expr* e : {s.where.get(), s.having.get(), s.qualify.get()}) {
      if (e) collect_names(*e, needed, &any_star);
    }
    for (const auto& g : s.group_by) collect_names(*g, needed, &any_star);
    for (const auto& o : order_by) collect_names(*o.expr, needed, &any_star);
    for (const auto& w : s.windows) {
      for (const auto& p : w.spec.partition_by) collect_names(*p, needed, &any_star);
      for (const auto& o : w.spec.order_by) collect_names(*o.expr, needed, &any_star);
    }
    collect_names(*s.from, needed, &any_star);
    // GROUP BY ALL and ordinals name select items, which were collected above.
    const std::set<std::string>* saved = needed_;
    needed_ = any_star ? nullptr : &needed;
    pushdown_.clear();
    if (s.where && s.from->as<Join>()) {
      std::vector<const Expr*> conjuncts;
      split_conjuncts(*s.where, conjuncts);
      for (const Expr* c : conjuncts) {
        if (pushable(*c)) pushdown_.push_back(c);
      }
    }
    auto bound = bind_from(*s.from);
    needed_ = saved;
    BRAID_ASSIGN_OR_RETURN(from, std::move(bound));
  } else {
    // One row and no columns.
    auto batch = std::make_shared<const RecordBatch>(schema({}), 1, std::vector<ColumnPtr>{});
    from = values_relation({batch}, {});
  }
  PlanPtr plan = from.plan;
  ExprContext base;
  base.columns = &from.columns;
  base.unread = &from.unread;
  if (s.where) {
    if (contains_aggregate(*s.where)) {
      return error_at(s.where->pos, StatusCode::kInvalidArgument, "aggregate functions are not allowed in WHERE");
    }
    BRAID_ASSIGN_OR_RETURN(auto pred, bind_expr(*s.where, base));
    plan = filter_over(plan, pred, {s.where.get()}, from.columns);
  }

  // Aggregates and window calls of every clause that may hold them.
  std::vector<const Expr*> aggregates, windows;
  for (const auto& item : s.items) collect_calls(*item.expr, aggregates, windows);
  if (s.having) collect_calls(*s.having, aggregates, windows);
  if (s.qualify) collect_calls(*s.qualify, aggregates, windows);
  for (const auto& o : order_by) collect_calls(*o.expr, aggregates, windows);

  // GROUP BY items: ordinals and select aliases stand for select items.
  std::vector<const Expr*> group_exprs;
  for (const auto& g : s.group_by) {
    const Expr* target = g.get();
    if (const auto* lit = g->as<Literal>(); lit && lit->kind == LiteralKind::kInteger) {
      const int64_t k = std::atoll(lit->text.c_str());
      if (k < 1 || k > static_cast<int64_t>(s.items.size())) {
        return error_at(g->pos, StatusCode::kInvalidArgument, "GROUP BY position {} is not in the select list (1 to {})", k,
                        s.items.size());
      }
      target = s.items[static_cast<size_t>(k - 1)].expr.get();
    } else if (const auto* ref = g->as<ColumnRef>(); ref && ref->parts.size() == 1 &&
                                                        !resolve_column(*ref, from.columns, g->pos).ok()) {
      for (const auto& item : s.items) {
        if (item.alias && iequals(*item.alias, ref->parts[0])) target = item.expr.get();
      }
    }
    if (contains_aggregate(*target)) {
      return error_at(g->pos, StatusCode::kInvalidArgument, "aggregate functions are not allowed in GROUP BY");
    }
    group_exprs.push_back(target);
  }
  if (s.group_by_all) {
    for (const auto& item : s.items) {
      if (!contains_aggregate(*item.expr) && !item.expr->as<Star>()) group_exprs.push_back(item.expr.get());
    }
  }

  const bool aggregated = !group_exprs.empty() || !aggregates.empty() || s.having != nullptr;
  std::vector<BoundColumn> columns = from.columns;  // what the select list sees
  std::map<std::string, int> substitutions;
  std::map<int, int> key_of_pre_column;
  ExprContext ctx = base;
  if (aggregated) {
    AggregateNode agg;
    agg.input = plan;
    std::vector<BoundColumn> out;
    for (const Expr* g : group_exprs) {
      const std::string key = to_sql(*g);
      if (substitutions.count(key)) continue;
      BRAID_ASSIGN_OR_RETURN(auto e, bind_expr(*g, base));
      const int index = static_cast<int>(out.size());
      substitutions[key] = index;
      BoundColumn col{"", generated_name(*g), e->type()};
      if (const auto* ref = g->as<ColumnRef>()) {
        BRAID_ASSIGN_OR_RETURN(int pre, resolve_column(*ref, from.columns, g->pos));
        key_of_pre_column[pre] = index;
        col.qualifier = from.columns[static_cast<size_t>(pre)].qualifier;
        col.name = from.columns[static_cast<size_t>(pre)].name;
      }
      agg.keys.push_back(e);
      out.push_back(col);
    }
    for (const Expr* a : aggregates) {
      const std::string key = to_sql(*a);
      if (substitutions.count(key)) continue;
      const auto& fc = *a->as<FunctionCall>();
      const std::string name = function_name(fc);
      AggregateNode::Aggregate spec;
      spec.kind = *aggregate_kind(name, fc.star);
      spec.distinct = fc.distinct;
      if (fc.filter) return error_at(a->pos, StatusCode::kNotImplemented, "FILTER (WHERE ...) on aggregates is not supported yet");
      if (!fc.named_args.empty()) {
        return error_at(fc.named_args[0].pos, StatusCode::kInvalidArgument, "{} takes no named arguments", name);
      }
      if (fc.null_treatment == NullTreatment::kIgnoreNulls && spec.kind != exec::AggregateKind::kFirst &&
          spec.kind != exec::AggregateKind::kLast) {
        return error_at(a->pos, StatusCode::kInvalidArgument, "{} takes no IGNORE NULLS (only first and last do)", name);
      }
      TypePtr input_type;
      if (spec.kind != exec::AggregateKind::kCountStar) {
        const size_t max_args = (spec.kind == exec::AggregateKind::kFirst || spec.kind == exec::AggregateKind::kLast) ? 2 : 1;
        if (fc.args.empty() || fc.args.size() > max_args) {
          return error_at(a->pos, StatusCode::kInvalidArgument, "{} takes {} argument{}", name, max_args == 1 ? "one" : "one or two",
                          max_args == 1 ? "" : "s");
        }
        if (contains_aggregate(*fc.args[0])) {
          return error_at(a->pos, StatusCode::kInvalidArgument, "aggregate functions cannot be nested: {}", to_sql(*a));
        }
        BRAID_ASSIGN_OR_RETURN(spec.argument, bind_expr(*fc.args[0], base));
        input_type = spec.argument->type();
        if (fc.args.size() == 2) {
          BRAID_ASSIGN_OR_RETURN(auto flag, bind_expr(*fc.args[1], base));
          BRAID_ASSIGN_OR_RETURN(auto v, exec::evaluate_constant(flag, eval()));
          spec.ignore_nulls = !v->is_null(0) && v->type()->id() == TypeId::kBoolean && v->bool_value(0);
        }
        if (name == "count" && spec.argument->is_constant() && !fc.distinct) {
          // count(1), count('x'): every row.
          spec.kind = exec::AggregateKind::kCountStar;
        }
      }
      if (fc.null_treatment == NullTreatment::kIgnoreNulls) spec.ignore_nulls = true;
      auto type = exec::aggregate_result_type(spec.kind, input_type);
      if (!type.ok()) return error_at(a->pos, type.status().code(), "{}: {}", to_sql(*a), type.status().to_string());
      substitutions[key] = static_cast<int>(out.size());
      out.push_back({"", generated_name(*a), *type});
      agg.aggregates.push_back(std::move(spec));
    }
    plan = make_plan(std::move(agg), schema_of(out));
    columns = out;
    ctx = ExprContext{};
    ctx.columns = &columns;
    ctx.substitutions = &substitutions;
    ctx.pre_columns = &from.columns;
    ctx.key_of_pre_column = &key_of_pre_column;
    ctx.aggregated = true;
    ctx.unread = &from.unread;
    if (s.having) {
      BRAID_ASSIGN_OR_RETURN(auto pred, bind_expr(*s.having, ctx));
      plan = make_plan(FilterNode{plan, pred}, plan->schema);
    }
  } else if (!substitutions.empty() || !windows.empty()) {
    ctx.substitutions = &substitutions;
  }

  // Window functions: one node per distinct window (partition and order).
  if (!windows.empty()) {
    std::map<std::string, std::vector<const Expr*>> by_spec;
    std::vector<std::string> spec_order;
    for (const Expr* w : windows) {
      const auto& spec = *w->as<FunctionCall>()->over;
      if (spec.base_window) return error_at(spec.pos, StatusCode::kNotImplemented, "named windows are not supported yet");
      std::string key;
      for (const auto& p : spec.partition_by) key += to_sql(*p) + ",";
      key += "|";
      for (const auto& o : spec.order_by) key += to_sql(*o.expr) + (o.descending ? " DESC" : "") + ",";
      if (!by_spec.count(key)) spec_order.push_back(key);
      by_spec[key].push_back(w);
    }
    for (const auto& key : spec_order) {
      const auto& calls = by_spec[key];
      const auto& spec = *calls[0]->as<FunctionCall>()->over;
      WindowNode node;
      node.input = plan;
      ctx.substitutions = &substitutions;
      for (const auto& p : spec.partition_by) {
        BRAID_ASSIGN_OR_RETURN(auto e, bind_expr(*p, ctx));
        node.partition_keys.push_back(e);
      }
      for (const auto& o : spec.order_by) {
        BRAID_ASSIGN_OR_RETURN(auto e, bind_expr(*o.expr, ctx));
        node.order_keys.push_back(e);
        node.ascending.push_back(!o.descending);
        node.nulls_first.push_back(o.nulls_first.value_or(!o.descending));
      }
      std::vector<BoundColumn> added;
      for (const Expr* w : calls) {
        const std::string text = to_sql(*w);
        if (substitutions.count(text)) continue;
        const auto& fc = *w->as<FunctionCall>();
        const std::string name = function_name(fc);
        if (fc.over->frame) {
          return error_at(fc.over->pos, StatusCode::kNotImplemented, "window frames (ROWS/RANGE BETWEEN) are not supported yet");
        }
        // What braid's window operator cannot do is refused, never dropped.
        if (fc.filter) {
          return error_at(fc.filter->pos, StatusCode::kNotImplemented, "not supported: FILTER (WHERE ...) in a window function");
        }
        if (fc.null_treatment == NullTreatment::kIgnoreNulls) {
          return error_at(w->pos, StatusCode::kNotImplemented, "not supported: IGNORE NULLS in a window function");
        }
        if (!fc.named_args.empty()) {
          return error_at(fc.named_args[0].pos, StatusCode::kInvalidArgument, "{} takes no named arguments", name);
        }
        if (fc.distinct && !aggregate_kind(name, fc.star)) {
          return error_at(w->pos, StatusCode::kInvalidArgument, "{}(DISTINCT ...): {} is not an aggregate function", name, name);
        }
        auto arguments = [&](size_t least, size_t most) -> Status {
          if (fc.args.size() >= least && fc.args.size() <= most) return Status::OK();
          return error_at(w->pos, StatusCode::kInvalidArgument, "{} takes {} argument{}, not {}", name,
                          least == most ? std::to_string(least) : fmt::format("{} to {}", least, most),
                          most == 1 ? "" : "s", fc.args.size());
        };
        WindowNode::Function f;
        TypePtr type;
        auto arg = [&](size_t i) -> Result<exec::ExprPtr> {
          if (fc.args.size() <= i) return error_at(w->pos, StatusCode::kInvalidArgument, "{} needs an argument", name);
          return bind_expr(*fc.args[i], ctx);
        };
        if (name == "row_number" || name == "rank" || name == "dense_rank") {
          BRAID_RETURN_IF_ERROR(arguments(0, 0));
          if (spec.order_by.empty()) {
            return error_at(w->pos, StatusCode::kInvalidArgument, "{}() needs an ORDER BY in its window", name);
          }
          f.kind = name == "row_number" ? exec::WindowKind::kRowNumber
                   : name == "rank"     ? exec::WindowKind::kRank
                                        : exec::WindowKind::kDenseRank;
          type = name == "row_number" ? int32() : int32();
        } else if (name == "lag" || name == "lead") {
          BRAID_RETURN_IF_ERROR(arguments(1, 3));
          f.kind = name == "lag" ? exec::WindowKind::kLag : exec::WindowKind::kLead;
          BRAID_ASSIGN_OR_RETURN(f.argument, arg(0));
          type = f.argument->type();
          if (fc.args.size() >= 2) {
            BRAID_ASSIGN_OR_RETURN(auto off, arg(1));
            BRAID_ASSIGN_OR_RETURN(f.offset, constant_int(off, eval(), fc.args[1]->pos, "the offset"));
          }
          if (fc.args.size() >= 3) {
            BRAID_ASSIGN_OR_RETURN(auto d, arg(2));
            BRAID_ASSIGN_OR_RETURN(f.default_value, cast_if_needed(d, type));
          }
        } else if (auto kind = aggregate_kind(name, fc.star)) {
          using K = exec::AggregateKind;
          if (fc.distinct || *kind == K::kAnyValue) {
            return error_at(w->pos, StatusCode::kNotImplemented, "{} is not supported as a window function yet", to_sql(*w));
          }
          f.kind = exec::WindowKind::kAggregate;
          f.aggregate = *kind;
          if (*kind == K::kCountStar) {
            BRAID_RETURN_IF_ERROR(arguments(0, 0));
          } else if (*kind == K::kFirst || *kind == K::kLast) {
            // first(x, ignoreNulls): the window operator has no ignore-nulls mode.
            BRAID_RETURN_IF_ERROR(arguments(1, 2));
            if (fc.args.size() == 2) {
              BRAID_ASSIGN_OR_RETURN(auto flag, arg(1));
              auto v = exec::evaluate_constant(flag, eval());
              if (!v.ok() || (*v)->type()->id() != TypeId::kBoolean || (*v)->is_null(0) || (*v)->bool_value(0)) {
                return error_at(fc.args[1]->pos, StatusCode::kNotImplemented,
                                "not supported: {} ignoring nulls in a window function", name);
              }
            }
          } else {
            BRAID_RETURN_IF_ERROR(arguments(1, 1));
          }
          TypePtr input_type;
          if (*kind != K::kCountStar) {
            BRAID_ASSIGN_OR_RETURN(f.argument, arg(0));
            input_type = f.argument->type();
          }
          BRAID_ASSIGN_OR_RETURN(type, exec::aggregate_result_type(*kind, input_type));
        } else {
          if (!exec::is_function(name)) return unknown_function(name, w->pos);
          return error_at(w->pos, StatusCode::kInvalidArgument, "{} is not a window function", name);
        }
        substitutions[text] = static_cast<int>(columns.size() + added.size());
        added.push_back({"", generated_name(*w), type});
        node.functions.push_back(std::move(f));
      }
      std::vector<BoundColumn> after = columns;
      after.insert(after.end(), added.begin(), added.end());
      plan = make_plan(std::move(node), schema_of(after));
      columns = std::move(after);
      ctx.columns = &columns;
    }
  }
  if (s.qualify) {
    ctx.substitutions = &substitutions;
    BRAID_ASSIGN_OR_RETURN(auto pred, bind_expr(*s.qualify, ctx));
    plan = make_plan(FilterNode{plan, pred}, plan->schema);
  }

  // The select list.
  std::vector<exec::ExprPtr> exprs;
  std::vector<BoundColumn> out;
  for (const auto& item : s.items) {
    if (const auto* star = item.expr->as<Star>()) {
      if (aggregated) return error_at(item.pos, StatusCode::kInvalidArgument, "`*` cannot be selected in an aggregate query");
      bool any = false;
      for (size_t i = 0; i < from.columns.size(); ++i) {
        const auto& c = from.columns[i];
        if (!star->qualifier.empty() && !iequals(c.qualifier, star->qualifier.back())) continue;
        exprs.push_back(exec::column_ref(static_cast<int>(i), c.type, c.name));
        out.push_back(c);
        any = true;
      }
      if (!any && !star->qualifier.empty()) {
        return error_at(item.pos, StatusCode::kInvalidArgument, "no table `{}` in FROM for `{}.*`", star->qualifier.back(),
                        star->qualifier.back());
      }
      continue;
    }
    BRAID_ASSIGN_OR_RETURN(auto e, bind_expr(*item.expr, ctx));
    exprs.push_back(e);
    BoundColumn col{"", item.alias ? *item.alias : generated_name(*item.expr), e->type()};
    if (!item.alias) {
      if (const auto* ref = item.expr->as<ColumnRef>()) {
        col.qualifier = ref->parts.size() >= 2 ? ref->parts[ref->parts.size() - 2] : "";
        // Keep the qualifier of the column it names, so ORDER BY t.x finds it.
        if (auto i = resolve_column(*ref, from.columns, item.pos); i.ok()) {
          col.qualifier = from.columns[static_cast<size_t>(*i)].qualifier;
          col.name = from.columns[static_cast<size_t>(*i)].name;
        }
      }
    }
    out.push_back(col);
  }
  const size_t visible = exprs.size();

  // ORDER BY: select-list names and ordinals first, then anything the select list can see.
  SortNode sort;
  for (const auto& o : order_by) {
    exec::ExprPtr key;
    int index = -1;
    if (const auto* lit = o.expr->as<Literal>(); lit && lit->kind == LiteralKind::kInteger) {
      const int64_t k = std::atoll(lit->text.c_str());
      if (k < 1 || k > static_cast<int64_t>(visible)) {
        return error_at(o.pos, StatusCode::kInvalidArgument, "ORDER BY position {} is not in the select list (1 to {})", k,
                        visible);
      }
      index = static_cast<int>(k - 1);
    } else if (const auto* ref = o.expr->as<ColumnRef>(); ref && ref->parts.size() == 1) {
      for (size_t i = 0; i < visible && index < 0; ++i) {
        if (iequals(out[i].name, ref->parts[0])) index = static_cast<int>(i);
      }
    }
    if (index < 0) {
      const std::string text = to_sql(*o.expr);
      for (size_t i = 0; i < visible && index < 0; ++i) {
        if (!s.items[i < s.items.size() ? i : 0].expr->as<Star>() && i < s.items.size() &&
            to_sql(*s.items[i].expr) == text) {
          index = static_cast<int>(i);
        }
      }
    }
    if (index < 0) {
      if (s.distinct) {
        return error_at(o.pos, StatusCode::kInvalidArgument, "with SELECT DISTINCT, ORDER BY items must appear in the select list");
      }
      BRAID_ASSIGN_OR_RETURN(auto e, bind_expr(*o.expr, ctx));
      index = static_cast<int>(exprs.size());
      exprs.push_back(e);
      out.push_back({"", fmt::format("_order{}", index), e->type()});
    }
    const auto& col = out[static_cast<size_t>(index)];
    sort.keys.push_back(exec::column_ref(index, col.type, col.name));
    sort.ascending.push_back(!o.descending);
    sort.nulls_first.push_back(o.nulls_first.value_or(!o.descending));
  }
  plan = make_plan(ProjectNode{plan, exprs}, schema_of(out));
  if (s.distinct) plan = make_plan(DistinctNode{plan}, plan->schema);
  std::optional<int64_t> n, skip;
  BRAID_RETURN_IF_ERROR(limit_values(limit, offset, n, skip));
  if (!sort.keys.empty()) {
    sort.input = plan;
    if (n) sort.limit = *n + skip.value_or(0);
    plan = make_plan(std::move(sort), plan->schema);
  }
  if (exprs.size() > visible) {
    out.resize(visible);
    plan = make_plan(ProjectNode{plan, refs_of(out)}, schema_of(out));
  }
  if (n || skip) plan = make_plan(LimitNode{plan, n.value_or(-1), skip.value_or(0)}, plan->schema);
  Relation r;
  r.plan = plan;
  r.columns = std::move(out);
  for (auto& c : r.columns) c.qualifier.clear();
  return r;
}

}  // namespace

Result<PlanPtr> bind_query(const Query& query, Resolver& resolver) {
  Binder binder(resolver);
  BRAID_ASSIGN_OR_RETURN(auto r, binder.bind_query(query));
  return r.plan;
}

Result<BoundRelation> bind_relation(const TableRef& ref, Resolver& resolver) {
  Binder binder(resolver);
  BRAID_ASSIGN_OR_RETURN(auto r, binder.bind_from(ref));
  return BoundRelation{r.plan, r.columns};
}

Result<exec::ExprPtr> bind_scalar(const Expr& expr, const std::vector<BoundColumn>& columns, Resolver& resolver) {
  if (contains_aggregate(expr)) {
    return error_at(expr.pos, StatusCode::kInvalidArgument, "aggregate functions are not allowed here");
  }
  Binder binder(resolver);
  ExprContext c;
  c.columns = &columns;
  return binder.bind_expr(expr, c);
}

namespace {

// `expr` as a constant of `type` (a 1-row column), or nullptr.
ColumnPtr constant_of(const Expr& expr, const TypePtr& type, Resolver& resolver) {
  auto bound = bind_scalar(expr, {}, resolver);
  if (!bound.ok() || !(*bound)->is_constant()) return nullptr;
  auto cast = exec::make_cast(*bound, type, false);
  if (!cast.ok()) return nullptr;
  auto value = exec::evaluate_constant(*cast, resolver.eval_context());
  if (!value.ok() || (*value)->is_null(0)) return nullptr;
  return *value;
}

}  // namespace

std::vector<parquet::ColumnPredicate> skipping_predicates(const Expr& condition, const std::vector<BoundColumn>& columns,
                                                          Resolver& resolver) {
  using Op = parquet::ColumnPredicate::Op;
  std::vector<const Expr*> conjuncts;
  split_conjuncts(condition, conjuncts);
  std::vector<parquet::ColumnPredicate> out;
  auto column_of = [&](const Expr& e) -> const BoundColumn* {
    const auto* ref = e.as<ColumnRef>();
    if (!ref) return nullptr;
    auto i = resolve_column(*ref, columns, e.pos);
    return i.ok() ? &columns[static_cast<size_t>(*i)] : nullptr;
  };
  for (const Expr* c : conjuncts) {
    if (const auto* b = c->as<Binary>()) {
      static const std::map<BinaryOp, std::pair<Op, Op>> kOps = {  // op, and op with sides flipped
          {BinaryOp::kEq, {Op::kEq, Op::kEq}},   {BinaryOp::kLt, {Op::kLt, Op::kGt}},
          {BinaryOp::kLtEq, {Op::kLe, Op::kGe}}, {BinaryOp::kGt, {Op::kGt, Op::kLt}},
          {BinaryOp::kGtEq, {Op::kGe, Op::kLe}}};
      auto op = kOps.find(b->op);
      if (op == kOps.end()) continue;
      const BoundColumn* col = column_of(*b->left);
      const Expr* other = b->right.get();
      Op which = op->second.first;
      if (!col) {
        col = column_of(*b->right);
        other = b->left.get();
        which = op->second.second;
      }
      if (!col) continue;
      if (ColumnPtr v = constant_of(*other, col->type, resolver)) out.push_back({col->name, which, {v}});
    } else if (const auto* in = c->as<InList>(); in && !in->negated) {
      const BoundColumn* col = column_of(*in->operand);
      if (!col) continue;
      parquet::ColumnPredicate p{col->name, Op::kIn, {}};
      bool all = true;
      for (const auto& item : in->list) {
        ColumnPtr v = constant_of(*item, col->type, resolver);
        if (!v) {
          all = false;
          break;
        }
        p.values.push_back(v);
      }
      if (all && !p.values.empty()) out.push_back(std::move(p));
    } else if (const auto* between = c->as<Between>(); between && !between->negated) {
      const BoundColumn* col = column_of(*between->operand);
      if (!col) continue;
      if (ColumnPtr lo = constant_of(*between->low, col->type, resolver)) out.push_back({col->name, Op::kGe, {lo}});
      if (ColumnPtr hi = constant_of(*between->high, col->type, resolver)) out.push_back({col->name, Op::kLe, {hi}});
    } else if (const auto* is = c->as<IsPredicate>(); is && is->kind == IsKind::kNull) {
      if (const BoundColumn* col = column_of(*is->operand)) {
        out.push_back({col->name, is->negated ? Op::kIsNotNull : Op::kIsNull, {}});
      }
    }
  }
  return out;
}

Result<std::string> assignment_column(const QualifiedName& column, const std::vector<std::string>& target_names,
                                      SourcePosition pos) {
  if (column.size() == 1) return column[0];
  const bool qualified = column.size() == 2 && std::any_of(target_names.begin(), target_names.end(), [&](const auto& n) {
                           return !n.empty() && iequals(n, column[0]);
                         });
  if (qualified) return column[1];
  return error_at(pos, StatusCode::kInvalidArgument,
                  "`{}` is not a column of the target ({}): an assignment names a target column, as `c` or `{}.c` (struct "
                  "fields cannot be set one by one)",
                  fmt::join(column, "."), fmt::join(target_names, " or "), target_names.empty() ? "t" : target_names[0]);
}

Result<TypePtr> to_type(const TypeName& t) {
  switch (t.kind) {
    case TypeKind::kBoolean: return boolean();
    case TypeKind::kTinyint: return int8();
    case TypeKind::kSmallint: return int16();
    case TypeKind::kInt: return int32();
    case TypeKind::kBigint: return int64();
    case TypeKind::kFloat: return float32();
    case TypeKind::kDouble: return float64();
    case TypeKind::kDecimal: {
      const int p = t.precision.value_or(10), s = t.scale.value_or(0);
      if (p < 1 || p > 38 || s < 0 || s > p) {
        return error_at(t.pos, StatusCode::kInvalidArgument, "DECIMAL({}, {}) is not a valid decimal type (precision 1 to 38, scale 0 to precision)", p, s);
      }
      return decimal128(p, s);
    }
    case TypeKind::kString:
    case TypeKind::kVarchar:
    case TypeKind::kChar: return string_type();
    case TypeKind::kBinary: return binary();
    case TypeKind::kDate: return date32();
    case TypeKind::kTimestamp: return timestamp(TimeUnit::kMicro, "UTC");
    case TypeKind::kTimestampNtz: return timestamp(TimeUnit::kMicro);
    case TypeKind::kArray: {
      BRAID_ASSIGN_OR_RETURN(auto element, to_type(t.children.at(0)));
      return list(element);
    }
    case TypeKind::kMap: {
      BRAID_ASSIGN_OR_RETURN(auto key, to_type(t.children.at(0)));
      BRAID_ASSIGN_OR_RETURN(auto value, to_type(t.children.at(1)));
      return map(key, value);
    }
    case TypeKind::kStruct: {
      std::vector<FieldPtr> fields;
      for (const auto& f : t.fields) {
        BRAID_ASSIGN_OR_RETURN(auto type, to_type(f.type));
        // A nested field's comment is kept in its metadata, as Delta and Spark keep it.
        KeyValueMetadata metadata;
        if (f.comment) metadata.emplace_back("comment", json_quote(*f.comment));
        fields.push_back(field(f.name, type, !f.not_null, std::move(metadata)));
      }
      return struct_(std::move(fields));
    }
  }
  return Status::internal("type name");
}

Result<SchemaPtr> schema_from_ddl(std::string_view ddl) {
  BRAID_ASSIGN_OR_RETURN(auto parsed, parse_field_list(ddl));
  std::vector<FieldPtr> fields;
  std::set<std::string> names;
  for (const auto& f : parsed) {
    if (!names.insert(lower(f.name)).second) {
      return error_at(f.pos, StatusCode::kInvalidArgument, "the column {} is named twice", f.name);
    }
    BRAID_ASSIGN_OR_RETURN(auto type, to_type(f.type));
    fields.push_back(field(f.name, type, !f.not_null));
  }
  return schema(std::move(fields));
}

Result<PlanPtr> cast_to_schema(PlanPtr plan, const SchemaPtr& target, std::string_view what) {
  const Schema& have = *plan->schema;
  if (have.num_fields() != target->num_fields()) {
    std::vector<std::string> names;
    for (int i = 0; i < target->num_fields(); ++i) names.push_back(target->field(i)->name());
    return Status::invalid_argument("{}: the data has {} columns but the table has {} ({})", what, have.num_fields(),
                                    target->num_fields(), fmt::join(names, ", "));
  }
  std::vector<exec::ExprPtr> exprs;
  bool same = true;
  for (int i = 0; i < have.num_fields(); ++i) {
    auto ref = exec::column_ref(i, have.field(i)->type(), have.field(i)->name());
    const TypePtr& to = target->field(i)->type();
    if (have.field(i)->type()->equals(*to)) {
      exprs.push_back(ref);
      continue;
    }
    same = false;
    auto cast = exec::make_cast(ref, to, false);
    if (!cast.ok()) {
      return Status::invalid_argument("{}: column '{}' of type {} cannot be written to column '{}' of type {}", what,
                                      have.field(i)->name(), have.field(i)->type()->to_string(),
                                      target->field(i)->name(), to->to_string());
    }
    exprs.push_back(*cast);
  }
  if (same) return make_plan(ProjectNode{plan, exprs}, target);
  return make_plan(ProjectNode{plan, std::move(exprs)}, target);
}

}  // namespace braid::sql
