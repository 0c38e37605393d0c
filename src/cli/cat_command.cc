// braid cat FILE: prints the rows of a data file.
//
// The table format shows the first 40 rows (the footer gives the total and says how to see
// more); csv and jsonl print every row, being meant for files and pipes. --limit N prints the
// first N rows in every format (reading no further), --limit 0 all of them.
#include <unistd.h>

#include "cli/commands.h"
#include "cli/option_checks.h"
#include "cli/table_source.h"
#include "columnar/row_output.h"
#include "common/file_system.h"

namespace braid::cli {

namespace {

struct CatOptions {
  std::string path;
  std::string format = "table";
  std::string columns;
  int64_t limit = -1;
  SourceOptions source;
};

Status run_cat(const CatOptions& options) {
  BRAID_ASSIGN_OR_RETURN(RowFormat format, parse_row_format(options.format));
  BRAID_ASSIGN_OR_RETURN(auto source, open_table_source(options.path, options.source));
  BRAID_RETURN_IF_ERROR(source->select_columns(options.columns));

  auto out = stdout_stream();
  RowOutputOptions row_options;
  row_options.format = format;
  // An explicit --limit shows every row asked for; otherwise the table stops at 40.
  if (options.limit >= 0) row_options.max_rows = -1;
  row_options.more_rows_hint = kMoreRowsHint;
  auto writer = make_row_writer(source->schema(), *out, row_options);

  int64_t remaining = options.limit > 0 ? options.limit : -1;
  while (remaining != 0) {
    BRAID_ASSIGN_OR_RETURN(RecordBatchPtr batch, source->next());
    if (batch == nullptr) break;
    if (remaining > 0 && batch->num_rows() > remaining) batch = batch->slice(0, remaining);
    BRAID_RETURN_IF_ERROR(writer->write(*batch));
    if (remaining > 0) remaining -= batch->num_rows();
  }
  return writer->finish();
}

}  // namespace

CommandRunner add_cat_command(CLI::App& app) {
  auto options = std::make_shared<CatOptions>();
  CLI::App* cmd = app.add_subcommand("cat", "Print the rows of a data file (Parquet, CSV) or a Delta table");
  cmd->add_option("FILE", options->path, "The file to read")->required();
  cmd->add_option("--format,-f", options->format, "Output format: table, csv or jsonl")
      ->capture_default_str()
      ->check(row_format());
  cmd->add_option("--columns,-c", options->columns, "Comma-separated columns to print, in order")->check(non_empty());
  cmd->add_option("--limit,-n", options->limit,
                  "Print the first N rows (0: all; default: all, and the table format shows 40)")
      ->check(at_least(0));
  add_source_options(*cmd, options->source);
  return [options] {
    Status s = run_cat(*options);
    if (!s.ok()) return report_error(s.to_string());
    return 0;
  };
}

}  // namespace braid::cli
