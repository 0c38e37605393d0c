// The run report (runner.h): as JSON (the file of `braid run --report`) and as the terminal
// summary.
#include "pipeline/runner.h"

#include <fmt/core.h>

#include <algorithm>
#include <map>

#include "common/json_writer.h"
#include "pipeline/internal/wall_clock.h"

namespace braid::pipeline {

using internal::iso_time;

std::string RunReport::to_json() const {
  JsonWriter w;
  w.begin_object();
  w.field("run_id", run_id);
  w.field("pipeline", pipeline);
  w.field("status", status);
  w.field("resumed", resumed);
  w.field("started_at", iso_time(started_at_us));
  w.field("ended_at", iso_time(ended_at_us));
  w.key("errors");
  w.begin_array();
  for (const auto& e : errors) w.value(e);
  w.end_array();
  w.key("warnings");
  w.begin_array();
  for (const auto& e : warnings) w.value(e);
  w.end_array();
  auto write_task = [&](const TaskRecord& t) {
    w.begin_object();
    w.field("run_id", t.run_id);
    w.field("pipeline", t.pipeline);
    w.field("flow", t.flow);
    w.field("task", t.task);
    w.field("attempt", t.attempt);
    w.field("status", t.status);
    w.field("started_at", iso_time(t.started_at_us));
    w.field("ended_at", iso_time(t.ended_at_us));
    w.field("target", t.target);
    w.key("target_version");
    if (t.target_version) w.value(*t.target_version); else w.null();
    w.key("source_versions");
    w.begin_object();
    for (const auto& [table, version] : t.source_versions) w.field(table, version);
    w.end_object();
    w.field("rows_staged", t.rows_staged);
    w.field("rows_dropped", t.rows_dropped);
    w.field("rows_quarantined", t.rows_quarantined);
    w.field("rows_inserted", t.rows_inserted);
    w.field("rows_updated", t.rows_updated);
    w.field("rows_deleted", t.rows_deleted);
    w.field("rows_unchanged", t.rows_unchanged);
    w.key("expectations");
    w.begin_array();
    for (const auto& e : t.expectations) {
      w.begin_object();
      w.field("name", e.name);
      w.field("action", e.action);
      w.field("failed_rows", e.failed_rows);
      w.end_object();
    }
    w.end_array();
    w.key("error");
    if (t.error.empty()) w.null(); else w.value(t.error);
    w.end_object();
  };
  w.key("tasks");
  w.begin_array();
  for (const auto& t : tasks) write_task(t);
  w.end_array();
  w.end_object();
  return w.take();
}

std::string RunReport::summary() const {
  size_t flow_w = 4, task_w = 4;
  for (const auto& t : tasks) {
    flow_w = std::max(flow_w, t.flow.size());
    task_w = std::max(task_w, std::min<size_t>(t.task.size(), 40));
  }
  std::string out = fmt::format("{:<{}}  {:<{}}  {:<9}  {:>3}  {:>10}  {:>10}  {:>10}  {:>9}  {:>10}  {:>7}  {:>7}  {:>7}  {}\n",
                                "flow", flow_w, "task", task_w, "status", "try", "staged", "inserted", "updated", "deleted",
                                "unchanged", "quarant", "version", "seconds", "error");
  int64_t staged = 0, inserted = 0, updated = 0, deleted = 0, unchanged = 0, quarantined = 0;
  std::map<std::string, int> by_status;
  for (const auto& t : tasks) {
    std::string task = t.task.size() > 40 ? t.task.substr(0, 39) + "~" : t.task;
    std::string error = t.error.size() > 100 ? t.error.substr(0, 99) + "~" : t.error;
    for (char& c : error) {
      if (c == '\n') c = ' ';
    }
    out += fmt::format("{:<{}}  {:<{}}  {:<9}  {:>3}  {:>10}  {:>10}  {:>10}  {:>9}  {:>10}  {:>7}  {:>7}  {:>7.2f}  {}\n", t.flow,
                       flow_w, task, task_w, t.status, t.attempt, t.rows_staged, t.rows_inserted, t.rows_updated,
                       t.rows_deleted, t.rows_unchanged, t.rows_quarantined,
                       t.target_version ? std::to_string(*t.target_version) : "-",
                       static_cast<double>(t.ended_at_us - t.started_at_us) / 1e6, error);
    staged += t.rows_staged;
    inserted += t.rows_inserted;
    updated += t.rows_updated;
    deleted += t.rows_deleted;
    unchanged += t.rows_unchanged;
    quarantined += t.rows_quarantined;
    by_status[t.status]++;
  }
  std::string counts;
  for (const auto& [status, n] : by_status) counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", n, status);
  out += fmt::format(
      "run {} {}: {} task{} ({}); {} rows staged, {} inserted, {} updated, {} deleted, {} unchanged, {} quarantined; "
      "{:.2f} s\n",
      run_id, status, tasks.size(), tasks.size() == 1 ? "" : "s", counts.empty() ? "none" : counts, staged, inserted,
      updated, deleted, unchanged, quarantined, static_cast<double>(ended_at_us - started_at_us) / 1e6);
  for (const auto& e : errors) out += "error: " + e + "\n";
  for (const auto& w : warnings) out += "warning: " + w + "\n";
  return out;
}

}  // namespace braid::pipeline
