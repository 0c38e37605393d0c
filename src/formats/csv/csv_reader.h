// CsvReader: streams a CSV file into RecordBatches, parsing blocks in parallel.
//
// Dialect: RFC 4180 by default (',' delimiter, '"' quotes, a quote inside a quoted field written
// twice, line breaks allowed inside quotes, "\n" or "\r\n" line ends, an optional UTF-8 BOM).
// Lenient where files in the wild need it, as DuckDB and Spark are: a quote inside an unquoted
// field is an ordinary character (`5'11"`), and blank lines are skipped (in a file with one
// column a blank line is a NULL, which is how writers print one). Strict where guessing would
// lose data: text after a closing quote, an unterminated quote and rows with the wrong number of
// fields are errors.
//
// Column types come from `schema`/`column_types` when given, otherwise they are inferred from
// the first `sample_rows` rows: boolean, int, bigint, decimal(p,0) for integers beyond bigint,
// double for numbers with a fraction or exponent, date, timestamp, else string (a column with only
// nulls is a string). A number is never inferred as a double that would round it: integers of
// more than 38 digits are strings, and integers beyond 2^53 with fractions make a decimal (or a
// string); values past the sample that the inferred type would round are malformed rows. Timestamps are read as instants in UTC (Spark's TIMESTAMP)
// unless the column is given a type without a time zone; values without a zone are taken as UTC,
// and values with one ("Z", "+02:00") are converted to UTC whatever the column's type.
// Spaces and tabs around values of non-string columns are ignored, and a blank value there is
// NULL. String columns must be valid UTF-8 (binary columns take any bytes).
//
// An empty file (or one with only blank lines) has no columns and no rows, or the given
// `schema`; a file with only a header has its columns (strings unless typed) and no rows.
//
// Every error names the place as path:line:column (1-based line, 1-based byte column of the
// field): "data.csv:1234:17: column 'qty': cannot read 'x1' as int (type inferred from the first
// 20480 rows; override it with the schema option: 'id INT, qty STRING')".
//
// Malformed rows (Spark's `mode`): a row with the wrong number of fields, a value that does not
// read as its column's type (given or inferred), a NULL in a NOT NULL column, or text after a
// closing quote. FAILFAST (the default) fails the read at the first one; DROPMALFORMED leaves
// them out and counts them (malformed()); PERMISSIVE keeps them, NULL in the fields that failed
// (missing fields are NULL, extra ones ignored), with the row's text in an extra string column
// (`_corrupt_record`, NULL for good rows). Damage that hides where rows end (an unterminated
// quote, a row longer than max_row_bytes) fails the read in every mode.
//
// Memory: the file is read in chunks of about 2 x parallelism x block_bytes, plus the longest
// row (at most max_row_bytes). Results do not depend on block_bytes or parallelism.
//
// Thread-safety: a reader is used by one thread at a time; it runs its parsing on the shared
// WorkerPool.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "braid/result.h"
#include "columnar/record_batch.h"
#include "common/file_system.h"

namespace braid::csv {

enum class MalformedMode { kFailFast, kDropMalformed, kPermissive };

// "FAILFAST", "DROPMALFORMED" or "PERMISSIVE", in any case.
Result<MalformedMode> parse_malformed_mode(std::string_view text);
std::string_view malformed_mode_name(MalformedMode mode);

struct CsvReadOptions {
  char delimiter = ',';
  char quote = '"';
  // The character that escapes a quote inside a quoted field: the quote itself (RFC 4180:
  // "a ""b"" c") or e.g. '\\' ("a \"b\" c"; any character after it stands for itself). Only
  // quoted fields have escapes.
  char escape = '"';
  bool header = true;
  // Unquoted field texts read as NULL. A quoted empty field ("") is an empty string.
  std::vector<std::string> null_values = {""};
  // Names and types of every column of the file, by position (overrides header names and
  // inference; a header must have as many columns). A NOT NULL field makes a NULL there a
  // malformed row.
  SchemaPtr schema;
  // With `schema`: it was inferred from the first `inferred_rows` rows of `inferred_from` (the
  // first file of a glob): type errors say so, and how to override it.
  std::string inferred_from;
  int64_t inferred_rows = 0;
  MalformedMode mode = MalformedMode::kFailFast;
  // PERMISSIVE: the name of the column of malformed rows' text (Spark's
  // columnNameOfCorruptRecord). A string field of this name in `schema` is that column, at its
  // place, and not a column of the file; otherwise the column comes last.
  std::string corrupt_record_column = "_corrupt_record";
  // Types for some columns by name; the others are inferred.
  std::vector<std::pair<std::string, TypePtr>> column_types;
  // Rows used to infer types.
  int64_t sample_rows = 20480;
  // Target bytes of input per parallel parsing unit (one output batch each). 1 MiB keeps a
  // block's bytes and its columns in cache and the chunk buffers small: measured on 86 MB of
  // CSV, 4 MiB blocks parsed 2.1x (one thread) to 2.3x (two) slower.
  int64_t block_bytes = 1 << 20;
  // Parse blocks on the shared worker pool (false: on the calling thread only).
  bool parallel = true;
  // The longest row accepted. It bounds the memory an unterminated quote can make the reader
  // buffer while it looks for the end of the row.
  int64_t max_row_bytes = 64 << 20;
};

// Malformed rows a reader dropped (DROPMALFORMED) or kept (PERMISSIVE) so far.
struct MalformedRows {
  static constexpr size_t kLinesKept = 5;
  int64_t count = 0;
  std::vector<int64_t> first_lines;  // the lines the first kLinesKept of them start on

  // "3 malformed rows dropped (mode DROPMALFORMED), at lines 4, 9, 12" (with the path in front).
  std::string describe(const std::string& path, MalformedMode mode) const;
};

class CsvReader {
 public:
  static Result<std::unique_ptr<CsvReader>> open(std::shared_ptr<FileSystem> fs, std::string path,
                                                 CsvReadOptions options = {});
  virtual ~CsvReader() = default;

  virtual const SchemaPtr& schema() const = 0;
  // The next batch in file order, or nullptr after the last one.
  virtual Result<RecordBatchPtr> next() = 0;
  // Malformed rows met so far (always none in FAILFAST mode).
  virtual const MalformedRows& malformed() const = 0;
  // Rows the inferred types were taken from (0 when every type was given).
  virtual int64_t sampled_rows() const = 0;
};

// Reads a whole file.
Result<std::vector<RecordBatchPtr>> read_csv(std::shared_ptr<FileSystem> fs,
                                             const std::string& path,
                                             const CsvReadOptions& options = {});

}  // namespace braid::csv
