#include "pipeline/audit.h"

#include <fmt/core.h>

#include "columnar/column_builder.h"
#include "common/json_writer.h"
#include "delta/table.h"

namespace braid::pipeline {

namespace {

TypePtr timestamp_utc() { return timestamp(TimeUnit::kMicro, "UTC"); }

TypePtr expectations_type() {
  return list(field("element", struct_({field("name", string_type()), field("action", string_type()),
                                        field("failed_rows", int64())})));
}

// Typed access to the builders of a batch being assembled, column by column in schema order.
class BatchAssembler {
 public:
  explicit BatchAssembler(SchemaPtr s) : schema_(std::move(s)) {
    for (int i = 0; i < schema_->num_fields(); ++i) builders_.push_back(make_builder(schema_->field(i)->type()));
  }
  template <typename B>
  B& at(int i) {
    return static_cast<B&>(*builders_[static_cast<size_t>(i)]);
  }
  Result<RecordBatchPtr> finish(int64_t rows) {
    std::vector<ColumnPtr> columns;
    for (auto& b : builders_) {
      BRAID_ASSIGN_OR_RETURN(auto c, b->finish());
      columns.push_back(std::move(c));
    }
    return RecordBatch::make(schema_, rows, std::move(columns));
  }

 private:
  SchemaPtr schema_;
  std::vector<std::unique_ptr<ColumnBuilder>> builders_;
};

void append_string(BinaryBuilder& b, const std::string& s, bool null_when_empty) {
  if (null_when_empty && s.empty()) {
    b.append_null();
  } else {
    b.append(s);
  }
}

}  // namespace

std::string audit_table_path(const catalog::Database& db) { return db.root() + "/_braid/audit"; }

SchemaPtr audit_schema() {
  return schema({
      field("run_id", string_type(), false),
      field("pipeline", string_type(), false),
      field("flow", string_type(), false),
      field("task", string_type(), false),
      field("attempt", int32(), false),
      field("status", string_type(), false),
      field("started_at", timestamp_utc()),
      field("ended_at", timestamp_utc()),
      field("target", string_type()),
      field("target_version", int64()),
      field("source_versions", map(string_type(), int64())),
      field("rows_staged", int64()),
      field("rows_dropped", int64()),
      field("rows_quarantined", int64()),
      field("rows_inserted", int64()),
      field("rows_updated", int64()),
      field("rows_deleted", int64()),
      field("rows_unchanged", int64()),
      field("expectations", expectations_type()),
      field("error", string_type()),
  });
}

Result<RecordBatchPtr> audit_batch(const std::vector<TaskRecord>& records) {
  BatchAssembler a(audit_schema());
  for (const auto& r : records) {
    int c = 0;
    a.at<BinaryBuilder>(c++).append(r.run_id);
    a.at<BinaryBuilder>(c++).append(r.pipeline);
    a.at<BinaryBuilder>(c++).append(r.flow);
    a.at<BinaryBuilder>(c++).append(r.task);
    a.at<Int32Builder>(c++).append(r.attempt);
    a.at<BinaryBuilder>(c++).append(r.status);
    a.at<Int64Builder>(c++).append(r.started_at_us);
    a.at<Int64Builder>(c++).append(r.ended_at_us);
    append_string(a.at<BinaryBuilder>(c++), r.target, true);
    if (r.target_version) {
      a.at<Int64Builder>(c++).append(*r.target_version);
    } else {
      a.at<Int64Builder>(c++).append_null();
    }
    auto& versions = a.at<ListBuilder>(c++);
    versions.append();
    for (const auto& [table, version] : r.source_versions) {
      static_cast<StructBuilder*>(versions.values())->append();
      static_cast<BinaryBuilder*>(versions.map_keys())->append(table);
      static_cast<Int64Builder*>(versions.map_items())->append(version);
    }
    for (int64_t v : {r.rows_staged, r.rows_dropped, r.rows_quarantined, r.rows_inserted, r.rows_updated,
                      r.rows_deleted, r.rows_unchanged}) {
      a.at<Int64Builder>(c++).append(v);
    }
    auto& rules = a.at<ListBuilder>(c++);
    rules.append();
    auto* rule = static_cast<StructBuilder*>(rules.values());
    for (const auto& e : r.expectations) {
      rule->append();
      static_cast<BinaryBuilder*>(rule->field_builder(0))->append(e.name);
      static_cast<BinaryBuilder*>(rule->field_builder(1))->append(e.action);
      static_cast<Int64Builder*>(rule->field_builder(2))->append(e.failed_rows);
    }
    append_string(a.at<BinaryBuilder>(c++), r.error, true);
  }
  return a.finish(static_cast<int64_t>(records.size()));
}

Status create_table_if_absent(const catalog::Database& db, const std::string& path, const SchemaPtr& table_schema,
                              const std::vector<std::string>& partition_columns) {
  if (delta::DeltaTable::exists(*db.fs(), path)) return Status::OK();
  delta::CreateOptions options;
  options.partition_columns = partition_columns;
  auto created = delta::DeltaTable::create(db.fs(), path, table_schema, options);
  // Another task (or process) may have created it first: that table is as good as ours.
  if (!created.ok() && created.status().code() != StatusCode::kAlreadyExists) return created.status();
  return Status::OK();
}

Status append_audit(const catalog::Database& db, const std::vector<TaskRecord>& records) {
  if (records.empty()) return Status::OK();
  const std::string path = audit_table_path(db);
  BRAID_RETURN_IF_ERROR(create_table_if_absent(db, path, audit_schema()));
  BRAID_ASSIGN_OR_RETURN(auto batch, audit_batch(records));
  BRAID_ASSIGN_OR_RETURN(auto table, delta::DeltaTable::open(db.fs(), path));
  delta::WriteOptions options;
  options.commit.user_metadata = fmt::format(R"({{"run_id":{},"audit_records":{}}})", json_quote(records[0].run_id), records.size());
  auto committed = table.append({batch}, options);
  if (!committed.ok()) return Status(committed.status()).with_context_f("appending to the audit table {}", path);
  return Status::OK();
}

Status append_quarantine(const catalog::Database& db, const std::string& flow, const std::vector<RecordBatchPtr>& rows,
                         const std::vector<std::vector<std::string>>& failed_rules, const std::string& run_id,
                         const std::string& task, const delta::SetTransaction& txn) {
  if (rows.empty()) return Status::OK();
  const SchemaPtr& staged = rows[0]->schema();
  std::vector<FieldPtr> fields;
  for (int i = 0; i < staged->num_fields(); ++i) fields.push_back(staged->field(i)->with_nullable(true));
  fields.push_back(field("_run_id", string_type()));
  fields.push_back(field("_task", string_type()));
  fields.push_back(field("_failed_rules", list(string_type())));
  auto table_schema = schema(std::move(fields));
  const std::string path = db.new_table_path(flow + "_quarantine");
  BRAID_RETURN_IF_ERROR(create_table_if_absent(db, path, table_schema));

  std::vector<RecordBatchPtr> out;
  size_t next_rules = 0;
  for (const auto& b : rows) {
    BinaryBuilder run_ids(string_type()), tasks(string_type());
    auto rules = make_builder(list(string_type()));
    auto& rule_list = static_cast<ListBuilder&>(*rules);
    for (int64_t r = 0; r < b->num_rows(); ++r) {
      run_ids.append(run_id);
      tasks.append(task);
      rule_list.append();
      for (const auto& name : failed_rules.at(next_rules)) static_cast<BinaryBuilder*>(rule_list.values())->append(name);
      ++next_rules;
    }
    std::vector<ColumnPtr> columns = b->columns();
    BRAID_ASSIGN_OR_RETURN(auto c1, run_ids.finish());
    BRAID_ASSIGN_OR_RETURN(auto c2, tasks.finish());
    BRAID_ASSIGN_OR_RETURN(auto c3, rules->finish());
    columns.push_back(std::move(c1));
    columns.push_back(std::move(c2));
    columns.push_back(std::move(c3));
    BRAID_ASSIGN_OR_RETURN(auto batch, RecordBatch::make(table_schema, b->num_rows(), std::move(columns)));
    out.push_back(std::move(batch));
  }
  BRAID_ASSIGN_OR_RETURN(auto table, delta::DeltaTable::open(db.fs(), path));
  delta::WriteOptions options;
  options.txn = txn;
  if (!options.txn->last_updated) options.txn->last_updated = delta::now_ms();
  options.commit.user_metadata = fmt::format(R"({{"run_id":{},"task":{}}})", json_quote(run_id), json_quote(task));
  auto committed = table.append(out, options);
  if (!committed.ok()) return Status(committed.status()).with_context_f("writing quarantined rows to {}", path);
  return Status::OK();
}

}  // namespace braid::pipeline
