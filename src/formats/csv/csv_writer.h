// CsvWriter: writes RecordBatches to a CSV file, in the same text format as `--format csv`
// (see columnar/row_output.h): header line, RFC 4180 quoting, NULL as an empty field, "" for an
// empty string, timestamps "YYYY-MM-DD HH:MM:SS[.ffffff]".
// Thread-safety: one thread at a time.
#pragma once

#include <memory>
#include <string>

#include "braid/result.h"
#include "columnar/record_batch.h"
#include "columnar/row_output.h"
#include "common/file_system.h"

namespace braid::csv {

struct CsvWriteOptions {
  char delimiter = ',';
  bool header = true;
  std::string null_string;
};

class CsvWriter {
 public:
  static Result<std::unique_ptr<CsvWriter>> open(std::shared_ptr<FileSystem> fs, std::string path,
                                                 SchemaPtr schema, CsvWriteOptions options = {});
  // Writes to a stream the caller owns (it must outlive the writer; close() flushes it).
  static Result<std::unique_ptr<CsvWriter>> open(OutputStream& out, SchemaPtr schema, CsvWriteOptions options = {});
  Status write(const RecordBatch& batch);
  // Writes the header if nothing was written, flushes and closes the file (a stream is flushed).
  Status close();

 private:
  CsvWriter(std::unique_ptr<WritableFile> file, std::unique_ptr<RowWriter> rows);
  std::unique_ptr<WritableFile> file_;  // when opened by path
  std::unique_ptr<RowWriter> rows_;
};

}  // namespace braid::csv
