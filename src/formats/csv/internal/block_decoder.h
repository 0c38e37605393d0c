// Block decoding of the CSV reader (private to formats/csv): the rows that start inside one
// block of the input become one RecordBatch.
//
// Rows are tokenized a batch at a time into an array of FieldRefs, then converted column by
// column straight into the column builders (one type dispatch per column and batch, no copies
// of field text except for fields with escapes). Errors carry the offset of the offending field
// so the reader can turn it into path:line:column.
//
// Malformed rows outside FAILFAST mode go through the same conversion (missing fields NULL, a
// failed field NULL) and are marked; at the end of the block they are dropped (DROPMALFORMED)
// or get their text in the corrupt-record column (PERMISSIVE). Good rows pay nothing for it.
//
// Thread-safety: decode_block() may run concurrently for different blocks of one buffer; the
// ReadPlan is shared read-only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "braid/result.h"
#include "columnar/record_batch.h"
#include "formats/csv/csv_reader.h"
#include "formats/csv/internal/row_tokenizer.h"

namespace braid::csv::internal {

// How the text of a column becomes values.
enum class ValueKind : uint8_t {
  kString,
  kBinary,
  kBoolean,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUInt8,
  kUInt16,
  kUInt32,
  kUInt64,
  kFloat32,
  kFloat64,
  kDecimal,
  kDate,
  kTimestamp,
  kTime,
};

// The kind for a column type; an error for types CSV text cannot hold (nested, interval...).
Result<ValueKind> value_kind_for(const DataType& type);

struct ColumnPlan {
  std::string name;
  TypePtr type;
  ValueKind kind = ValueKind::kString;
  bool inferred = false;  // error messages then suggest giving the column a type
  bool nullable = true;   // false: a NULL is a malformed row
};

// Everything a block needs to know, fixed when the reader opens.
struct ReadPlan {
  Dialect dialect;
  SchemaPtr schema;                 // of the batches: the columns, and the corrupt-record column
  std::vector<ColumnPlan> columns;  // the file's columns
  MalformedMode mode = MalformedMode::kFailFast;
  int corrupt_index = -1;           // PERMISSIVE: the corrupt-record column's place in `schema`
  std::string inferred_from;        // the file the inferred types come from, when another one
  std::vector<std::string> null_values;  // unquoted texts read as NULL
  bool null_is_empty = true;             // null_values is exactly {""}: the common case
  int64_t sampled_rows = 0;              // rows the inferred types were taken from
  int64_t max_row_bytes = 0;
};

// Whether a field reads as NULL: unquoted and one of the plan's null texts.
[[gnu::always_inline]] inline bool is_null_field(const ReadPlan& plan, const FieldRef& f) {
  if (f.flags != 0) return (f.flags & FieldRef::kMissing) != 0;  // quoted: never NULL
  if (plan.null_is_empty) return f.size == 0;
  for (const auto& n : plan.null_values) {
    if (f.raw() == n) return true;
  }
  return false;
}

struct BlockResult {
  static constexpr size_t kNone = static_cast<size_t>(-1);

  RecordBatchPtr batch;  // nullptr when the block holds no rows
  size_t begin = kNone;  // where its first row starts (kNone: no row starts in the block)
  size_t end = 0;        // just after its last row
  // The row starting at `end` runs past the data (and the file goes on): it is carried over.
  bool incomplete = false;
  size_t open_quote = kNone;  // with incomplete: the quote left open, if any
  // A parse error (code kParseError, message without the place) at error_offset, or another
  // error (e.g. out of memory) with error_offset == kNone.
  Status error;
  size_t error_offset = kNone;
  // Outside FAILFAST: the malformed rows met, and where the first kLinesKept of them start.
  int64_t malformed = 0;
  std::vector<size_t> malformed_offsets;
};

// Parses the rows that start in [begin, stop) of data[0, size) (see RowTokenizer for the
// buffer's requirements); `begin` must be a row start. The last row may run past `stop`.
BlockResult decode_block(const ReadPlan& plan, const char* data, size_t size, bool eof,
                         size_t begin, size_t stop);

}  // namespace braid::csv::internal
