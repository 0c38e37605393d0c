#include "catalog/session.h"

#include <fmt/core.h>
#include <fmt/ranges.h>
#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <chrono>

#include "catalog/settings.h"
#include "columnar/column_builder.h"
#include "columnar/compare.h"
#include "columnar/take.h"
#include "columnar/temporal.h"
#include "common/json_writer.h"
#include "delta/history.h"
#include "delta/schema_json.h"
#include "delta/snapshot.h"
#include "delta/table_properties.h"
#include "formats/csv/csv_reader.h"
#include "formats/parquet/parquet_reader.h"
#include "sql/binder.h"
#include "sql/executor.h"
#include "sql/merge.h"
#include "sql/parser.h"
#include "sql/statements/statements.h"
#include "sql/string_literal.h"

namespace braid::catalog {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

int64_t now_micros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string at(sql::SourcePosition pos) {
  return pos.line > 0 ? fmt::format("line {}, column {}: ", pos.line, pos.column) : std::string();
}

// Paths matching a glob in its last component ("data/part-*.parquet"), sorted; the path itself
// when it has no wildcard.
Result<std::vector<std::string>> expand_glob(FileSystem& fs, const std::string& pattern) {
  const auto slash = pattern.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : pattern.substr(0, slash);
  const std::string base = slash == std::string::npos ? pattern : pattern.substr(slash + 1);
  if (dir.find_first_of("*?[") != std::string::npos) {
    return Status::not_implemented("'{}': wildcards are supported in the file name only, not in folders", pattern);
  }
  if (base.find_first_of("*?[") == std::string::npos) {
    auto info = fs.stat(pattern);
    if (!info.ok()) return Status::not_found("'{}': no such file", pattern);
    if (!info->is_directory) return std::vector<std::string>{pattern};
    // A folder: every data file in it.
    BRAID_ASSIGN_OR_RETURN(auto entries, fs.list(pattern));
    std::vector<std::string> out;
    for (const auto& e : entries) {
      if (!e.is_directory && !e.name.starts_with(".") && !e.name.starts_with("_")) out.push_back(join_path(pattern, e.name));
    }
    std::sort(out.begin(), out.end());
    if (out.empty()) return Status::not_found("'{}': the folder holds no data files", pattern);
    return out;
  }
  BRAID_ASSIGN_OR_RETURN(auto entries, fs.list(dir));
  std::vector<std::string> out;
  for (const auto& e : entries) {
    if (!e.is_directory && ::fnmatch(base.c_str(), e.name.c_str(), 0) == 0) {
      out.push_back(slash == std::string::npos ? e.name : join_path(dir, e.name));
    }
  }
  std::sort(out.begin(), out.end());
  if (out.empty()) return Status::not_found("no file matches '{}'", pattern);
  return out;
}

// A boolean option's value; anything else is an error rather than false.
Result<bool> parse_bool(const std::string& option, const std::string& v) {
  if (lower(v) == "true" || v == "1") return true;
  if (lower(v) == "false" || v == "0") return false;
  return Status::invalid_argument("read_csv: {} must be true or false, not '{}'", option, v);
}

sql::PlanPtr scan_plan(sql::ScanNode scan) {
  for (int i = 0; i < scan.source_schema->num_fields(); ++i) scan.columns.push_back(i);
  auto schema = scan.source_schema;
  return sql::make_plan(std::move(scan), schema);
}

// A table of string rows (DESCRIBE, SHOW).
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

// Delta keeps a column's comment in its metadata, as Spark writes it.
KeyValueMetadata comment_metadata(const std::optional<std::string>& comment) {
  if (!comment) return {};
  return {{"comment", json_quote(*comment)}};
}

std::optional<std::string> comment_of(const Field& f) { return delta::metadata_string(f, "comment"); }

bool has_char_type(const sql::TypeName& t) {
  if (t.kind == sql::TypeKind::kVarchar || t.kind == sql::TypeKind::kChar) return true;
  for (const auto& c : t.children) {
    if (has_char_type(c)) return true;
  }
  for (const auto& f : t.fields) {
    if (has_char_type(f.type)) return true;
  }
  return false;
}

// CHAR(n) and VARCHAR(n) columns: Spark checks the length on every write (and pads CHAR); braid
// would keep any string, so it refuses them rather than drop the length.
Status check_column_type(const sql::ColumnDef& c) {
  if (!has_char_type(c.type)) return Status::OK();
  return Status::not_implemented(
      "{}not supported: column `{}` of type {}: braid does not enforce CHAR/VARCHAR lengths; use STRING", at(c.pos),
      c.name, sql::to_sql(c.type));
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
    if (name.path_format == "parquet" || name.path_format == "csv") return file_relation(name);
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
  Result<sql::ResolvedRelation> file_relation(const sql::TableName& name) {
    auto fs = session_.database_->fs();
    BRAID_ASSIGN_OR_RETURN(auto paths, expand_glob(*fs, name.path));
    sql::FileSource source;
    source.paths = paths;
    sql::ScanNode scan;
    // read_parquet's and read_csv's named options arrive as "name=value" parts; a path reference
    // (csv.`p`) has the parts {format, path} and no options.
    const bool path_reference =
        name.parts.size() == 2 && lower(name.parts[0]) == name.path_format && name.parts[1] == name.path;
    const std::vector<std::string> named = path_reference ? std::vector<std::string>{} : name.parts;
    if (name.path_format == "parquet") {
      if (!named.empty()) {
        return Status::invalid_argument("read_parquet: unknown option '{}' (read_parquet takes no options)",
                                        named[0].substr(0, named[0].find('=')));
      }
      source.format = sql::FileSource::Format::kParquet;
      BRAID_ASSIGN_OR_RETURN(auto file, parquet::ParquetFile::open(fs, paths[0]));
      scan.source_schema = file->schema();
    } else {
      source.format = sql::FileSource::Format::kCsv;
      csv::CsvReadOptions& options = source.csv;
      // read_csv's named options arrive as "name=value" parts.
      for (const auto& part : named) {
        const auto eq = part.find('=');
        const std::string key = part.substr(0, eq), value = eq == std::string::npos ? "" : part.substr(eq + 1);
        if (key == "header") {
          BRAID_ASSIGN_OR_RETURN(options.header, parse_bool(key, value));
        } else if (key == "delimiter" || key == "sep" || key == "delim") {
          if (value.size() != 1) return Status::invalid_argument("read_csv: the delimiter must be one character, not '{}'", value);
          options.delimiter = value[0];
        } else if (key == "nullstr" || key == "nullvalue") {
          options.null_values = {value};
        } else if (key == "schema") {
          auto schema = sql::schema_from_ddl(value);
          if (!schema.ok()) return Status(schema.status()).with_context_f("read_csv: schema '{}'", value);
          options.schema = *schema;
        } else if (key == "mode") {
          BRAID_ASSIGN_OR_RETURN(options.mode, csv::parse_malformed_mode(value));
        } else if (key == "columnnameofcorruptrecord") {
          options.corrupt_record_column = value;
        } else {
          return Status::invalid_argument(
              "read_csv: unknown option '{}' (header, delimiter, nullstr, schema, mode, columnNameOfCorruptRecord)", key);
        }
      }
      BRAID_ASSIGN_OR_RETURN(auto reader, csv::CsvReader::open(fs, paths[0], options));
      scan.source_schema = reader->schema();
      // Every file is read with the first one's schema (inferred once, for the whole glob).
      if (!options.schema) {
        options.inferred_from = paths[0];
        options.inferred_rows = reader->sampled_rows();
      }
    }
    scan.source = std::move(source);
    return sql::ResolvedRelation{scan_plan(std::move(scan)), ""};
  }

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

namespace {

// The columns of a table as expressions see them.
std::vector<sql::BoundColumn> table_columns(const Schema& s, const std::string& qualifier) {
  std::vector<sql::BoundColumn> out;
  for (int i = 0; i < s.num_fields(); ++i) out.push_back({qualifier, s.field(i)->name(), s.field(i)->type()});
  return out;
}

// A RowPredicate from a bound boolean expression.
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

// The Delta write options a WriteControl asks for.
delta::WriteOptions write_options(const sql::WriteControl& control) {
  delta::WriteOptions options;
  options.commit.user_metadata = control.user_metadata;
  options.commit.isolation = control.isolation;
  options.txn = control.txn;
  if (options.txn && !options.txn->last_updated) options.txn->last_updated = delta::now_ms();
  return options;
}

}  // namespace

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

}  // namespace braid::catalog

namespace braid::catalog {

Result<StatementResult> Session::rows_of(const sql::PlanPtr& plan) {
  BRAID_ASSIGN_OR_RETURN(exec::Table table, sql::execute_plan(*plan, resolver_->query_context()));
  StatementResult r;
  r.has_rows = true;
  r.schema = plan->schema;
  r.batches = std::move(table.batches);
  return r;
}

Result<StatementResult> Session::run(const sql::QueryStatement& s, const sql::Statement&) {
  BRAID_ASSIGN_OR_RETURN(auto plan, sql::bind_query(*s.query, *resolver_));
  return rows_of(plan);
}

namespace {

// Checks CREATE TABLE's columns, partitioning, properties and comment against the Delta table
// already at its LOCATION (registering it): given ones must match; omitted ones are the table's.
Status check_matches_table(const sql::CreateTable& s, const delta::Snapshot& snap, const std::string& location) {
  const std::string what = fmt::format("CREATE TABLE {} LOCATION '{}'", sql::to_sql(s.name), location);
  const Schema& have = *snap.schema();
  if (!s.columns.empty()) {
    if (s.columns.size() != static_cast<size_t>(have.num_fields())) {
      std::vector<std::string> names;
      for (const auto& f : have.fields()) names.push_back(f->name());
      return Status::invalid_argument("{}: {} columns are given but the Delta table there has {} ({}); omit the columns "
                                      "to take the table's",
                                      what, s.columns.size(), have.num_fields(), fmt::join(names, ", "));
    }
    for (size_t i = 0; i < s.columns.size(); ++i) {
      const auto& c = s.columns[i];
      const auto& f = have.field(static_cast<int>(i));
      BRAID_ASSIGN_OR_RETURN(auto type, sql::to_type(c.type));
      if (c.comment && comment_of(*f) != c.comment) {
        return Status::invalid_argument("{}: column `{}` COMMENT '{}' differs from the Delta table's", what, c.name, *c.comment);
      }
      if (lower(c.name) != lower(f->name()) || !type->equals(*f->type()) || (c.not_null == f->nullable())) {
        return Status::invalid_argument(
            "{}: column {} is given as `{}` {}{} but the Delta table there has `{}` {}{}; omit the columns to take the "
            "table's",
            what, i + 1, c.name, type->to_string(), c.not_null ? " NOT NULL" : "", f->name(), f->type()->to_string(),
            f->nullable() ? "" : " NOT NULL");
      }
    }
  }
  if (!s.partitioned_by.empty()) {
    const auto& have_parts = snap.partition_columns();
    bool same = have_parts.size() == s.partitioned_by.size();
    for (size_t i = 0; same && i < have_parts.size(); ++i) same = lower(have_parts[i]) == lower(s.partitioned_by[i]);
    if (!same) {
      return Status::invalid_argument("{}: PARTITIONED BY ({}) differs from the Delta table's partitioning ({})", what,
                                      fmt::join(s.partitioned_by, ", "), fmt::join(have_parts, ", "));
    }
  }
  for (const auto& [key, value] : s.properties) {
    const auto actual = snap.property(key);
    if (actual != value) {
      return Status::invalid_argument("{}: TBLPROPERTIES '{}' = '{}' differs from the Delta table's ({})", what, key,
                                      value, actual ? fmt::format("'{}'", *actual) : std::string("not set"));
    }
  }
  if (s.comment && snap.metadata().description != s.comment) {
    return Status::invalid_argument("{}: COMMENT '{}' differs from the Delta table's description", what, *s.comment);
  }
  return Status::OK();
}

}  // namespace

Result<StatementResult> Session::run(const sql::CreateTable& s, const sql::Statement&) {
  if (s.using_format && lower(*s.using_format) != "delta") {
    return Status::not_implemented("CREATE TABLE ... USING {}: braid tables are Delta tables (USING DELTA)", *s.using_format);
  }
  const std::string display = sql::to_sql(s.name);
  std::string path;
  // An external table: `name` is registered in the warehouse's catalog at `path`, its LOCATION.
  std::string external_name;
  if (s.name.path_format == "delta") {
    if (s.location) return Status::invalid_argument("CREATE TABLE {} names the table's folder; LOCATION cannot name another", display);
    path = s.name.path;
  } else {
    if (s.name.is_path() || s.name.parts.size() > 3) return Status::invalid_argument("cannot create a table named {}", display);
    BRAID_RETURN_IF_ERROR(sql::check_database(s.name));
    const std::string name = s.name.parts.back();
    BRAID_RETURN_IF_ERROR(check_table_name(name));
    auto existing = database_->table_path(name);
    if (!existing.ok() && existing.status().code() != StatusCode::kNotFound) return existing.status();
    if (existing.ok()) {
      path = *existing;
      if (!delta::DeltaTable::exists(*database_->fs(), path)) {
        return Status::invalid_argument(
            "table {} is registered at '{}', which holds no Delta table; DROP TABLE {} removes the registration",
            display, path, display);
      }
    } else if (s.location) {
      BRAID_ASSIGN_OR_RETURN(path, database_->resolve_location(*s.location));
      BRAID_ASSIGN_OR_RETURN(const std::string warehouse, database_->resolve_location("."));
      if (parent_path(path) == warehouse) {
        // A folder right in the warehouse is the table named after it.
        if (lower(std::string(base_name(path))) != lower(name)) {
          return Status::invalid_argument(
              "CREATE TABLE {} LOCATION '{}': that is the warehouse's folder of table `{}`; give a location outside the "
              "warehouse folder, or leave LOCATION out to create {} in the warehouse",
              display, *s.location, base_name(path), display);
        }
      } else {
        external_name = name;
      }
    } else {
      path = database_->new_table_path(name);
    }
  }
  const bool exists = delta::DeltaTable::exists(*database_->fs(), path);
  const bool registered_here = !external_name.empty() && exists;  // registering an existing Delta table
  if (exists && !registered_here && s.if_not_exists) {
    StatementResult r;
    r.summary = fmt::format("table {} already exists: nothing done", display);
    return r;
  }
  if (exists && !registered_here && !s.or_replace) return Status::already_exists("table {} already exists (at '{}')", display, path);
  if (exists && s.or_replace) return Status::not_implemented("CREATE OR REPLACE of an existing table is not supported yet");
  if (registered_here) {
    if (s.as_query) {
      return Status::already_exists("CREATE TABLE {} LOCATION '{}' AS SELECT: there is a Delta table there already; "
                                    "leave out AS SELECT to register it, or give an empty location",
                                    display, path);
    }
    BRAID_ASSIGN_OR_RETURN(auto table, delta::DeltaTable::open(database_->fs(), path));
    BRAID_ASSIGN_OR_RETURN(auto snap, table.snapshot());
    BRAID_RETURN_IF_ERROR(check_matches_table(s, *snap, path));
    BRAID_RETURN_IF_ERROR(database_->register_external_table(external_name, path));
    StatementResult r;
    r.summary = fmt::format("created table {}: the Delta table at '{}' (version {}), registered as an external table",
                            display, path, snap->version());
    return r;
  }
  if (!external_name.empty()) {
    auto info = database_->fs()->stat(path);
    if (info.ok() && !info->is_directory) return Status::invalid_argument("CREATE TABLE {} LOCATION '{}': that is a file, not a folder", display, path);
    if (info.ok()) {
      BRAID_ASSIGN_OR_RETURN(auto entries, database_->fs()->list(path));
      if (!entries.empty()) {
        return Status::invalid_argument("CREATE TABLE {} LOCATION '{}': the folder is not empty and holds no Delta table; "
                                        "give an empty or new folder",
                                        display, path);
      }
    }
  }
  delta::CreateOptions options;
  options.partition_columns = s.partitioned_by;
  for (const auto& [k, v] : s.properties) options.properties.emplace_back(k, v);
  // Checked before the query runs or a folder is made: a refused property leaves nothing behind.
  {
    BRAID_ASSIGN_OR_RETURN(delta::StringMap checked, delta::normalize_table_properties(options.properties));
    BRAID_RETURN_IF_ERROR(delta::required_protocol(std::nullopt, *schema({}), checked).status());
  }
  options.description = s.comment;
  std::vector<RecordBatchPtr> initial;
  SchemaPtr table_schema;
  if (s.as_query && !s.columns.empty()) {
    return Status::invalid_argument("CREATE TABLE {} (columns) AS SELECT: a table created from a query takes its "
                                    "columns from the query (name and cast them there)",
                                    display);
  }
  if (s.as_query) {
    options.operation = "CREATE TABLE AS SELECT";
    BRAID_ASSIGN_OR_RETURN(auto plan, sql::bind_query(*s.as_query, *resolver_));
    BRAID_ASSIGN_OR_RETURN(auto rows, rows_of(plan));
    table_schema = plan->schema;
    initial = std::move(rows.batches);
  } else {
    if (s.columns.empty()) return Status::invalid_argument("CREATE TABLE {} needs columns or AS SELECT", display);
    std::vector<FieldPtr> fields;
    for (const auto& c : s.columns) {
      BRAID_RETURN_IF_ERROR(check_column_type(c));
      BRAID_ASSIGN_OR_RETURN(auto type, sql::to_type(c.type));
      fields.push_back(field(c.name, type, !c.not_null, comment_metadata(c.comment)));
    }
    table_schema = schema(std::move(fields));
  }
  // An external table's name is registered before its table is made, and unregistered if that
  // fails: the name never points at a half-made table, and a failure leaves the catalog as it was.
  if (!external_name.empty()) BRAID_RETURN_IF_ERROR(database_->register_external_table(external_name, path));
  auto unregister = [&](Status failure) -> Status {
    if (!external_name.empty()) {
      auto undone = database_->unregister_external_table(external_name);
      if (!undone.ok()) failure.with_context(fmt::format("(and removing the registration of {} failed: {})", display, undone.to_string()));
    }
    return failure;
  };
  if (auto made = database_->fs()->create_directories(path); !made.ok()) return unregister(made);
  // Tagged like the statement's other writes (a pipeline task's prepare statements: its run).
  delta::WriteOptions tagged;
  tagged.commit.user_metadata = write_control_.user_metadata;
  auto created = delta::DeltaTable::create(database_->fs(), path, table_schema, options, initial, tagged);
  if (!created.ok()) {
    // Another writer (a parallel task, another process) created it since we looked: with IF NOT
    // EXISTS theirs is as good as ours, exactly as if it had been there first.
    if (created.status().code() == StatusCode::kAlreadyExists && s.if_not_exists) {
      StatementResult r;
      r.summary = fmt::format("table {} already exists (created concurrently): nothing done", display);
      return r;
    }
    return unregister(created.status());
  }
  int64_t rows = 0;
  for (const auto& b : initial) rows += b->num_rows();
  StatementResult r;
  const std::string where = external_name.empty() ? std::string() : fmt::format(" at '{}' (an external table)", path);
  r.summary = s.as_query ? fmt::format("created table {}{} with {} rows", display, where, rows)
                         : fmt::format("created table {}{}", display, where);
  return r;
}

Result<StatementResult> Session::run(const sql::DropTable& s, const sql::Statement&) {
  auto path = resolver_->table_path(s.name);
  StatementResult r;
  if (!path.ok()) {
    if (s.if_exists && path.status().code() == StatusCode::kNotFound) {
      r.summary = fmt::format("table {} does not exist: nothing done", sql::to_sql(s.name));
      return r;
    }
    return path.status();
  }
  if (!s.name.is_path()) {
    // A warehouse table: its folder goes; an external table: only its registration, as Spark
    // drops an external table's metadata and keeps its files.
    const std::string& name = s.name.parts.back();
    BRAID_ASSIGN_OR_RETURN(auto external, database_->external_location(name));
    const bool is_external = external && *external == *path;
    BRAID_RETURN_IF_ERROR(database_->drop_table(name));
    r.summary = is_external ? fmt::format("dropped table {} (an external table: its files at '{}' are kept)",
                                          sql::to_sql(s.name), *path)
                            : fmt::format("dropped table {}", sql::to_sql(s.name));
    return r;
  }
  BRAID_RETURN_IF_ERROR(database_->fs()->remove_all(*path));
  r.summary = fmt::format("dropped table {}", sql::to_sql(s.name));
  return r;
}

Result<StatementResult> Session::run(const sql::Insert& s, const sql::Statement&) { return sql::run_insert(s, *resolver_); }

Result<StatementResult> Session::run(const sql::Update& s, const sql::Statement&) {
  if (!s.ctes.empty()) return Status::not_implemented("WITH before UPDATE is not supported yet");
  BRAID_ASSIGN_OR_RETURN(std::string path, resolver_->table_path(s.table));
  BRAID_ASSIGN_OR_RETURN(auto table, delta::DeltaTable::open(database_->fs(), path));
  BRAID_ASSIGN_OR_RETURN(auto snap, table.snapshot());
  if (delta::is_append_only(snap->metadata())) return delta::append_only_error(sql::to_sql(s.table));
  const SchemaPtr target = snap->schema();
  auto columns = table_columns(*target, s.alias ? *s.alias : s.table.parts.empty() ? "" : s.table.parts.back());
  exec::ExprPtr where;
  if (s.where) {
    BRAID_ASSIGN_OR_RETURN(where, sql::bind_scalar(*s.where, columns, *resolver_));
  }
  // SET values are computed over the row and a trailing "matched" flag: IF(matched, new, old),
  // so a value that would fail (a bad cast) fails only on rows that are updated.
  auto with_flag = columns;
  with_flag.push_back({"", "__matched", boolean()});
  const auto flag = exec::column_ref(static_cast<int>(columns.size()), boolean(), "__matched");
  std::vector<exec::ExprPtr> values;
  for (int i = 0; i < target->num_fields(); ++i) {
    values.push_back(exec::column_ref(i, target->field(i)->type(), target->field(i)->name()));
  }
  std::vector<std::string> target_names{s.table.parts.empty() ? std::string() : s.table.parts.back()};
  if (s.alias) target_names.insert(target_names.begin(), *s.alias);
  for (const auto& a : s.assignments) {
    BRAID_ASSIGN_OR_RETURN(const std::string name, sql::assignment_column(a.column, target_names, a.pos));
    int index = -1;
    for (int i = 0; i < target->num_fields(); ++i) {
      if (lower(target->field(i)->name()) == lower(name)) index = i;
    }
    if (index < 0) return Status::invalid_argument("{}UPDATE sets column `{}`, which {} does not have", at(a.pos), name, sql::to_sql(s.table));
    BRAID_ASSIGN_OR_RETURN(auto value, sql::bind_scalar(*a.value, with_flag, *resolver_));
    const auto& type = target->field(index)->type();
    if (!value->type()->equals(*type)) {
      BRAID_ASSIGN_OR_RETURN(value, exec::make_cast(value, type, false));
    }
    BRAID_ASSIGN_OR_RETURN(values[static_cast<size_t>(index)],
                           exec::make_call("if", {flag, value, values[static_cast<size_t>(index)]}));
  }
  const auto& eval = resolver_->eval_context();
  delta::RowUpdater updater = [&](const RecordBatch& batch, const std::vector<bool>& matched) -> Result<RecordBatchPtr> {
    BooleanBuilder b;
    for (bool m : matched) b.append(m);
    std::vector<ColumnPtr> cols = batch.columns();
    BRAID_ASSIGN_OR_RETURN(auto flag_column, b.finish());
    cols.push_back(flag_column);
    std::vector<FieldPtr> fields = batch.schema()->fields();
    fields.push_back(field("__matched", boolean()));
    RecordBatch extended(schema(std::move(fields)), batch.num_rows(), std::move(cols));
    std::vector<ColumnPtr> out;
    for (const auto& v : values) {
      BRAID_ASSIGN_OR_RETURN(auto c, v->evaluate(extended, eval));
      out.push_back(std::move(c));
    }
    auto updated = std::make_shared<const RecordBatch>(batch.schema(), batch.num_rows(), std::move(out));
    if (write_control_.guard) {
      BRAID_ASSIGN_OR_RETURN(auto changed, braid::filter(*updated, matched));
      BRAID_RETURN_IF_ERROR(write_control_.guard(*changed));
    }
    return updated;
  };
  std::vector<parquet::ColumnPredicate> skipping;
  if (s.where) skipping = sql::skipping_predicates(*s.where, columns, *resolver_);
  auto options = write_options(write_control_);
  if (s.where) options.predicate = {sql::to_sql(*s.where)};
  BRAID_ASSIGN_OR_RETURN(auto result, table.update_where(skipping, row_predicate(where, eval), updater, std::move(options)));
  last_write_ = {path, result.commit.version, result.commit.skipped, 0, 0, result.rows_matched, 0, result.rows_copied};
  StatementResult r;
  r.summary = fmt::format("updated {} rows of {}{}", result.rows_matched, sql::to_sql(s.table),
                          result.commit.version >= 0 ? fmt::format(" (version {})", result.commit.version) : "");
  return r;
}

Result<StatementResult> Session::run(const sql::Delete& s, const sql::Statement&) {
  if (!s.ctes.empty()) return Status::not_implemented("WITH before DELETE is not supported yet");
  BRAID_ASSIGN_OR_RETURN(std::string path, resolver_->table_path(s.table));
  BRAID_ASSIGN_OR_RETURN(auto table, delta::DeltaTable::open(database_->fs(), path));
  BRAID_ASSIGN_OR_RETURN(auto snap, table.snapshot());
  if (delta::is_append_only(snap->metadata())) return delta::append_only_error(sql::to_sql(s.table));
  auto columns = table_columns(*snap->schema(), s.alias ? *s.alias : s.table.parts.empty() ? "" : s.table.parts.back());
  exec::ExprPtr where;
  if (s.where) {
    BRAID_ASSIGN_OR_RETURN(where, sql::bind_scalar(*s.where, columns, *resolver_));
  }
  std::vector<parquet::ColumnPredicate> skipping;
  if (s.where) skipping = sql::skipping_predicates(*s.where, columns, *resolver_);
  auto options = write_options(write_control_);
  if (s.where) options.predicate = {sql::to_sql(*s.where)};
  BRAID_ASSIGN_OR_RETURN(auto result, table.delete_where(skipping, row_predicate(where, resolver_->eval_context()),
                                                         std::move(options)));
  last_write_ = {path, result.commit.version, result.commit.skipped, 0, 0, 0, result.rows_matched, result.rows_copied};
  StatementResult r;
  r.summary = fmt::format("deleted {} rows from {}{}", result.rows_matched, sql::to_sql(s.table),
                          result.commit.version >= 0 ? fmt::format(" (version {})", result.commit.version) : "");
  return r;
}

Result<StatementResult> Session::run(const sql::Merge& s, const sql::Statement&) {
  BRAID_ASSIGN_OR_RETURN(std::string path, resolver_->table_path(s.target));
  BRAID_ASSIGN_OR_RETURN(auto table, delta::DeltaTable::open(database_->fs(), path));
  BRAID_ASSIGN_OR_RETURN(auto m, sql::execute_merge(s, table, *resolver_, resolver_->query_context(), write_control_));
  last_write_ = {path, m.version, m.skipped, m.source_rows, m.inserted, m.updated, m.deleted, m.copied,
                 m.source_unchanged, m.source_not_inserted, m.source_updated, m.source_deleted};
  StatementResult r;
  r.summary = fmt::format("MERGE into {}: {} rows inserted, {} updated, {} deleted; {} of {} files read, {} rewritten{}",
                          sql::to_sql(s.target), m.inserted, m.updated, m.deleted, m.files_read, m.files_total,
                          m.files_removed, m.version >= 0 ? fmt::format(" (version {})", m.version) : " (no change)");
  return r;
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
      fields.push_back(field(column.name, f->type(), true, comment_metadata(column.comment)));
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

Result<StatementResult> Session::run(const sql::Describe& s, const sql::Statement&) {
  if (s.kind == sql::DescribeKind::kTable) {
    if (s.extended) {
      return Status::not_implemented("not supported: DESCRIBE EXTENDED (DESCRIBE DETAIL shows a table's location, "
                                     "version, partitioning and size; DESCRIBE HISTORY its commits)");
    }
    BRAID_ASSIGN_OR_RETURN(auto rel, resolver_->resolve(s.table, std::nullopt, std::nullopt));
    std::vector<std::vector<std::string>> rows;
    const Schema& schema = *rel.plan->schema;
    for (int i = 0; i < schema.num_fields(); ++i) {
      rows.push_back({schema.field(i)->name(), schema.field(i)->type()->to_string(),
                      comment_of(*schema.field(i)).value_or("")});
    }
    return string_rows({"col_name", "data_type", "comment"}, rows);
  }
  BRAID_ASSIGN_OR_RETURN(std::string path, resolver_->table_path(s.table));
  BRAID_ASSIGN_OR_RETURN(auto table, delta::DeltaTable::open(database_->fs(), path));
  if (s.kind == sql::DescribeKind::kHistory) {
    int64_t limit = -1;
    if (s.limit) {
      BRAID_ASSIGN_OR_RETURN(auto e, sql::bind_scalar(*s.limit, {}, *resolver_));
      BRAID_ASSIGN_OR_RETURN(auto v, exec::evaluate_constant(e, resolver_->eval_context()));
      BRAID_ASSIGN_OR_RETURN(auto as_long, exec::make_cast(exec::literal(v), int64(), false));
      BRAID_ASSIGN_OR_RETURN(auto n, exec::evaluate_constant(as_long, resolver_->eval_context()));
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

Result<StatementResult> Session::run(const sql::Show& s, const sql::Statement&) {
  if (!s.database.empty()) {
    sql::TableName in_database;
    in_database.parts = s.database;
    in_database.parts.emplace_back("-");
    BRAID_RETURN_IF_ERROR(sql::check_database(in_database));
  }
  if (s.kind == sql::ShowKind::kColumns) {
    BRAID_ASSIGN_OR_RETURN(auto rel, resolver_->resolve(s.table, std::nullopt, std::nullopt));
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
  if (s.kind == sql::ShowKind::kTables) {
    BRAID_ASSIGN_OR_RETURN(auto tables, database_->list_tables());
    for (const auto& t : tables) {
      if (matches(t)) rows.push_back({"default", t, "false"});
    }
  }
  for (const auto& name : view_names()) {
    if (matches(name)) rows.push_back(s.kind == sql::ShowKind::kTables ? std::vector<std::string>{"", name, "true"}
                                                                       : std::vector<std::string>{"", name, "true"});
  }
  BRAID_ASSIGN_OR_RETURN(auto r, string_rows({"namespace", s.kind == sql::ShowKind::kTables ? "tableName" : "viewName", "isTemporary"}, rows));
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

Result<StatementResult> Session::run(const sql::Optimize& s, const sql::Statement&) {
  if (s.where || !s.zorder_by.empty()) return Status::not_implemented("OPTIMIZE ... WHERE / ZORDER BY is not supported yet");
  BRAID_ASSIGN_OR_RETURN(std::string path, resolver_->table_path(s.table));
  BRAID_ASSIGN_OR_RETURN(auto table, delta::DeltaTable::open(database_->fs(), path));
  delta::OptimizeOptions options;
  options.user_metadata = write_control_.user_metadata;
  BRAID_ASSIGN_OR_RETURN(auto commit, table.optimize(options));
  StatementResult r;
  r.summary = commit.version >= 0 ? fmt::format("optimized {} (version {})", sql::to_sql(s.table), commit.version)
                                  : fmt::format("{} is already compact: nothing done", sql::to_sql(s.table));
  return r;
}

Result<StatementResult> Session::run(const sql::Vacuum& s, const sql::Statement&) {
  BRAID_ASSIGN_OR_RETURN(std::string path, resolver_->table_path(s.table));
  BRAID_ASSIGN_OR_RETURN(auto table, delta::DeltaTable::open(database_->fs(), path));
  delta::VacuumOptions options;
  if (s.retain_hours) options.retain_hours = *s.retain_hours;
  options.dry_run = s.dry_run;
  // Delta's switch for VACUUM's retention check, honoured as Spark honours it.
  options.force = setting("spark.databricks.delta.retentionDurationCheck.enabled") == "false";
  options.force_hint = "SET spark.databricks.delta.retentionDurationCheck.enabled = false";
  options.user_metadata = write_control_.user_metadata;
  BRAID_ASSIGN_OR_RETURN(auto result, table.vacuum(options));
  if (s.dry_run) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& f : result.files) rows.push_back({f});
    return string_rows({"path"}, rows);
  }
  StatementResult r;
  r.summary = fmt::format("vacuumed {}: {} files deleted ({} bytes)", sql::to_sql(s.table), result.files.size(), result.bytes);
  return r;
}

Result<StatementResult> Session::run(const sql::Explain& s, const sql::Statement&) {
  if (s.mode != sql::ExplainMode::kDefault) {
    static constexpr std::string_view kModes[] = {"", "EXTENDED", "FORMATTED", "CODEGEN", "COST"};
    return Status::not_implemented("not supported: EXPLAIN {} (braid's EXPLAIN shows its one plan: leave out {})",
                                   kModes[static_cast<int>(s.mode)], kModes[static_cast<int>(s.mode)]);
  }
  const auto* q = s.statement->as<sql::QueryStatement>();
  if (!q) return Status::not_implemented("EXPLAIN of statements other than queries is not supported yet");
  BRAID_ASSIGN_OR_RETURN(auto plan, sql::bind_query(*q->query, *resolver_));
  return string_rows({"plan"}, {{sql::explain(*plan)}});
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
    return string_rows(columns, rows);
  }
  if (!s.value) {
    const SettingDefinition* def = find_setting(key);
    if (def == nullptr) return unknown_setting(key);
    auto row = row_of(*def);
    if (def->family) row[0] = key;
    return string_rows(columns, {row});
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

Result<StatementResult> Session::run(const sql::AlterTableProperties& s, const sql::Statement&) {
  BRAID_ASSIGN_OR_RETURN(std::string path, resolver_->table_path(s.table));
  BRAID_ASSIGN_OR_RETURN(auto table, delta::DeltaTable::open(database_->fs(), path));
  delta::StringMap properties;
  for (const auto& [k, v] : s.properties) properties.emplace_back(k, v);
  BRAID_ASSIGN_OR_RETURN(auto commit, s.unset ? table.unset_properties(s.keys, s.if_exists, write_control_.user_metadata)
                                              : table.set_properties(properties, write_control_.user_metadata));
  StatementResult r;
  r.summary = fmt::format("{} the properties of {} (version {})", s.unset ? "unset" : "set", sql::to_sql(s.table),
                          commit.version);
  return r;
}

}  // namespace braid::catalog
