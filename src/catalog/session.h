// Session: runs SQL statements against a Database (a warehouse folder of Delta tables), with
// the session's temporary views and named parameters.
//
// Scopes: a Session may have task scopes (Session::new_task), each a Session of its own whose
// views and parameters sit in front of the session's: name resolution goes task views → session
// views → database tables, and parameters task → session. A view created in a task is visible to
// that task only, so any number of tasks can each create a view `staged` at the same moment.
// While a parallel run is active the session's views are frozen (Session::freeze): creating,
// replacing or dropping one, from a task or from any thread, fails naming the view and both
// owners; it never silently replaces another task's view.
//
// A view pins the snapshot versions of the tables it reads when it is created, so every
// statement that uses it sees the same data; versions_read() reports them (for the audit).
// Parameters (`:name`) are typed values bound at execution, never spliced into SQL text.
//
// Statements: queries (SELECT, WITH, VALUES, DESCRIBE, SHOW, EXPLAIN) return rows; DDL and DML
// (CREATE/DROP TABLE, CTAS, ALTER TABLE SET/UNSET TBLPROPERTIES, INSERT INTO/OVERWRITE [PARTITION],
// UPDATE, DELETE, MERGE, CREATE/DROP VIEW, OPTIMIZE, VACUUM) return a one-line summary of their
// effect. The session runs its own (views, SET); every other statement runs in sql/statements/,
// against the session's resolver (a sql::StatementResolver).
// Thread-safety: one statement at a time per session (and per task scope); task scopes of one
// session run concurrently with each other.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "braid/result.h"
#include "catalog/database.h"
#include "common/cancellation.h"
#include "common/memory_tracker.h"
#include "columnar/record_batch.h"
#include "sql/ast.h"
#include "sql/plan.h"
#include "sql/statements/statements.h"
#include "sql/write_control.h"

namespace braid::catalog {

using StatementResult = sql::StatementResult;

class Session {
 public:
  static Result<std::unique_ptr<Session>> open(const std::string& warehouse);
  explicit Session(std::shared_ptr<Database> database, std::string owner = "session");
  ~Session();

  Database& database() { return *database_; }
  const std::shared_ptr<Database>& database_ptr() const { return database_; }
  // Who owns this scope, as errors name it ("session", "task merge_region[region=us-east]").
  const std::string& owner() const { return owner_; }

  // A task scope in front of this session: its own views and parameters, this session's behind
  // them. The session must outlive it.
  std::unique_ptr<Session> new_task(std::string owner);
  // Freezes this session's views on behalf of `holder` (a run) until unfreeze(): view DDL on
  // the session then fails naming the view, its owner and the holder.
  void freeze(std::string holder);
  void unfreeze();

  // Applies to every DML statement that follows (userMetadata, txn, guard); see WriteControl.
  void set_write_control(sql::WriteControl control) { write_control_ = std::move(control); }
  // What the last DML statement wrote.
  const sql::WriteStats& last_write() const { return last_write_; }
  // Delta tables read since the last clear, by folder → snapshot version (a view counts with
  // the versions it pinned).
  const std::map<std::string, int64_t>& versions_read() const { return versions_read_; }
  void clear_versions_read() { versions_read_.clear(); }
  // Queries of this scope poll `token` and stop with kCancelled when it is cancelled.
  void set_cancellation(CancellationToken token);
  // Peak bytes counted by the operators of the statements run since the scope was made.
  int64_t peak_memory_bytes() const;
  // At most this many bytes held by this scope's statements at once (<= 0: no limit of its
  // own; BRAID_MEMORY_LIMIT still limits the process): a statement that would go over fails with
  // kOutOfMemory naming the limit. Also `SET memory_limit = '2GB'` (and RESET back to the limit
  // set here). Task scopes start with their session's limit.
  void set_memory_limit(int64_t bytes) {
    configured_memory_limit_ = bytes;
    memory_->set_limit(bytes);
  }
  int64_t memory_limit() const { return memory_->limit(); }

  // The value of setting `key` (settings.h) in this scope: SET in this scope, else in the
  // session behind it, else its default. Empty for a key braid does not know.
  std::string setting(std::string_view key) const;

