// braid shell: an interactive SQL session over a warehouse (readline, with history).
//
// Statements may span lines and end with ';'. Dot commands: .tables, .schema NAME, .timer on|off,
// .mode table|csv|jsonl, .limit N (rows printed per query; the table mode shows 40 unless set, 0:
// all), .help, .quit. Errors show the statement's line with a caret under the
// position. When stdin is not a terminal, statements are read from it without prompts, so a
// script can be piped in; the exit status is 1 if any statement failed.
//
// On a terminal, Ctrl-C never ends the shell (as in psql and duckdb): from Enter until a statement
// ends it cancels it (through the session's cancellation token; a cancelled DML commits nothing),
// at the prompt it drops the line being typed and any statement continued over earlier lines. Each
// statement is appended to ~/.braid_history as soon as it is entered, so no way of ending the
// shell loses it.
#include <fmt/core.h>
#include <readline/history.h>
#include <readline/readline.h>
#include <fcntl.h>
#include <sys/select.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

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

// Ctrl-C on the terminal: counted by the handler, acted on by the shell's loop (at the prompt)
// or by a watcher thread (while a statement runs). The handler also writes a byte to a pipe the
// prompt's select() watches (the self-pipe pattern): a signal that lands just before select()
// blocks, or on another of the process's threads, would otherwise wake nothing and leave the
// shell waiting for a key while the user's Ctrl-C is lost.
std::atomic<int> g_interrupts{0};
static_assert(std::atomic<int>::is_always_lock_free);
int g_interrupt_pipe[2] = {-1, -1};  // [0]: read end (select), [1]: write end (handler)
extern "C" void on_shell_interrupt(int) {
  const int saved_errno = errno;
  g_interrupts.fetch_add(1);
  // Non-blocking: a full pipe already holds a wakeup.
  [[maybe_unused]] const ssize_t n = ::write(g_interrupt_pipe[1], "", 1);
  errno = saved_errno;
}

// Installs the handler for the shell's lifetime. No SA_RESTART: a Ctrl-C at the prompt must wake
// the select() that waits for the next key.
class ShellInterrupts {
 public:
  ShellInterrupts() {
    if (::pipe2(g_interrupt_pipe, O_NONBLOCK | O_CLOEXEC) != 0) {
      g_interrupt_pipe[0] = g_interrupt_pipe[1] = -1;
      std::fprintf(stderr, "warning: no pipe for Ctrl-C (%s): a Ctrl-C at the prompt may need a key to take effect\n",
                   std::strerror(errno));
    }
    struct sigaction action {};
    action.sa_handler = on_shell_interrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &previous_);
    g_interrupts.store(0);
  }
  ~ShellInterrupts() {
    sigaction(SIGINT, &previous_, nullptr);
    for (int& fd : g_interrupt_pipe) {
      if (fd >= 0) ::close(fd);
      fd = -1;
    }
  }
  ShellInterrupts(const ShellInterrupts&) = delete;
  ShellInterrupts& operator=(const ShellInterrupts&) = delete;

 private:
  struct sigaction previous_ {};
};

// Cancels `token` when Ctrl-C has come since `since` (the interrupt count when the statement's
// prompt was shown): a Ctrl-C pressed between Enter and the statement's start cancels it too,
// instead of falling between the prompt and the statement.
class CancelOnInterrupt {
 public:
  CancelOnInterrupt(CancellationToken token, int since)
      : token_(std::move(token)), start_(since), thread_([this] { watch(); }) {}
  ~CancelOnInterrupt() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }
  bool fired() const { return g_interrupts.load() != start_; }

 private:
  void watch() {
    std::unique_lock lock(mutex_);
    while (!done_) {
      if (fired()) {
        token_.cancel("cancelled (Ctrl-C)");
        return;
      }
      changed_.wait_for(lock, std::chrono::milliseconds(20));
    }
  }
  CancellationToken token_;
  const int start_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool done_ = false;
  std::thread thread_;
};

// One line from readline's callback interface, so a Ctrl-C at the prompt can be told from a key.
enum class ReadResult { kLine, kEnd, kInterrupted };
std::optional<std::string> g_read_line;
bool g_read_done = false;
extern "C" void on_readline_line(char* line) {
  g_read_done = true;
  if (line != nullptr) {
    g_read_line = line;
    std::free(line);
  } else {
    g_read_line.reset();
  }
  rl_callback_handler_remove();
}

