#include "cli/option_checks.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>

#include "columnar/row_output.h"
#include "common/memory_tracker.h"
#include "formats/parquet/parquet_writer.h"

namespace braid::cli {

CLI::Validator one_of(std::vector<std::string> values) {
  const std::string desc = fmt::format("{{{}}}", fmt::join(values, ","));
  return CLI::Validator(
      [values](std::string& value) -> std::string {
        for (const auto& v : values) {
          if (v == value) return "";
        }
        return fmt::format("'{}' is not one of {}", value, fmt::join(values, ", "));
      },
      desc);
}

CLI::Validator row_format() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        auto format = parse_row_format(value);
        return format.ok() ? "" : format.status().message();
      },
      "{table,csv,jsonl}");
}

CLI::Validator at_least(int64_t min) {
  return CLI::Validator(
      [min](std::string& value) -> std::string {
        int64_t n = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
        if (ec != std::errc() || end != value.data() + value.size()) {
          return fmt::format("'{}' is not a whole number", value);
        }
        if (n < min) return fmt::format("must be at least {}, not {}", min, value);
        return "";
      },
      "");
}

CLI::Validator non_negative() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        char* end = nullptr;
        const double x = std::strtod(value.c_str(), &end);
        if (value.empty() || *end != '\0') return fmt::format("'{}' is not a number", value);
        if (!(x >= 0)) return fmt::format("must be 0 or more, not {}", value);
        return "";
      },
      "");
}

CLI::Validator non_empty() {
  return CLI::Validator([](std::string& value) -> std::string { return value.empty() ? "empty" : ""; }, "");
}

CLI::Validator name_value() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        const auto eq = value.find('=');
        if (eq == std::string::npos || eq == 0) return fmt::format("'{}': expected name=value", value);
        return "";
      },
      "");
}

CLI::Validator memory_size() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        auto bytes = parse_memory_size(value);
        return bytes.ok() ? "" : bytes.status().message();
      },
      "");
}

CLI::Validator parquet_codec() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        auto codec = parquet::parse_codec(value);
        return codec.ok() ? "" : codec.status().message();
      },
      "");
}

bool given(const CLI::App& command, const std::string& name) {
  const CLI::Option* option = command.get_option_no_throw(name);
  return option != nullptr && option->count() > 0;
}

int usage_error(const CLI::App& command, const std::string& message) {
  std::string path = command.get_name();
  for (const CLI::App* p = command.get_parent(); p != nullptr; p = p->get_parent()) path = p->get_name() + " " + path;
  std::fprintf(stderr, "braid: error: %s\n", message.c_str());
  if (command.get_parent() == nullptr) {
    std::fprintf(stderr, "Run 'braid help' for the commands.\n");
  } else {
    std::fprintf(stderr, "Run '%s --help' for the options of %s.\n", path.c_str(), command.get_name().c_str());
  }
  return 2;
}

}  // namespace braid::cli
