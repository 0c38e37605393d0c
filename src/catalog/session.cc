#include "catalog/session.h"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <chrono>

#include "catalog/internal/file_relation.h"
#include "catalog/settings.h"
#include "columnar/temporal.h"
#include "common/ascii.h"
#include "delta/snapshot.h"
#include "sql/binder.h"
#include "sql/executor.h"
#include "sql/parser.h"
#include "sql/statements/statements.h"
#include "sql/string_literal.h"

namespace braid::catalog {

namespace {

using ascii::lower;

int64_t now_micros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

// ---- name resolution

class Session::Resolver final : public sql::StatementResolver {
 public:
  explicit Resolver(Session& session) : session_(session) {
    eval_.now_micros = now_micros();
    context_.warnings = std::make_shared<sql::QueryWarnings>();
  }

  void start_statement() {
    eval_.now_micros = now_micros();
    context_.eval = eval_;
    context_.verify_parquet_checksums = session_.setting("braid.parquet.verify_checksums") != "false";
  }
  const sql::QueryContext& query_context() const override { return context_; }
  std::vector<std::string> take_warnings() { return context_.warnings->take(); }

  Result<sql::ResolvedRelation> resolve(const sql::TableName& name, const std::optional<int64_t>& version,
                                        const std::optional<std::string>& timestamp) override {
    if (name.path_format == "parquet" || name.path_format == "csv") return file_relation(session_.database_->fs(), name);
    if (name.is_path() && name.path_format != "delta") {
      return Status::not_implemented("reading {} files is not supported", name.path_format);
    }
    BRAID_RETURN_IF_ERROR(sql::check_database(name));
    if (!name.is_path() && name.parts.size() == 1 && !version && !timestamp) {
      if (auto view = session_.find_view(lower(name.parts[0]))) {
        for (const auto& [table, v] : view->pinned) session_.versions_read_[table] = v;
        return sql::ResolvedRelation{view->plan, ""};
      }
    }
    BRAID_ASSIGN_OR_RETURN(std::string path, table_path(name));
    BRAID_ASSIGN_OR_RETURN(auto table, delta::DeltaTable::open(session_.database_->fs(), path));
    delta::SnapshotPtr snap;
    if (timestamp) {
      auto ts = temporal::parse_timestamp(*timestamp, TimeUnit::kMicro);
      if (!ts) return Status::invalid_argument("TIMESTAMP AS OF '{}' is not a timestamp", *timestamp);
      BRAID_ASSIGN_OR_RETURN(snap, delta::load_snapshot_at(table.store(), ts->value / 1000));
    } else {
      BRAID_ASSIGN_OR_RETURN(snap, table.snapshot(version));
    }
    session_.versions_read_[path] = snap->version();
    sql::ScanNode scan;
    scan.source = sql::DeltaSource{snap};
    scan.source_schema = snap->schema();
    return sql::ResolvedRelation{scan_plan(std::move(scan)), path};
  }

  // The folder of a table named in SQL: a path reference or a warehouse table.
  Result<std::string> table_path(const sql::TableName& name) const override {
    if (name.path_format == "delta") {
      if (!delta::DeltaTable::exists(*session_.database_->fs(), name.path)) {
        return Status::not_found("'{}' is not a Delta table", name.path);
      }
      return name.path;
    }
    if (name.is_path()) return Status::invalid_argument("{}.`{}` is not a Delta table", name.path_format, name.path);
    BRAID_RETURN_IF_ERROR(sql::check_database(name));
    return session_.database_->table_path(name.parts.back());
  }

  Result<ColumnPtr> parameter(const std::string& name) override {
    for (const Session* scope = &session_; scope != nullptr; scope = scope->parent_) {
      auto it = scope->parameters_.find(lower(name));
      if (it != scope->parameters_.end()) return it->second;
    }
    return Status::not_found("no value is bound to the parameter :{}", name);
  }

  Result<exec::Table> run(const sql::PlanPtr& plan) override { return sql::execute_plan(*plan, context_); }

