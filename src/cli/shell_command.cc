// braid shell: an interactive SQL session over a warehouse (readline, with history).
//
// Statements may span lines and end with ';'. Dot commands: .tables, .schema NAME, .timer on|off,
// .mode table|csv|jsonl, .limit N (rows printed per query; the table mode shows 40 unless set, 0:
// all), .help, .quit. Errors show the statement's line with a caret under the
// position. When stdin is not a terminal, statements are read from it without prompts, so a
// script can be piped in; the exit status is 1 if any statement failed.
#include <fmt/core.h>
#include <readline/history.h>
#include <readline/readline.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>

#include "catalog/session.h"
#include "cli/commands.h"
#include "cli/option_checks.h"
#include "columnar/row_output.h"
#include "common/file_system.h"
#include "delta/schema_json.h"
#include "sql/lexer.h"
#include "sql/parser.h"

namespace braid::cli {

namespace {

struct ShellOptions {
  std::string warehouse = ".";
  std::string format = "table";
  std::string memory_limit;
};

// Whether `text` holds at least one complete statement: its last token is ';' (an unterminated
// string or comment is not complete).
bool complete(const std::string& text) {
  Status error;
  auto tokens = sql::tokenize_prefix(text, &error);
  if (!error.ok()) return false;
  for (auto it = tokens.rbegin(); it != tokens.rend(); ++it) {
    if (it->kind == sql::TokenKind::kEnd) continue;
    return it->kind == sql::TokenKind::kSemicolon;
  }
  return false;
}

// The error, plus the line it points at and a caret under the column.
std::string explain_error(const Status& s, const std::string& text) {
  std::string out = s.to_string();
  int line = 0, column = 0;
  const auto at = s.message().find("line ");
  if (at == std::string::npos || std::sscanf(s.message().c_str() + at, "line %d, column %d", &line, &column) != 2) {
    return out;
  }
  std::istringstream in(text);
  std::string l;
  for (int i = 1; std::getline(in, l); ++i) {
    if (i == line) {
      out += "\n  " + l + "\n  " + std::string(static_cast<size_t>(std::max(column - 1, 0)), ' ') + "^";
      break;
    }
  }
  return out;
}

class Shell {
 public:
  Shell(std::unique_ptr<catalog::Session> session, RowFormat format, bool interactive)
      : session_(std::move(session)), format_(format), interactive_(interactive) {}

  int run() {
    std::string buffer;
    const std::string history = std::getenv("HOME") ? std::string(std::getenv("HOME")) + "/.braid_history" : "";
    if (interactive_) {
      if (!history.empty()) read_history(history.c_str());
      std::printf("braid shell: statements end with ';', .help for commands\n");
    }
    while (true) {
      std::string line;
      if (!read_line(buffer.empty() ? "braid> " : "  ...> ", line)) break;
      if (buffer.empty() && line.starts_with(".")) {
        if (!dot_command(line)) break;
        continue;
      }
      buffer += line + "\n";
      if (!complete(buffer)) continue;
      if (interactive_) add_history(buffer.substr(0, buffer.size() - 1).c_str());
      run_statements(buffer);
      buffer.clear();
    }
    if (!buffer.empty() && buffer.find_first_not_of(" \t\r\n") != std::string::npos) run_statements(buffer);
    if (interactive_ && !history.empty()) write_history(history.c_str());
    return failed_ ? 1 : 0;
  }

 private:
  bool read_line(const char* prompt, std::string& out) {
    if (interactive_) {
      char* raw = readline(prompt);
      if (raw == nullptr) return false;
      out = raw;
      std::free(raw);
      return true;
    }
    char chunk[4096];
    out.clear();
    while (std::fgets(chunk, sizeof chunk, stdin)) {
      out += chunk;
      if (!out.empty() && out.back() == '\n') {
        out.pop_back();
        return true;
      }
    }
    return !out.empty();
  }

