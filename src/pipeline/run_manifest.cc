// A run's manifest: run ids, and WAREHOUSE/_braid/runs/<run_id>.json read and written.
#include "pipeline/internal/run_manifest.h"

#include <fmt/core.h>
#include <simdjson.h>

#include <cctype>
#include <ctime>
#include <random>

#include "common/atomic_output_file.h"
#include "common/json_writer.h"
#include "pipeline/internal/wall_clock.h"

namespace braid::pipeline::internal {

std::string new_run_id() {
  const int64_t us = now_us();
  std::time_t seconds = static_cast<std::time_t>(us / 1'000'000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  std::random_device rd;
  return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z-{:04x}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec, rd() & 0xffff);
}

Status check_run_id(const std::string& id) {
  if (id.empty() || id.size() > 128) return Status::invalid_argument("a run id must be 1 to 128 characters");
  for (char c : id) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) {
      return Status::invalid_argument("run id '{}': only letters, digits, '-', '_' and '.' are allowed", id);
    }
  }
  return Status::OK();
}

std::string RunManifestFile::path(const std::string& id) const { return db_->root() + "/_braid/runs/" + id + ".json"; }

Status RunManifestFile::open(std::shared_ptr<catalog::Database> db, const PipelineConfig& config,
                             const RunOptions& options) {
  db_ = std::move(db);
  pipeline_ = config.name;
  pipeline_file_ = config.file;
  std::string id = !options.resume.empty() ? options.resume : options.run_id;
  if (!options.resume.empty() && !options.run_id.empty() && options.run_id != options.resume) {
    return Status::invalid_argument("--run-id {} and --resume {} name different runs", options.run_id, options.resume);
  }
  if (id.empty()) id = new_run_id();
  BRAID_RETURN_IF_ERROR(check_run_id(id));
  run_id_ = id;
  auto text = db_->fs()->read_file(path(id));
  if (text.ok()) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    int64_t version = 0;
    std::string_view pipeline_name;
    if (parser.parse(*text).get(doc) || doc["txn_version"].get(version) || doc["pipeline"].get(pipeline_name)) {
      return Status::corruption("run manifest {} is not readable", path(id));
    }
    if (pipeline_name != config.name) {
      return Status::invalid_argument("run {} belongs to pipeline '{}', not '{}'", id, pipeline_name, config.name);
    }
    txn_version_ = version;
    resumed_ = true;
    return Status::OK();
  }
  if (text.status().code() != StatusCode::kNotFound) return text.status();
  if (!options.resume.empty()) {
    // The record is written before the run reads or writes anything: without it, the run
    // (if there was one) wrote nothing, and starting it under its id is a fresh start.
    return Status::not_found(
        "there is no run {} to resume (no {}); a run stopped before it recorded itself wrote nothing: start it "
        "again with --run-id {}",
        id, path(id), id);
  }
  // Versions only grow: a later run's tasks are never mistaken for committed ones.
  txn_version_ = now_us();
  return Status::OK();
}

Status RunManifestFile::write(const std::string& status, const RunReport& report, const std::string& error) const {
  JsonWriter w;
  w.begin_object();
  w.field("run_id", run_id_);
  w.field("pipeline", pipeline_);
  w.field("pipeline_file", pipeline_file_);
  w.field("txn_version", txn_version_);
  w.field("started_at", iso_time(report.started_at_us));
  w.field("status", status);
  if (status != "running") w.field("ended_at", iso_time(report.ended_at_us));
  if (!error.empty()) w.field("error", error);
  if (!report.tasks.empty()) {
    // Where the run's tasks stand, over all its invocations (the audit has each attempt): done
    // in this invocation or an earlier one, failed, skipped (not run, or superseded by a later
    // run), or interrupted (stopped by Ctrl-C before it finished).
    int64_t succeeded = 0, failed = 0, skipped = 0, interrupted = 0;
    for (const auto& t : report.tasks) {
      if (t.status == "succeeded" || (t.status == "skipped" && t.error.rfind("already ", 0) == 0)) {
        ++succeeded;
      } else if (t.status == "failed") {
        ++failed;
      } else if (t.status == "interrupted") {
        ++interrupted;
      } else {
        ++skipped;
      }
    }
    w.key("tasks");
    w.begin_object();
    w.field("total", static_cast<int64_t>(report.tasks.size()));
    w.field("succeeded", succeeded);
    w.field("failed", failed);
    w.field("skipped", skipped);
    w.field("interrupted", interrupted);
    w.end_object();
  }
  w.end_object();
  auto fs = db_->fs();
  BRAID_RETURN_IF_ERROR(fs->create_directories(db_->root() + "/_braid/runs"));
  // Written aside, synced and renamed, so a crash never leaves a torn manifest.
  return write_file_atomically(fs, path(run_id_), w.str());
}

}  // namespace braid::pipeline::internal
