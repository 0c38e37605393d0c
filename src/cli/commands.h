// The braid program's commands. Each command file registers its subcommand on the app and
// returns the code the program exits with: 0 success, 1 failure (message on stderr), 2 usage.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>

#include "braid/result.h"

namespace braid::catalog {
class Session;
}

namespace braid::cli {

// A registered command: called after parsing when its subcommand was chosen.
using CommandRunner = std::function<int()>;

CommandRunner add_cat_command(CLI::App& app);
CommandRunner add_schema_command(CLI::App& app);
CommandRunner add_meta_command(CLI::App& app);
CommandRunner add_convert_command(CLI::App& app);
CommandRunner add_describe_command(CLI::App& app);
CommandRunner add_history_command(CLI::App& app);
CommandRunner add_load_command(CLI::App& app);
CommandRunner add_vacuum_command(CLI::App& app);
CommandRunner add_optimize_command(CLI::App& app);
CommandRunner add_sql_command(CLI::App& app);
CommandRunner add_shell_command(CLI::App& app);
CommandRunner add_run_command(CLI::App& app);
CommandRunner add_validate_command(CLI::App& app);
CommandRunner add_audit_command(CLI::App& app);
CommandRunner add_runs_command(CLI::App& app);

// The session `braid sql` and `braid shell` run in: over `warehouse`, with the --memory-limit
// text given (empty: none).
Result<std::unique_ptr<catalog::Session>> open_sql_session(const std::string& warehouse,
                                                           const std::string& memory_limit);

// The table format's footer when it left rows out, for commands with --limit.
inline constexpr const char* kMoreRowsHint = "--limit N or --limit 0 for all";

// Prints "braid: error: <message>" to stderr and returns 1.
int report_error(const std::string& message);

}  // namespace braid::cli
