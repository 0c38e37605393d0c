// A flow's tasks (private to pipeline/): one per row of its for_each (a query, or rows of
// literals), a single task without parameters when it has none.
//
// A task's key names its parameters ("region=us-east,day=2024-01-01"); the keys of a flow's
// tasks differ (two rows giving the same parameters are refused), so (flow, key) names a task in
// the audit and in the txn app id of its commit.
// Thread-safety: expand_tasks() runs the for_each in a task scope of its own, so flows of one
// session may be expanded at once (task scopes run concurrently); `warn` must be thread-safe then.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "braid/result.h"
#include "catalog/session.h"
#include "columnar/column.h"
#include "pipeline/config.h"

namespace braid::pipeline::internal {

// A task: one row of its flow's for_each.
struct TaskSpec {
  const Flow* flow = nullptr;
  size_t flow_index = 0;
  size_t index = 0;  // within the flow
  std::string key;   // "region=us-east,day=2024-01-01"
  std::vector<std::pair<std::string, ColumnPtr>> params;
};

// Gets the warnings of a statement (malformed CSV rows a source read dropped) and where they arose.
using WarningSink = std::function<void(const std::string& where, const std::vector<std::string>& warnings)>;

// The tasks of `flow` (the flow_index-th of its pipeline): its for_each rows, evaluated in a
// scope of their own (a task scope of `session`, with the pipeline's parameters).
Result<std::vector<TaskSpec>> expand_tasks(const Flow& flow, size_t flow_index, catalog::Session& session,
                                           const WarningSink& warn);

}  // namespace braid::pipeline::internal