// `seen`: the interrupt count when the prompt was shown; a later Ctrl-C not taken here (it came
// with or after Enter) cancels the statement entered.
ReadResult read_terminal_line(const char* prompt, std::string& out, int& seen) {
  seen = g_interrupts.load();
  g_read_done = false;
  g_read_line.reset();
  rl_callback_handler_install(prompt, on_readline_line);
  const int wake = g_interrupt_pipe[0];
  while (!g_read_done) {
    fd_set fds;
    FD_ZERO(&fds);
    FD_SET(0, &fds);
    if (wake >= 0) FD_SET(wake, &fds);
    const int ready = ::select(std::max(0, wake) + 1, &fds, nullptr, nullptr, nullptr);
    const bool key = ready > 0 && FD_ISSET(0, &fds);
    if (ready > 0 && wake >= 0 && FD_ISSET(wake, &fds)) {
      char drain[64];
      while (::read(wake, drain, sizeof drain) > 0) {
      }
    }
    if (g_interrupts.load() != seen) {
      // Drop what was typed; the caller drops a statement begun on earlier lines.
      rl_free_line_state();
      rl_callback_sigcleanup();
      rl_replace_line("", 0);
      rl_callback_handler_remove();
      std::fputs("^C\n", stdout);
      std::fflush(stdout);
      return ReadResult::kInterrupted;
    }
    if (ready < 0) {
      if (errno == EINTR) continue;
      rl_callback_handler_remove();
      return ReadResult::kEnd;
    }
    // Only a key: readline would block on an empty terminal after a wakeup from the pipe.
    if (key) rl_callback_read_char();
  }
  if (!g_read_line) return ReadResult::kEnd;
  out = *g_read_line;
  return ReadResult::kLine;
}

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
    std::optional<ShellInterrupts> interrupts;
    if (interactive_) {
      interrupts.emplace();
      // Ctrl-C is the shell's to handle (above), not readline's.
      rl_catch_signals = 0;
      if (!history.empty()) {
        read_history(history.c_str());
        // Created now, so each statement can be appended to it as it is entered.
        if (!std::filesystem::exists(history)) write_history(history.c_str());
      }
      std::printf("braid shell: statements end with ';', .help for commands\n");
    }
    while (true) {
      std::string line;
      const ReadResult read = read_line(buffer.empty() ? "braid> " : "  ...> ", line);
      if (read == ReadResult::kEnd) {
        if (interactive_) std::printf("\n");  // Ctrl-D leaves the cursor after the prompt
        break;
      }
      if (read == ReadResult::kInterrupted) {
        buffer.clear();
        continue;
      }
      if (buffer.empty() && line.starts_with(".")) {
        if (!dot_command(line)) break;
        continue;
      }
      buffer += line + "\n";
      if (!complete(buffer)) continue;
      if (interactive_) {
        add_history(buffer.substr(0, buffer.size() - 1).c_str());
        if (!history.empty()) append_history(1, history.c_str());
      }
      run_statements(buffer);
      buffer.clear();
    }
    if (!buffer.empty() && buffer.find_first_not_of(" \t\r\n") != std::string::npos) run_statements(buffer);
    if (interactive_ && !history.empty()) history_truncate_file(history.c_str(), 10000);
    return failed_ ? 1 : 0;
  }

 private:
  ReadResult read_line(const char* prompt, std::string& out) {
    if (interactive_) return read_terminal_line(prompt, out, interrupts_at_prompt_);
    char chunk[4096];
    out.clear();
    while (std::fgets(chunk, sizeof chunk, stdin)) {
      out += chunk;
      if (!out.empty() && out.back() == '\n') {
        out.pop_back();
        return ReadResult::kLine;
      }
    }
    return out.empty() ? ReadResult::kEnd : ReadResult::kLine;
  }

  void run_statements(const std::string& text) {
    auto statements = sql::parse_statements(text);
    if (!statements.ok()) {
      report(statements.status(), text);
      return;
    }
    for (const auto& st : *statements) {
      const auto start = std::chrono::steady_clock::now();
      // On a terminal, Ctrl-C cancels the statement (and the printing of its rows).
      std::optional<CancelOnInterrupt> cancel_on_interrupt;
      if (interactive_) {
        CancellationToken token = CancellationToken::make();
        session_->set_cancellation(token);
        cancel_on_interrupt.emplace(token, interrupts_at_prompt_);
      }
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
          if (cancel_on_interrupt && cancel_on_interrupt->fired()) {
            s = Status::cancelled("cancelled (Ctrl-C): the rest of the rows are not printed");
            break;
          }
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
  int interrupts_at_prompt_ = 0;  // g_interrupts when the last line's prompt was shown
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
