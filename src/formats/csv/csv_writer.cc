#include "formats/csv/csv_writer.h"

namespace braid::csv {

namespace {

RowOutputOptions row_options_of(CsvWriteOptions options) {
  RowOutputOptions row_options;
  row_options.format = RowFormat::kCsv;
  row_options.delimiter = options.delimiter;
  row_options.header = options.header;
  row_options.null_string = std::move(options.null_string);
  return row_options;
}

}  // namespace

CsvWriter::CsvWriter(std::unique_ptr<WritableFile> file, std::unique_ptr<RowWriter> rows)
    : file_(std::move(file)), rows_(std::move(rows)) {}

Result<std::unique_ptr<CsvWriter>> CsvWriter::open(std::shared_ptr<FileSystem> fs,
                                                   std::string path, SchemaPtr schema,
                                                   CsvWriteOptions options) {
  BRAID_ASSIGN_OR_RETURN(auto file, fs->open_write(path));
  auto rows = make_row_writer(std::move(schema), *file, row_options_of(std::move(options)));
  return std::unique_ptr<CsvWriter>(new CsvWriter(std::move(file), std::move(rows)));
}

Result<std::unique_ptr<CsvWriter>> CsvWriter::open(OutputStream& out, SchemaPtr schema, CsvWriteOptions options) {
  auto rows = make_row_writer(std::move(schema), out, row_options_of(std::move(options)));
  return std::unique_ptr<CsvWriter>(new CsvWriter(nullptr, std::move(rows)));
}

Status CsvWriter::write(const RecordBatch& batch) { return rows_->write(batch); }

Status CsvWriter::close() {
  BRAID_RETURN_IF_ERROR(rows_->finish());
  return file_ ? file_->close() : Status::OK();
}

}  // namespace braid::csv
