// A flow's tasks: its for_each rows, each a task with its parameters and key.
#include "pipeline/internal/task_expansion.h"

#include <fmt/core.h>

#include <set>

#include "columnar/take.h"
#include "columnar/value_text.h"

namespace braid::pipeline::internal {

Result<std::vector<TaskSpec>> expand_tasks(const Flow& flow, size_t flow_index, catalog::Session& session,
                                           const WarningSink& warn) {
  std::vector<TaskSpec> tasks;
  auto add = [&](std::vector<std::pair<std::string, ColumnPtr>> params) {
    TaskSpec t;
    t.flow = &flow;
    t.flow_index = flow_index;
    t.index = tasks.size();
    for (const auto& [name, value] : params) {
      if (!t.key.empty()) t.key += ",";
      t.key += name + "=" + (value->is_valid(0) ? value_text(*value, 0, TextFlavor::kPlain) : "NULL");
    }
    t.params = std::move(params);
    tasks.push_back(std::move(t));
  };
  auto scope = session.new_task(fmt::format("flow {} for_each", flow.name));
  if (flow.for_each_sql) {
    auto rows = scope->execute(*flow.for_each_sql);
    if (!rows.ok()) return Status(rows.status()).with_context_f("flows.{}.for_each", flow.name);
    if (!rows->has_rows) return Status::invalid_argument("flows.{}.for_each: not a query", flow.name);
    warn(fmt::format("flow {} for_each", flow.name), rows->warnings);
    for (const auto& b : rows->batches) {
      for (int64_t r = 0; r < b->num_rows(); ++r) {
        std::vector<std::pair<std::string, ColumnPtr>> params;
        for (int c = 0; c < b->num_columns(); ++c) {
          // A copy counted by no tracker: the value outlives this scope (and its tracker).
          BRAID_ASSIGN_OR_RETURN(auto value, take(*b->column(c), std::vector<int64_t>{r}, nullptr));
          params.emplace_back(b->schema()->field(c)->name(), std::move(value));
        }
        add(std::move(params));
      }
    }
  } else if (!flow.for_each_rows.empty()) {
    for (const auto& row : flow.for_each_rows) {
      std::vector<std::pair<std::string, ColumnPtr>> params;
      for (const auto& [name, literal] : row) {
        BRAID_RETURN_IF_ERROR(scope->set_parameter_sql(name, literal));
        BRAID_ASSIGN_OR_RETURN(auto value, take(**scope->parameter_value(name), std::vector<int64_t>{0}, nullptr));
        params.emplace_back(name, std::move(value));
      }
      add(std::move(params));
    }
  } else {
    add({});
  }
  std::set<std::string> keys;
  for (const auto& t : tasks) {
    if (!keys.insert(t.key).second) {
      return Status::invalid_argument("flows.{}.for_each gives two tasks the same parameters ({}): each row must differ",
                                      flow.name, t.key);
    }
  }
  return tasks;
}

}  // namespace braid::pipeline::internal
