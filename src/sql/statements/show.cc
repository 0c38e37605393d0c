// SHOW TABLES / SHOW VIEWS [LIKE pattern] and SHOW COLUMNS: the warehouse's tables and the scope's
// views, as Spark lists them.
#include <fnmatch.h>

#include "columnar/column_builder.h"
#include "sql/statements/internal/shared.h"
#include "sql/statements/statements.h"

namespace braid::sql {

Result<StatementResult> run_show(const Show& s, StatementResolver& resolver) {
  const Warehouse& database = resolver.warehouse();
  if (!s.database.empty()) {
    TableName in_database;
    in_database.parts = s.database;
    in_database.parts.emplace_back("-");
    BRAID_RETURN_IF_ERROR(check_database(in_database));
  }
  if (s.kind == ShowKind::kColumns) {
    BRAID_ASSIGN_OR_RETURN(auto rel, resolver.resolve(s.table, std::nullopt, std::nullopt));
    std::vector<std::vector<std::string>> rows;
    for (int i = 0; i < rel.plan->schema->num_fields(); ++i) rows.push_back({rel.plan->schema->field(i)->name()});
    return string_rows({"col_name"}, rows);
  }
  std::vector<std::vector<std::string>> rows;
  auto matches = [&](const std::string& name) {
    if (!s.pattern) return true;
    // Spark's SHOW TABLES LIKE: '*' is any text and '|' separates alternatives.
    std::string pattern = *s.pattern;
    size_t start = 0;
    while (true) {
      const auto bar = pattern.find('|', start);
      std::string alt = pattern.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
      if (::fnmatch(lower(alt).c_str(), lower(name).c_str(), 0) == 0) return true;
      if (bar == std::string::npos) return false;
      start = bar + 1;
    }
  };
  if (s.kind == ShowKind::kTables) {
    BRAID_ASSIGN_OR_RETURN(auto tables, database.list_tables());
    for (const auto& t : tables) {
      if (matches(t)) rows.push_back({"default", t, "false"});
    }
  }
  for (const auto& name : resolver.view_names()) {
    if (matches(name)) rows.push_back(s.kind == ShowKind::kTables ? std::vector<std::string>{"", name, "true"}
                                                                       : std::vector<std::string>{"", name, "true"});
  }
  BRAID_ASSIGN_OR_RETURN(auto r, string_rows({"namespace", s.kind == ShowKind::kTables ? "tableName" : "viewName", "isTemporary"}, rows));
  // isTemporary is a boolean in Spark.
  auto batch = r.batches[0];
  BooleanBuilder b;
  for (const auto& row : rows) b.append(row[2] == "true");
  BRAID_ASSIGN_OR_RETURN(auto flags, b.finish());
  r.schema = schema({r.schema->field(0), r.schema->field(1), field("isTemporary", boolean())});
  r.batches[0] = std::make_shared<const RecordBatch>(r.schema, batch->num_rows(),
                                                     std::vector<ColumnPtr>{batch->column(0), batch->column(1), flags});
  return r;
}

}  // namespace braid::sql
