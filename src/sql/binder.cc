// The binder's entry points (sql/binder.h) and what the bind_*.cc files share: column lookup,
// function and aggregate names, AST walks, constants and common types. The Binder class is in
// internal/binder.h.
#include "sql/binder.h"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

#include "common/json_writer.h"
#include "sql/internal/binder.h"
#include "sql/parser.h"

namespace braid::sql {
namespace binder_internal {
namespace {

std::string join_names(const std::vector<BoundColumn>& columns) {
  std::string out;
  for (const auto& c : columns) {
    if (!out.empty()) out += ", ";
    out += c.qualifier.empty() ? c.name : c.qualifier + "." + c.name;
  }
  return out;
}

}  // namespace

SchemaPtr schema_of(const std::vector<BoundColumn>& columns) {
  std::vector<FieldPtr> fields;
  for (const auto& c : columns) fields.push_back(field(c.name, c.type));
  return schema(std::move(fields));
}

std::vector<exec::ExprPtr> refs_of(const std::vector<BoundColumn>& columns, int first) {
  std::vector<exec::ExprPtr> out;
  for (size_t i = 0; i < columns.size(); ++i) {
    out.push_back(exec::column_ref(first + static_cast<int>(i), columns[i].type, columns[i].name));
  }
  return out;
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

bool contains_aggregate(const Expr& e) {
  if (is_aggregate_call(e)) return true;
  bool found = false;
  for_each_child(e, [&](const Expr& c) { found = found || contains_aggregate(c); });
  return found;
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

Result<int> resolve_column(const ColumnRef& ref, const std::vector<BoundColumn>& columns, SourcePosition pos,
                           const std::vector<std::string>* unread) {
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

}  // namespace binder_internal

using binder_internal::Binder;
using binder_internal::contains_aggregate;
using binder_internal::error_at;
using binder_internal::ExprContext;
using binder_internal::iequals;
using binder_internal::lower;

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
