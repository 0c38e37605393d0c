// ORDER BY (with optional LIMIT/OFFSET, i.e. top-N) over a materialized Table.
//
// Keys are column indices with a direction and a NULL placement each (value_order.h has the
// order of values; the caller applies Spark's defaults, ASC NULLS FIRST and DESC NULLS LAST).
// The sort is stable: rows with equal keys keep their input order.
//
// Parallel plan: every morsel is sorted on its own (with a limit, only its first offset + limit
// rows are kept, by a partial sort), then sorted runs are merged pairwise in parallel rounds, and
// output batches are gathered in parallel. The result does not depend on the parallelism.
//
// TopN is the same ORDER BY ... LIMIT over input that arrives a window of batches at a time: it
// holds at most the offset + limit best rows seen so far (copied out of their windows) plus the
// windows since it last cut them down, so its memory follows the limit, not the input. Its
// output is sort()'s over all the windows as one table, ties included: stability makes the best
// rows of (best rows so far, next windows) the best rows of everything so far.
//
// Thread-safety: a function of its arguments; it runs on the context's worker pool.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "braid/result.h"
#include "exec/ops/table.h"
#include "exec/ops/value_order.h"

namespace braid::exec {

// Rows ordered by `keys`; with `limit`, only rows [offset, offset + limit) of that order.
Result<Table> sort(const Table& input, const std::vector<SortKey>& keys,
                   std::optional<int64_t> limit = std::nullopt, int64_t offset = 0,
                   const ExecContext& context = {});

class TopN {
 public:
  // kInvalidArgument for a negative limit or offset, or keys without an order.
  static Result<std::unique_ptr<TopN>> make(SchemaPtr schema, std::vector<SortKey> keys, int64_t limit,
                                            int64_t offset = 0, const ExecContext& context = {});
  TopN(const TopN&) = delete;
  TopN& operator=(const TopN&) = delete;

  // The next batches of the input, in input order, each in the schema.
  Status add(std::vector<RecordBatchPtr> window);
  // Rows [offset, offset + limit) of the input's order.
  Result<Table> finish();
  // Whether more input can change the result (false once the limit is 0).
  bool wants_input() const { return wanted_ > 0; }

 private:
  TopN() = default;
  // Replaces best_ by the best `wanted_` rows of best_ and pending_.
  Status cut();

  SchemaPtr schema_;
  std::vector<SortKey> keys_;
  int64_t limit_ = 0;
  int64_t offset_ = 0;
  int64_t wanted_ = 0;  // offset + limit
  ExecContext context_;
  Table best_;                            // at most wanted_ rows, in order
  std::vector<RecordBatchPtr> pending_;   // windows since the last cut
  int64_t pending_rows_ = 0;
};

}  // namespace braid::exec
