// braid run / braid validate / braid audit: pipelines from their TOML files.
//
// run: validates the file, runs it (or plans it with --dry-run), shows progress on stderr (live
// per-flow bars on a terminal, one line per event otherwise), prints the summary on stdout and
// exits 1 when any task failed. Ctrl-C (SIGINT) or SIGTERM interrupts the run cleanly (running
// tasks are cancelled, every unfinished task is recorded as interrupted), prints the command that
// resumes it, and exits as interrupted (130, 143); a second one ends the process at once. validate: checks the file, its SQL and its sources without
// writing. audit: prints the audit table of a warehouse.
#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <csignal>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "catalog/session.h"
#include "cli/commands.h"
#include "cli/interrupt.h"
#include "cli/option_checks.h"
#include "columnar/row_output.h"
#include "common/atomic_output_file.h"
#include "common/file_system.h"
#include "common/memory_tracker.h"
#include "pipeline/audit.h"
#include "pipeline/config.h"
#include "pipeline/runner.h"
#include "sql/string_literal.h"

namespace braid::cli {

namespace {

struct RunCommandOptions {
  std::string file;
  std::vector<std::string> params;
  int parallel = 0;
  std::string run_id;
  std::string resume;
  bool dry_run = false;
  std::string report;
  std::string warehouse;
  std::string memory_limit;
  bool allow_concurrent = false;
};

// A word as a POSIX shell reads it back: as is when it has nothing the shell would interpret.
std::string shell_word(const std::string& word) {
  const bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("_./=:,@%+-").find(c) != std::string_view::npos;
  });
  if (plain) return word;
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The command that resumes run `id` as this one was started (same file, parameters, warehouse,
// limits).
std::string resume_command(const RunCommandOptions& o, const std::string& id) {
  std::string out = "braid run " + shell_word(o.file) + " --resume " + shell_word(id);
  for (const auto& p : o.params) out += " --param " + shell_word(p);
  if (!o.warehouse.empty()) out += " --warehouse " + shell_word(o.warehouse);
  if (o.parallel > 0) out += " --parallel " + std::to_string(o.parallel);
  if (!o.memory_limit.empty()) out += " --memory-limit " + shell_word(o.memory_limit);
  if (o.allow_concurrent) out += " --allow-concurrent";
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> parse_params(const std::vector<std::string>& params) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& p : params) {
    const auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0) return Status::invalid_argument("--param '{}': expected name=value", p);
    out.emplace_back(p.substr(0, eq), p.substr(eq + 1));
  }
  return out;
}

// Redraws one bar per flow on a terminal until stopped.
class ProgressDisplay {
 public:
  explicit ProgressDisplay(const pipeline::Runner& runner) : runner_(runner), thread_([this] { loop(); }) {}
  ~ProgressDisplay() { stop(); }
  void stop() {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      stopping_ = true;
    }
    changed_.notify_all();
    thread_.join();
    clear();
  }
  // A log line printed above the bars.
  void print(const std::string& line) {
    std::lock_guard lock(draw_mutex_);
    clear_locked();
    std::fprintf(stderr, "%s\n", line.c_str());
    draw_locked();
  }

 private:
  void loop() {
    auto start = std::chrono::steady_clock::now();
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      {
        std::lock_guard draw(draw_mutex_);
        seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        clear_locked();
        draw_locked();
      }
      lock.lock();
      changed_.wait_for(lock, std::chrono::milliseconds(200));
    }
  }
  void clear() {
    std::lock_guard lock(draw_mutex_);
    clear_locked();
  }
  void clear_locked() {
    for (int i = 0; i < lines_; ++i) std::fputs("\033[1A\033[2K", stderr);
    lines_ = 0;
  }
  void draw_locked() {
    for (const auto& p : runner_.progress()) {
      const int width = 24;
      int filled = p.tasks > 0 ? p.done * width / p.tasks : 0;
      std::string bar(static_cast<size_t>(filled), '#');
      bar += std::string(static_cast<size_t>(width - filled), '-');
      const double rate = seconds_ > 0 ? static_cast<double>(p.rows_written) / seconds_ : 0;
      std::fprintf(stderr, "%-20s [%s] %d/%s done, %d running, %d failed, %.0f rows/s\n", p.flow.c_str(), bar.c_str(),
                   p.done, p.tasks < 0 ? "?" : std::to_string(p.tasks).c_str(), p.running, p.failed, rate);
      ++lines_;
    }
    std::fflush(stderr);
  }

  const pipeline::Runner& runner_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool stopping_ = false;
  std::mutex draw_mutex_;
  int lines_ = 0;
  double seconds_ = 0;
  std::thread thread_;
};

