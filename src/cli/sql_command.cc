// braid sql "..." | braid sql -f file.sql: runs SQL statements in one session over a warehouse.
//
// Queries print their rows on stdout (each query's result in turn: in the table format the first
// 40 rows and a footer with the total, in csv and jsonl every row; --limit N the first N rows
// in every format, --limit 0 all); DDL and DML print one line on stderr saying what they did. The first failing statement stops the run: its error goes to
// stderr with the statement's line:column in the script, and the exit status is 1.
// --memory-limit bounds what each statement may hold (it then fails with an out-of-memory error
// naming the limit, rather than being killed); --timer reports each statement's time and peak
// memory on stderr.
#include <fmt/core.h>

#include <chrono>
#include <set>

#include "catalog/session.h"
#include "cli/commands.h"
#include "cli/option_checks.h"
#include "columnar/row_output.h"
#include "common/ascii.h"
#include "common/file_system.h"
#include "sql/lexer.h"
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
  int64_t limit = -1;
  bool timer = false;
};

Status run_sql(const SqlOptions& options) {
  std::string text = options.sql;
  if (!options.file.empty()) {
    BRAID_ASSIGN_OR_RETURN(text, local_file_system()->read_file(options.file));
  }
  if (text.empty()) {
    if (!options.file.empty()) return Status::invalid_argument("'{}' is empty: no statements to run", options.file);
    return Status::invalid_argument("give SQL text or -f FILE");
  }
  BRAID_ASSIGN_OR_RETURN(RowFormat format, parse_row_format(options.format));
  BRAID_ASSIGN_OR_RETURN(auto session, open_sql_session(options.warehouse, options.memory_limit));
  for (const auto& p : options.params) {
    const auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0) return Status::invalid_argument("--param '{}': expected name=value", p);
    BRAID_RETURN_IF_ERROR(session->set_parameter_text(p.substr(0, eq), p.substr(eq + 1)));
  }
  auto parsed = sql::parse_statements(text);
  if (!parsed.ok()) return parsed.status();
  // A parameter no statement uses is a mistake (a typo, a forgotten WHERE) whose result would
  // look right: the rows of every region instead of one.
  BRAID_ASSIGN_OR_RETURN(auto tokens, sql::tokenize(text));
  std::set<std::string> used;
  for (const auto& t : tokens) {
    if (t.kind == sql::TokenKind::kParameter) used.insert(ascii::lower(t.value));
  }
  for (const auto& p : options.params) {
    const std::string name = p.substr(0, p.find('='));
    if (!used.count(ascii::lower(name))) {
      return Status::invalid_argument("--param {}: no statement uses :{}", p, name);
    }
  }
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
      if (options.limit >= 0) row_options.max_rows = -1;
      row_options.more_rows_hint = kMoreRowsHint;
      auto writer = make_row_writer(result->schema, *out, row_options);
      int64_t remaining = options.limit > 0 ? options.limit : -1;
      for (const auto& b : result->batches) {
        if (remaining == 0) break;
        RecordBatchPtr batch = b;
        if (remaining > 0 && batch->num_rows() > remaining) batch = batch->slice(0, remaining);
        BRAID_RETURN_IF_ERROR(writer->write(*batch));
        if (remaining > 0) remaining -= batch->num_rows();
      }
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
  cmd->add_option("--param,-p", options->params, "name=value, bound to :name (repeatable)")
      ->allow_extra_args(false)
      ->check(name_value());
  cmd->add_option("--format", options->format, "Output format of query rows: table, csv or jsonl")
      ->capture_default_str()
      ->check(row_format());
  cmd->add_option("--limit,-n", options->limit,
                  "Print the first N rows of each query (0: all; default: all, and the table format shows 40)")
      ->check(at_least(0));
  cmd->add_option("--memory-limit", options->memory_limit,
                  "Fail a statement that would hold more than this (512MB, 2GB, ...) instead of growing past it")
      ->check(memory_size());
  cmd->add_flag("--timer", options->timer, "After each statement, print its time and peak memory on stderr");
  return [options, cmd] {
    if (given(*cmd, "SQL") == given(*cmd, "--file")) {
      return usage_error(*cmd, given(*cmd, "SQL") ? "give SQL text or -f FILE, not both" : "give SQL text or -f FILE");
    }
    Status s = run_sql(*options);
    if (!s.ok()) return report_error(s.to_string());
    return 0;
  };
}

}  // namespace braid::cli
