// Row output: how every command that prints rows prints them.
//
//   table  aligned columns with a header of names and types, for terminals; long values are
//          truncated with "…" and at most max_rows rows are shown (the footer gives the total).
//   csv    RFC 4180: a header line, fields quoted when they hold the delimiter, a quote, a line
//          break or leading/trailing space; an empty string (or binary) is written "" so it
//          differs from NULL (an empty field by default), and so is quoted any value whose text
//          is the NULL text.
//   jsonl  one JSON object per row, keys in column order (see value_text.h for each type).
//
// Thread-safety: a RowWriter is used by one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "braid/result.h"
#include "columnar/record_batch.h"
#include "common/file_system.h"

namespace braid {

enum class RowFormat { kTable, kCsv, kJsonl };

// "table", "csv" or "jsonl".
Result<RowFormat> parse_row_format(std::string_view name);

struct RowOutputOptions {
  RowFormat format = RowFormat::kTable;
  // table: rows shown (-1: all).
  int64_t max_rows = 40;
  // table: how to see the rows left out, added to the footer when max_rows left some out
  // ("--limit N or --limit 0 for all").
  std::string more_rows_hint;
  // table: characters shown per value before truncation.
  int max_column_width = 40;
  // csv:
  char delimiter = ',';
  bool header = true;
  std::string null_string;
};

class RowWriter {
 public:
  virtual ~RowWriter() = default;
  // Batches must have the schema the writer was made with.
  virtual Status write(const RecordBatch& batch) = 0;
  // Writes whatever is buffered (the table format prints here) and flushes the stream.
  virtual Status finish() = 0;
};

std::unique_ptr<RowWriter> make_row_writer(SchemaPtr schema, OutputStream& out,
                                           const RowOutputOptions& options);

}  // namespace braid
