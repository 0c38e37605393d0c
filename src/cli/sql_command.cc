// braid sql "..." | braid sql -f file.sql: runs SQL statements in one session over a warehouse.
//
// Queries print their rows on stdout (each query's result in turn); DDL and DML print one line
// on stderr saying what they did. The first failing statement stops the run: its error goes to
// stderr with the statement's line:column in the script, and the exit status is 1.
// --memory-limit bounds what each statement may hold (it then fails with an out-of-memory error
// naming the limit, rather than being killed); --timer reports each statement's time and peak
// memory on stderr.
#include <fmt/core.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "catalog/session.h"
#include "cli/commands.h"
#include "columnar/row_output.h"
#include "common/file_system.h"
#include "sql/parser.h"

namespace braid::cli {

namespace {

struct SqlOptions {
  std::string sql;
  std::string file;
  std::string warehouse = ".";
  std::vector<std::string> params;
  std::string format = "table";
  std::string memory_limit;
  bool timer = false;
};

Status run_sql(const SqlOptions& options) {
  std::string text = options.sql;
  if (!options.file.empty()) {
    std::ifstream in(options.file, std::ios::binary);
    if (!in) return Status::not_found("cannot read '{}'", options.file);
    std::stringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
  }
  if (text.empty()) return Status::invalid_argument("give SQL text or -f FILE");
  BRAID_ASSIGN_OR_RETURN(RowFormat format, parse_row_format(options.format));
  BRAID_ASSIGN_OR_RETURN(auto session, open_sql_session(options.warehouse, options.memory_limit));
  for (const auto& p : options.params) {
    const auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0) return Status::invalid_argument("--param '{}': expected name=value", p);
    BRAID_RETURN_IF_ERROR(session->set_parameter_text(p.substr(0, eq), p.substr(eq + 1)));
  }
  auto parsed = sql::parse_statements(text);
  if (!parsed.ok()) return parsed.status();
  auto out = stdout_stream();
  for (const auto& statement : *parsed) {
    const auto start = std::chrono::steady_clock::now();
    auto result = session->execute(*statement);
    // Positions in errors are already the script's: the whole script was parsed at once.
    if (!result.ok()) return result.status();
    for (const auto& w : result->warnings) std::fprintf(stderr, "braid: warning: %s\n", w.c_str());
    if (result->has_rows) {
      RowOutputOptions row_options;
      row_options.format = format;
      row_options.max_rows = -1;
      auto writer = make_row_writer(result->schema, *out, row_options);
      for (const auto& b : result->batches) BRAID_RETURN_IF_ERROR(writer->write(*b));
      BRAID_RETURN_IF_ERROR(writer->finish());
    } else if (!result->summary.empty()) {
      std::fprintf(stderr, "%s\n", result->summary.c_str());
    }
    if (options.timer) {
      std::fflush(stdout);
      std::fprintf(stderr, "line %d: time %.3f s, peak memory %s\n", statement->pos.line,
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
                   format_bytes(result->peak_memory_bytes).c_str());
    }
  }
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<catalog::Session>> open_sql_session(const std::string& warehouse,
                                                           const std::string& memory_limit) {
  BRAID_ASSIGN_OR_RETURN(auto session, catalog::Session::open(warehouse));
  if (!memory_limit.empty()) {
    auto bytes = parse_memory_size(memory_limit);
    if (!bytes.ok()) return Status(bytes.status()).with_context("--memory-limit");
    session->set_memory_limit(*bytes);
  }
  return session;
}

CommandRunner add_sql_command(CLI::App& app) {
  auto options = std::make_shared<SqlOptions>();
  CLI::App* cmd = app.add_subcommand("sql", "Run SQL statements over a warehouse of Delta tables");
  cmd->add_option("SQL", options->sql, "Statements, separated by ';'");
  cmd->add_option("-f,--file", options->file, "Read the statements from a file");
  cmd->add_option("--warehouse,-w", options->warehouse, "Folder of Delta tables (a table `t` is DIR/t/)")
      ->capture_default_str();
  cmd->add_option("--param,-p", options->params, "name=value, bound to :name (repeatable)")->allow_extra_args(false);
  cmd->add_option("--format", options->format, "Output format of query rows: table, csv or jsonl")->capture_default_str();
  cmd->add_option("--memory-limit", options->memory_limit,
                  "Fail a statement that would hold more than this (512MB, 2GB, ...) instead of growing past it");
  cmd->add_flag("--timer", options->timer, "After each statement, print its time and peak memory on stderr");
  return [options] {
    Status s = run_sql(*options);
    if (!s.ok()) return report_error(s.to_string());
    return 0;
  };
}

}  // namespace braid::cli
