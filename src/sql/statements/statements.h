// Statements: the execution of every SQL statement but the session's own (views, SET), one file
// per statement kind in this folder, against a StatementResolver.
//
// A StatementResolver is the binder's Resolver extended with what statements need besides names:
// the warehouse (a Warehouse: table folders, external tables), the settings, the WriteControl a
// caller adds to every DML commit, the place to record what a DML statement wrote, and the
// context plans run in. catalog::Session implements it (with its task → session → database scope
// chain) and catalog::Database implements Warehouse, so this layer knows no catalog.
// Thread-safety: a StatementResolver runs one statement at a time; Warehouse methods may be called
// concurrently.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "braid/result.h"
#include "columnar/record_batch.h"
#include "common/file_system.h"
#include "sql/ast.h"
#include "sql/binder.h"
#include "sql/executor.h"
#include "sql/write_control.h"

namespace braid::sql {

struct StatementResult {
  bool has_rows = false;  // a query: `schema` and `batches` hold its rows
  SchemaPtr schema;
  std::vector<RecordBatchPtr> batches;
  std::string summary;    // DDL/DML: what it did ("MERGE: 3 rows inserted, 1 updated, 0 deleted")
  // The most the statement held at once beyond what the scope held when it started (counted on
  // the scope's tracker: buffers, hash tables, states).
  int64_t peak_memory_bytes = 0;
  // What the caller should be told besides the result ("data.csv: 2 malformed rows dropped
  // (mode DROPMALFORMED), at lines 4, 9"), in the order they arose.
  std::vector<std::string> warnings;
};

// A warehouse folder of Delta tables, with external tables registered by name (catalog::Database
// documents the rules).
class Warehouse {
 public:
  virtual ~Warehouse() = default;
  virtual const std::shared_ptr<FileSystem>& fs() const = 0;
  // Table names, sorted: the warehouse's folder tables and its external tables.
  virtual Result<std::vector<std::string>> list_tables() const = 0;
  // The folder of an existing table, or kNotFound naming the table and the warehouse.
  virtual Result<std::string> table_path(std::string_view name) const = 0;
  // Where a new table of this name goes (it need not exist).
  virtual std::string new_table_path(std::string_view name) const = 0;
  // Removes a folder table's folder, or an external table's registration only (its files stay).
  virtual Status drop_table(std::string_view name) const = 0;
  // The location of external table `name`, or nullopt when none is registered by that name.
  virtual Result<std::optional<std::string>> external_location(std::string_view name) const = 0;
  // The absolute location LOCATION 'path' means.
  virtual Result<std::string> resolve_location(std::string_view path) const = 0;
  // Registers `name` at `location` (absolute); kAlreadyExists when a table has the name.
  virtual Status register_external_table(std::string_view name, const std::string& location) const = 0;
  // Removes the registration of `name`; kNotFound when there is none.
  virtual Status unregister_external_table(std::string_view name) const = 0;
  // Whether `name` can name a table folder.
  virtual Status check_table_name(std::string_view name) const = 0;
};

class StatementResolver : public Resolver {
 public:
  // The folder of a table named in SQL: a path reference (delta.`/data/t`) or a warehouse table.
  virtual Result<std::string> table_path(const TableName& name) const = 0;
  virtual const Warehouse& warehouse() const = 0;
  // What plans of this statement run with (memory tracker, cancellation, warnings).
  virtual const QueryContext& query_context() const = 0;
  // The value of setting `key` in this scope (empty for a key braid does not know).
  virtual std::string setting(std::string_view key) const = 0;
  // What the caller adds to every DML commit (userMetadata, txn, guard).
  virtual const WriteControl& write_control() const = 0;
  // Where a DML statement records what it wrote.
  virtual WriteStats& last_write() = 0;
  // Names of the views this scope sees, sorted (SHOW TABLES, SHOW VIEWS).
  virtual std::vector<std::string> view_names() const = 0;
};

// braid's warehouse is one database, `default` (Spark's name for it): a table named with another
// database is refused (kNotFound), never looked up in this one.
Status check_database(const TableName& name);

// Runs a bound query plan to rows.
Result<StatementResult> rows_of(const PlanPtr& plan, const QueryContext& context);

// A table of string rows (DESCRIBE, SHOW, SET).
Result<StatementResult> string_rows(const std::vector<std::string>& names,
                                    const std::vector<std::vector<std::string>>& rows);

// Delta keeps a column's comment in its metadata, as Spark writes it.
KeyValueMetadata comment_metadata(const std::optional<std::string>& comment);

// One function per statement kind, each in the file of this folder named after it (query.cc also
// runs EXPLAIN; alter_table.cc, ALTER TABLE SET/UNSET TBLPROPERTIES). DDL and DML return a one-line
// summary of their effect; queries, DESCRIBE, SHOW, EXPLAIN and VACUUM DRY RUN return rows. A DML
// statement records what it wrote in resolver.last_write().
Result<StatementResult> run_query(const QueryStatement& s, StatementResolver& resolver);
Result<StatementResult> run_explain(const Explain& s, StatementResolver& resolver);
Result<StatementResult> run_create_table(const CreateTable& s, StatementResolver& resolver);
Result<StatementResult> run_drop_table(const DropTable& s, StatementResolver& resolver);
Result<StatementResult> run_alter_table_properties(const AlterTableProperties& s, StatementResolver& resolver);
Result<StatementResult> run_insert(const Insert& s, StatementResolver& resolver);
Result<StatementResult> run_update(const Update& s, StatementResolver& resolver);
Result<StatementResult> run_delete(const Delete& s, StatementResolver& resolver);
Result<StatementResult> run_merge(const Merge& s, StatementResolver& resolver);
Result<StatementResult> run_describe(const Describe& s, StatementResolver& resolver);
Result<StatementResult> run_show(const Show& s, StatementResolver& resolver);
Result<StatementResult> run_optimize(const Optimize& s, StatementResolver& resolver);
Result<StatementResult> run_vacuum(const Vacuum& s, StatementResolver& resolver);

}  // namespace braid::sql
