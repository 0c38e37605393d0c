#include "sql/statements/merge.h"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>

#include "columnar/column_builder.h"
#include "columnar/take.h"
#include "columnar/value_text.h"
#include "common/json_writer.h"
#include "common/worker_pool.h"
#include "delta/data_writer.h"
#include "delta/scan.h"
#include "delta/table_properties.h"
#include "delta/transaction.h"
#include "exec/ops/gather.h"
#include "exec/ops/hash_aggregate.h"
#include "exec/ops/hash_join.h"
#include "sql/parser.h"
#include "sql/statements/internal/shared.h"
#include "sql/statements/statements.h"

namespace braid::sql {

namespace {

void split_conjuncts(const Expr& e, std::vector<const Expr*>& out) {
  if (const auto* b = e.as<Binary>(); b && b->op == BinaryOp::kAnd) {
    split_conjuncts(*b->left, out);
    split_conjuncts(*b->right, out);
    return;
  }
  out.push_back(&e);
}

SchemaPtr schema_of(const std::vector<BoundColumn>& columns) {
  std::vector<FieldPtr> fields;
  for (const auto& c : columns) fields.push_back(field(c.name, c.type));
  return schema(std::move(fields));
}

// Rows of `selection` where `condition` is TRUE (all of them when there is no condition).
Result<std::vector<int32_t>> rows_where(const exec::ExprPtr& condition, const RecordBatch& batch,
                                        const std::vector<int32_t>& selection, const exec::EvalContext& eval) {
  if (!condition) return selection;
  BRAID_ASSIGN_OR_RETURN(ColumnPtr value, condition->evaluate(batch, eval, &selection));
  return exec::true_rows(value, &selection);
}

// Evaluates one expression per target column over the selected rows of `batch` and returns those
// rows as a batch of the target schema.
Result<RecordBatchPtr> project_rows(const std::vector<exec::ExprPtr>& values, const RecordBatch& batch,
                                    const std::vector<int32_t>& rows, const SchemaPtr& target,
                                    const exec::EvalContext& eval) {
  std::vector<ColumnPtr> columns;
  for (const auto& v : values) {
    BRAID_ASSIGN_OR_RETURN(ColumnPtr c, v->evaluate(batch, eval, &rows));
    BRAID_ASSIGN_OR_RETURN(ColumnPtr picked, take(*c, std::vector<int64_t>(rows.begin(), rows.end()), eval.memory));
    columns.push_back(std::move(picked));
  }
  return std::make_shared<const RecordBatch>(target, static_cast<int64_t>(rows.size()), std::move(columns));
}

std::vector<int32_t> all_rows(int64_t n) {
  std::vector<int32_t> rows(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) rows[static_cast<size_t>(i)] = static_cast<int32_t>(i);
  return rows;
}

// Appends a column of row numbers (int64, starting at `first`) to every batch of a table.
Result<exec::Table> with_row_ids(const std::vector<RecordBatchPtr>& batches, const SchemaPtr& schema,
                                 const std::string& name, MemoryTracker* tracker) {
  std::vector<FieldPtr> fields = schema->fields();
  fields.push_back(field(name, int64(), false));
  exec::Table out{braid::schema(std::move(fields)), {}};
  int64_t next = 0;
  for (const auto& b : batches) {
    Int64Builder ids(int64(), tracker);
    for (int64_t r = 0; r < b->num_rows(); ++r) ids.append(next++);
    std::vector<ColumnPtr> cols = b->columns();
    BRAID_ASSIGN_OR_RETURN(auto id_column, ids.finish());
    cols.push_back(std::move(id_column));
    out.batches.push_back(std::make_shared<const RecordBatch>(out.schema, b->num_rows(), std::move(cols)));
  }
  return out;
}

struct Clause {
  const MergeClause* ast;
  exec::ExprPtr condition;
  std::vector<exec::ExprPtr> values;  // UPDATE / INSERT: one per target column
};

// Skipping predicates from the source's join key values: IN (values) when there are few distinct
// ones, else a [min, max] range, for keys that are plain target columns. `nothing_matches` when
// some key has only NULLs in the source (and is not null-safe): no target row can match.
Status key_skipping(const std::vector<exec::ExprPtr>& target_keys, const std::vector<exec::ExprPtr>& source_keys,
                    const std::vector<std::string>& target_columns, const std::vector<bool>& null_safe,
                    const RecordBatch& source, const Schema& target, const exec::EvalContext& eval,
                    const QueryContext& context, std::vector<parquet::ColumnPredicate>& skipping, bool& nothing_matches) {
  using Op = parquet::ColumnPredicate::Op;
  constexpr int64_t kMaxInValues = 128;
  for (size_t k = 0; k < source_keys.size(); ++k) {
    if (target_columns[k].empty() || null_safe[k]) continue;
    const int column = target.field_index(target_columns[k]);
    if (column < 0) continue;
    const TypePtr& type = target.field(column)->type();
    // The key values in the column's type (a value that does not fit cannot match anything).
    BRAID_ASSIGN_OR_RETURN(ColumnPtr values, source_keys[k]->evaluate(source, eval));
    auto as_column = exec::make_cast(exec::column_ref(0, values->type(), "k"), type, true);
    if (!as_column.ok()) continue;
    RecordBatch one(schema({field("k", values->type())}), values->length(), {values});
    BRAID_ASSIGN_OR_RETURN(ColumnPtr cast, (*as_column)->evaluate(one, eval));
    exec::Table keys{schema({field("k", type)}), {std::make_shared<const RecordBatch>(schema({field("k", type)}), cast->length(), std::vector<ColumnPtr>{cast})}};
    BRAID_ASSIGN_OR_RETURN(exec::Table distinct, exec::distinct(keys, context.exec));
    std::vector<ColumnPtr> present;
    for (const auto& b : distinct.batches) {
      for (int64_t r = 0; r < b->num_rows() && static_cast<int64_t>(present.size()) <= kMaxInValues; ++r) {
        if (!b->column(0)->is_null(r)) present.push_back(b->column(0)->slice(r, 1));
      }
    }
    if (present.empty()) {
      nothing_matches = true;
      return Status::OK();
    }
    if (static_cast<int64_t>(present.size()) <= kMaxInValues) {
      skipping.push_back({target_columns[k], Op::kIn, std::move(present)});
      continue;
    }
    exec::AggregateSpec lo{exec::AggregateKind::kMin, 0, false, false, "lo"};
    exec::AggregateSpec hi{exec::AggregateKind::kMax, 0, false, false, "hi"};
    auto range = exec::hash_aggregate(keys, {}, {lo, hi}, context.exec);
    if (!range.ok() || range->num_rows() != 1) continue;
    for (const auto& b : range->batches) {
      if (b->num_rows() != 1) continue;
      skipping.push_back({target_columns[k], Op::kGe, {b->column(0)}});
      skipping.push_back({target_columns[k], Op::kLe, {b->column(1)}});
    }
    (void)target_keys;
  }
  return Status::OK();
}

}  // namespace

Result<MergeResult> execute_merge(const Merge& m, const delta::DeltaTable& table, Resolver& resolver,
                                  const QueryContext& context, const WriteControl& control) {
  // Expression results count on the statement's memory, as they do in execute_plan.
  exec::EvalContext eval = context.eval;
  if (eval.memory == nullptr) eval.memory = context.exec.memory;
  if (!m.ctes.empty()) return Status::not_implemented("WITH before MERGE is not supported yet; use a subquery as the source");
  MergeResult result;
  BRAID_ASSIGN_OR_RETURN(auto snap, table.snapshot());
  // An append-only table takes a MERGE whose clauses only insert; Delta refuses any other
  // before looking at the rows.
  const bool changes_rows = std::any_of(m.clauses.begin(), m.clauses.end(), [](const MergeClause& c) {
    return c.action != MergeAction::kInsert && c.action != MergeAction::kInsertStar;
  });
  if (changes_rows && delta::is_append_only(snap->metadata())) return delta::append_only_error(to_sql(m.target));
  if (control.txn) {
    // A rerun of a write that already committed: nothing to do (checked again at commit).
    auto done = snap->transaction_version(control.txn->app_id);
    if (done && *done >= control.txn->version) {
      result.skipped = true;
      return result;
    }
  }
  const SchemaPtr target = snap->schema();
  const int width = target->num_fields();
  const std::string target_name = m.target_alias ? *m.target_alias : m.target.parts.empty() ? "" : m.target.parts.back();
  std::vector<BoundColumn> target_columns;
  for (int i = 0; i < width; ++i) target_columns.push_back({target_name, target->field(i)->name(), target->field(i)->type()});

  // The source, run once.
  BRAID_ASSIGN_OR_RETURN(BoundRelation source, bind_relation(*m.source, resolver));
  BRAID_ASSIGN_OR_RETURN(exec::Table source_rows, execute_plan(*source.plan, context));
  BRAID_ASSIGN_OR_RETURN(RecordBatchPtr source_batch, exec::concat_batches(source_rows, context.exec.memory));
  result.source_rows = source_batch->num_rows();
  std::vector<BoundColumn> both = target_columns;
  both.insert(both.end(), source.columns.begin(), source.columns.end());

  // ON: equalities between a target expression and a source expression are join keys.
  std::vector<exec::ExprPtr> target_keys, source_keys, residuals;
  std::vector<bool> null_safe;
  std::vector<std::string> target_key_columns;  // the target column a key is, or "" for an expression
  std::vector<const Expr*> conjuncts;
  split_conjuncts(*m.on, conjuncts);
  for (const Expr* c : conjuncts) {
    if (const auto* b = c->as<Binary>(); b && (b->op == BinaryOp::kEq || b->op == BinaryOp::kNullSafeEq)) {
      const Expr* target_side = b->left.get();
      auto t = bind_scalar(*b->left, target_columns, resolver);
      auto s = bind_scalar(*b->right, source.columns, resolver);
      if (!t.ok() || !s.ok()) {
        target_side = b->right.get();
        t = bind_scalar(*b->right, target_columns, resolver);
        s = bind_scalar(*b->left, source.columns, resolver);
      }
      if (t.ok() && s.ok() && !(*t)->is_constant() && !(*s)->is_constant()) {
        exec::ExprPtr tk = *t, sk = *s;
        if (!tk->type()->equals(*sk->type())) {
          BRAID_ASSIGN_OR_RETURN(auto common, exec::make_call("coalesce", {exec::null_literal(tk->type()), exec::null_literal(sk->type())}));
          BRAID_ASSIGN_OR_RETURN(tk, exec::make_cast(tk, common->type(), false));
          BRAID_ASSIGN_OR_RETURN(sk, exec::make_cast(sk, common->type(), false));
        }
        target_keys.push_back(tk);
        source_keys.push_back(sk);
        std::string column;
        if (const auto* ref = target_side->as<ColumnRef>()) {
          for (const auto& tc : target_columns) {
            if (lower(tc.name) == lower(ref->parts.back())) column = tc.name;
          }
        }
        target_key_columns.push_back(column);
        null_safe.push_back(b->op == BinaryOp::kNullSafeEq);
        continue;
      }
    }
    auto e = bind_scalar(*c, both, resolver);
    if (!e.ok()) return error_at(c->pos, e.status());
    residuals.push_back(*e);
  }
  if (target_keys.empty()) {
    return error_at(m.on->pos, Status::not_implemented(
                                   "MERGE needs at least one equality between a target and a source column in ON"));
  }
  exec::ExprPtr residual;
  for (auto& r : residuals) {
    if (!residual) {
      residual = r;
    } else {
      BRAID_ASSIGN_OR_RETURN(residual, exec::make_call("and", {residual, r}));
    }
  }

  // Clauses, bound: MATCHED over target and source columns, NOT MATCHED BY SOURCE over the
  // target's, NOT MATCHED (BY TARGET) over the source's.
  std::vector<Clause> matched, by_source, by_target;
  auto source_column = [&](const std::string& name, SourcePosition pos) -> Result<exec::ExprPtr> {
    for (size_t i = 0; i < source.columns.size(); ++i) {
      if (lower(source.columns[i].name) == lower(name)) {
        return exec::column_ref(static_cast<int>(width + i), source.columns[i].type, name);
      }
    }
    return error_at(pos, Status::invalid_argument("the source has no column `{}` for the target column of that name (UPDATE SET * / INSERT *)", name));
  };
  std::vector<std::string> target_names{target_name};
  if (m.target_alias && !m.target.parts.empty()) target_names.push_back(m.target.parts.back());
  auto target_index = [&](const QualifiedName& path, SourcePosition pos) -> Result<int> {
    BRAID_ASSIGN_OR_RETURN(const std::string column, assignment_column(path, target_names, pos));
    for (int i = 0; i < width; ++i) {
      if (lower(target->field(i)->name()) == lower(column)) return i;
    }
    return error_at(pos, Status::invalid_argument("the target has no column `{}`", column));
  };
  auto cast_to = [&](exec::ExprPtr e, int column, SourcePosition pos) -> Result<exec::ExprPtr> {
    const auto& type = target->field(column)->type();
    if (e->type()->equals(*type)) return e;
    auto cast = exec::make_cast(e, type, false);
    if (!cast.ok()) return error_at(pos, cast.status());
    return cast;
  };
  for (const auto& clause : m.clauses) {
    Clause c{&clause, nullptr, {}};
    const auto& scope = clause.match == MergeMatch::kMatched            ? both
                        : clause.match == MergeMatch::kNotMatchedBySource ? target_columns
                                                                          : source.columns;
    if (clause.condition) {
      auto cond = bind_scalar(*clause.condition, scope, resolver);
      if (!cond.ok()) return error_at(clause.condition->pos, cond.status());
      c.condition = *cond;
    }
    switch (clause.action) {
      case MergeAction::kUpdate: {
        for (int i = 0; i < width; ++i) {
          const int index = clause.match == MergeMatch::kMatched || clause.match == MergeMatch::kNotMatchedBySource ? i : -1;
          c.values.push_back(exec::column_ref(index, target->field(i)->type(), target->field(i)->name()));
        }
        for (const auto& a : clause.assignments) {
          BRAID_ASSIGN_OR_RETURN(int column, target_index(a.column, a.pos));
          auto value = bind_scalar(*a.value, scope, resolver);
          if (!value.ok()) return error_at(a.value->pos, value.status());
          BRAID_ASSIGN_OR_RETURN(c.values[static_cast<size_t>(column)], cast_to(*value, column, a.pos));
        }
        break;
      }
      case MergeAction::kUpdateStar:
        for (int i = 0; i < width; ++i) {
          BRAID_ASSIGN_OR_RETURN(auto v, source_column(target->field(i)->name(), clause.pos));
          BRAID_ASSIGN_OR_RETURN(v, cast_to(v, i, clause.pos));
          c.values.push_back(v);
        }
        break;
      case MergeAction::kInsert: {
        std::vector<exec::ExprPtr> values(static_cast<size_t>(width));
        for (size_t k = 0; k < clause.insert_columns.size(); ++k) {
          BRAID_ASSIGN_OR_RETURN(int column, target_index(clause.insert_columns[k], clause.pos));
          auto value = bind_scalar(*clause.insert_values[k], source.columns, resolver);
          if (!value.ok()) return error_at(clause.insert_values[k]->pos, value.status());
          BRAID_ASSIGN_OR_RETURN(values[static_cast<size_t>(column)], cast_to(*value, column, clause.insert_values[k]->pos));
        }
        if (clause.insert_columns.empty()) {
          if (clause.insert_values.size() != static_cast<size_t>(width)) {
            return error_at(clause.pos, Status::invalid_argument("INSERT VALUES has {} values for the target's {} columns",
                                                                 clause.insert_values.size(), width));
          }
          for (int i = 0; i < width; ++i) {
            auto value = bind_scalar(*clause.insert_values[static_cast<size_t>(i)], source.columns, resolver);
            if (!value.ok()) return error_at(clause.insert_values[static_cast<size_t>(i)]->pos, value.status());
            BRAID_ASSIGN_OR_RETURN(values[static_cast<size_t>(i)], cast_to(*value, i, clause.pos));
          }
        }
        for (int i = 0; i < width; ++i) {
          if (!values[static_cast<size_t>(i)]) values[static_cast<size_t>(i)] = exec::null_literal(target->field(i)->type());
        }
        c.values = std::move(values);
        break;
      }
      case MergeAction::kInsertStar:
        for (int i = 0; i < width; ++i) {
          BRAID_ASSIGN_OR_RETURN(auto v, source_column(target->field(i)->name(), clause.pos));
          // Over the source's own columns (the insert batch holds only them).
          v = exec::column_ref(static_cast<int>(
                                   std::find_if(source.columns.begin(), source.columns.end(),
                                                [&](const BoundColumn& b) { return lower(b.name) == lower(target->field(i)->name()); }) -
                                   source.columns.begin()),
                               v->type(), target->field(i)->name());
          BRAID_ASSIGN_OR_RETURN(v, cast_to(v, i, clause.pos));
          c.values.push_back(v);
        }
        break;
      case MergeAction::kDelete:
        break;
    }
    (clause.match == MergeMatch::kMatched ? matched : clause.match == MergeMatch::kNotMatchedBySource ? by_source : by_target)
        .push_back(std::move(c));
  }
  // UPDATE values of NOT MATCHED BY SOURCE clauses were bound over target columns only: fine.

  // Which target files can hold a matching row: without NOT MATCHED BY SOURCE clauses, only
  // files whose partition values and column statistics admit the source's key values and the
  // target-only conditions of ON are read (and only they can be rewritten).
  std::vector<parquet::ColumnPredicate> skipping;
  bool nothing_matches = false;
  if (by_source.empty()) {
    skipping = skipping_predicates(*m.on, target_columns, resolver);
    BRAID_RETURN_IF_ERROR(key_skipping(target_keys, source_keys, target_key_columns, null_safe, *source_batch, *target,
                                       eval, context, skipping, nothing_matches));
  }
  delta::ScanOptions scan_options;
  scan_options.predicates = skipping;
  scan_options.tracker = context.exec.memory;
  scan_options.verify_checksums = context.verify_parquet_checksums;
  BRAID_ASSIGN_OR_RETURN(auto scan, delta::DeltaScan::make(snap, scan_options));
  std::vector<const delta::AddFile*> files = scan->files();
  if (nothing_matches) files.clear();
  result.files_total = static_cast<int64_t>(snap->files().size());
  result.files_read = static_cast<int64_t>(files.size());
  std::vector<RecordBatchPtr> file_rows(files.size());
  BRAID_RETURN_IF_ERROR(context.exec.parallel_for(files.size(), [&](size_t i) -> Status {
    BRAID_ASSIGN_OR_RETURN(auto batches, scan->read_file(*files[i]).with_context_f("file '{}'", files[i]->path));
    BRAID_ASSIGN_OR_RETURN(file_rows[i], exec::concat_batches(exec::Table{target, std::move(batches)}, context.exec.memory));
    return Status::OK();
  }));
  std::vector<int64_t> file_start(files.size() + 1, 0);  // global row id of each file's first row
  for (size_t i = 0; i < files.size(); ++i) file_start[i + 1] = file_start[i] + file_rows[i]->num_rows();
  // A global target row id as (file, row in the file).
  auto target_row = [&](int64_t id) {
    const auto f = static_cast<uint32_t>(std::upper_bound(file_start.begin(), file_start.end(), id) - file_start.begin() - 1);
    return exec::RowRef{f, static_cast<uint32_t>(id - file_start[f])};
  };
  // Target rows by global row id, gathered from the files' batches (the target is never copied
  // into one batch: only the rows a clause needs are).
  auto take_target = [&](const std::vector<int64_t>& ids) -> Result<RecordBatchPtr> {
    std::vector<exec::RowRef> refs(ids.size());
    for (size_t i = 0; i < ids.size(); ++i) refs[i] = target_row(ids[i]);
    std::vector<ColumnPtr> cols;
    for (int c = 0; c < width; ++c) {
      std::vector<const Column*> sources;
      for (const auto& fr : file_rows) sources.push_back(fr->column(c).get());
      BRAID_ASSIGN_OR_RETURN(auto col, exec::gather(target->field(c)->type(), sources, refs.data(),
                                                    static_cast<int64_t>(refs.size()), context.exec.memory));
      cols.push_back(std::move(col));
    }
    return std::make_shared<const RecordBatch>(target, static_cast<int64_t>(ids.size()), std::move(cols));
  };

  // Join target and source on the keys: pairs of (target row id, source row id).
  auto keyed = [&](const std::vector<RecordBatchPtr>& batches, const std::vector<exec::ExprPtr>& keys,
                   const std::string& id_name) -> Result<exec::Table> {
    std::vector<FieldPtr> fields;
    for (size_t k = 0; k < keys.size(); ++k) fields.push_back(field(fmt::format("_k{}", k), keys[k]->type()));
    const SchemaPtr key_schema = schema(std::move(fields));
    std::vector<RecordBatchPtr> key_batches;
    for (const auto& batch : batches) {
      std::vector<ColumnPtr> cols;
      for (const auto& key : keys) {
        BRAID_ASSIGN_OR_RETURN(auto c, key->evaluate(*batch, eval));
        cols.push_back(std::move(c));
      }
      key_batches.push_back(std::make_shared<const RecordBatch>(key_schema, batch->num_rows(), std::move(cols)));
    }
    return with_row_ids(key_batches, key_schema, id_name, context.exec.memory);
  };
  BRAID_ASSIGN_OR_RETURN(exec::Table target_keyed, keyed(file_rows, target_keys, "_tid"));
  BRAID_ASSIGN_OR_RETURN(exec::Table source_keyed, keyed({source_batch}, source_keys, "_sid"));
  const int nkeys = static_cast<int>(target_keys.size());
  std::vector<int> key_columns;
  for (int k = 0; k < nkeys; ++k) key_columns.push_back(k);
  exec::JoinOptions options;
  options.null_safe = null_safe;
  if (residual) {
    // Candidates hold keys and ids; the residual needs the full rows.
    options.residual = [&](const RecordBatch& candidates) -> Result<std::vector<bool>> {
      const auto& tid = *candidates.column(nkeys);
      const auto& sid = *candidates.column(2 * nkeys + 1);
      std::vector<int64_t> trows, srows;
      for (int64_t r = 0; r < candidates.num_rows(); ++r) {
        trows.push_back(tid.value<int64_t>(r));
        srows.push_back(sid.value<int64_t>(r));
      }
      BRAID_ASSIGN_OR_RETURN(auto t, take_target(trows));
      BRAID_ASSIGN_OR_RETURN(auto s, take(*source_batch, srows, context.exec.memory));
      std::vector<ColumnPtr> cols = t->columns();
      cols.insert(cols.end(), s->columns().begin(), s->columns().end());
      RecordBatch pair(schema_of(both), candidates.num_rows(), std::move(cols));
      BRAID_ASSIGN_OR_RETURN(ColumnPtr value, residual->evaluate(pair, eval));
      BRAID_ASSIGN_OR_RETURN(auto rows, exec::true_rows(value));
      std::vector<bool> keep(static_cast<size_t>(candidates.num_rows()), false);
      for (int32_t r : rows) keep[static_cast<size_t>(r)] = true;
      return keep;
    };
  }
  BRAID_ASSIGN_OR_RETURN(exec::Table pairs,
                         exec::hash_join(target_keyed, source_keyed, key_columns, key_columns, exec::JoinType::kInner,
                                         options, context.exec));
  // The per-pair and per-row bookkeeping below, counted like the rows themselves.
  exec::MemoryReservation bookkeeping(context.exec.memory);
  BRAID_RETURN_IF_ERROR(bookkeeping.resize(pairs.num_rows() * 16 + file_start.back() * 6 + source_batch->num_rows() * 2));
  std::vector<int64_t> pair_tid, pair_sid;
  for (const auto& b : pairs.batches) {
    for (int64_t r = 0; r < b->num_rows(); ++r) {
      pair_tid.push_back(b->column(nkeys)->value<int64_t>(r));
      pair_sid.push_back(b->column(2 * nkeys + 1)->value<int64_t>(r));
    }
  }
  const int64_t target_count = file_start.back();
  std::vector<int32_t> match_count(static_cast<size_t>(target_count), 0);
  std::vector<bool> source_matched(static_cast<size_t>(source_batch->num_rows()), false);
  for (size_t p = 0; p < pair_tid.size(); ++p) {
    ++match_count[static_cast<size_t>(pair_tid[p])];
    source_matched[static_cast<size_t>(pair_sid[p])] = true;
  }
  // Several source rows for one target row: an error unless the only MATCHED action is an
  // unconditional DELETE (whichever source row deletes it, the outcome is the same).
  const bool only_delete = matched.size() == 1 && matched[0].ast->action == MergeAction::kDelete && !matched[0].condition;
  if (!matched.empty() && !only_delete) {
    for (int64_t t = 0; t < target_count; ++t) {
      if (match_count[static_cast<size_t>(t)] <= 1) continue;
      std::string keys;
      for (int k = 0; k < nkeys; ++k) {
        if (!keys.empty()) keys += ", ";
        const exec::RowRef at = target_row(t);
        const auto& col = *target_keyed.batches[at.batch]->column(k);
        keys += target_keys[static_cast<size_t>(k)]->to_string() + " = " +
                (col.is_null(at.row) ? std::string("NULL") : value_text(col, at.row, TextFlavor::kPlain));
      }
      return error_at(m.on->pos,
                      Status::invalid_argument(
                          "[DELTA_MULTIPLE_SOURCE_ROW_MATCHING_TARGET_ROW_IN_MERGE] the target row with {} was matched by "
                          "{} source rows; MERGE cannot update or delete a target row that more than one source row "
                          "matches (deduplicate the source, e.g. with ROW_NUMBER)",
                          keys, match_count[static_cast<size_t>(t)]));
    }
  }

  // Outcome per target row: kept, deleted or updated (with its new values).
  std::vector<uint8_t> outcome(static_cast<size_t>(target_count), 0);  // 0 kept, 1 deleted, 2 updated
  std::vector<std::pair<std::vector<int64_t>, RecordBatchPtr>> updates;  // target row ids, new rows
  // Outcome per source row of a matched pair: 0 unchanged, 1 updated its target row, 2 deleted it.
  std::vector<uint8_t> source_outcome(static_cast<size_t>(source_batch->num_rows()), 0);
  auto apply = [&](std::vector<Clause>& clauses, const RecordBatch& batch, const std::vector<int64_t>& tids,
                   const std::vector<int64_t>* sids) -> Status {
    std::vector<int32_t> remaining = all_rows(batch.num_rows());
    for (auto& c : clauses) {
      if (remaining.empty()) break;
      BRAID_ASSIGN_OR_RETURN(auto hit, rows_where(c.condition, batch, remaining, eval));
      if (hit.empty()) continue;
      std::vector<int32_t> rest;
      std::set_difference(remaining.begin(), remaining.end(), hit.begin(), hit.end(), std::back_inserter(rest));
      remaining = std::move(rest);
      std::vector<int64_t> ids;
      for (int32_t r : hit) ids.push_back(tids[static_cast<size_t>(r)]);
      if (sids) {
        for (int32_t r : hit) source_outcome[static_cast<size_t>((*sids)[static_cast<size_t>(r)])] = c.ast->action == MergeAction::kDelete ? 2 : 1;
      }
      if (c.ast->action == MergeAction::kDelete) {
        for (int64_t id : ids) {
          if (outcome[static_cast<size_t>(id)] == 0) ++result.deleted;
          outcome[static_cast<size_t>(id)] = 1;
        }
        continue;
      }
      BRAID_ASSIGN_OR_RETURN(auto rows, project_rows(c.values, batch, hit, target, eval));
      for (int64_t id : ids) outcome[static_cast<size_t>(id)] = 2;
      result.updated += static_cast<int64_t>(ids.size());
      updates.emplace_back(std::move(ids), std::move(rows));
    }
    return Status::OK();
  };
  if (!matched.empty() && !pair_tid.empty()) {
    // The matched pairs as rows of (target columns, source columns).
    BRAID_ASSIGN_OR_RETURN(auto t, take_target(pair_tid));
    BRAID_ASSIGN_OR_RETURN(auto s, take(*source_batch, pair_sid, context.exec.memory));
    std::vector<ColumnPtr> cols = t->columns();
    cols.insert(cols.end(), s->columns().begin(), s->columns().end());
    RecordBatch joined(schema_of(both), static_cast<int64_t>(pair_tid.size()), std::move(cols));
    BRAID_RETURN_IF_ERROR(apply(matched, joined, pair_tid, &pair_sid));
  }
  if (!by_source.empty()) {
    std::vector<int64_t> unmatched;
    for (int64_t t = 0; t < target_count; ++t) {
      if (match_count[static_cast<size_t>(t)] == 0) unmatched.push_back(t);
    }
    if (!unmatched.empty()) {
      BRAID_ASSIGN_OR_RETURN(auto rows, take_target(unmatched));
      BRAID_RETURN_IF_ERROR(apply(by_source, *rows, unmatched, nullptr));
    }
  }
  std::vector<RecordBatchPtr> to_write;
  if (!by_target.empty()) {
    std::vector<int64_t> unmatched;
    for (int64_t r = 0; r < source_batch->num_rows(); ++r) {
      if (!source_matched[static_cast<size_t>(r)]) unmatched.push_back(r);
    }
    if (!unmatched.empty()) {
      BRAID_ASSIGN_OR_RETURN(auto rows, take(*source_batch, unmatched, context.exec.memory));
      std::vector<int32_t> remaining = all_rows(rows->num_rows());
      for (auto& c : by_target) {
        if (remaining.empty()) break;
        BRAID_ASSIGN_OR_RETURN(auto hit, rows_where(c.condition, *rows, remaining, eval));
        if (hit.empty()) continue;
        std::vector<int32_t> rest;
        std::set_difference(remaining.begin(), remaining.end(), hit.begin(), hit.end(), std::back_inserter(rest));
        remaining = std::move(rest);
        BRAID_ASSIGN_OR_RETURN(auto inserted, project_rows(c.values, *rows, hit, target, eval));
        result.inserted += inserted->num_rows();
        to_write.push_back(std::move(inserted));
      }
    }
  }

  int64_t unmatched_sources = 0;
  for (size_t r = 0; r < source_outcome.size(); ++r) {
    if (!source_matched[r]) {
      ++unmatched_sources;
    } else if (source_outcome[r] == 0) {
      ++result.source_unchanged;
    } else {
      ++(source_outcome[r] == 1 ? result.source_updated : result.source_deleted);
    }
  }
  result.source_not_inserted = unmatched_sources - result.inserted;
  if (control.guard) {
    // Every row this MERGE writes (inserted rows, updated rows) before anything is committed.
    for (const auto& b : to_write) BRAID_RETURN_IF_ERROR(control.guard(*b));
    for (const auto& [ids, rows] : updates) BRAID_RETURN_IF_ERROR(control.guard(*rows));
  }

  // Files holding an updated or deleted row are rewritten: their kept rows, then the new values.
  delta::Transaction txn = table.begin(snap);
  if (skipping.empty() && !nothing_matches) {
    txn.read_whole_table();
  } else {
    txn.read_predicates(skipping);
  }
  txn.read_files(files);
  std::vector<int64_t> touched;
  for (size_t f = 0; f < files.size(); ++f) {
    bool changed = false;
    for (int64_t t = file_start[f]; t < file_start[f + 1] && !changed; ++t) changed = outcome[static_cast<size_t>(t)] != 0;
    if (!changed) continue;
    touched.push_back(static_cast<int64_t>(f));
    std::vector<bool> keep(static_cast<size_t>(file_rows[f]->num_rows()), false);
    for (int64_t t = file_start[f]; t < file_start[f + 1]; ++t) {
      const bool kept = outcome[static_cast<size_t>(t)] == 0;
      keep[static_cast<size_t>(t - file_start[f])] = kept;
      if (kept) ++result.copied;
    }
    BRAID_ASSIGN_OR_RETURN(auto kept, filter(*file_rows[f], keep, context.exec.memory));
    if (kept->num_rows() > 0) to_write.push_back(std::move(kept));
    txn.remove_existing(*files[f]);
  }
  for (auto& [ids, rows] : updates) to_write.push_back(std::move(rows));
  result.files_removed = static_cast<int64_t>(touched.size());
  if (to_write.empty() && touched.empty()) return result;
  BRAID_ASSIGN_OR_RETURN(auto adds, delta::write_data_files(table.store()->fs(), table.root(), delta::TableLayout::of(*snap), to_write));
  result.files_added = static_cast<int64_t>(adds.size());
  int64_t added_bytes = 0;
  for (auto& a : adds) {
    added_bytes += a.size;
    txn.add_file(std::move(a));
  }
  delta::CommitOptions commit;
  commit.operation = "MERGE";
  commit.operation_parameters = {{"predicate", "[" + json_quote(to_sql(*m.on)) + "]"}};
  auto predicates = [&](const std::vector<Clause>& clauses) {
    std::string out = "[";
    for (const auto& c : clauses) {
      if (out.size() > 1) out += ",";
      std::string action = c.ast->action == MergeAction::kDelete ? "delete" : c.ast->action == MergeAction::kInsert || c.ast->action == MergeAction::kInsertStar ? "insert" : "update";
      out += "{\"actionType\":\"" + action + "\"";
      if (c.ast->condition) out += ",\"predicate\":" + json_quote(to_sql(*c.ast->condition));
      out += "}";
    }
    return out + "]";
  };
  commit.operation_parameters.emplace_back("matchedPredicates", predicates(matched));
  commit.operation_parameters.emplace_back("notMatchedPredicates", predicates(by_target));
  commit.operation_parameters.emplace_back("notMatchedBySourcePredicates", predicates(by_source));
  commit.operation_metrics = {{"numSourceRows", std::to_string(result.source_rows)},
                              {"numTargetRowsInserted", std::to_string(result.inserted)},
                              {"numTargetRowsUpdated", std::to_string(result.updated)},
                              {"numTargetRowsDeleted", std::to_string(result.deleted)},
                              {"numTargetRowsCopied", std::to_string(result.copied)},
                              {"numOutputRows", std::to_string(result.inserted + result.updated + result.copied)},
                              {"numTargetFilesAdded", std::to_string(result.files_added)},
                              {"numTargetFilesRemoved", std::to_string(result.files_removed)},
                              {"numTargetBytesAdded", std::to_string(added_bytes)}};
  commit.user_metadata = control.user_metadata;
  commit.isolation = control.isolation;
  if (control.txn) {
    txn.read_app_version(control.txn->app_id);
    delta::SetTransaction t = *control.txn;
    if (!t.last_updated) t.last_updated = delta::now_ms();
    txn.set_transaction(std::move(t));
  }
  BRAID_ASSIGN_OR_RETURN(auto committed, txn.commit(commit));
  result.version = committed.version;
  result.skipped = committed.skipped;
  return result;
}

Result<StatementResult> run_merge(const Merge& s, StatementResolver& resolver) {
  const Warehouse& database = resolver.warehouse();
  const WriteControl& write_control = resolver.write_control();
  WriteStats& last_write = resolver.last_write();
  BRAID_ASSIGN_OR_RETURN(std::string path, resolver.table_path(s.target));
  BRAID_ASSIGN_OR_RETURN(auto table, delta::DeltaTable::open(database.fs(), path));
  BRAID_ASSIGN_OR_RETURN(auto m, execute_merge(s, table, resolver, resolver.query_context(), write_control));
  last_write = {path, m.version, m.skipped, m.source_rows, m.inserted, m.updated, m.deleted, m.copied,
                m.source_unchanged, m.source_not_inserted, m.source_updated, m.source_deleted};
  StatementResult r;
  r.summary = fmt::format("MERGE into {}: {} rows inserted, {} updated, {} deleted; {} of {} files read, {} rewritten{}",
                          to_sql(s.target), m.inserted, m.updated, m.deleted, m.files_read, m.files_total,
                          m.files_removed, m.version >= 0 ? fmt::format(" (version {})", m.version) : " (no change)");
  return r;
}

}  // namespace braid::sql
