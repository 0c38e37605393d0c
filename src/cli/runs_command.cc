// braid runs [PIPELINE.toml | -w WAREHOUSE]: the pipeline runs of a warehouse, oldest first, one
// row each: run_id, pipeline, status (running, succeeded, failed, interrupted, or stale for a run
// that died without ending: its lease names a process that is gone), started_at, ended_at and
// its tasks by outcome. Given a pipeline file: that file's warehouse, that pipeline's runs only.
#include <filesystem>

#include "catalog/session.h"
#include "cli/commands.h"
#include "cli/option_checks.h"
#include "columnar/row_output.h"
#include "common/file_system.h"
#include "pipeline/config.h"
#include "pipeline/run_list.h"

namespace braid::cli {

namespace {

struct RunsOptions {
  std::string pipeline_file;
  std::string warehouse;
  std::string format = "table";
};

Status runs_command(const RunsOptions& o) {
  std::string warehouse = o.warehouse;
  std::string pipeline;
  if (!o.pipeline_file.empty()) {
    BRAID_ASSIGN_OR_RETURN(auto config, pipeline::load_pipeline(o.pipeline_file));
    warehouse = config.warehouse_path();
    pipeline = config.name;
  }
  if (warehouse.empty()) warehouse = std::filesystem::exists("warehouse/_braid") ? "warehouse" : ".";
  BRAID_ASSIGN_OR_RETURN(RowFormat format, parse_row_format(o.format));
  BRAID_ASSIGN_OR_RETURN(auto session, catalog::Session::open(warehouse));
  BRAID_ASSIGN_OR_RETURN(auto runs, pipeline::list_runs(*session, pipeline));
  BRAID_ASSIGN_OR_RETURN(auto batch, pipeline::runs_batch(runs));
  auto out = stdout_stream();
  RowOutputOptions row_options;
  row_options.format = format;
  row_options.max_rows = -1;
  auto writer = make_row_writer(batch->schema(), *out, row_options);
  BRAID_RETURN_IF_ERROR(writer->write(*batch));
  return writer->finish();
}

}  // namespace

CommandRunner add_runs_command(CLI::App& app) {
  auto o = std::make_shared<RunsOptions>();
  CLI::App* cmd = app.add_subcommand("runs", "List pipeline runs: id, status (running, succeeded, failed, interrupted, "
                                             "stale), times and tasks");
  cmd->add_option("PIPELINE", o->pipeline_file, "A pipeline file: the runs of that pipeline, in its warehouse");
  cmd->add_option("--warehouse,-w", o->warehouse, "The warehouse folder: the runs of every pipeline (default: "
                                                  "./warehouse when it has runs, else .)");
  cmd->add_option("--format", o->format, "table, csv or jsonl")->capture_default_str()->check(row_format());
  return [o, cmd] {
    if (given(*cmd, "PIPELINE") && given(*cmd, "--warehouse")) {
      return usage_error(*cmd, "give a PIPELINE file or --warehouse, not both");
    }
    Status s = runs_command(*o);
    if (!s.ok()) return report_error(s.to_string());
    return 0;
  };
}

}  // namespace braid::cli