int run_pipeline_command(const RunCommandOptions& o) {
  auto config = pipeline::load_pipeline(o.file);
  if (!config.ok()) return report_error(config.status().message());
  // Relative to the current folder, as every path on the command line is (the file's own
  // warehouse is relative to the file).
  if (!o.warehouse.empty()) config->warehouse = std::filesystem::absolute(o.warehouse).lexically_normal().string();
  pipeline::RunOptions options;
  if (!o.memory_limit.empty()) {
    auto bytes = parse_memory_size(o.memory_limit);
    if (!bytes.ok()) return report_error(Status(bytes.status()).with_context("--memory-limit").to_string());
    options.memory_limit = *bytes;
  }
  options.allow_concurrent = o.allow_concurrent;
  auto params = parse_params(o.params);
  if (!params.ok()) return report_error(params.status().message());
  options.params = std::move(*params);
  options.parallelism = o.parallel;
  options.run_id = o.run_id;
  options.resume = o.resume;
  std::mutex log_mutex;
  ProgressDisplay* display = nullptr;
  options.log = [&](const std::string& line) {
    std::lock_guard lock(log_mutex);
    if (display != nullptr) {
      // On a terminal the bars show progress; only what needs attention is printed, and the run's id.
      if (line.rfind("failed", 0) == 0 || line.rfind("warning", 0) == 0 || line.rfind("resuming", 0) == 0 ||
          line.rfind("run ", 0) == 0 || line.rfind("note", 0) == 0 || line.rfind("interrupted", 0) == 0 ||
          line.rfind("terminated", 0) == 0) {
        display->print(line);
      }
    } else {
      std::fprintf(stderr, "%s\n", line.c_str());
    }
  };
  if (!o.report.empty()) {
    // Found unwritable now rather than after the whole run; nothing is left behind.
    auto probe = AtomicOutputFile::open(local_file_system(), o.report);
    if (!probe.ok()) return report_error(probe.status().to_string());
  }
  pipeline::Runner runner(std::move(*config), options);
  if (o.dry_run) {
    auto plan = runner.dry_run();
    if (!plan.ok()) return report_error(plan.status().to_string());
    std::fputs(plan->c_str(), stdout);
    return 0;
  }
  // The first SIGINT or SIGTERM is recorded; a thread passes it on to the runner, which stops
  // cleanly. The scope ends (after everything below) by raising it again, so the process exits
  // as interrupted.
  InterruptScope interrupt;
  std::mutex watch_mutex;
  std::condition_variable watch_changed;
  bool run_done = false;
  std::thread watcher([&] {
    std::unique_lock lock(watch_mutex);
    while (!run_done) {
      if (const int signal = interrupt.received(); signal != 0) {
        lock.unlock();
        runner.interrupt(signal == SIGINT ? "interrupted (SIGINT)" : "terminated (SIGTERM)");
        return;
      }
      watch_changed.wait_for(lock, std::chrono::milliseconds(20));
    }
  });
  std::unique_ptr<ProgressDisplay> bars;
  if (::isatty(2) != 0) {
    bars = std::make_unique<ProgressDisplay>(runner);
    std::lock_guard lock(log_mutex);
    display = bars.get();
  }
  auto report = runner.run();
  {
    std::lock_guard lock(watch_mutex);
    run_done = true;
  }
  watch_changed.notify_all();
  watcher.join();
  if (bars) {
    {
      std::lock_guard lock(log_mutex);
      display = nullptr;
    }
    bars->stop();
  }
  // Exit as interrupted (the scope raises the signal) when the signal stopped something.
  auto interrupted_exit = [&](int code) {
    std::fflush(stdout);
    std::fflush(stderr);
    const int signal = interrupt.received();
    (void)interrupt.check();
    return signal == SIGTERM ? 143 : signal == SIGINT ? 130 : code;
  };
  if (!report.ok()) {
    const int code = report_error(report.status().to_string());
    return interrupt.received() != 0 ? interrupted_exit(code) : code;
  }
  std::fputs(report->summary().c_str(), stdout);
  if (!o.report.empty()) {
    Status written = write_file_atomically(local_file_system(), o.report, report->to_json() + "\n");
    if (!written.ok()) return report_error(written.to_string());
  }
  if (report->status == "interrupted") {
    int committed = 0, stopped = 0;
    for (const auto& t : report->tasks) {
      committed += t.status == "succeeded";
      stopped += t.status == "interrupted";
    }
    std::fflush(stdout);
    std::fprintf(stderr, "braid: run %s of pipeline %s %s: %d of %zu tasks committed, %d interrupted\n",
                 report->run_id.c_str(), report->pipeline.c_str(),
                 interrupt.received() == SIGTERM ? "terminated" : "interrupted", committed, report->tasks.size(), stopped);
    std::fprintf(stderr, "to resume it: %s\n", resume_command(o, report->run_id).c_str());
    return interrupted_exit(1);
  }
  return report->ok() ? 0 : 1;
}

