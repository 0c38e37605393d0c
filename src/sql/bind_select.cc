// Binding queries: WITH, SELECT (the columns its FROM scans must read, WHERE, GROUP BY,
// aggregates, HAVING, window functions, QUALIFY, the select list, ORDER BY, DISTINCT, LIMIT and
// OFFSET), and ORDER BY / LIMIT over set operations and VALUES.
#include <cstdlib>

#include "sql/internal/binder.h"

namespace braid::sql::binder_internal {
namespace {

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

}  // namespace

Result<Binder::Relation> Binder::bind_query(const Query& q) {
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

Result<Binder::Relation> Binder::order_and_limit(Relation r, const std::vector<OrderItem>& order_by,
                                                 const Expr* limit, const Expr* offset) {
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

Status Binder::limit_values(const Expr* limit, const Expr* offset, std::optional<int64_t>& n,
                            std::optional<int64_t>& skip) {
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

}  // namespace braid::sql::binder_internal
