// braid convert SRC DEST: rewrites a data file as Parquet or CSV (the format follows DEST's
// extension, or --to).
//
// DEST is written all or nothing (common/atomic_output_file.h): a bad row in SRC, a full disk,
// Ctrl-C or SIGTERM leave DEST exactly as it was, or absent.
#include <algorithm>

#include "cli/commands.h"
#include "cli/interrupt.h"
#include "cli/option_checks.h"
#include "cli/table_source.h"
#include "common/atomic_output_file.h"
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

// "parquet" or "csv" from --to or DEST's extension; "" when neither says.
std::string output_format(const ConvertOptions& options) {
  if (!options.to.empty()) return options.to;
  auto ends = [&](std::string_view s) {
    return options.dest.size() >= s.size() && options.dest.compare(options.dest.size() - s.size(), s.size(), s) == 0;
  };
  if (ends(".parquet")) return "parquet";
  if (ends(".csv")) return "csv";
  return "";
}

Status run_convert(const ConvertOptions& options, const std::string& to, const InterruptScope& interrupt) {
  BRAID_ASSIGN_OR_RETURN(auto source, open_table_source(options.source, options.source_options));
  BRAID_ASSIGN_OR_RETURN(auto out, AtomicOutputFile::open(local_file_system(), options.dest));
  int64_t rows = 0;
  // Declared after `out`, so a writer never outlives the stream it writes to.
  std::unique_ptr<parquet::ParquetWriter> parquet_writer;
  std::unique_ptr<csv::CsvWriter> csv_writer;
  if (to == "parquet") {
    parquet::ParquetWriteOptions w;
    BRAID_ASSIGN_OR_RETURN(w.codec, parquet::parse_codec(options.compression));
    w.row_group_rows = options.row_group_rows;
    BRAID_ASSIGN_OR_RETURN(parquet_writer, parquet::ParquetWriter::open(*out, source->schema(), w));
  } else {
    BRAID_ASSIGN_OR_RETURN(csv_writer, csv::CsvWriter::open(*out, source->schema()));
  }
  // A source batch can be a whole row group of millions of rows: written in slices, so that
  // Ctrl-C is answered within a moment.
  constexpr int64_t kSliceRows = 1 << 16;
  while (true) {
    BRAID_RETURN_IF_ERROR(interrupt.check());
    BRAID_ASSIGN_OR_RETURN(auto batch, source->next());
    if (!batch) break;
    for (int64_t offset = 0; offset < batch->num_rows(); offset += kSliceRows) {
      BRAID_RETURN_IF_ERROR(interrupt.check());
      RecordBatchPtr slice = batch->slice(offset, std::min(kSliceRows, batch->num_rows() - offset));
      BRAID_RETURN_IF_ERROR(parquet_writer ? parquet_writer->write(*slice) : csv_writer->write(*slice));
    }
    rows += batch->num_rows();
  }
  BRAID_RETURN_IF_ERROR(parquet_writer ? parquet_writer->close() : csv_writer->close());
  BRAID_RETURN_IF_ERROR(interrupt.check());
  BRAID_RETURN_IF_ERROR(out->commit());
  std::fprintf(stderr, "wrote %lld rows to %s (%llu bytes)\n", static_cast<long long>(rows), options.dest.c_str(),
               static_cast<unsigned long long>(out->bytes_written()));
  return Status::OK();
}

}  // namespace

CommandRunner add_convert_command(CLI::App& app) {
  auto options = std::make_shared<ConvertOptions>();
  CLI::App* cmd = app.add_subcommand("convert", "Rewrite a data file as Parquet or CSV");
  cmd->add_option("SRC", options->source, "The file to read (Parquet, CSV)")->required();
  cmd->add_option("DEST", options->dest,
                  "The file to write (.parquet or .csv); replaced only when the whole conversion succeeded")
      ->required();
  cmd->add_option("--to", options->to, "Output format when DEST's extension does not say: parquet or csv")
      ->check(one_of({"parquet", "csv"}));
  cmd->add_option("--compression", options->compression, "Parquet codec: zstd, snappy, gzip, lz4, brotli, none")
      ->capture_default_str()
      ->check(parquet_codec());
  cmd->add_option("--row-group-rows", options->row_group_rows, "Parquet rows per row group")
      ->capture_default_str()
      ->check(at_least(1));
  add_source_options(*cmd, options->source_options);
  return [options, cmd] {
    const std::string to = output_format(*options);
    if (to.empty()) {
      return usage_error(*cmd, "cannot tell the output format of '" + options->dest + "'; pass --to parquet or csv");
    }
    if (to == "csv") {
      for (const char* parquet_only : {"--compression", "--row-group-rows"}) {
        if (given(*cmd, parquet_only)) {
          return usage_error(*cmd, std::string(parquet_only) + " applies to Parquet output; '" + options->dest +
                                       "' is written as CSV");
        }
      }
    }
    InterruptScope interrupt;
    Status s = run_convert(*options, to, interrupt);
    if (s.ok()) return 0;
    if (s.code() == StatusCode::kCancelled) {
      return report_error("convert " + s.message() + ": '" + options->dest + "' was left as it was");
    }
    return report_error(s.to_string());
  };
}

}  // namespace braid::cli
