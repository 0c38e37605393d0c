// UPDATE t SET ... WHERE: the rows the condition matches rewritten with their new values, in the files
// that hold them (the rest of those files copied), as one Delta commit.
#include <fmt/core.h>

#include "columnar/column_builder.h"
#include "columnar/take.h"
#include "delta/snapshot.h"
#include "delta/table_properties.h"
#include "sql/statements/internal/shared.h"
#include "sql/statements/statements.h"

namespace braid::sql {

Result<StatementResult> run_update(const Update& s, StatementResolver& resolver) {
  const Warehouse& database = resolver.warehouse();
  const WriteControl& write_control = resolver.write_control();
  WriteStats& last_write = resolver.last_write();
  if (!s.ctes.empty()) return Status::not_implemented("WITH before UPDATE is not supported yet");
  BRAID_ASSIGN_OR_RETURN(std::string path, resolver.table_path(s.table));
  BRAID_ASSIGN_OR_RETURN(auto table, delta::DeltaTable::open(database.fs(), path));
  BRAID_ASSIGN_OR_RETURN(auto snap, table.snapshot());
  if (delta::is_append_only(snap->metadata())) return delta::append_only_error(to_sql(s.table));
  const SchemaPtr target = snap->schema();
  auto columns = table_columns(*target, s.alias ? *s.alias : s.table.parts.empty() ? "" : s.table.parts.back());
  exec::ExprPtr where;
  if (s.where) {
    BRAID_ASSIGN_OR_RETURN(where, bind_scalar(*s.where, columns, resolver));
  }
  // SET values are computed over the row and a trailing "matched" flag: IF(matched, new, old),
  // so a value that would fail (a bad cast) fails only on rows that are updated.
  auto with_flag = columns;
  with_flag.push_back({"", "__matched", boolean()});
  const auto flag = exec::column_ref(static_cast<int>(columns.size()), boolean(), "__matched");
  std::vector<exec::ExprPtr> values;
  for (int i = 0; i < target->num_fields(); ++i) {
    values.push_back(exec::column_ref(i, target->field(i)->type(), target->field(i)->name()));
  }
  std::vector<std::string> target_names{s.table.parts.empty() ? std::string() : s.table.parts.back()};
  if (s.alias) target_names.insert(target_names.begin(), *s.alias);
  for (const auto& a : s.assignments) {
    BRAID_ASSIGN_OR_RETURN(const std::string name, assignment_column(a.column, target_names, a.pos));
    int index = -1;
    for (int i = 0; i < target->num_fields(); ++i) {
      if (lower(target->field(i)->name()) == lower(name)) index = i;
    }
    if (index < 0) return Status::invalid_argument("{}UPDATE sets column `{}`, which {} does not have", at(a.pos), name, to_sql(s.table));
    BRAID_ASSIGN_OR_RETURN(auto value, bind_scalar(*a.value, with_flag, resolver));
    const auto& type = target->field(index)->type();
    if (!value->type()->equals(*type)) {
      BRAID_ASSIGN_OR_RETURN(value, exec::make_cast(value, type, false));
    }
    BRAID_ASSIGN_OR_RETURN(values[static_cast<size_t>(index)],
                           exec::make_call("if", {flag, value, values[static_cast<size_t>(index)]}));
  }
  const auto& eval = resolver.eval_context();
  delta::RowUpdater updater = [&](const RecordBatch& batch, const std::vector<bool>& matched) -> Result<RecordBatchPtr> {
    BooleanBuilder b;
    for (bool m : matched) b.append(m);
    std::vector<ColumnPtr> cols = batch.columns();
    BRAID_ASSIGN_OR_RETURN(auto flag_column, b.finish());
    cols.push_back(flag_column);
    std::vector<FieldPtr> fields = batch.schema()->fields();
    fields.push_back(field("__matched", boolean()));
    RecordBatch extended(schema(std::move(fields)), batch.num_rows(), std::move(cols));
    std::vector<ColumnPtr> out;
    for (const auto& v : values) {
      BRAID_ASSIGN_OR_RETURN(auto c, v->evaluate(extended, eval));
      out.push_back(std::move(c));
    }
    auto updated = std::make_shared<const RecordBatch>(batch.schema(), batch.num_rows(), std::move(out));
    if (write_control.guard) {
      BRAID_ASSIGN_OR_RETURN(auto changed, braid::filter(*updated, matched));
      BRAID_RETURN_IF_ERROR(write_control.guard(*changed));
    }
    return updated;
  };
  std::vector<parquet::ColumnPredicate> skipping;
  if (s.where) skipping = skipping_predicates(*s.where, columns, resolver);
  auto options = write_options(write_control);
  if (s.where) options.predicate = {to_sql(*s.where)};
  BRAID_ASSIGN_OR_RETURN(auto result, table.update_where(skipping, row_predicate(where, eval), updater, std::move(options)));
  last_write = {path, result.commit.version, result.commit.skipped, 0, 0, result.rows_matched, 0, result.rows_copied};
  StatementResult r;
  r.summary = fmt::format("updated {} rows of {}{}", result.rows_matched, to_sql(s.table),
                          result.commit.version >= 0 ? fmt::format(" (version {})", result.commit.version) : "");
  return r;
}

}  // namespace braid::sql
