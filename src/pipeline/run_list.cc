#include "pipeline/run_list.h"

#include <fmt/core.h>
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>

#include "columnar/column_builder.h"
#include "columnar/value_text.h"
#include "delta/table.h"
#include "pipeline/audit.h"
#include "pipeline/run_lease.h"
#include "sql/string_literal.h"

namespace braid::pipeline {

namespace {

// "2025-01-02T03:04:05.678Z" (the runner's manifest times) as microseconds since the epoch.
std::optional<int64_t> parse_iso_time(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millis = 0;
  const std::string s(text);
  if (std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &year, &month, &day, &hour, &minute, &second, &millis) != 7) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const std::time_t seconds = timegm(&tm);
  if (seconds == static_cast<std::time_t>(-1)) return std::nullopt;
  return static_cast<int64_t>(seconds) * 1'000'000 + int64_t{millis} * 1000;
}

std::optional<RunManifest> parse_manifest(const std::string& text) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  RunManifest m;
  std::string_view run_id, pipeline, status, started_at;
  if (parser.parse(text).get(doc) || doc["run_id"].get(run_id) || doc["pipeline"].get(pipeline) ||
      doc["status"].get(status) || doc["txn_version"].get(m.txn_version) || doc["started_at"].get(started_at)) {
    return std::nullopt;
  }
  m.run_id = run_id;
  m.pipeline = pipeline;
  m.status = status;
  m.started_at_us = parse_iso_time(started_at).value_or(0);
  std::string_view file, ended_at;
  if (!doc["pipeline_file"].get(file)) m.pipeline_file = file;
  if (!doc["ended_at"].get(ended_at)) m.ended_at_us = parse_iso_time(ended_at);
  return m;
}

}  // namespace

std::string runs_folder(const std::string& warehouse_root) { return join_path(warehouse_root, "_braid/runs"); }

Result<std::vector<RunManifest>> read_run_manifests(FileSystem& fs, const std::string& runs_dir) {
  std::vector<RunManifest> out;
  auto entries = fs.list(runs_dir);
  if (!entries.ok()) {
    if (entries.status().code() == StatusCode::kNotFound) return out;
    return entries.status();
  }
  for (const auto& e : *entries) {
    // Manifests only: not lease folders, not the temporary files of a manifest being replaced.
    if (e.is_directory || !e.name.ends_with(".json") || e.name.starts_with(".")) continue;
    auto text = fs.read_file(join_path(runs_dir, e.name));
    if (!text.ok()) continue;  // removed meanwhile
    if (auto m = parse_manifest(*text)) out.push_back(std::move(*m));
  }
  return out;
}

std::string run_with_txn_version(FileSystem& fs, const std::string& runs_dir, const std::string& pipeline,
                                 int64_t txn_version) {
  auto manifests = read_run_manifests(fs, runs_dir);
  if (!manifests.ok()) return "";
  for (const auto& m : *manifests) {
    if (m.pipeline == pipeline && m.txn_version == txn_version) return m.run_id;
  }
  return "";
}