int validate_command(const std::string& file, const std::vector<std::string>& raw_params) {
  auto config = pipeline::load_pipeline(file);
  if (!config.ok()) return report_error(config.status().message());
  auto params = parse_params(raw_params);
  if (!params.ok()) return report_error(params.status().message());
  pipeline::RunOptions options;
  options.params = std::move(*params);
  const size_t sources = config->sources.size(), flows = config->flows.size();
  const std::string name = config->name;
  pipeline::Runner runner(std::move(*config), options);
  Status checked = runner.check();
  if (!checked.ok()) return report_error(checked.message());
  std::printf("%s: ok (pipeline %s: %zu source%s, %zu flow%s)\n", file.c_str(), name.c_str(), sources,
              sources == 1 ? "" : "s", flows, flows == 1 ? "" : "s");
  return 0;
}

struct AuditOptions {
  std::string pipeline_file;
  std::string warehouse;
  std::string run;
  std::string format = "table";
};

Status audit_command(const AuditOptions& o) {
  std::string warehouse = o.warehouse;
  if (warehouse.empty() && !o.pipeline_file.empty()) {
    BRAID_ASSIGN_OR_RETURN(auto config, pipeline::load_pipeline(o.pipeline_file));
    warehouse = config.warehouse_path();
  }
  if (warehouse.empty()) warehouse = std::filesystem::exists("warehouse/_braid") ? "warehouse" : ".";
  BRAID_ASSIGN_OR_RETURN(RowFormat format, parse_row_format(o.format));
  BRAID_ASSIGN_OR_RETURN(auto session, catalog::Session::open(warehouse));
  const std::string path = pipeline::audit_table_path(session->database());
  if (!std::filesystem::exists(path + "/_delta_log")) {
    return Status::not_found("no audit table in {} (no pipeline has run there yet)", warehouse);
  }
  std::string sql = "SELECT * FROM delta.`" + path + "`";
  if (!o.run.empty()) {
    // Bound as a string parameter, never spliced into the SQL.
    BRAID_RETURN_IF_ERROR(session->set_parameter_sql("run", sql::string_literal(o.run)));
    sql += " WHERE run_id = :run";
  }
  sql += " ORDER BY started_at, flow, task, attempt";
  BRAID_ASSIGN_OR_RETURN(auto result, session->execute(sql));
  int64_t rows = 0;
  for (const auto& b : result.batches) rows += b->num_rows();
  if (rows == 0 && !o.run.empty()) return Status::not_found("the audit has no run {}", o.run);
  auto out = stdout_stream();
  RowOutputOptions row_options;
  row_options.format = format;
  row_options.max_rows = -1;
  auto writer = make_row_writer(result.schema, *out, row_options);
  for (const auto& b : result.batches) BRAID_RETURN_IF_ERROR(writer->write(*b));
  return writer->finish();
}

}  // namespace

