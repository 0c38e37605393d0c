// execute_plan: runs a bound plan (plan.h) to a materialized table.
//
// Scans (files, Delta tables, range()) and filters, projections, UNION ALL and LIMIT over them
// stream: a window of the scan's batches (row groups, files, range() rows) is decoded, filtered
// and projected in parallel and only the surviving rows are kept, so the scan's raw rows are never
// all in memory; LIMIT stops reading once it has its rows. Aggregations and DISTINCT fold each
// window into their groups, ORDER BY ... LIMIT keeps only its best rows (exec::TopN), and the key
// and argument columns of every operator are computed in the same pass. Other nodes produce their
// whole output before their parent runs; inside them the work is parallel on the shared worker
// pool (aggregation, joins, sorts and windows partition their work, src/exec/ops). Many plans may
// run at once (pipeline tasks): they share the one pool, which never oversubscribes the machine.
// Memory: everything the plan holds (decoded batches, expression results, operator state) is
// counted on ctx.exec.memory, which also becomes the expressions' tracker; past its limit the plan
// fails with kOutOfMemory and has released what it reserved.
// Thread-safety: a plan may be executed by several threads at once.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "braid/result.h"
#include "exec/expr/expression.h"
#include "exec/ops/exec_context.h"
#include "exec/ops/table.h"
#include "sql/plan.h"

namespace braid::sql {

// What a statement tells its caller besides its result (e.g. malformed CSV rows a read dropped),
// collected while it runs. Thread-safe.
class QueryWarnings {
 public:
  void add(std::string warning) {
    std::lock_guard lock(mutex_);
    warnings_.push_back(std::move(warning));
  }
  std::vector<std::string> take() {
    std::lock_guard lock(mutex_);
    return std::exchange(warnings_, {});
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> warnings_;
};

struct QueryContext {
  exec::EvalContext eval;
  exec::ExecContext exec;
  std::shared_ptr<QueryWarnings> warnings;  // nullptr: warnings are not collected
  // Parquet page CRCs are verified on every read unless the session turned it off
  // (SET braid.parquet.verify_checksums = false), to salvage what a damaged file still holds.
  bool verify_parquet_checksums = true;
};

Result<exec::Table> execute_plan(const PlanNode& plan, const QueryContext& ctx);

}  // namespace braid::sql
