// braid: parallel data pipelines that MERGE into Delta Lake tables. This is the command line.
//
// Exit status: 0 success, 1 the command failed, 2 the command line is wrong (unknown command or
// option, missing or extra argument, bad value, options that contradict each other). Every
// error is one "braid: error: ..." line on stderr (a usage error adds a hint to --help).
#include <malloc.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <vector>

#include "braid/version.h"
#include "cli/commands.h"
#include "cli/option_checks.h"
#include "common/nearest_name.h"

namespace braid::cli {

int report_error(const std::string& message) {
  std::fprintf(stderr, "braid: error: %s\n", message.c_str());
  return 1;
}

namespace {

std::vector<std::string> command_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) names.push_back(sub->get_name());
  return names;
}

std::vector<std::string> option_names(const CLI::App& command) {
  std::vector<std::string> names;
  for (const CLI::Option* o : command.get_options()) {
    for (const auto& n : o->get_lnames()) names.push_back("--" + n);
    for (const auto& n : o->get_snames()) names.push_back("-" + n);
  }
  return names;
}

// The command being parsed when the error came: the chosen subcommand, or the program.
const CLI::App& failing_command(const CLI::App& app) {
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->parsed()) return *sub;
  }
  return app;
}

// An option given before any command's name.
std::string top_level_option_message(const CLI::App& app, const std::string& word) {
  const std::string name = word.substr(0, word.find('='));
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    const auto names = option_names(*sub);
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      return "'" + name + "' is an option of a command: put it after the command's name";
    }
  }
  return "unknown option '" + name + "'" + did_you_mean(name, option_names(app));
}

// CLI11's message for a parse error, in braid's words where they say more.
std::string usage_message(const CLI::App& app, const CLI::App& command, const CLI::ParseError& e,
                          const std::vector<std::string>& args) {
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
    // Options before a command's name, or words where no command was recognised, are the
    // program's extras; the rest are the command's.
    if (&command == &app && !args.empty() && !args.front().empty() && args.front()[0] != '-') {
      return "unknown command '" + args.front() + "'" + did_you_mean(args.front(), command_names(app));
    }
    const std::vector<std::string> before = app.remaining();
    for (const auto& word : before) {
      if (word.size() > 1 && word[0] == '-') return top_level_option_message(app, word);
    }
    if (&command == &app && !before.empty()) return "unexpected argument '" + before.back() + "'";
    // An unknown option is the cause; values after it then look like extra arguments.
    const std::vector<std::string> extras = command.remaining();
    for (const auto& extra : extras) {
      if (extra.size() > 1 && extra[0] == '-') {
        const std::string name = extra.substr(0, extra.find('='));
        return "unknown option '" + name + "' for 'braid " + command.get_name() + "'" +
               did_you_mean(name, option_names(command));
      }
    }
    if (!extras.empty()) return "unexpected argument '" + extras.front() + "' for 'braid " + command.get_name() + "'";
  }
  std::string message = e.what();
  if (dynamic_cast<const CLI::ConversionError*>(&e) != nullptr) {
    // "Could not convert: --limit = abc"
    const std::string prefix = "Could not convert: ";
    const auto eq = message.find(" = ");
    if (message.rfind(prefix, 0) == 0 && eq != std::string::npos) {
      const std::string name = message.substr(prefix.size(), eq - prefix.size());
      const std::string value = message.substr(eq + 3);
      std::string type = "a valid value";
      if (const CLI::Option* o = command.get_option_no_throw(name)) {
        if (o->get_type_name() == "INT" || o->get_type_name() == "UINT") type = "a whole number";
        if (o->get_type_name() == "FLOAT") type = "a number";
      }
      message = name + ": '" + value + "' is not " + type;
    }
  }
  if (&command != &app) message = command.get_name() + ": " + message;
  return message;
}

int run(int argc, char** argv) {
  CLI::App app{"braid: parallel data pipelines that MERGE into Delta Lake tables", "braid"};
  app.set_version_flag("--version,-V", std::string("braid ") + kVersion);
  app.require_subcommand(0, 1);
  app.footer("Run 'braid COMMAND --help' (or 'braid help COMMAND') for the options of a command.");

  std::vector<std::pair<CLI::App*, CommandRunner>> commands;
  auto add = [&](CommandRunner runner) {
    commands.emplace_back(app.get_subcommands({}).back(), std::move(runner));
  };
  add(add_cat_command(app));
  add(add_schema_command(app));
  add(add_meta_command(app));
  add(add_convert_command(app));
  add(add_describe_command(app));
  add(add_history_command(app));
  add(add_load_command(app));
  add(add_vacuum_command(app));
  add(add_optimize_command(app));
  add(add_sql_command(app));
  add(add_shell_command(app));
  add(add_run_command(app));
  add(add_validate_command(app));
  add(add_audit_command(app));
  add(add_runs_command(app));

  // braid help [COMMAND]: the same text as --help.
  std::string help_topic;
  CLI::App* help = app.add_subcommand("help", "Print the help of braid, or of a command");
  help->add_option("COMMAND", help_topic, "The command");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version end parsing through an "error" that is a success.
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);
    const CLI::App& command = failing_command(app);
    return usage_error(command, usage_message(app, command, e, std::vector<std::string>(argv + 1, argv + argc)));
  }
  if (help->parsed()) {
    if (help_topic.empty()) {
      std::fputs(app.get_formatter()->make_help(&app, app.get_name(), CLI::AppFormatMode::Normal).c_str(), stdout);
      return 0;
    }
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
      if (sub->get_name() == help_topic) {
        std::fputs(sub->help(app.get_name()).c_str(), stdout);
        return 0;
      }
    }
    return usage_error(app, "unknown command '" + help_topic + "'" + did_you_mean(help_topic, command_names(app)));
  }
  for (auto& [sub, runner] : commands) {
    if (sub->parsed()) return runner();
  }
  std::fputs(app.help().c_str(), stdout);
  return 0;
}

}  // namespace
}  // namespace braid::cli

int main(int argc, char** argv) {
  // Column buffers are large and short-lived (a row group's columns, an operator's output). By
  // default glibc maps each one over 128 KiB fresh from the kernel and unmaps it when freed, so
  // every buffer pays its page faults again; keeping freed memory in the process lets the next
  // batch reuse it (measured: ~15% of a scan-and-aggregate query's time).
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  try {
    return braid::cli::run(argc, argv);
  } catch (const std::exception& e) {
    return braid::cli::report_error(std::string("internal error: ") + e.what());
  } catch (...) {
    return braid::cli::report_error("internal error: unknown exception");
  }
}
