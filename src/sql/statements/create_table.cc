// CREATE TABLE [IF NOT EXISTS] ... [LOCATION] [AS SELECT]: a new Delta table in the warehouse, or an
// external one registered at its location (an existing Delta table there is registered as it is).
#include <fmt/core.h>
#include <fmt/ranges.h>

#include "delta/snapshot.h"
#include "delta/table_properties.h"
#include "sql/statements/internal/shared.h"
#include "sql/statements/statements.h"

namespace braid::sql {

namespace {

bool has_char_type(const TypeName& t) {
  if (t.kind == TypeKind::kVarchar || t.kind == TypeKind::kChar) return true;
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
Status check_column_type(const ColumnDef& c) {
  if (!has_char_type(c.type)) return Status::OK();
  return Status::not_implemented(
      "{}not supported: column `{}` of type {}: braid does not enforce CHAR/VARCHAR lengths; use STRING", at(c.pos),
      c.name, to_sql(c.type));
}

// Checks CREATE TABLE's columns, partitioning, properties and comment against the Delta table
// already at its LOCATION (registering it): given ones must match; omitted ones are the table's.
Status check_matches_table(const CreateTable& s, const delta::Snapshot& snap, const std::string& location) {
  const std::string what = fmt::format("CREATE TABLE {} LOCATION '{}'", to_sql(s.name), location);
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
      BRAID_ASSIGN_OR_RETURN(auto type, to_type(c.type));
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

Result<StatementResult> run_create_table(const CreateTable& s, StatementResolver& resolver) {
  const Warehouse& database = resolver.warehouse();
  const WriteControl& write_control = resolver.write_control();
  if (s.using_format && lower(*s.using_format) != "delta") {
    return Status::not_implemented("CREATE TABLE ... USING {}: braid tables are Delta tables (USING DELTA)", *s.using_format);
  }
  const std::string display = to_sql(s.name);
  std::string path;
  // An external table: `name` is registered in the warehouse's catalog at `path`, its LOCATION.
  std::string external_name;
  if (s.name.path_format == "delta") {
    if (s.location) return Status::invalid_argument("CREATE TABLE {} names the table's folder; LOCATION cannot name another", display);
    path = s.name.path;
  } else {
    if (s.name.is_path() || s.name.parts.size() > 3) return Status::invalid_argument("cannot create a table named {}", display);
    BRAID_RETURN_IF_ERROR(check_database(s.name));
    const std::string name = s.name.parts.back();
    BRAID_RETURN_IF_ERROR(database.check_table_name(name));
    auto existing = database.table_path(name);
    if (!existing.ok() && existing.status().code() != StatusCode::kNotFound) return existing.status();
    if (existing.ok()) {
      path = *existing;
      if (!delta::DeltaTable::exists(*database.fs(), path)) {
        return Status::invalid_argument(
            "table {} is registered at '{}', which holds no Delta table; DROP TABLE {} removes the registration",
            display, path, display);
      }
    } else if (s.location) {
      BRAID_ASSIGN_OR_RETURN(path, database.resolve_location(*s.location));
      BRAID_ASSIGN_OR_RETURN(const std::string warehouse, database.resolve_location("."));
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
      path = database.new_table_path(name);
    }
  }
  const bool exists = delta::DeltaTable::exists(*database.fs(), path);
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
    BRAID_ASSIGN_OR_RETURN(auto table, delta::DeltaTable::open(database.fs(), path));
    BRAID_ASSIGN_OR_RETURN(auto snap, table.snapshot());
    BRAID_RETURN_IF_ERROR(check_matches_table(s, *snap, path));
    BRAID_RETURN_IF_ERROR(database.register_external_table(external_name, path));
    StatementResult r;
    r.summary = fmt::format("created table {}: the Delta table at '{}' (version {}), registered as an external table",
                            display, path, snap->version());
    return r;
  }
  if (!external_name.empty()) {
    auto info = database.fs()->stat(path);
    if (info.ok() && !info->is_directory) return Status::invalid_argument("CREATE TABLE {} LOCATION '{}': that is a file, not a folder", display, path);
    if (info.ok()) {
      BRAID_ASSIGN_OR_RETURN(auto entries, database.fs()->list(path));
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
    BRAID_ASSIGN_OR_RETURN(auto plan, bind_query(*s.as_query, resolver));
    BRAID_ASSIGN_OR_RETURN(auto rows, rows_of(plan, resolver.query_context()));
    table_schema = plan->schema;
    initial = std::move(rows.batches);
  } else {
    if (s.columns.empty()) return Status::invalid_argument("CREATE TABLE {} needs columns or AS SELECT", display);
    std::vector<FieldPtr> fields;
    for (const auto& c : s.columns) {
      BRAID_RETURN_IF_ERROR(check_column_type(c));
      BRAID_ASSIGN_OR_RETURN(auto type, to_type(c.type));
      fields.push_back(field(c.name, type, !c.not_null, comment_metadata(c.comment)));
    }
    table_schema = schema(std::move(fields));
  }
  // An external table's name is registered before its table is made, and unregistered if that
  // fails: the name never points at a half-made table, and a failure leaves the catalog as it was.
  if (!external_name.empty()) BRAID_RETURN_IF_ERROR(database.register_external_table(external_name, path));
  auto unregister = [&](Status failure) -> Status {
    if (!external_name.empty()) {
      auto undone = database.unregister_external_table(external_name);
      if (!undone.ok()) failure.with_context(fmt::format("(and removing the registration of {} failed: {})", display, undone.to_string()));
    }
    return failure;
  };
  if (auto made = database.fs()->create_directories(path); !made.ok()) return unregister(made);
  // Tagged like the statement's other writes (a pipeline task's prepare statements: its run).
  delta::WriteOptions tagged;
  tagged.commit.user_metadata = write_control.user_metadata;
  auto created = delta::DeltaTable::create(database.fs(), path, table_schema, options, initial, tagged);
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

}  // namespace braid::sql