  // Binds `:name` to a value (a 1-row column) for the statements that follow.
  void set_parameter(const std::string& name, ColumnPtr value);
  // Binds `:name` to the value of a constant SQL expression ("'us-east'", "42", "DATE '2024-01-01'").
  Status set_parameter_sql(const std::string& name, std::string_view expression);
  // Binds `:name` from command-line text: a SQL literal when it reads as one (42, 1.5, true,
  // 'quoted', DATE '2024-01-01'), otherwise the text as a string (us-east).
  Status set_parameter_text(const std::string& name, const std::string& text);
  // The value bound to `:name` in this scope or the session behind it.
  std::optional<ColumnPtr> parameter_value(const std::string& name) const;

  // Runs exactly one statement.
  Result<StatementResult> execute(std::string_view sql);
  Result<StatementResult> execute(const sql::Statement& statement);

  // Names of the session's views, sorted.
  std::vector<std::string> view_names() const;

  // Defines view `name` over a Parquet or CSV file or glob, or a Delta folder (format "parquet",
  // "csv" or "delta"), as a plain scan: queries through it read only the columns they need and
  // skip row groups and files by their predicates. A Delta folder is pinned at its current version.
  // `options`: read_csv's options for a CSV source (schema, mode, ...).
  Status create_source_view(const std::string& name, const std::string& path, const std::string& format,
                            const std::vector<std::pair<std::string, std::string>>& options = {});
  // Defines view `name` as rows already in memory (a pipeline task's staged rows); `pinned` are
  // the Delta versions the rows were read from; `stats` (one per batch, optional) let queries
  // skip batches their WHERE rules out.
  Status create_rows_view(const std::string& name, SchemaPtr schema, std::vector<RecordBatchPtr> batches,
                          std::map<std::string, int64_t> pinned = {}, std::vector<sql::BatchStats> stats = {});

  // The rows of a batch for which a boolean SQL expression is not TRUE (FALSE or NULL), as row
  // indexes. The expression sees the batch's columns and this scope's parameters (bound now).
  using RowCheck = std::function<Result<std::vector<int64_t>>(const RecordBatch& batch)>;
  Result<RowCheck> bind_row_check(std::string_view expression, const SchemaPtr& schema);

 private:
  class Resolver;
  friend class Resolver;
  struct View {
    std::string name;
    sql::PlanPtr plan;
    std::map<std::string, int64_t> pinned;  // Delta tables its plan reads → version
  };
  // The view `key` of this scope or, failing that, of the parent's; nullopt when neither has it.
  std::optional<View> find_view(const std::string& key) const;
  // kInvalidArgument when view DDL on `name` may not happen in this scope now.
  Status check_view_change(const std::string& name) const;
  // The error for view DDL on a frozen scope; the caller holds views_mutex_.
  Status frozen_error_locked(const std::string& name) const;
  // Adds or replaces view `name` of this scope, unless view DDL may not happen here now.
  Status define_view(const std::string& name, sql::PlanPtr plan, std::map<std::string, int64_t> pinned);

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
  Result<StatementResult> run(const sql::AlterTableProperties& s, const sql::Statement& st);

  std::shared_ptr<Database> database_;
  std::string owner_;
  Session* parent_ = nullptr;  // the session of a task scope
  // Declared before everything that may hold buffers counted on it (views, parameters), so it
  // is destroyed after them.
  std::unique_ptr<MemoryTracker> memory_;
  int64_t earlier_peak_ = 0;  // the highest peak of the statements before the current one
  mutable std::shared_mutex views_mutex_;  // guards views_ and frozen_by_
  std::optional<std::string> frozen_by_;
  std::map<std::string, View> views_;  // by lower-case name
  sql::WriteControl write_control_;
  sql::WriteStats last_write_;
  std::map<std::string, int64_t> versions_read_;
  std::map<std::string, ColumnPtr> parameters_;  // by lower-case name
  // SET values of this scope, by lower-case canonical key (settings.h); a task reads the
  // session's behind its own. Guarded: tasks read the session's while it may change them.
  mutable std::shared_mutex settings_mutex_;
  std::map<std::string, std::string> settings_;
  int64_t configured_memory_limit_ = 0;  // what RESET restores: the limit set_memory_limit gave
  std::unique_ptr<Resolver> resolver_;
};

}  // namespace braid::catalog
