// Binding FROM items: tables and views (with time travel and projection pushdown), CTE
// references, table functions (range, read_parquet, read_csv), derived tables, VALUES and set
// operations (UNION, INTERSECT, EXCEPT). Joins are in bind_joins.cc.
#include "columnar/column_builder.h"
#include "sql/internal/binder.h"

namespace braid::sql::binder_internal {
namespace {

std::vector<BoundColumn> columns_of(const Schema& s, const std::string& qualifier) {
  std::vector<BoundColumn> out;
  for (int i = 0; i < s.num_fields(); ++i) out.push_back({qualifier, s.field(i)->name(), s.field(i)->type()});
  return out;
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

}  // namespace

Result<Binder::Relation> Binder::rename(Relation r, const std::string& qualifier,
                                        const std::vector<std::string>& names, SourcePosition pos) {
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

Result<Binder::Relation> Binder::bind_from(const TableRef& t) {
  return bind_from_impl(t);
}

Result<Binder::Relation> Binder::bind_from_impl(const TableRef& t) {
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

Result<Binder::Relation> Binder::bind_base_table(const BaseTable& base) {
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
std::vector<std::string> Binder::unread_columns(const Schema& all, const Schema& read) {
  std::vector<std::string> out;
  for (int i = 0; i < all.num_fields(); ++i) {
    if (read.field_index(all.field(i)->name()) < 0) out.push_back("." + all.field(i)->name());
  }
  return out;
}

// A scan of only the columns the query needs (projection pushdown).
PlanPtr Binder::prune_scan(const PlanPtr& plan) const {
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

Result<Binder::Relation> Binder::bind_values(const Values& values, SourcePosition pos) {
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

Binder::Relation Binder::values_relation(std::vector<RecordBatchPtr> batches, std::vector<BoundColumn> columns) {
  ScanNode scan;
  scan.source = ValuesSource{std::move(batches), {}};
  scan.source_schema = schema_of(columns);
  for (size_t i = 0; i < columns.size(); ++i) scan.columns.push_back(static_cast<int>(i));
  Relation r;
  r.plan = make_plan(std::move(scan), schema_of(columns));
  r.columns = std::move(columns);
  return r;
}

Result<Binder::Relation> Binder::bind_set_operation(const SetOperation& op, SourcePosition pos) {
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

Result<PlanPtr> Binder::cast_columns(const Relation& r, const std::vector<BoundColumn>& to) {
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

}  // namespace braid::sql::binder_internal
