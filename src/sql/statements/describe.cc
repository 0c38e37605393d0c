// DESCRIBE [TABLE] (a table's or view's columns), DESCRIBE HISTORY (a Delta table's commits) and
// DESCRIBE DETAIL (its location, version, partitioning and size).
#include "delta/history.h"
#include "delta/snapshot.h"
#include "sql/statements/internal/shared.h"
#include "sql/statements/statements.h"

namespace braid::sql {

Result<StatementResult> run_describe(const Describe& s, StatementResolver& resolver) {
  const Warehouse& database = resolver.warehouse();
  if (s.kind == DescribeKind::kTable) {
    if (s.extended) {
      return Status::not_implemented("not supported: DESCRIBE EXTENDED (DESCRIBE DETAIL shows a table's location, "
                                     "version, partitioning and size; DESCRIBE HISTORY its commits)");
    }
    BRAID_ASSIGN_OR_RETURN(auto rel, resolver.resolve(s.table, std::nullopt, std::nullopt));
    std::vector<std::vector<std::string>> rows;
    const Schema& schema = *rel.plan->schema;
    for (int i = 0; i < schema.num_fields(); ++i) {
      rows.push_back({schema.field(i)->name(), schema.field(i)->type()->to_string(),
                      comment_of(*schema.field(i)).value_or("")});
    }
    return string_rows({"col_name", "data_type", "comment"}, rows);
  }
  BRAID_ASSIGN_OR_RETURN(std::string path, resolver.table_path(s.table));
  BRAID_ASSIGN_OR_RETURN(auto table, delta::DeltaTable::open(database.fs(), path));
  if (s.kind == DescribeKind::kHistory) {
    int64_t limit = -1;
    if (s.limit) {
      BRAID_ASSIGN_OR_RETURN(auto e, bind_scalar(*s.limit, {}, resolver));
      BRAID_ASSIGN_OR_RETURN(auto v, exec::evaluate_constant(e, resolver.eval_context()));
      BRAID_ASSIGN_OR_RETURN(auto as_long, exec::make_cast(exec::literal(v), int64(), false));
      BRAID_ASSIGN_OR_RETURN(auto n, exec::evaluate_constant(as_long, resolver.eval_context()));
      limit = n->value<int64_t>(0);
    }
    BRAID_ASSIGN_OR_RETURN(auto batch, delta::history(*table.store(), limit));
    StatementResult r;
    r.has_rows = true;
    r.schema = batch->schema();
    r.batches.push_back(batch);
    return r;
  }
  BRAID_ASSIGN_OR_RETURN(auto snap, table.snapshot());
  std::string partitions;
  for (const auto& p : snap->partition_columns()) partitions += (partitions.empty() ? "" : ",") + p;
  return string_rows({"format", "location", "version", "partitionColumns", "numFiles", "sizeInBytes", "minReaderVersion",
                      "minWriterVersion"},
                     {{"delta", path, std::to_string(snap->version()), partitions, std::to_string(snap->files().size()),
                       std::to_string(snap->total_size()), std::to_string(snap->protocol().min_reader_version),
                       std::to_string(snap->protocol().min_writer_version)}});
}

}  // namespace braid::sql
