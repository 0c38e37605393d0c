// DROP TABLE [IF EXISTS]: a warehouse table's folder removed, or an external table's registration
// (its files kept, as Spark keeps them).
#include <fmt/core.h>

#include "sql/statements/internal/shared.h"
#include "sql/statements/statements.h"

namespace braid::sql {

Result<StatementResult> run_drop_table(const DropTable& s, StatementResolver& resolver) {
  const Warehouse& database = resolver.warehouse();
  auto path = resolver.table_path(s.name);
  StatementResult r;
  if (!path.ok()) {
    if (s.if_exists && path.status().code() == StatusCode::kNotFound) {
      r.summary = fmt::format("table {} does not exist: nothing done", to_sql(s.name));
      return r;
    }
    return path.status();
  }
  if (!s.name.is_path()) {
    // A warehouse table: its folder goes; an external table: only its registration, as Spark
    // drops an external table's metadata and keeps its files.
    const std::string& name = s.name.parts.back();
    BRAID_ASSIGN_OR_RETURN(auto external, database.external_location(name));
    const bool is_external = external && *external == *path;
    BRAID_RETURN_IF_ERROR(database.drop_table(name));
    r.summary = is_external ? fmt::format("dropped table {} (an external table: its files at '{}' are kept)",
                                          to_sql(s.name), *path)
                            : fmt::format("dropped table {}", to_sql(s.name));
    return r;
  }
  BRAID_RETURN_IF_ERROR(database.fs()->remove_all(*path));
  r.summary = fmt::format("dropped table {}", to_sql(s.name));
  return r;
}

}  // namespace braid::sql