  void set_cancellation(CancellationToken token) { context_.exec.cancellation = std::move(token); }
  void set_memory(MemoryTracker* memory) { context_.exec.memory = memory; }

  const exec::EvalContext& eval_context() const override { return eval_; }

  const sql::Warehouse& warehouse() const override { return *session_.database_; }
  std::string setting(std::string_view key) const override { return session_.setting(key); }
  const sql::WriteControl& write_control() const override { return session_.write_control_; }
  sql::WriteStats& last_write() override { return session_.last_write_; }
  std::vector<std::string> view_names() const override { return session_.view_names(); }

 private:
  Session& session_;
  exec::EvalContext eval_;
  sql::QueryContext context_;
};

// ---- session

Result<std::unique_ptr<Session>> Session::open(const std::string& warehouse) {
  BRAID_ASSIGN_OR_RETURN(auto db, Database::open(warehouse));
  return std::make_unique<Session>(std::move(db));
}

Session::Session(std::shared_ptr<Database> database, std::string owner)
    : database_(std::move(database)),
      owner_(std::move(owner)),
      memory_(std::make_unique<MemoryTracker>(owner_, 0, &MemoryTracker::process())),
      resolver_(std::make_unique<Resolver>(*this)) {
  resolver_->set_memory(memory_.get());
}

Session::~Session() = default;

std::unique_ptr<Session> Session::new_task(std::string owner) {
  auto task = std::make_unique<Session>(database_, std::move(owner));
  task->parent_ = this;
  task->set_memory_limit(memory_limit());
  return task;
}

void Session::freeze(std::string holder) {
  std::unique_lock lock(views_mutex_);
  frozen_by_ = std::move(holder);
}

void Session::unfreeze() {
  std::unique_lock lock(views_mutex_);
  frozen_by_.reset();
}

void Session::set_cancellation(CancellationToken token) { resolver_->set_cancellation(std::move(token)); }

int64_t Session::peak_memory_bytes() const { return std::max(earlier_peak_, memory_->peak()); }

std::optional<Session::View> Session::find_view(const std::string& key) const {
  for (const Session* scope = this; scope != nullptr; scope = scope->parent_) {
    std::shared_lock lock(scope->views_mutex_);
    auto it = scope->views_.find(key);
    if (it != scope->views_.end()) return it->second;
  }
  return std::nullopt;
}

Status Session::check_view_change(const std::string& name) const {
  if (parent_ != nullptr) {
    std::shared_lock lock(parent_->views_mutex_);
    if (parent_->views_.count(lower(name))) {
      return Status::invalid_argument(
          "view `{}` belongs to the {}; {} cannot create, replace or drop it (a task's views are its own: pick another "
          "name){}",
          name, parent_->owner_, owner_,
          parent_->frozen_by_ ? fmt::format("; the {}'s views are frozen while {} is active", parent_->owner_, *parent_->frozen_by_)
                              : "");
    }
  }
  std::shared_lock lock(views_mutex_);
  if (frozen_by_) return frozen_error_locked(name);
  return Status::OK();
}

Status Session::frozen_error_locked(const std::string& name) const {
  return Status::invalid_argument(
      "view `{}`: the {}'s views are frozen while {} is active; create views of a task inside the task", name, owner_,
      frozen_by_ ? *frozen_by_ : std::string("a run"));
}

void Session::set_parameter(const std::string& name, ColumnPtr value) { parameters_[lower(name)] = std::move(value); }

Status Session::set_parameter_sql(const std::string& name, std::string_view expression) {
  BRAID_ASSIGN_OR_RETURN(auto parsed, sql::parse_expression(expression));
  resolver_->start_statement();
  BRAID_ASSIGN_OR_RETURN(auto bound, sql::bind_scalar(*parsed, {}, *resolver_));
  BRAID_ASSIGN_OR_RETURN(auto value, exec::evaluate_constant(bound, resolver_->eval_context()));
  set_parameter(name, value);
  return Status::OK();
}

namespace {

// "42", "-1.5", "2e10", "7L", "3.14BD": a SQL numeric literal and nothing more.
bool is_number_literal(std::string_view t) {
  size_t i = t.empty() || t[0] != '-' ? 0 : 1;
  size_t digits = 0;
  while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i, ++digits;
  if (i < t.size() && t[i] == '.') {
    ++i;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    size_t exp = 0;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i, ++exp;
    if (exp == 0) return false;
  }
  const std::string suffix = lower(std::string(t.substr(i)));
  return suffix.empty() || suffix == "l" || suffix == "s" || suffix == "y" || suffix == "d" || suffix == "bd" ||
         suffix == "f";
}

}  // namespace

Status Session::set_parameter_text(const std::string& name, const std::string& text) {
  // Only unmistakable literals are SQL: 2024-01-01 is a date's text, not 2024 minus 1 minus 1.
  const std::string l = lower(text);
  const bool typed = l.rfind("date '", 0) == 0 || l.rfind("timestamp '", 0) == 0 || l.rfind("timestamp_ntz '", 0) == 0 ||
                     l.rfind("interval ", 0) == 0 || l.rfind("x'", 0) == 0;
  const bool literal = is_number_literal(text) || l == "true" || l == "false" || l == "null" || typed ||
                       (!text.empty() && (text[0] == '\'' || text[0] == '"'));
  if (literal) return set_parameter_sql(name, text);
  return set_parameter_sql(name, sql::string_literal(text));
}

std::optional<ColumnPtr> Session::parameter_value(const std::string& name) const {
  const std::string key = lower(name);
  for (const Session* scope = this; scope != nullptr; scope = scope->parent_) {
    auto it = scope->parameters_.find(key);
    if (it != scope->parameters_.end()) return it->second;
  }
  return std::nullopt;
}

std::vector<std::string> Session::view_names() const {
  std::map<std::string, std::string> names;  // by key: a task's view hides the session's
  for (const Session* scope = this; scope != nullptr; scope = scope->parent_) {
    std::shared_lock lock(scope->views_mutex_);
    for (const auto& [key, view] : scope->views_) names.emplace(key, view.name);
  }
  std::vector<std::string> out;
  for (const auto& [key, name] : names) out.push_back(name);
  return out;
}

Status Session::define_view(const std::string& name, sql::PlanPtr plan, std::map<std::string, int64_t> pinned) {
  BRAID_RETURN_IF_ERROR(check_view_change(name));
  std::unique_lock lock(views_mutex_);
  if (frozen_by_) return frozen_error_locked(name);  // frozen since the check
  views_[lower(name)] = View{name, std::move(plan), std::move(pinned)};
  return Status::OK();
}

Status Session::create_source_view(const std::string& name, const std::string& path, const std::string& format,
                                   const std::vector<std::pair<std::string, std::string>>& options) {
  if (format != "parquet" && format != "csv" && format != "delta") {
    return Status::invalid_argument("source {}: unknown format '{}' (parquet, csv, delta)", name, format);
  }
  if (format != "csv" && !options.empty()) {
    return Status::invalid_argument("source {}: {} applies to CSV sources, not {}", name, options[0].first, format);
  }
  sql::TableName table;
  table.path_format = format;
  table.path = path;
  for (const auto& [key, value] : options) table.parts.push_back(lower(key) + "=" + value);
  auto outer_reads = std::move(versions_read_);
  versions_read_.clear();
  resolver_->start_statement();
  auto resolved = resolver_->resolve(table, std::nullopt, std::nullopt);
  auto pinned = std::move(versions_read_);
  versions_read_ = std::move(outer_reads);
  if (!resolved.ok()) return Status(resolved.status()).with_context_f("source {} ({})", name, path);
  return define_view(name, resolved->plan, std::move(pinned));
}

Status Session::create_rows_view(const std::string& name, SchemaPtr rows_schema, std::vector<RecordBatchPtr> batches,
                                 std::map<std::string, int64_t> pinned, std::vector<sql::BatchStats> stats) {
  if (!stats.empty() && stats.size() != batches.size()) {
    return Status::invalid_argument("view {}: {} batch statistics for {} batches", name, stats.size(), batches.size());
  }
  sql::ScanNode scan;
  scan.source = sql::ValuesSource{std::move(batches), std::move(stats)};
  scan.source_schema = rows_schema;
  return define_view(name, scan_plan(std::move(scan)), std::move(pinned));
}

Result<Session::RowCheck> Session::bind_row_check(std::string_view expression, const SchemaPtr& rows_schema) {
  BRAID_ASSIGN_OR_RETURN(auto parsed, sql::parse_expression(expression));
  resolver_->start_statement();
  std::vector<sql::BoundColumn> columns;
  for (int i = 0; i < rows_schema->num_fields(); ++i) {
    columns.push_back({"", rows_schema->field(i)->name(), rows_schema->field(i)->type()});
  }
  BRAID_ASSIGN_OR_RETURN(exec::ExprPtr bound, sql::bind_scalar(*parsed, columns, *resolver_));
  if (bound->type()->id() != TypeId::kBoolean) {
    return Status::invalid_argument("`{}` is of type {}, not BOOLEAN", expression, bound->type()->to_string());
  }
  // Evaluated later, possibly after other statements: keep the evaluation context of now.
  auto eval = std::make_shared<exec::EvalContext>(resolver_->eval_context());
  eval->memory = nullptr;  // the check may outlive this scope's tracker
  return RowCheck([bound, eval](const RecordBatch& batch) -> Result<std::vector<int64_t>> {
    BRAID_ASSIGN_OR_RETURN(ColumnPtr value, bound->evaluate(batch, *eval));
    BRAID_ASSIGN_OR_RETURN(auto passing, exec::true_rows(value));
    std::vector<int64_t> failing;
    size_t next = 0;
    for (int64_t r = 0; r < batch.num_rows(); ++r) {
      if (next < passing.size() && passing[next] == r) {
        ++next;
      } else {
        failing.push_back(r);
      }
    }
    return failing;
  });
}

Result<StatementResult> Session::execute(std::string_view sql_text) {
  BRAID_ASSIGN_OR_RETURN(auto statement, sql::parse_statement(sql_text));
  return execute(*statement);
}

Result<StatementResult> Session::execute(const sql::Statement& statement) {
  resolver_->start_statement();
  resolver_->take_warnings();  // left by an earlier statement that failed
  last_write_ = {};
  earlier_peak_ = peak_memory_bytes();
  const int64_t held_before = memory_->current();  // earlier results the caller still holds
  memory_->reset_peak();
  auto result = std::visit([&](const auto& node) { return run(node, statement); }, statement.node);
  if (!result.ok()) return sql::error_at(statement.pos, result.status());
  result->peak_memory_bytes = std::max<int64_t>(0, memory_->peak() - held_before);
  result->warnings = resolver_->take_warnings();
  return result;
}

// ---- statements of sql/statements/, run against this scope

Result<StatementResult> Session::run(const sql::QueryStatement& s, const sql::Statement&) {
  return sql::run_query(s, *resolver_);
}
Result<StatementResult> Session::run(const sql::CreateTable& s, const sql::Statement&) {
  return sql::run_create_table(s, *resolver_);
}
Result<StatementResult> Session::run(const sql::DropTable& s, const sql::Statement&) {
  return sql::run_drop_table(s, *resolver_);
}
Result<StatementResult> Session::run(const sql::Insert& s, const sql::Statement&) {
  return sql::run_insert(s, *resolver_);
}
Result<StatementResult> Session::run(const sql::Update& s, const sql::Statement&) {
  return sql::run_update(s, *resolver_);
}
Result<StatementResult> Session::run(const sql::Delete& s, const sql::Statement&) {
  return sql::run_delete(s, *resolver_);
}
Result<StatementResult> Session::run(const sql::Merge& s, const sql::Statement&) {
  return sql::run_merge(s, *resolver_);
}
Result<StatementResult> Session::run(const sql::Describe& s, const sql::Statement&) {
  return sql::run_describe(s, *resolver_);
}
Result<StatementResult> Session::run(const sql::Show& s, const sql::Statement&) {
  return sql::run_show(s, *resolver_);
}
Result<StatementResult> Session::run(const sql::Optimize& s, const sql::Statement&) {
  return sql::run_optimize(s, *resolver_);
}
Result<StatementResult> Session::run(const sql::Vacuum& s, const sql::Statement&) {
  return sql::run_vacuum(s, *resolver_);
}
Result<StatementResult> Session::run(const sql::Explain& s, const sql::Statement&) {
  return sql::run_explain(s, *resolver_);
}
Result<StatementResult> Session::run(const sql::AlterTableProperties& s, const sql::Statement&) {
  return sql::run_alter_table_properties(s, *resolver_);
}

Result<StatementResult> Session::run(const sql::CreateView& s, const sql::Statement&) {
  if (!s.temporary) return Status::not_implemented("only temporary views are supported (CREATE TEMP VIEW)");
  if (s.global) {
    return Status::not_implemented("not supported: GLOBAL TEMPORARY VIEW (a braid view belongs to its session or task: "
                                   "use CREATE TEMPORARY VIEW)");
  }
  if (s.comment) return Status::not_implemented("not supported: COMMENT on a view (braid keeps no view metadata)");
  if (s.name.is_path() || s.name.parts.size() != 1) return Status::invalid_argument("a view name is one identifier");
  const std::string key = lower(s.name.parts[0]);
  StatementResult r;
  BRAID_RETURN_IF_ERROR(check_view_change(s.name.parts[0]));
  bool exists = false;
  {
    std::shared_lock lock(views_mutex_);
    exists = views_.count(key) > 0;
  }
  if (exists) {
    if (s.if_not_exists) {
      r.summary = fmt::format("view {} already exists: nothing done", s.name.parts[0]);
      return r;
    }
    if (!s.or_replace) return Status::already_exists("view {} already exists", s.name.parts[0]);
  }
  // The versions this view's query reads are its pins; statements using it read them again.
  auto outer_reads = std::move(versions_read_);
  versions_read_.clear();
  auto bound = sql::bind_query(*s.query, *resolver_);
  auto pinned = std::move(versions_read_);
  versions_read_ = std::move(outer_reads);
  for (const auto& [table, v] : pinned) versions_read_[table] = v;
  BRAID_ASSIGN_OR_RETURN(auto plan, std::move(bound));
  if (!s.columns.empty()) {
    if (s.columns.size() != static_cast<size_t>(plan->schema->num_fields())) {
      return Status::invalid_argument("view {} names {} columns but its query has {}", s.name.parts[0], s.columns.size(),
                                      plan->schema->num_fields());
    }
    std::vector<exec::ExprPtr> exprs;
    std::vector<FieldPtr> fields;
    for (int i = 0; i < plan->schema->num_fields(); ++i) {
      const auto& f = plan->schema->field(i);
      exprs.push_back(exec::column_ref(i, f->type(), f->name()));
      const auto& column = s.columns[static_cast<size_t>(i)];
      fields.push_back(field(column.name, f->type(), true, sql::comment_metadata(column.comment)));
    }
    plan = sql::make_plan(sql::ProjectNode{plan, exprs}, schema(std::move(fields)));
  }
  {
    std::unique_lock lock(views_mutex_);
    if (frozen_by_) return frozen_error_locked(s.name.parts[0]);  // frozen while we bound the query
    views_[key] = View{s.name.parts[0], plan, std::move(pinned)};
  }
  r.summary = fmt::format("created view {}", s.name.parts[0]);
  return r;
}

Result<StatementResult> Session::run(const sql::DropView& s, const sql::Statement&) {
  StatementResult r;
  const std::string name = s.name.parts.empty() ? s.name.path : s.name.parts.back();
  BRAID_RETURN_IF_ERROR(check_view_change(name));
  size_t erased = 0;
  {
    std::unique_lock lock(views_mutex_);
    if (frozen_by_) return frozen_error_locked(name);  // frozen since the check above
    erased = views_.erase(lower(name));
  }
  if (!erased) {
    if (s.if_exists) {
      r.summary = fmt::format("view {} does not exist: nothing done", name);
      return r;
    }
    return Status::not_found("view {} does not exist", name);
  }
  r.summary = fmt::format("dropped view {}", name);
  return r;
}

namespace {

bool is_memory_setting(const SettingDefinition* def) { return def != nullptr && def->key == "braid.memory_limit"; }

}  // namespace

std::string Session::setting(std::string_view key) const {
  const SettingDefinition* def = find_setting(key);
  if (def == nullptr || def->family) return std::string();
  if (is_memory_setting(def)) return memory_limit() > 0 ? format_bytes(memory_limit()) : std::string("none");
  const std::string k = lower(def->key);
  for (const Session* scope = this; scope != nullptr; scope = scope->parent_) {
    std::shared_lock lock(scope->settings_mutex_);
    auto it = scope->settings_.find(k);
    if (it != scope->settings_.end()) return it->second;
  }
  return std::string(def->default_value);
}

// SET lists, shows, sets and resets settings through the one registry of settings.h: a key braid
// does not know, or a value it does not implement, is an error naming it; nothing is accepted and
// ignored.
Result<StatementResult> Session::run(const sql::SetOption& s, const sql::Statement&) {
  StatementResult r;
  const std::string key = std::string(s.key);
  auto row_of = [&](const SettingDefinition& def) -> std::vector<std::string> {
    std::string value = def.kind == SettingKind::kRefused ? std::string() : setting(def.key);
    if (value.empty() && def.kind == SettingKind::kTuningKnob) value = "(not set)";
    return {def.family ? fmt::format("{}*", def.key) : std::string(def.key), value,
            std::string(setting_kind_name(def.kind)),
            def.values.empty() ? std::string(def.description) : fmt::format("{} (accepted: {})", def.description, def.values)};
  };
  const std::vector<std::string> columns = {"key", "value", "handling", "meaning"};
  if (s.reset) {
    if (key.empty()) {
      {
        std::unique_lock lock(settings_mutex_);
        settings_.clear();
      }
      memory_->set_limit(configured_memory_limit_);
      r.summary = "every setting is back to its default";
      return r;
    }
    const SettingDefinition* def = find_setting(key);
    if (def == nullptr) return unknown_setting(key);
    if (is_memory_setting(def)) memory_->set_limit(configured_memory_limit_);
    {
      std::unique_lock lock(settings_mutex_);
      settings_.erase(lower(def->key));
    }
    r.summary = def->kind == SettingKind::kRefused ? fmt::format("{} is never set: nothing to reset", key)
                                                     : fmt::format("{} = {} (its default)", def->key, setting(def->key));
    return r;
  }
  if (key.empty() || key == "-v") {  // `SET` and Spark's `SET -v` list every setting
    std::vector<std::vector<std::string>> rows;
    for (const auto& def : setting_definitions()) rows.push_back(row_of(def));
    return sql::string_rows(columns, rows);
  }
  if (!s.value) {
    const SettingDefinition* def = find_setting(key);
    if (def == nullptr) return unknown_setting(key);
    auto row = row_of(*def);
    if (def->family) row[0] = key;
    return sql::string_rows(columns, {row});
  }
  BRAID_ASSIGN_OR_RETURN(CheckedSetting checked, check_setting(key, *s.value));
  const SettingDefinition& def = *checked.setting;
  if (is_memory_setting(&def)) {
    BRAID_ASSIGN_OR_RETURN(int64_t bytes, parse_memory_size(checked.value));
    memory_->set_limit(bytes);
  } else {
    std::unique_lock lock(settings_mutex_);
    settings_[lower(def.key)] = checked.value;
  }
  r.summary = def.kind == SettingKind::kTuningKnob
                  ? fmt::format("{} = {}: accepted, but not used by braid: {}", def.key, checked.value, def.description)
                  : fmt::format("{} = {}", def.key, setting(def.key));
  return r;
}

}  // namespace braid::catalog