Result<std::vector<RunSummary>> list_runs(catalog::Session& session, const std::string& pipeline) {
  catalog::Database& db = session.database();
  const std::string runs_dir = runs_folder(db.root());
  BRAID_ASSIGN_OR_RETURN(auto manifests, read_run_manifests(*db.fs(), runs_dir));
  BRAID_ASSIGN_OR_RETURN(auto leases, list_leases(*db.fs(), runs_dir));
  std::map<std::string, RunSummary> runs;
  for (const auto& m : manifests) {
    if (!pipeline.empty() && m.pipeline != pipeline) continue;
    RunSummary r;
    r.run_id = m.run_id;
    r.pipeline = m.pipeline;
    r.status = m.status;
    r.started_at_us = m.started_at_us;
    r.ended_at_us = m.ended_at_us;
    const bool alive = std::any_of(leases.begin(), leases.end(), [&](const auto& lease) {
      return lease.first.run_id == m.run_id && lease.first.pipeline == m.pipeline && lease.second == LeaseState::kLive;
    });
    // A live lease is the truth: a resume runs under a manifest that still says how the run
    // ended before. A manifest that says running without one is a run that died.
    if (alive) {
      r.status = "running";
      r.ended_at_us.reset();
    } else if (m.status == "running") {
      r.status = "stale";
    }
    runs[m.run_id] = std::move(r);
  }
  const std::string audit = audit_table_path(db);
  if (!runs.empty() && delta::DeltaTable::exists(*db.fs(), audit)) {
    auto scope = session.new_task("braid runs");
    std::string sql = "SELECT run_id, flow, task, status FROM delta.`" + audit + "`";
    if (!pipeline.empty()) {
      BRAID_RETURN_IF_ERROR(scope->set_parameter_sql("pipeline", sql::string_literal(pipeline)));
      sql += " WHERE pipeline = :pipeline";
    }
    sql += " ORDER BY run_id, flow, task, ended_at, attempt";
    BRAID_ASSIGN_OR_RETURN(auto rows, scope->execute(sql));
    // Per (run, flow, task): whether an attempt succeeded, and the last attempt's status.
    std::map<std::tuple<std::string, std::string, std::string>, std::pair<bool, std::string>> tasks;
    for (const auto& b : rows.batches) {
      for (int64_t r = 0; r < b->num_rows(); ++r) {
        auto text = [&](int c) { return value_text(*b->column(c), r, TextFlavor::kPlain); };
        auto& t = tasks[{text(0), text(1), text(2)}];
        t.second = text(3);
        t.first |= t.second == "succeeded";
      }
    }
    for (const auto& [key, t] : tasks) {
      auto it = runs.find(std::get<0>(key));
      if (it == runs.end()) continue;
      RunSummary& r = it->second;
      if (t.first) {
        ++r.tasks_ok;
      } else if (t.second == "failed") {
        ++r.tasks_failed;
      } else if (t.second == "skipped") {
        ++r.tasks_skipped;
      } else if (t.second == "interrupted") {
        ++r.tasks_interrupted;
      }
    }
  }
  std::vector<RunSummary> out;
  for (auto& [id, r] : runs) out.push_back(std::move(r));
  std::stable_sort(out.begin(), out.end(), [](const RunSummary& a, const RunSummary& b) {
    return a.started_at_us != b.started_at_us ? a.started_at_us < b.started_at_us : a.run_id < b.run_id;
  });
  return out;
}

Result<RecordBatchPtr> runs_batch(const std::vector<RunSummary>& runs) {
  const TypePtr time = timestamp(TimeUnit::kMicro, "UTC");
  auto s = schema({
      field("run_id", string_type(), false),
      field("pipeline", string_type(), false),
      field("status", string_type(), false),
      field("started_at", time),
      field("ended_at", time),
      field("tasks_ok", int64(), false),
      field("tasks_failed", int64(), false),
      field("tasks_skipped", int64(), false),
      field("tasks_interrupted", int64(), false),
  });
  BinaryBuilder id(string_type()), pipeline(string_type()), status(string_type());
  Int64Builder started(time), ended(time), ok(int64()), failed(int64()), skipped(int64()), interrupted(int64());
  for (const auto& r : runs) {
    id.append(r.run_id);
    pipeline.append(r.pipeline);
    status.append(r.status);
    if (r.started_at_us != 0) {
      started.append(r.started_at_us);
    } else {
      started.append_null();
    }
    if (r.ended_at_us) {
      ended.append(*r.ended_at_us);
    } else {
      ended.append_null();
    }
    ok.append(r.tasks_ok);
    failed.append(r.tasks_failed);
    skipped.append(r.tasks_skipped);
    interrupted.append(r.tasks_interrupted);
  }
  std::vector<ColumnPtr> columns;
  for (ColumnBuilder* b : std::initializer_list<ColumnBuilder*>{&id, &pipeline, &status, &started, &ended, &ok, &failed,
                                                                 &skipped, &interrupted}) {
    BRAID_ASSIGN_OR_RETURN(auto c, b->finish());
    columns.push_back(std::move(c));
  }
  return RecordBatch::make(s, static_cast<int64_t>(runs.size()), std::move(columns));
}

}  // namespace braid::pipeline
