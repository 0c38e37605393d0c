// Hash aggregation (GROUP BY) and DISTINCT over a materialized Table.
//
// Output columns are the group keys (as in the input) and then one column per aggregate (see
// aggregate_function.h for kinds and result types). With no group keys the output has exactly one
// row, also for an empty input (count 0, sum NULL). NULL keys form one group; floating-point keys
// group NaN with NaN and -0.0 with 0.0 (the output shows 0.0 and one NaN). Output row order is
// unspecified but the same for any parallelism.
//
// Parallel plan (in the style of a two-phase radix-partitioned aggregation):
//   1. each morsel of the input is aggregated on its own (local hash table, partial states);
//      DISTINCT aggregates collect the morsel's distinct (group, value) pairs instead;
//   2. each of P hash partitions of the keys merges the partial groups of every morsel, in input
//      order, into its final groups and finishes them into an output batch.
// Memory held by hash tables and states is counted on the context's tracker; over its limit the
// aggregation fails with kOutOfMemory.
//
// Thread-safety: functions of their arguments; they run on the context's worker pool.
#pragma once

#include <memory>
#include <vector>

#include "braid/result.h"
#include "exec/ops/aggregate_function.h"
#include "exec/ops/table.h"

namespace braid::exec {

// The output schema of hash_aggregate (for planners), or why the aggregation is invalid.
Result<SchemaPtr> hash_aggregate_schema(const Schema& input, const std::vector<int>& group_keys,
                                        const std::vector<AggregateSpec>& aggregates);

Result<Table> hash_aggregate(const Table& input, const std::vector<int>& group_keys,
                             const std::vector<AggregateSpec>& aggregates,
                             const ExecContext& context = {});

// GROUP BY over input that arrives a window of batches at a time. Each window is aggregated into
// partial states when it arrives and then released (only the partial groups' key values are
// kept), and partials are folded into one as they accumulate, so memory follows the number of
// groups rather than the input. The output (rows, types,
// order) is hash_aggregate's over all the windows' batches as one table. Not for DISTINCT
// aggregates or aggregates whose states point at input rows (min/max of non-numeric types,
// first, last, any_value): supported() says whether it applies.
class StreamingAggregation {
 public:
  static bool supported(const Schema& input, const std::vector<AggregateSpec>& aggregates);
  static Result<std::unique_ptr<StreamingAggregation>> make(SchemaPtr input_schema, std::vector<int> group_keys,
                                                            std::vector<AggregateSpec> aggregates,
                                                            const ExecContext& context = {});
  ~StreamingAggregation();
  StreamingAggregation(const StreamingAggregation&) = delete;
  StreamingAggregation& operator=(const StreamingAggregation&) = delete;

  // The next batches of the input (in input order), each in the input schema.
  Status add(std::vector<RecordBatchPtr> window);
  Result<Table> finish();

 private:
  StreamingAggregation();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The distinct rows of the input (all columns are the key), in unspecified order.
Result<Table> distinct(const Table& input, const ExecContext& context = {});

}  // namespace braid::exec
