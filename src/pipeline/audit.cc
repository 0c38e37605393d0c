#include "pipeline/audit.h"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

#include "columnar/column_builder.h"
#include "common/json_writer.h"
#include "delta/schema_json.h"
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

// The audit commits' userMetadata: the run, and the flow, task and attempt when all records
// share them (one task's attempt, or a flow whose tasks were all skipped at once).
std::string audit_user_metadata(const std::vector<TaskRecord>& records) {
  const TaskRecord& first = records.front();
  auto all = [&](auto member) {
    return std::all_of(records.begin(), records.end(), [&](const TaskRecord& r) { return r.*member == first.*member; });
  };
  JsonWriter w;
  w.begin_object();
  w.field("run_id", first.run_id);
  w.field("pipeline", first.pipeline);
  if (all(&TaskRecord::flow)) w.field("flow", first.flow);
  if (all(&TaskRecord::flow) && all(&TaskRecord::task)) {
    w.field("task", first.task);
    if (all(&TaskRecord::attempt)) w.field("attempt", first.attempt);
  }
  w.field("audit_records", static_cast<int64_t>(records.size()));
  w.end_object();
  return w.take();
}

// An audit table written before the columns at the end of audit_schema() existed gains them in
// one metadata commit (Delta schema evolution: new nullable columns, old files read NULL). Any
// other difference is refused: braid would otherwise append rows the table cannot hold.
Status upgrade_audit_schema(const delta::DeltaTable& table, const std::string& user_metadata) {
  const SchemaPtr want = audit_schema();
  for (int tries = 0;; ++tries) {
    BRAID_ASSIGN_OR_RETURN(auto snap, table.snapshot());
    const Schema& have = *snap->schema();
    std::vector<std::string> unknown, differ, missing;
    for (const auto& f : have.fields()) {
      const int i = want->field_index(f->name());
      if (i < 0) {
        unknown.push_back(f->name());
      } else if (!want->field(i)->type()->equals(*f->type())) {
        differ.push_back(fmt::format("{} ({} instead of {})", f->name(), f->type()->to_string(), want->field(i)->type()->to_string()));
      }
    }
    const bool prefix = have.num_fields() <= want->num_fields() && unknown.empty() && differ.empty() &&
                        [&] {
                          for (int i = 0; i < have.num_fields(); ++i) {
                            if (have.field(i)->name() != want->field(i)->name()) return false;
                          }
                          return true;
                        }();
    for (int i = have.num_fields(); i < want->num_fields(); ++i) missing.push_back(want->field(i)->name());
    // Columns added to audit_schema() after its first release (nullable, at the end).
    static const std::set<std::string> kAddedLater = {"conflicts", "wait_ms"};
    const bool only_added_later =
        prefix && std::all_of(missing.begin(), missing.end(), [](const std::string& m) { return kAddedLater.count(m) > 0; });
    if (prefix && missing.empty()) return Status::OK();
    if (!only_added_later) {
      std::vector<std::string> problems;
      if (!unknown.empty()) problems.push_back(fmt::format("columns braid does not know: {}", fmt::join(unknown, ", ")));
      if (!differ.empty()) problems.push_back(fmt::format("columns of another type: {}", fmt::join(differ, ", ")));
      if (problems.empty()) problems.push_back(fmt::format("its columns are not braid's audit columns in order (it lacks {})",
                                                           missing.empty() ? std::string("none") : fmt::format("{}", fmt::join(missing, ", "))));
      return Status::invalid_argument("the audit table {} is not one braid can append to: {}; move it aside (braid then "
                                      "creates a new one)",
                                      table.root(), fmt::join(problems, "; "));
    }
    delta::Metadata metadata = snap->metadata();
    BRAID_ASSIGN_OR_RETURN(metadata.schema_string, delta::schema_to_json(*want));
    delta::Transaction txn = table.begin(snap);
    txn.set_metadata(std::move(metadata));
    delta::CommitOptions commit;
    commit.operation = "ADD COLUMNS";
    std::string columns = "[";
    for (const auto& m : missing) {
      if (columns.size() > 1) columns += ",";
      columns += fmt::format(R"({{"column":{}}})", json_quote(m));
    }
    commit.operation_parameters = {{"columns", columns + "]"}};
    commit.user_metadata = user_metadata;
    auto committed = txn.commit(commit);
    // Another writer changed the table meanwhile (maybe the same upgrade): look again.
    if (!committed.ok() && committed.status().code() == StatusCode::kConflict && tries < 5) continue;
    if (!committed.ok()) return Status(committed.status()).with_context_f("adding columns {} to the audit table {}", fmt::join(missing, ", "), table.root());
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
      // Added after the first release of the audit table: older tables gain them (NULL in their
      // old rows), so they are nullable and stay last.
      field("conflicts", int32()),
      field("wait_ms", int64()),
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
    a.at<Int32Builder>(c++).append(r.conflicts);
    a.at<Int64Builder>(c++).append(r.wait_ms);
  }
  return a.finish(static_cast<int64_t>(records.size()));
}

