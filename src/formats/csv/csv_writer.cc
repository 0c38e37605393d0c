#include "formats/csv/csv_writer.h"

namespace braid::csv {

CsvWriter::CsvWriter(std::unique_ptr<WritableFile> file, std::unique_ptr<RowWriter> rows)
    : file_(std::move(file)), rows_(std::move(rows)) {}

Result<std::unique_ptr<CsvWriter>> CsvWriter::open(std::shared_ptr<FileSystem> fs,
                                                   std::string path, SchemaPtr schema,
                                                   CsvWriteOptions options) {
  BRAID_ASSIGN_OR_RETURN(auto file, fs->open_write(path));
  RowOutputOptions row_options;
  row_options.format = RowFormat::kCsv;
  row_options.delimiter = options.delimiter;
  row_options.header = options.header;
  row_options.null_string = std::move(options.null_string);
  auto rows = make_row_writer(std::move(schema), *file, row_options);
  return std::unique_ptr<CsvWriter>(new CsvWriter(std::move(file), std::move(rows)));
}

Status CsvWriter::write(const RecordBatch& batch) { return rows_->write(batch); }

Status CsvWriter::close() {
  BRAID_RETURN_IF_ERROR(rows_->finish());
  return file_->close();
}

}  // namespace braid::csv
