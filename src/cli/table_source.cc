#include "cli/table_source.h"

#include "cli/option_checks.h"
#include "common/file_system.h"
#include "formats/csv/csv_reader.h"
#include "formats/file_format.h"
#include "formats/parquet/parquet_reader.h"
#include "columnar/temporal.h"
#include "delta/scan.h"
#include "sql/binder.h"

namespace braid::cli {

void add_source_options(CLI::App& cmd, SourceOptions& options) {
  cmd.add_option("--input-format", options.input_format,
                 "Format of the input when its extension does not say: parquet, csv or tsv")
      ->check(one_of({"parquet", "csv", "tsv"}));
  cmd.add_option("--delimiter", options.delimiter, "CSV input: field delimiter (default ',')");
  cmd.add_flag("--no-header", options.no_header, "CSV input: the first line is data");
  cmd.add_option("--null", options.null_string, "CSV input: the text of NULL (default empty)")
      ->each([&options](const std::string&) { options.has_null_string = true; });
  cmd.add_option("--schema", options.schema,
                 "CSV input: every column's name and type, by position ('id BIGINT, qty STRING')");
  cmd.add_option("--csv-mode", options.csv_mode,
                 "CSV input: malformed rows fail the read (FAILFAST, default), are dropped "
                 "(DROPMALFORMED) or kept with their text in _corrupt_record (PERMISSIVE)");
  cmd.add_option("--corrupt-record-column", options.corrupt_record_column,
                 "CSV input, --csv-mode PERMISSIVE: the name of the column of malformed rows' text");
  cmd.add_flag("--no-verify-checksums{false}", options.verify_checksums,
               "Parquet input and Delta tables: read pages whose CRC does not match instead of failing "
               "(to salvage what a damaged file still holds)");
  cmd.add_option("--version", options.version, "Delta table: read this version (time travel)")->check(at_least(0));
  cmd.add_option("--timestamp", options.timestamp,
                 "Delta table: read the version current at this time ('2024-01-31 10:00:00', UTC)");
}

Status TableSource::select_columns(const std::string& names) {
  if (names.empty()) return Status::OK();
  const SchemaPtr& full = schema();
  std::vector<FieldPtr> fields;
  size_t start = 0;
  while (start <= names.size()) {
    size_t end = names.find(',', start);
    if (end == std::string::npos) end = names.size();
    std::string name = names.substr(start, end - start);
    int i = full->field_index(name);
    if (i < 0) {
      std::string available;
      for (const auto& f : full->fields()) available += (available.empty() ? "" : ", ") + f->name();
      return Status::not_found("no column '{}' (columns: {})", name, available);
    }
    projection_.push_back(i);
    fields.push_back(full->field(i));
    start = end + 1;
  }
  projected_schema_ = braid::schema(std::move(fields));
  return Status::OK();
}

Result<RecordBatchPtr> TableSource::project(RecordBatchPtr batch) const {
  if (batch == nullptr || projection_.empty()) return batch;
  BRAID_ASSIGN_OR_RETURN(auto selected, batch->select(projection_));
  return selected;
}

namespace {

class CsvSource final : public TableSource {
 public:
  CsvSource(std::unique_ptr<csv::CsvReader> reader, std::string path, csv::MalformedMode mode)
      : reader_(std::move(reader)), path_(std::move(path)), mode_(mode) {}
  const SchemaPtr& schema() const override {
    return projected_schema_ ? projected_schema_ : reader_->schema();
  }
  Result<RecordBatchPtr> next() override {
    BRAID_ASSIGN_OR_RETURN(auto batch, reader_->next());
    if (batch == nullptr && !reported_ && mode_ == csv::MalformedMode::kDropMalformed &&
        reader_->malformed().count > 0) {
      // Dropped rows are never silent.
      reported_ = true;
      std::fprintf(stderr, "braid: warning: %s\n", reader_->malformed().describe(path_, mode_).c_str());
    }
    return project(std::move(batch));
  }

 private:
  std::unique_ptr<csv::CsvReader> reader_;
  std::string path_;
  csv::MalformedMode mode_;
  bool reported_ = false;
};

class ParquetSource final : public TableSource {
 public:
  explicit ParquetSource(std::unique_ptr<parquet::ParquetReader> reader) : reader_(std::move(reader)) {}
  const SchemaPtr& schema() const override {
    return projected_schema_ ? projected_schema_ : reader_->schema();
  }
  Result<RecordBatchPtr> next() override {
    BRAID_ASSIGN_OR_RETURN(auto batch, reader_->next());
    return project(std::move(batch));
  }

 private:
  std::unique_ptr<parquet::ParquetReader> reader_;
};

class DeltaSource final : public TableSource {
 public:
  explicit DeltaSource(std::unique_ptr<delta::DeltaScan> scan) : scan_(std::move(scan)) {}
  const SchemaPtr& schema() const override {
    return projected_schema_ ? projected_schema_ : scan_->schema();
  }
  Result<RecordBatchPtr> next() override {
    BRAID_ASSIGN_OR_RETURN(auto batch, scan_->next());
    return project(std::move(batch));
  }