  void run_statements(const std::string& text) {
    auto statements = sql::parse_statements(text);
    if (!statements.ok()) {
      report(statements.status(), text);
      return;
    }
    for (const auto& st : *statements) {
      const auto start = std::chrono::steady_clock::now();
      auto result = session_->execute(*st);
      if (!result.ok()) {
        report(result.status(), text);
        return;
      }
      for (const auto& w : result->warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
      if (result->has_rows) {
        auto out = stdout_stream();
        RowOutputOptions options;
        options.format = format_;
        if (limit_ >= 0) options.max_rows = -1;
        options.more_rows_hint = ".limit N or .limit 0 for all";
        auto writer = make_row_writer(result->schema, *out, options);
        Status s = Status::OK();
        int64_t remaining = limit_ > 0 ? limit_ : -1;
        for (const auto& b : result->batches) {
          if (!s.ok() || remaining == 0) break;
          RecordBatchPtr batch = b;
          if (remaining > 0 && batch->num_rows() > remaining) batch = batch->slice(0, remaining);
          s = writer->write(*batch);
          if (remaining > 0) remaining -= batch->num_rows();
        }
        if (s.ok()) s = writer->finish();
        if (!s.ok()) report(s, text);
      } else if (!result->summary.empty()) {
        std::printf("%s\n", result->summary.c_str());
      }
      if (timer_) {
        std::printf("time: %.3f s, peak memory: %s\n",
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
                    format_bytes(result->peak_memory_bytes).c_str());
      }
      std::fflush(stdout);
    }
  }

  void report(const Status& s, const std::string& text) {
    failed_ = true;
    std::fflush(stdout);
    std::fprintf(stderr, "error: %s\n", explain_error(s, text).c_str());
  }

  // false: quit.
  bool dot_command(const std::string& line) {
    std::istringstream in(line);
    std::string command, arg;
    in >> command >> arg;
    if (command == ".quit" || command == ".exit") return false;
    if (command == ".help") {
      std::printf(".tables            tables of the warehouse and the session's views\n"
                  ".schema NAME       columns of a table or view\n"
                  ".timer on|off      time each statement\n"
                  ".mode table|csv|jsonl  how rows are printed\n"
                  ".limit N           print the first N rows of each query (0: all)\n"
                  ".quit              leave\n");
    } else if (command == ".tables") {
      run_statements("SHOW TABLES;");
    } else if (command == ".schema") {
      if (arg.empty()) {
        report(Status::invalid_argument(".schema needs a table or view name"), line);
      } else {
        run_statements("DESCRIBE " + sql::quote_identifier(arg) + ";");
      }
    } else if (command == ".timer") {
      if (arg == "on" || arg == "off") {
        timer_ = arg == "on";
      } else {
        report(Status::invalid_argument(".timer takes on or off, not '{}'", arg), line);
      }
    } else if (command == ".limit") {
      int64_t n = -1;
      auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), n);
      if (ec != std::errc() || end != arg.data() + arg.size() || n < 0) {
        report(Status::invalid_argument(".limit takes a number of rows (0: all), not '{}'", arg), line);
      } else {
        limit_ = n;
      }
    } else if (command == ".mode") {
      auto format = parse_row_format(arg);
      if (format.ok()) {
        format_ = *format;
      } else {
        report(format.status(), line);
      }
    } else {
      report(Status::invalid_argument("unknown command {} (.help lists them)", command), line);
    }
    return true;
  }

  std::unique_ptr<catalog::Session> session_;
  RowFormat format_;
  bool interactive_;
  bool timer_ = false;
  int64_t limit_ = -1;  // -1: not set
  bool failed_ = false;
};

}  // namespace

CommandRunner add_shell_command(CLI::App& app) {
  auto options = std::make_shared<ShellOptions>();
  CLI::App* cmd = app.add_subcommand("shell", "Interactive SQL over a warehouse of Delta tables");
  cmd->add_option("--warehouse,-w", options->warehouse, "Folder of Delta tables")->capture_default_str();
  cmd->add_option("--format", options->format, "Output format of query rows: table, csv or jsonl")
      ->capture_default_str()
      ->check(row_format());
  cmd->add_option("--memory-limit", options->memory_limit,
                  "Fail a statement that would hold more than this (512MB, 2GB, ...); also SET memory_limit")
      ->check(memory_size());
  return [options] {
    auto format = parse_row_format(options->format);
    if (!format.ok()) return report_error(format.status().to_string());
    auto session = open_sql_session(options->warehouse, options->memory_limit);
    if (!session.ok()) return report_error(session.status().to_string());
    Shell shell(std::move(*session), *format, ::isatty(0) != 0);
    return shell.run();
  };
}

}  // namespace braid::cli
