// CsvReader: streams a CSV file into RecordBatches, parsing blocks in parallel.
//
// Dialect: RFC 4180 by default (',' delimiter, '"' quotes, a quote inside a quoted field written
// twice, line breaks allowed inside quotes, "\n" or "\r\n" line ends, an optional UTF-8 BOM).
// Column types come from `schema`/`column_types` when given, otherwise they are inferred from
// the first `sample_rows` rows: boolean, int, bigint, double, date, timestamp, else string (a
// column with only nulls is a string). Timestamps are read as instants in UTC (Spark's TIMESTAMP)
// unless the column is given a type without a time zone.
//
// Every error names the place: "data.csv:1234:17: column 'qty': cannot read 'x1' as int".
//
// Thread-safety: a reader is used by one thread at a time; it runs its parsing on the shared
// WorkerPool.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "braid/result.h"
#include "columnar/record_batch.h"
#include "common/file_system.h"

namespace braid::csv {

struct CsvReadOptions {
  char delimiter = ',';
  char quote = '"';
  // The character that escapes a quote inside a quoted field: the quote itself (RFC 4180:
  // "a ""b"" c") or e.g. '\\' ("a \"b\" c").
  char escape = '"';
  bool header = true;
  // Unquoted field texts read as NULL. A quoted empty field ("") is an empty string.
  std::vector<std::string> null_values = {""};
  // Names and types of every column (overrides header names and inference).
  SchemaPtr schema;
  // Types for some columns by name; the others are inferred.
  std::vector<std::pair<std::string, TypePtr>> column_types;
  // Rows used to infer types.
  int64_t sample_rows = 20480;
  // Target bytes of input per parallel parsing unit.
  int64_t block_bytes = 4 << 20;
  // Parse blocks on the shared worker pool (false: on the calling thread only).
  bool parallel = true;
};

class CsvReader {
 public:
  static Result<std::unique_ptr<CsvReader>> open(std::shared_ptr<FileSystem> fs, std::string path,
                                                 CsvReadOptions options = {});
  virtual ~CsvReader() = default;

  virtual const SchemaPtr& schema() const = 0;
  // The next batch in file order, or nullptr after the last one.
  virtual Result<RecordBatchPtr> next() = 0;
};

// Reads a whole file.
Result<std::vector<RecordBatchPtr>> read_csv(std::shared_ptr<FileSystem> fs,
                                             const std::string& path,
                                             const CsvReadOptions& options = {});

}  // namespace braid::csv
