// Window functions (OVER (PARTITION BY ... ORDER BY ...)) over a materialized Table.
//
// The output is the input, row for row and in input order (its columns are shared, not copied),
// plus one column per function. Functions:
//   row_number, rank, dense_rank    int, never NULL; rank and dense_rank give peers (rows with
//                                   equal ORDER BY keys) the same value; without ORDER BY every
//                                   row of a partition is a peer
//   lag, lead                       the argument `offset` rows before/after in the partition's
//                                   order, else the default column's value in the current row (or
//                                   NULL without one); the argument's type
//   aggregates (aggregate_function.h, not DISTINCT)
//                                   with ORDER BY over the default frame RANGE BETWEEN UNBOUNDED
//                                   PRECEDING AND CURRENT ROW (a running value that peers share);
//                                   without ORDER BY over the whole partition
// NULL partition keys form one partition, as in GROUP BY. Rows that tie on every ORDER BY key keep
// their input order (row_number numbers them in input order).
//
// Parallel plan: rows are hash-partitioned by the PARTITION BY keys; each hash partition groups
// its rows into window partitions, sorts each by the ORDER BY keys and computes every function,
// in parallel across hash partitions; output columns are then assembled per input batch in
// parallel. Without PARTITION BY there is one partition, computed by one task.
//
// Thread-safety: a function of its arguments; it runs on the context's worker pool.
#pragma once

#include <string>
#include <vector>

#include "braid/result.h"
#include "exec/ops/aggregate_function.h"
#include "exec/ops/table.h"
#include "exec/ops/value_order.h"

namespace braid::exec {

enum class WindowKind { kRowNumber, kRank, kDenseRank, kLag, kLead, kAggregate };

struct WindowSpec {
  WindowKind kind = WindowKind::kRowNumber;
  // lag/lead argument; aggregate input (-1 for count(*)).
  int column = -1;
  // lag/lead: how many rows back (lag) or ahead (lead); may be 0 or negative.
  int64_t offset = 1;
  // lag/lead: the column whose current-row value replaces a missing one (-1: NULL). Same type as
  // the argument.
  int default_column = -1;
  // kAggregate: which aggregate.
  AggregateKind aggregate = AggregateKind::kCountStar;
  // Output column name.
  std::string name = {};
};

// The output schema: the input's columns then one per function.
Result<SchemaPtr> window_schema(const Schema& input, const std::vector<WindowSpec>& functions);

Result<Table> window(const Table& input, const std::vector<int>& partition_keys,
                     const std::vector<SortKey>& order_keys,
                     const std::vector<WindowSpec>& functions, const ExecContext& context = {});

}  // namespace braid::exec
