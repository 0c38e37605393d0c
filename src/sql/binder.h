// Binder: turns a parsed query (ast.h) into a typed plan (plan.h), resolving names through a
// Resolver — the hook through which the catalog's scope chain (task views → session views →
// database tables) answers, so this layer knows no catalog.
//
// Semantics are Spark SQL's: identifiers compare case-insensitively; `SELECT *` gives the FROM
// columns in order; GROUP BY takes expressions, ordinals and select aliases; ORDER BY takes
// ordinals, select aliases and input columns; computed columns without an alias get Spark's
// generated names ("(a + 1)", "count(1)", "sum(x)"). Uncorrelated subqueries (scalar, IN,
// EXISTS) are run once while binding, through Resolver::run, and become constants; a correlated
// one, and any syntax braid parses but does not implement (IGNORE NULLS on a window function,
// ...), is kNotImplemented "not supported: ...": never bound with a part dropped.
//
// Errors carry the SQL position: "line 2, column 8: cannot resolve column `x`; the input
// columns are: a, b".
// Thread-safety: a Binder binds one statement at a time.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "braid/result.h"
#include "exec/ops/table.h"
#include "sql/ast.h"
#include "sql/plan.h"

namespace braid::sql {

// A column visible to expressions: where it comes from (qualifier: table alias) and its name.
struct BoundColumn {
  std::string qualifier;
  std::string name;
  TypePtr type;
};

// A relation a name resolves to.
struct ResolvedRelation {
  PlanPtr plan;
  std::string table_path;  // the Delta folder, for tables; empty for views
};

class Resolver {
 public:
  virtual ~Resolver() = default;
  // A view or table by name (with time travel when given), or kNotFound naming it.
  virtual Result<ResolvedRelation> resolve(const TableName& name, const std::optional<int64_t>& version,
                                           const std::optional<std::string>& timestamp) = 0;
  // The value bound to `:name` as a 1-row column, or kNotFound.
  virtual Result<ColumnPtr> parameter(const std::string& name) = 0;
  // Runs a plan (uncorrelated subqueries are run while binding).
  virtual Result<exec::Table> run(const PlanPtr& plan) = 0;
  virtual const exec::EvalContext& eval_context() const = 0;
};

// Binds a query.
Result<PlanPtr> bind_query(const Query& query, Resolver& resolver);

// A relation in FROM position (a MERGE source): its plan and its columns with their qualifier.
struct BoundRelation {
  PlanPtr plan;
  std::vector<BoundColumn> columns;
};
Result<BoundRelation> bind_relation(const TableRef& ref, Resolver& resolver);

// Binds a scalar expression over columns (no aggregates, windows or subqueries unless the
// resolver can run them): UPDATE SET, WHERE of DML, MERGE conditions, pipeline guards.
Result<exec::ExprPtr> bind_scalar(const Expr& expr, const std::vector<BoundColumn>& columns, Resolver& resolver);

// Simple predicates implied by a condition, for skipping files, partitions and row groups: the
// top-level AND terms of the form `column op constant` (=, <, <=, >, >=, and flipped), `column
// IN (constants)`, `column BETWEEN a AND b`, `column IS [NOT] NULL`, over top-level columns of
// `columns` (constants cast to the column's type; terms that do not fit are left out). The rows
// still need the full condition: these only say which data cannot match.
std::vector<parquet::ColumnPredicate> skipping_predicates(const Expr& condition,
                                                          const std::vector<BoundColumn>& columns,
                                                          Resolver& resolver);

// The target column an assignment names (UPDATE SET, MERGE's UPDATE SET and INSERT (columns)):
// `c`, or `q.c` where q is one of `target_names` (the target's alias or name). Any other path (a
// struct field, another table's column) is kInvalidArgument at `pos`, never read as its last part.
Result<std::string> assignment_column(const QualifiedName& column, const std::vector<std::string>& target_names,
                                      SourcePosition pos);

// The braid type of a SQL type name.
Result<TypePtr> to_type(const TypeName& type);

// A Spark DDL schema string ("id BIGINT, qty STRING NOT NULL") as a schema: the read_csv
// `schema` option, `--schema` and pipeline sources. Names must be distinct (ignoring case).
Result<SchemaPtr> schema_from_ddl(std::string_view ddl);

// Casts `plan`'s columns to `schema`'s types by position (INSERT, MERGE), with Spark's store
// assignment rules (ANSI: values that do not fit are errors). kInvalidArgument when the column
// counts differ or a type cannot be cast.
Result<PlanPtr> cast_to_schema(PlanPtr plan, const SchemaPtr& schema, std::string_view what);

}  // namespace braid::sql
