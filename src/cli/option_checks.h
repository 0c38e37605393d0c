// Checks of option values that run while the command line is parsed, so that a bad value is a
// usage error (exit 2) naming the option, before any work starts; and the usage error itself.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace braid::cli {

// The value is one of `values` (compared exactly): "'xml' is not one of table, csv, jsonl".
CLI::Validator one_of(std::vector<std::string> values);
// An output format of rows: table, csv or jsonl.
CLI::Validator row_format();
// An integer >= min.
CLI::Validator at_least(int64_t min);
// A number >= 0.
CLI::Validator non_negative();
// Not "".
CLI::Validator non_empty();
// name=value with a non-empty name.
CLI::Validator name_value();
// A memory size: 512MB, 2GB, ...
CLI::Validator memory_size();
// A Parquet codec name (zstd, snappy, gzip, lz4, brotli, none).
CLI::Validator parquet_codec();

// Whether the option named `name` (e.g. "--compression") was given to `command`.
bool given(const CLI::App& command, const std::string& name);

// "braid: error: <message>" and a hint to the command's --help on stderr; returns 2.
int usage_error(const CLI::App& command, const std::string& message);

}  // namespace braid::cli
