// ALTER TABLE t SET / UNSET TBLPROPERTIES: one Delta commit of the new table properties.
#include <fmt/core.h>

#include "sql/statements/internal/shared.h"
#include "sql/statements/statements.h"

namespace braid::sql {

Result<StatementResult> run_alter_table_properties(const AlterTableProperties& s, StatementResolver& resolver) {
  const Warehouse& database = resolver.warehouse();
  const WriteControl& write_control = resolver.write_control();
  BRAID_ASSIGN_OR_RETURN(std::string path, resolver.table_path(s.table));
  BRAID_ASSIGN_OR_RETURN(auto table, delta::DeltaTable::open(database.fs(), path));
  delta::StringMap properties;
  for (const auto& [k, v] : s.properties) properties.emplace_back(k, v);
  BRAID_ASSIGN_OR_RETURN(auto commit, s.unset ? table.unset_properties(s.keys, s.if_exists, write_control.user_metadata)
                                              : table.set_properties(properties, write_control.user_metadata));
  StatementResult r;
  r.summary = fmt::format("{} the properties of {} (version {})", s.unset ? "unset" : "set", to_sql(s.table),
                          commit.version);
  return r;
}

}  // namespace braid::sql
