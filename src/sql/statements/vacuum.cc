// VACUUM t [RETAIN n HOURS] [DRY RUN]: the files no version within the retention reads, deleted (or
// listed).
#include <fmt/core.h>

#include "sql/statements/internal/shared.h"
#include "sql/statements/statements.h"

namespace braid::sql {

Result<StatementResult> run_vacuum(const Vacuum& s, StatementResolver& resolver) {
  const Warehouse& database = resolver.warehouse();
  const WriteControl& write_control = resolver.write_control();
  BRAID_ASSIGN_OR_RETURN(std::string path, resolver.table_path(s.table));
  BRAID_ASSIGN_OR_RETURN(auto table, delta::DeltaTable::open(database.fs(), path));
  delta::VacuumOptions options;
  if (s.retain_hours) options.retain_hours = *s.retain_hours;
  options.dry_run = s.dry_run;
  // Delta's switch for VACUUM's retention check, honoured as Spark honours it.
  options.force = resolver.setting("spark.databricks.delta.retentionDurationCheck.enabled") == "false";
  options.force_hint = "SET spark.databricks.delta.retentionDurationCheck.enabled = false";
  options.user_metadata = write_control.user_metadata;
  BRAID_ASSIGN_OR_RETURN(auto result, table.vacuum(options));
  if (s.dry_run) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& f : result.files) rows.push_back({f});
    return string_rows({"path"}, rows);
  }
  StatementResult r;
  r.summary = fmt::format("vacuumed {}: {} files deleted ({} bytes)", to_sql(s.table), result.files.size(), result.bytes);
  return r;
}

}  // namespace braid::sql
