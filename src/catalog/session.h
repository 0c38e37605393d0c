// Session: runs SQL statements against a Database (a warehouse folder of Delta tables), with
// the session's temporary views and named parameters.
//
// Name resolution goes views → database tables (tasks, with their own views in front, come with
// the pipeline runner). A view pins the snapshot versions of the tables it reads when it is
// created, so every statement that uses it sees the same data. Parameters (`:name`) are typed
// values bound at execution, never spliced into SQL text.
//
// Statements: queries (SELECT, WITH, VALUES, DESCRIBE, SHOW, EXPLAIN) return rows; DDL and DML
// (CREATE/DROP TABLE, CTAS, INSERT INTO/OVERWRITE, UPDATE, DELETE, MERGE, CREATE/DROP VIEW,
// OPTIMIZE, VACUUM) return a one-line summary of their effect.
// Thread-safety: one statement at a time per session.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "braid/result.h"
#include "catalog/database.h"
#include "columnar/record_batch.h"
#include "sql/ast.h"
#include "sql/plan.h"

namespace braid::catalog {

struct StatementResult {
  bool has_rows = false;  // a query: `schema` and `batches` hold its rows
  SchemaPtr schema;
  std::vector<RecordBatchPtr> batches;
  std::string summary;    // DDL/DML: what it did ("MERGE: 3 rows inserted, 1 updated, 0 deleted")
  int64_t peak_memory_bytes = 0;
};

class Session {
 public:
  static Result<std::unique_ptr<Session>> open(const std::string& warehouse);
  explicit Session(std::shared_ptr<Database> database);
  ~Session();

  Database& database() { return *database_; }

  // Binds `:name` to a value (a 1-row column) for the statements that follow.
  void set_parameter(const std::string& name, ColumnPtr value);
  // Binds `:name` to the value of a constant SQL expression ("'us-east'", "42", "DATE '2024-01-01'").
  Status set_parameter_sql(const std::string& name, std::string_view expression);

  // Runs exactly one statement.
  Result<StatementResult> execute(std::string_view sql);
  Result<StatementResult> execute(const sql::Statement& statement);

  // Names of the session's views, sorted.
  std::vector<std::string> view_names() const;

 private:
  class Resolver;
  friend class Resolver;
  struct View {
    std::string name;
    sql::PlanPtr plan;
  };

  Result<StatementResult> run(const sql::QueryStatement& s, const sql::Statement& st);
  Result<StatementResult> run(const sql::CreateTable& s, const sql::Statement& st);
  Result<StatementResult> run(const sql::DropTable& s, const sql::Statement& st);
  Result<StatementResult> run(const sql::Insert& s, const sql::Statement& st);
  Result<StatementResult> run(const sql::Update& s, const sql::Statement& st);
  Result<StatementResult> run(const sql::Delete& s, const sql::Statement& st);
  Result<StatementResult> run(const sql::Merge& s, const sql::Statement& st);
  Result<StatementResult> run(const sql::CreateView& s, const sql::Statement& st);
  Result<StatementResult> run(const sql::DropView& s, const sql::Statement& st);
  Result<StatementResult> run(const sql::Describe& s, const sql::Statement& st);
  Result<StatementResult> run(const sql::Show& s, const sql::Statement& st);
  Result<StatementResult> run(const sql::Optimize& s, const sql::Statement& st);
  Result<StatementResult> run(const sql::Vacuum& s, const sql::Statement& st);
  Result<StatementResult> run(const sql::Explain& s, const sql::Statement& st);
  Result<StatementResult> run(const sql::SetOption& s, const sql::Statement& st);
  // Runs a bound query plan to rows.
  Result<StatementResult> rows_of(const sql::PlanPtr& plan);

  std::shared_ptr<Database> database_;
  std::map<std::string, View> views_;  // by lower-case name
  std::map<std::string, ColumnPtr> parameters_;  // by lower-case name
  std::unique_ptr<Resolver> resolver_;
};

}  // namespace braid::catalog
