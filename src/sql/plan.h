// The bound plan of a query: a tree of relational nodes whose expressions are typed
// exec::Expressions over the node's input columns (column i of the input is column_ref(i)).
//
// The binder (binder.h) builds it from the AST and execute_plan() (executor.h) runs it. Every
// node knows its output schema, whose names are the ones the user sees.
// Thread-safety: immutable once built; a plan may be executed by many threads at once.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "columnar/record_batch.h"
#include "delta/snapshot.h"
#include "exec/expr/expression.h"
#include "exec/ops/aggregate_function.h"
#include "exec/ops/hash_join.h"
#include "exec/ops/window.h"
#include "formats/csv/csv_reader.h"
#include "formats/parquet/column_predicate.h"

namespace braid::sql {

struct PlanNode;
using PlanPtr = std::shared_ptr<const PlanNode>;

// Where a scan's rows come from.
struct DeltaSource {
  delta::SnapshotPtr snapshot;  // pinned: every read of the statement sees this version
};
struct FileSource {
  enum class Format { kParquet, kCsv };
  Format format = Format::kParquet;
  std::vector<std::string> paths;  // the expanded glob, sorted
  // CSV: how every file is read; its schema is the scan's (given, or inferred from the first
  // file: then inferred_from says so).
  csv::CsvReadOptions csv;
  bool verify_checksums = true;    // Parquet: ParquetReadOptions::verify_checksums
};
// Per-batch statistics of rows in memory ("zone maps"): a scan skips batches its skipping
// predicates rule out, as it skips Parquet row groups.
struct BatchStats {
  // Per column of the source: the smallest and largest value as 1-row columns (nullptr when not
  // known), and the number of nulls (-1 when not known).
  std::vector<ColumnPtr> min, max;
  std::vector<int64_t> nulls;
};

struct ValuesSource {
  std::vector<RecordBatchPtr> batches;  // rows already in memory (VALUES, range(), subquery results)
  std::vector<BatchStats> stats;        // empty, or one per batch
};

// range(start, end, step): the rows are made as the scan reads them, a batch at a time, so the
// table function costs no memory until it is read and little while it is.
struct RangeSource {
  int64_t start = 0;
  int64_t end = 0;
  int64_t step = 1;  // never 0

  // start, start + step, ... while before `end` (and while representable).
  int64_t num_rows() const;
};

struct ScanNode {
  std::variant<DeltaSource, FileSource, ValuesSource, RangeSource> source;
  SchemaPtr source_schema;  // every column of the source
  std::vector<int> columns; // the columns read, as indexes into source_schema, in output order
  // Simple predicates for skipping files, row groups and partitions; rows are still filtered
  // above the scan.
  std::vector<parquet::ColumnPredicate> skipping;
};

struct FilterNode {
  PlanPtr input;
  exec::ExprPtr predicate;
};

struct ProjectNode {
  PlanPtr input;
  std::vector<exec::ExprPtr> expressions;  // one per output column
};

struct AggregateNode {
  PlanPtr input;
  // Output: the keys, then one column per aggregate.
  std::vector<exec::ExprPtr> keys;
  struct Aggregate {
    exec::AggregateKind kind = exec::AggregateKind::kCountStar;
    exec::ExprPtr argument;  // null for count(*)
    bool distinct = false;
    bool ignore_nulls = false;
  };
  std::vector<Aggregate> aggregates;
};

struct JoinNode {
  PlanPtr left, right;
  enum class Kind { kInner, kLeft, kRight, kFull, kLeftSemi, kLeftAnti, kCross };
  Kind kind = Kind::kInner;
  // Equi-join keys: left expressions over left's columns, right over right's.
  std::vector<exec::ExprPtr> left_keys, right_keys;
  std::vector<bool> null_safe;
  exec::ExprPtr residual;  // over left columns then right columns; null: none
};

struct SortNode {
  PlanPtr input;
  std::vector<exec::ExprPtr> keys;
  std::vector<bool> ascending, nulls_first;
  std::optional<int64_t> limit;
};

struct LimitNode {
  PlanPtr input;
  int64_t limit = -1;  // -1: none (OFFSET only)
  int64_t offset = 0;
};

struct WindowNode {
  PlanPtr input;
  // Output: the input columns, then one per function; the functions share one window.
  std::vector<exec::ExprPtr> partition_keys;
  std::vector<exec::ExprPtr> order_keys;
  std::vector<bool> ascending, nulls_first;
  struct Function {
    exec::WindowKind kind = exec::WindowKind::kRowNumber;
    exec::AggregateKind aggregate = exec::AggregateKind::kCountStar;  // kind kAggregate
    exec::ExprPtr argument;       // null for row_number / rank / dense_rank / count(*)
    int64_t offset = 1;           // lag / lead
    exec::ExprPtr default_value;  // lag / lead: a constant; null means NULL
  };
  std::vector<Function> functions;
};

struct UnionNode {
  std::vector<PlanPtr> inputs;  // the same column types (the binder casts)
};

struct DistinctNode {
  PlanPtr input;
};

struct PlanNode {
  std::variant<ScanNode, FilterNode, ProjectNode, AggregateNode, JoinNode, SortNode, LimitNode,
               WindowNode, UnionNode, DistinctNode>
      node;
  SchemaPtr schema;
};

template <typename Node>
PlanPtr make_plan(Node node, SchemaPtr schema) {
  return std::make_shared<const PlanNode>(PlanNode{std::move(node), std::move(schema)});
}

// One line per node, indented by depth (EXPLAIN).
std::string explain(const PlanNode& plan);

}  // namespace braid::sql
