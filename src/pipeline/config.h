// Pipeline files: the TOML that describes a pipeline's sources, flows and expectations, read and
// validated before anything runs.
//
// The shape (README, "Pipelines"): [pipeline] name/warehouse/parallelism/fail_fast, [params]
// pipeline-wide parameters, [sources.NAME] path/format/cache (and schema/mode/corrupt_record_column
// for CSV), and [flows.NAME] with for_each, prepare,
// stage, view, merge, guard, depends_on, on_conflict, max_retries, timeout and [[flows.NAME.expect]]
// rules. Validation checks every key, type, SQL text, name and the flow graph, and reports every
// problem found (not only the first) with its line in the file.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "braid/result.h"

namespace braid::pipeline {

enum class ExpectAction { kFail, kDrop, kWarn, kQuarantine };
std::string_view expect_action_name(ExpectAction action);

struct Expectation {
  std::string name;
  std::string check;  // a boolean SQL expression over the staged rows
  ExpectAction action = ExpectAction::kFail;
  int line = 0;
};

// A literal for_each row: parameter name -> SQL literal text ("'us-east'", "42", "true").
using ParamRow = std::map<std::string, std::string>;

struct Flow {
  std::string name;
  int line = 0;
  // One task per row: either a query (its columns are the parameters) or literal rows. Neither:
  // the flow runs as one task without parameters.
  std::optional<std::string> for_each_sql;
  std::vector<ParamRow> for_each_rows;
  std::vector<std::string> prepare;  // statements each task runs first (CREATE TABLE IF NOT EXISTS ...)
  std::string stage;                 // the query whose rows the task writes
  std::string view = "staged";       // the name the staged rows have in the task
  std::string merge;                 // the DML statement (MERGE, INSERT, UPDATE, DELETE)
  std::optional<std::string> guard;  // every written row must satisfy it
  std::vector<std::string> depends_on;
  bool retry_on_conflict = true;     // on_conflict = "retry" | "fail"
  int max_retries = 3;
  std::optional<int64_t> timeout_ms;
  std::vector<Expectation> expectations;
  // Filled by validation: the table the DML writes, as named in the SQL.
  std::string target;
};

struct Source {
  std::string name;
  std::string path;    // as given (relative to the pipeline file's folder)
  std::string format;  // "parquet", "csv" or "delta"
  // Read once per run and kept in memory, so tasks filter decoded rows instead of each
  // decoding the files again (cache = false: every task scans the files, skipping what it can).
  bool cache = true;
  // CSV: read_csv's schema (a DDL string), mode and corrupt-record column name ("": default).
  std::string schema;
  std::string mode;
  std::string corrupt_record_column;
  int line = 0;

  // The read options of a CSV source, as Session::create_source_view takes them.
  std::vector<std::pair<std::string, std::string>> read_options() const;
};

struct PipelineConfig {
  std::string file;          // the pipeline file, as given
  std::string base_dir;      // its folder: relative paths resolve against it
  std::string name;
  std::string warehouse;     // absolute or relative to base_dir, as given
  int parallelism = 0;       // 0: the worker pool's concurrency
  bool fail_fast = false;
  std::map<std::string, std::string> params;  // [params]: name -> SQL literal text
  std::vector<Source> sources;
  std::vector<Flow> flows;   // in dependency order (a flow after every flow it depends on)

  // A path of the file resolved against base_dir.
  std::string resolve(const std::string& path) const;
  std::string warehouse_path() const { return resolve(warehouse); }
  const Flow* find_flow(const std::string& name) const;
};

// Reads and validates a pipeline file. On problems, kInvalidArgument (kParseError for TOML
// syntax) whose message lists every problem as "FILE:LINE: what is wrong", one per line.
Result<PipelineConfig> load_pipeline(const std::string& path);
// The same from text (for tests); `file` names it in messages and gives base_dir.
Result<PipelineConfig> parse_pipeline(std::string_view text, const std::string& file);

// The parameters (`:name`, in lower case) the pipeline's SQL uses: its for_each queries, prepare
// statements, stages, DML statements, guards and expectations.
std::set<std::string> parameters_used(const PipelineConfig& config);
// kInvalidArgument naming the first of `names` (a run's --param names) that no SQL of the
// pipeline uses, with the used one it is a typo of: a value no statement reads would leave the
// run to use the file's value, or none, while the user believes theirs was used.
Status check_parameters_used(const PipelineConfig& config, const std::vector<std::string>& names);

// "10m", "30s", "1h30m", "500ms", "2d", or a bare number of seconds.
Result<int64_t> parse_duration_ms(std::string_view text);

}  // namespace braid::pipeline
