// execute_plan: runs a bound plan (plan.h) to a materialized table.
//
// Each node produces its whole output before its parent runs (streaming comes later); inside a
// node the work is parallel on the shared worker pool: scans decode files and row groups in
// parallel, filters and projections run batch by batch in parallel, and aggregation, joins,
// sorts and windows partition their work (src/exec/ops). Many plans may run at once (pipeline
// tasks): they share the one pool, which never oversubscribes the machine.
// Thread-safety: a plan may be executed by several threads at once.
#pragma once

#include "braid/result.h"
#include "exec/expr/expression.h"
#include "exec/ops/exec_context.h"
#include "exec/ops/table.h"
#include "sql/plan.h"

namespace braid::sql {

struct QueryContext {
  exec::EvalContext eval;
  exec::ExecContext exec;
};

Result<exec::Table> execute_plan(const PlanNode& plan, const QueryContext& ctx);

}  // namespace braid::sql
