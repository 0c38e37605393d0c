// A pipeline planned and checked without writing: `braid run --dry-run` and `braid check`.
#include "pipeline/internal/dry_run.h"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>
#include <vector>

#include "columnar/value_text.h"
#include "common/ascii.h"
#include "delta/table.h"
#include "pipeline/internal/task_attempt.h"

namespace braid::pipeline::internal {

using ascii::lower;


Result<std::string> plan_dry_run(const OpenPipeline& pipeline) {
  std::string out = fmt::format("pipeline {} (dry run: nothing is written)\nwarehouse {}\n", pipeline.config.name,
                                pipeline.db.root());
  struct Planned {
    std::string flow, key, target;
    std::vector<std::string> partition_columns;
    std::set<std::string> partitions;  // "col=value/..." the staged rows fall in; empty: unknown
    bool whole_table = false;          // no partition separates this task from others
  };
  std::vector<Planned> planned;
  for (size_t f = 0; f < pipeline.config.flows.size(); ++f) {
    const Flow& flow = pipeline.config.flows[f];
    out += fmt::format("\nflow {}{}\n", flow.name,
                       flow.depends_on.empty() ? "" : " (after " + fmt::format("{}", fmt::join(flow.depends_on, ", ")) + ")");
    auto tasks = expand_tasks(pipeline.config.flows[f], f, pipeline.session, pipeline.warn);
    if (!tasks.ok()) {
      out += fmt::format("  cannot list its tasks now: {}\n", tasks.status().to_string());
      continue;
    }
    auto path = target_path(pipeline.db, flow);
    std::vector<std::string> partition_columns;
    if (path) {
      auto table = delta::DeltaTable::open(pipeline.db.fs(), *path);
      if (table.ok()) {
        if (auto snap = table->snapshot(); snap.ok()) partition_columns = (*snap)->partition_columns();
      }
    }
    out += fmt::format("  target {}{}{}\n", flow.target, path ? " (" + *path + ")" : " (does not exist yet)",
                       partition_columns.empty() ? "" : fmt::format(", partitioned by {}", fmt::join(partition_columns, ", ")));
    for (const auto& spec : *tasks) {
      Planned p{flow.name, spec.key, flow.target, partition_columns, {}, partition_columns.empty()};
      // The partitions a task would write are those of its staged rows (read-only).
      int64_t staged_rows = -1;
      if (!partition_columns.empty()) {
        auto scope = pipeline.session.new_task(fmt::format("dry run {}[{}]", flow.name, spec.key));
        for (const auto& [name, value] : spec.params) scope->set_parameter(name, value);
        auto staged = scope->execute(flow.stage);
        if (staged.ok() && staged->has_rows) {
          staged_rows = 0;
          std::vector<int> cols;
          for (const auto& c : partition_columns) cols.push_back(staged->schema->field_index(c));
          const bool all_present = std::all_of(cols.begin(), cols.end(), [](int c) { return c >= 0; });
          for (const auto& b : staged->batches) {
            staged_rows += b->num_rows();
            if (!all_present) continue;
            for (int64_t r = 0; r < b->num_rows(); ++r) {
              std::string part;
              for (size_t k = 0; k < cols.size(); ++k) {
                const auto& col = *b->column(cols[k]);
                part += (k ? "/" : "") + partition_columns[k] + "=" +
                        (col.is_valid(r) ? value_text(col, r, TextFlavor::kPlain) : "NULL");
              }
              p.partitions.insert(part);
            }
          }
          if (!all_present) p.whole_table = true;
        } else {
          p.whole_table = true;
        }
      }
      std::string where = p.whole_table ? "the whole table" : fmt::format("{}", fmt::join(p.partitions, ", "));
      if (!p.whole_table && p.partitions.empty()) where = "nothing (no staged rows)";
      out += fmt::format("  task {}[{}]  writes {}{}\n", flow.name, spec.key.empty() ? "-" : spec.key, where,
                         staged_rows >= 0 ? fmt::format(" ({} staged rows)", staged_rows) : "");
      planned.push_back(std::move(p));
    }
  }
  // Pairs that could conflict: same table, and partitions that overlap or are unknown.
  std::vector<std::string> pairs;
  for (size_t i = 0; i < planned.size(); ++i) {
    for (size_t j = i + 1; j < planned.size(); ++j) {
      const auto& a = planned[i];
      const auto& b = planned[j];
      if (lower(a.target) != lower(b.target)) continue;
      std::string why;
      if (a.whole_table || b.whole_table) {
        why = "same table, no partition separates them";
      } else {
        for (const auto& part : a.partitions) {
          if (b.partitions.count(part)) {
            why = "both write partition " + part;
            break;
          }
        }
      }
      if (!why.empty()) pairs.push_back(fmt::format("  {}[{}] <-> {}[{}]: {}", a.flow, a.key, b.flow, b.key, why));
    }
  }
  out += fmt::format("\n{} task{}; {} pair{} could conflict{}\n", planned.size(), planned.size() == 1 ? "" : "s",
                     pairs.size(), pairs.size() == 1 ? "" : "s", pairs.empty() ? "" : ":");
  for (size_t i = 0; i < pairs.size() && i < 50; ++i) out += pairs[i] + "\n";
  if (pairs.size() > 50) out += fmt::format("  ... and {} more\n", pairs.size() - 50);
  return out;
}

Status check_pipeline(const OpenPipeline& pipeline) {
  std::vector<std::string> problems;
  for (size_t f = 0; f < pipeline.config.flows.size(); ++f) {
    const Flow& flow = pipeline.config.flows[f];
    auto tasks = expand_tasks(pipeline.config.flows[f], f, pipeline.session, pipeline.warn);
    if (!tasks.ok()) {
      problems.push_back(tasks.status().to_string());
      continue;
    }
    auto path = target_path(pipeline.db, flow);
    if (!path && flow.prepare.empty()) {
      problems.push_back(fmt::format("flows.{}.merge: table {} does not exist in {} (create it first, or in `prepare`)",
                                     flow.name, flow.target, pipeline.db.root()));
    }
    if (tasks->empty()) continue;
    const TaskSpec& first = tasks->front();
    auto scope = pipeline.session.new_task(fmt::format("check {}[{}]", flow.name, first.key));
    for (const auto& [name, value] : first.params) scope->set_parameter(name, value);
    if (auto bound = scope->execute("EXPLAIN " + flow.stage); !bound.ok()) {
      problems.push_back(fmt::format("flows.{}.stage (task {}): {}", flow.name, first.key, bound.status().to_string()));
    }
    if (flow.guard && path) {
      auto table = delta::DeltaTable::open(pipeline.db.fs(), *path);
      if (table.ok()) {
        if (auto snap = table->snapshot(); snap.ok()) {
          auto check = scope->bind_row_check(*flow.guard, (*snap)->schema());
          if (!check.ok()) problems.push_back(fmt::format("flows.{}.guard: {}", flow.name, check.status().to_string()));
        }
      }
    }
  }
  if (problems.empty()) return Status::OK();
  std::string message =
      fmt::format("{}: {} problem{}", pipeline.config.file, problems.size(), problems.size() == 1 ? "" : "s");
  for (const auto& p : problems) message += "\n" + p;
  return Status::invalid_argument("{}", message);
}

}  // namespace braid::pipeline::internal
