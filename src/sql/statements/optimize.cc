// OPTIMIZE t: a Delta table's small files compacted, as one commit.
#include <fmt/core.h>

#include "sql/statements/internal/shared.h"
#include "sql/statements/statements.h"

namespace braid::sql {

Result<StatementResult> run_optimize(const Optimize& s, StatementResolver& resolver) {
  const Warehouse& database = resolver.warehouse();
  const WriteControl& write_control = resolver.write_control();
  if (s.where || !s.zorder_by.empty()) return Status::not_implemented("OPTIMIZE ... WHERE / ZORDER BY is not supported yet");
  BRAID_ASSIGN_OR_RETURN(std::string path, resolver.table_path(s.table));
  BRAID_ASSIGN_OR_RETURN(auto table, delta::DeltaTable::open(database.fs(), path));
  delta::OptimizeOptions options;
  options.user_metadata = write_control.user_metadata;
  BRAID_ASSIGN_OR_RETURN(auto commit, table.optimize(options));
  StatementResult r;
  r.summary = commit.version >= 0 ? fmt::format("optimized {} (version {})", to_sql(s.table), commit.version)
                                  : fmt::format("{} is already compact: nothing done", to_sql(s.table));
  return r;
}

}  // namespace braid::sql
