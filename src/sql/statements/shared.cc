// The pieces the statements of this folder share (internal/shared.h) and those the catalog uses
// too (statements.h: the one database, result rows, column comments).
#include <fmt/core.h>
#include <fmt/ranges.h>

#include <cctype>

#include "columnar/column_builder.h"
#include "common/ascii.h"
#include "common/json_writer.h"
#include "delta/schema_json.h"
#include "delta/transaction.h"
#include "sql/statements/internal/shared.h"
#include "sql/statements/statements.h"

namespace braid::sql {

std::string at(SourcePosition pos) {
  return pos.line > 0 ? fmt::format("line {}, column {}: ", pos.line, pos.column) : std::string();
}

Status check_database(const TableName& name) {
  if (name.is_path() || name.parts.size() < 2) return Status::OK();
  const std::string db = lower(name.parts[name.parts.size() - 2]);
  const bool spark_catalog = name.parts.size() == 2 || lower(name.parts[0]) == "spark_catalog";
  if (db == "default" && spark_catalog && name.parts.size() <= 3) return Status::OK();
  return Status::not_found("database `{}` does not exist: braid's warehouse is one database, `default`",
                           fmt::format("{}", fmt::join(name.parts.begin(), name.parts.end() - 1, ".")));
}

Result<StatementResult> rows_of(const PlanPtr& plan, const QueryContext& context) {
  BRAID_ASSIGN_OR_RETURN(exec::Table table, execute_plan(*plan, context));
  StatementResult r;
  r.has_rows = true;
  r.schema = plan->schema;
  r.batches = std::move(table.batches);
  return r;
}

Result<StatementResult> string_rows(const std::vector<std::string>& names, const std::vector<std::vector<std::string>>& rows) {
  std::vector<FieldPtr> fields;
  std::vector<std::unique_ptr<BinaryBuilder>> builders;
  for (const auto& n : names) {
    fields.push_back(field(n, string_type()));
    builders.push_back(std::make_unique<BinaryBuilder>(string_type()));
  }
  for (const auto& row : rows) {
    for (size_t c = 0; c < names.size(); ++c) builders[c]->append(row[c]);
  }
  std::vector<ColumnPtr> columns;
  for (auto& b : builders) {
    BRAID_ASSIGN_OR_RETURN(auto c, b->finish());
    columns.push_back(std::move(c));
  }
  StatementResult r;
  r.has_rows = true;
  r.schema = schema(std::move(fields));
  r.batches.push_back(std::make_shared<const RecordBatch>(r.schema, static_cast<int64_t>(rows.size()), std::move(columns)));
  return r;
}

KeyValueMetadata comment_metadata(const std::optional<std::string>& comment) {
  if (!comment) return {};
  return {{"comment", json_quote(*comment)}};
}

std::optional<std::string> comment_of(const Field& f) { return delta::metadata_string(f, "comment"); }

std::vector<BoundColumn> table_columns(const Schema& s, const std::string& qualifier) {
  std::vector<BoundColumn> out;
  for (int i = 0; i < s.num_fields(); ++i) out.push_back({qualifier, s.field(i)->name(), s.field(i)->type()});
  return out;
}

delta::RowPredicate row_predicate(exec::ExprPtr predicate, const exec::EvalContext& eval) {
  return [predicate = std::move(predicate), &eval](const RecordBatch& batch) -> Result<std::vector<bool>> {
    std::vector<bool> mask(static_cast<size_t>(batch.num_rows()), false);
    if (!predicate) {
      mask.assign(mask.size(), true);
      return mask;
    }
    BRAID_ASSIGN_OR_RETURN(ColumnPtr value, predicate->evaluate(batch, eval));
    BRAID_ASSIGN_OR_RETURN(auto rows, exec::true_rows(value));
    for (int32_t r : rows) mask[static_cast<size_t>(r)] = true;
    return mask;
  };
}

delta::WriteOptions write_options(const WriteControl& control) {
  delta::WriteOptions options;
  options.commit.user_metadata = control.user_metadata;
  options.commit.isolation = control.isolation;
  options.txn = control.txn;
  if (options.txn && !options.txn->last_updated) options.txn->last_updated = delta::now_ms();
  return options;
}

Status check_guard(const WriteControl& control, const std::vector<RecordBatchPtr>& rows) {
  if (!control.guard) return Status::OK();
  for (const auto& b : rows) BRAID_RETURN_IF_ERROR(control.guard(*b));
  return Status::OK();
}

}  // namespace braid::sql
