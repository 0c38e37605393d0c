// braid convert SRC DEST: rewrites a data file as Parquet or CSV (the format follows DEST's
// extension, or --to).
#include "cli/commands.h"
#include "cli/table_source.h"
#include "common/file_system.h"
#include "formats/csv/csv_writer.h"
#include "formats/parquet/parquet_writer.h"

namespace braid::cli {

namespace {

struct ConvertOptions {
  std::string source;
  std::string dest;
  std::string to;
  std::string compression = "zstd";
  int64_t row_group_rows = 1 << 20;
  SourceOptions source_options;
};

Status run_convert(const ConvertOptions& options) {
  std::string to = options.to;
  if (to.empty()) {
    auto ends = [&](std::string_view s) {
      return options.dest.size() >= s.size() && options.dest.compare(options.dest.size() - s.size(), s.size(), s) == 0;
    };
    if (ends(".parquet")) to = "parquet";
    else if (ends(".csv")) to = "csv";
    else return Status::invalid_argument("cannot tell the output format of '{}'; pass --to parquet or csv", options.dest);
  }
  BRAID_ASSIGN_OR_RETURN(auto source, open_table_source(options.source, options.source_options));
  auto fs = local_file_system();
  if (to == "parquet") {
    parquet::ParquetWriteOptions w;
    BRAID_ASSIGN_OR_RETURN(w.codec, parquet::parse_codec(options.compression));
    w.row_group_rows = options.row_group_rows;
    BRAID_ASSIGN_OR_RETURN(auto writer, parquet::ParquetWriter::open(fs, options.dest, source->schema(), w));
    while (true) {
      BRAID_ASSIGN_OR_RETURN(auto batch, source->next());
      if (!batch) break;
      BRAID_RETURN_IF_ERROR(writer->write(*batch));
    }
    BRAID_RETURN_IF_ERROR(writer->close());
    std::fprintf(stderr, "wrote %lld rows to %s (%lld bytes)\n", static_cast<long long>(writer->rows_written()),
                 options.dest.c_str(), static_cast<long long>(writer->bytes_written()));
    return Status::OK();
  }
  if (to == "csv") {
    BRAID_ASSIGN_OR_RETURN(auto writer, csv::CsvWriter::open(fs, options.dest, source->schema()));
    while (true) {
      BRAID_ASSIGN_OR_RETURN(auto batch, source->next());
      if (!batch) break;
      BRAID_RETURN_IF_ERROR(writer->write(*batch));
    }
    return writer->close();
  }
  return Status::invalid_argument("unknown output format '{}' (expected parquet or csv)", to);
}

}  // namespace

CommandRunner add_convert_command(CLI::App& app) {
  auto options = std::make_shared<ConvertOptions>();
  CLI::App* cmd = app.add_subcommand("convert", "Rewrite a data file as Parquet or CSV");
  cmd->add_option("SRC", options->source, "The file to read (Parquet, CSV)")->required();
  cmd->add_option("DEST", options->dest, "The file to write (.parquet or .csv)")->required();
  cmd->add_option("--to", options->to, "Output format when DEST's extension does not say: parquet or csv");
  cmd->add_option("--compression", options->compression, "Parquet codec: zstd, snappy, gzip, lz4, brotli, none")
      ->capture_default_str();
  cmd->add_option("--row-group-rows", options->row_group_rows, "Parquet rows per row group")->capture_default_str();
  add_source_options(*cmd, options->source_options);
  return [options] {
    Status s = run_convert(*options);
    return s.ok() ? 0 : report_error(s.to_string());
  };
}

}  // namespace braid::cli