CommandRunner add_run_command(CLI::App& app) {
  auto o = std::make_shared<RunCommandOptions>();
  CLI::App* cmd = app.add_subcommand("run", "Run a pipeline (TOML file): its flows as parallel, isolated, audited tasks");
  cmd->add_option("PIPELINE", o->file, "The pipeline file (.toml)")->required();
  cmd->add_option("--param,-p", o->params, "name=value: a pipeline-wide parameter :name (repeatable)")
      ->allow_extra_args(false)
      ->check(name_value());
  cmd->add_option("--parallel", o->parallel, "Tasks at once (overrides [pipeline] parallelism)")->check(CLI::Range(1, 4096));
  cmd->add_option("--run-id", o->run_id, "The run's id (default: a new one); an existing run's id resumes it");
  cmd->add_option("--resume", o->resume, "Resume run RUN_ID: tasks it committed are skipped, the others run");
  cmd->add_flag("--dry-run", o->dry_run, "Plan without writing: tasks, parameters, partitions and possible conflicts");
  cmd->add_option("--report", o->report, "Write the run report (JSON) to this file (replaced when the run ends)");
  cmd->add_option("--warehouse,-w", o->warehouse, "The warehouse folder (overrides the file's [pipeline] warehouse)")
      ->check(non_empty());
  cmd->add_option("--memory-limit", o->memory_limit,
                  "Fail a statement of a task that would hold more than this (512MB, 2GB, ...) instead of growing past it")
      ->check(memory_size());
  cmd->add_flag("--allow-concurrent", o->allow_concurrent,
                "Run even while another run of the pipeline is running on the warehouse (each records its own tasks)");
  return [o, cmd] {
    if (o->dry_run) {
      // A dry run plans a new run and writes nothing: these would be silently ignored.
      for (const char* name : {"--report", "--run-id", "--resume", "--parallel", "--allow-concurrent"}) {
        if (given(*cmd, name)) return usage_error(*cmd, std::string(name) + " cannot be used with --dry-run, which writes nothing");
      }
    }
    return run_pipeline_command(*o);
  };
}

CommandRunner add_validate_command(CLI::App& app) {
  auto file = std::make_shared<std::string>();
  auto params = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd = app.add_subcommand("validate", "Check a pipeline file, its SQL and its sources without running it");
  cmd->add_option("PIPELINE", *file, "The pipeline file (.toml)")->required();
  cmd->add_option("--param,-p", *params, "name=value: a pipeline-wide parameter :name (repeatable)")
      ->allow_extra_args(false)
      ->check(name_value());
  return [file, params] { return validate_command(*file, *params); };
}

CommandRunner add_audit_command(CLI::App& app) {
  auto o = std::make_shared<AuditOptions>();
  CLI::App* cmd = app.add_subcommand("audit", "Show the audit of pipeline runs (one row per task attempt)");
  cmd->add_option("PIPELINE", o->pipeline_file, "A pipeline file: its warehouse is used");
  cmd->add_option("--warehouse,-w", o->warehouse, "The warehouse folder (default: ./warehouse when it has runs, else .)");
  cmd->add_option("--run", o->run, "Only this run");
  cmd->add_option("--format", o->format, "table, csv or jsonl")->capture_default_str()->check(row_format());
  return [o, cmd] {
    if (given(*cmd, "PIPELINE") && given(*cmd, "--warehouse")) {
      return usage_error(*cmd, "give a PIPELINE file or --warehouse, not both");
    }
    Status s = audit_command(*o);
    if (!s.ok()) return report_error(s.to_string());
    return 0;
  };
}

}  // namespace braid::cli