Status create_table_if_absent(const catalog::Database& db, const std::string& path, const SchemaPtr& table_schema,
                              const std::vector<std::string>& partition_columns,
                              const std::optional<std::string>& user_metadata) {
  if (delta::DeltaTable::exists(*db.fs(), path)) return Status::OK();
  delta::CreateOptions options;
  options.partition_columns = partition_columns;
  delta::WriteOptions tagged;
  tagged.commit.user_metadata = user_metadata;
  auto created = delta::DeltaTable::create(db.fs(), path, table_schema, options, {}, tagged);
  // Another task (or process) may have created it first: that table is as good as ours.
  if (!created.ok() && created.status().code() != StatusCode::kAlreadyExists) return created.status();
  return Status::OK();
}

Status append_audit(const catalog::Database& db, const std::vector<TaskRecord>& records) {
  if (records.empty()) return Status::OK();
  const std::string path = audit_table_path(db);
  const std::string user_metadata = audit_user_metadata(records);
  BRAID_RETURN_IF_ERROR(create_table_if_absent(db, path, audit_schema(), {}, user_metadata));
  BRAID_ASSIGN_OR_RETURN(auto batch, audit_batch(records));
  BRAID_ASSIGN_OR_RETURN(auto table, delta::DeltaTable::open(db.fs(), path));
  BRAID_RETURN_IF_ERROR(upgrade_audit_schema(table, user_metadata));
  delta::WriteOptions options;
  options.commit.user_metadata = user_metadata;
  auto committed = table.append({batch}, options);
  if (!committed.ok()) return Status(committed.status()).with_context_f("appending to the audit table {}", path);
  return Status::OK();
}

std::string quarantine_table_path(const catalog::Database& db, const std::string& flow) {
  return db.new_table_path(flow + "_quarantine");
}

Status append_quarantine(const catalog::Database& db, const std::string& flow, const std::vector<RecordBatchPtr>& rows,
                         const std::vector<std::vector<std::string>>& failed_rules, const std::string& run_id,
                         const std::string& task, const delta::SetTransaction& txn, const std::string& user_metadata) {
  if (rows.empty()) return Status::OK();
  const SchemaPtr& staged = rows[0]->schema();
  std::vector<FieldPtr> fields;
  for (int i = 0; i < staged->num_fields(); ++i) fields.push_back(staged->field(i)->with_nullable(true));
  fields.push_back(field("_run_id", string_type()));
  fields.push_back(field("_task", string_type()));
  fields.push_back(field("_failed_rules", list(string_type())));
  auto table_schema = schema(std::move(fields));
  const std::string path = quarantine_table_path(db, flow);
  BRAID_RETURN_IF_ERROR(create_table_if_absent(db, path, table_schema, {}, user_metadata));

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
  options.commit.user_metadata = user_metadata;
  auto committed = table.append(out, options);
  if (!committed.ok()) return Status(committed.status()).with_context_f("writing quarantined rows to {}", path);
  return Status::OK();
}

}  // namespace braid::pipeline
