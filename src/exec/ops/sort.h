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
// Thread-safety: a function of its arguments; it runs on the context's worker pool.
#pragma once

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

}  // namespace braid::exec
