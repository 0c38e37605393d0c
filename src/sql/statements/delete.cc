// DELETE FROM t WHERE: the rows the condition matches removed from the files that hold them (the
// rest of those files copied), as one Delta commit.
#include <fmt/core.h>

#include "delta/snapshot.h"
#include "delta/table_properties.h"
#include "sql/statements/internal/shared.h"
#include "sql/statements/statements.h"

namespace braid::sql {

Result<StatementResult> run_delete(const Delete& s, StatementResolver& resolver) {
  const Warehouse& database = resolver.warehouse();
  const WriteControl& write_control = resolver.write_control();
  WriteStats& last_write = resolver.last_write();
  if (!s.ctes.empty()) return Status::not_implemented("WITH before DELETE is not supported yet");
  BRAID_ASSIGN_OR_RETURN(std::string path, resolver.table_path(s.table));
  BRAID_ASSIGN_OR_RETURN(auto table, delta::DeltaTable::open(database.fs(), path));
  BRAID_ASSIGN_OR_RETURN(auto snap, table.snapshot());
  if (delta::is_append_only(snap->metadata())) return delta::append_only_error(to_sql(s.table));
  auto columns = table_columns(*snap->schema(), s.alias ? *s.alias : s.table.parts.empty() ? "" : s.table.parts.back());
  exec::ExprPtr where;
  if (s.where) {
    BRAID_ASSIGN_OR_RETURN(where, bind_scalar(*s.where, columns, resolver));
  }
  std::vector<parquet::ColumnPredicate> skipping;
  if (s.where) skipping = skipping_predicates(*s.where, columns, resolver);
  auto options = write_options(write_control);
  if (s.where) options.predicate = {to_sql(*s.where)};
  BRAID_ASSIGN_OR_RETURN(auto result, table.delete_where(skipping, row_predicate(where, resolver.eval_context()),
                                                         std::move(options)));
  last_write = {path, result.commit.version, result.commit.skipped, 0, 0, 0, result.rows_matched, result.rows_copied};
  StatementResult r;
  r.summary = fmt::format("deleted {} rows from {}{}", result.rows_matched, to_sql(s.table),
                          result.commit.version >= 0 ? fmt::format(" (version {})", result.commit.version) : "");
  return r;
}

}  // namespace braid::sql