 private:
  std::unique_ptr<delta::DeltaScan> scan_;
};

std::string detect_format(const std::string& path, const SourceOptions& options) {
  if (!options.input_format.empty()) return options.input_format;
  return std::string(format_name(format_from_extension(path)));
}

// The CSV reading options given, which mean nothing for an input of another format: an error
// naming the first, so that no option is silently ignored.
Status refuse_csv_options(const SourceOptions& options, const std::string& path, std::string_view what) {
  for (const auto& [given, flag] : {std::pair{!options.delimiter.empty(), "--delimiter"},
                                    std::pair{options.no_header, "--no-header"},
                                    std::pair{options.has_null_string, "--null"},
                                    std::pair{!options.schema.empty(), "--schema"},
                                    std::pair{!options.csv_mode.empty(), "--csv-mode"},
                                    std::pair{!options.corrupt_record_column.empty(), "--corrupt-record-column"}}) {
    if (given) return Status::invalid_argument("{} applies to CSV input; '{}' is {}", flag, path, what);
  }
  return Status::OK();
}

parquet::ParquetReadOptions parquet_options(const SourceOptions& options) {
  parquet::ParquetReadOptions read;
  read.verify_checksums = options.verify_checksums;
  return read;
}

}  // namespace

Result<delta::SnapshotPtr> open_delta_snapshot(const std::string& path, const SourceOptions& options) {
  auto store = std::make_shared<const delta::LogStore>(local_file_system(), path);
  if (options.version >= 0 && !options.timestamp.empty()) {
    return Status::invalid_argument("give --version or --timestamp, not both");
  }
  if (!options.timestamp.empty()) {
    auto ts = temporal::parse_timestamp(options.timestamp, TimeUnit::kMicro);
    if (!ts) {
      return Status::invalid_argument("--timestamp '{}' is not a timestamp (expected 'YYYY-MM-DD[ HH:MM:SS]')",
                                      options.timestamp);
    }
    return delta::load_snapshot_at(store, ts->value / 1000);
  }
  return delta::load_snapshot(store, options.version >= 0 ? std::optional<int64_t>(options.version) : std::nullopt);
}

Result<std::unique_ptr<TableSource>> open_table_source(const std::string& path,
                                                       const SourceOptions& options) {
  auto fs = local_file_system();
  BRAID_ASSIGN_OR_RETURN(FileInfo info, fs->stat(path));
  std::string format = detect_format(path, options);
  if (info.is_directory) {
    if (!options.input_format.empty()) {
      return Status::invalid_argument("--input-format applies to files; '{}' is a folder (read as a Delta table)", path);
    }
    BRAID_RETURN_IF_ERROR(refuse_csv_options(options, path, "a Delta table"));
    BRAID_ASSIGN_OR_RETURN(auto snapshot, open_delta_snapshot(path, options));
    delta::ScanOptions scan_options;
    scan_options.verify_checksums = options.verify_checksums;
    BRAID_ASSIGN_OR_RETURN(auto scan, delta::DeltaScan::make(std::move(snapshot), scan_options));
    return std::unique_ptr<TableSource>(std::make_unique<DeltaSource>(std::move(scan)));
  }
  if (options.version >= 0 || !options.timestamp.empty()) {
    return Status::invalid_argument("--version and --timestamp apply to Delta tables; '{}' is a file", path);
  }
  if (format == "csv" || format == "tsv") {
    if (!options.verify_checksums) {
      return Status::invalid_argument("--no-verify-checksums applies to Parquet input and Delta tables; '{}' is CSV",
                                      path);
    }
    csv::CsvReadOptions csv_options;
    if (format == "tsv") csv_options.delimiter = '\t';
    if (!options.delimiter.empty()) {
      std::string d = options.delimiter == "\\t" ? "\t" : options.delimiter;
      if (d.size() != 1) {
        return Status::invalid_argument("--delimiter must be one character, not '{}'", d);
      }
      csv_options.delimiter = d[0];
    }
    csv_options.header = !options.no_header;
    if (options.has_null_string) csv_options.null_values = {options.null_string};
    if (!options.schema.empty()) {
      auto schema = sql::schema_from_ddl(options.schema);
      if (!schema.ok()) return Status(schema.status()).with_context_f("--schema '{}'", options.schema);
      csv_options.schema = *schema;
    }
    if (!options.csv_mode.empty()) {
      BRAID_ASSIGN_OR_RETURN(csv_options.mode, csv::parse_malformed_mode(options.csv_mode));
    }
    if (!options.corrupt_record_column.empty()) {
      if (csv_options.mode != csv::MalformedMode::kPermissive) {
        return Status::invalid_argument("--corrupt-record-column needs --csv-mode PERMISSIVE");
      }
      csv_options.corrupt_record_column = options.corrupt_record_column;
    }
    BRAID_ASSIGN_OR_RETURN(auto reader, csv::CsvReader::open(fs, path, csv_options));
    return std::unique_ptr<TableSource>(std::make_unique<CsvSource>(std::move(reader), path, csv_options.mode));
  }
  if (format == "parquet") {
    BRAID_RETURN_IF_ERROR(refuse_csv_options(options, path, "Parquet"));
    BRAID_ASSIGN_OR_RETURN(auto reader, parquet::ParquetReader::open(fs, path, parquet_options(options)));
    return std::unique_ptr<TableSource>(std::make_unique<ParquetSource>(std::move(reader)));
  }
  // No telling extension: a Parquet file says so in its first bytes.
  BRAID_ASSIGN_OR_RETURN(auto file, fs->open_read(path));
  if (file->size() >= 4) {
    BRAID_ASSIGN_OR_RETURN(std::string magic, file->read_range(0, 4));
    if (magic == "PAR1" || magic == "PARE") {  // PARE: encrypted footer; the reader says so
      BRAID_RETURN_IF_ERROR(refuse_csv_options(options, path, "Parquet"));
      BRAID_ASSIGN_OR_RETURN(auto reader, parquet::ParquetReader::open(fs, path, parquet_options(options)));
      return std::unique_ptr<TableSource>(std::make_unique<ParquetSource>(std::move(reader)));
    }
  }
  return Status::invalid_argument(
      "cannot tell the format of '{}' from its name; pass --input-format parquet, csv or tsv", path);
}

}  // namespace braid::cli
