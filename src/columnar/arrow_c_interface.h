// Arrow C Data Interface and C Stream Interface: zero-copy hand-off of braid types, columns,
// record batches and batch streams to and from other Arrow implementations in the process.
//
// Export (braid is the producer). export_* fill a caller-allocated struct. The struct's
// private_data holds shared references to braid's buffers, so the memory stays valid, and is not
// copied, until the consumer calls `release` (spec, "Release callback semantics -- for
// producers"). Children are released by their parent unless the consumer moved them out, which
// the spec allows ("Moving child arrays"); each child keeps its own buffers alive. On failure
// `out` is left untouched.
//
// Import (braid is the consumer). import_* take ownership of the struct they are given: they move
// it (bitwise copy, then mark the caller's struct released, spec "Moving an array") and release it
// exactly once, on success and on failure alike. Imported buffers wrap the foreign memory without
// copying; every buffer taken from one ArrowArray shares one owner that calls the producer's
// release when the last braid buffer referencing it dies, so slices and columns may outlive the
// import call and the stream they came from.
//
// Types. braid types map one to one onto Arrow format strings ("i", "d:38,10", "tsu:UTC",
// "+m"...). Nullability travels in ARROW_FLAG_NULLABLE, keys_sorted in ARROW_FLAG_MAP_KEYS_SORTED,
// field metadata in the spec's binary encoding. Extension names go in "ARROW:extension:name":
// "uuid" and "json" as the canonical "arrow.uuid" and "arrow.json", any other name X as
// "braid.X". Times adjusted to UTC, which Arrow cannot express, carry a "braid.time_utc" entry.
// Imports of Arrow types braid does not model are converted with a copy where the conversion is
// lossless (large and view strings/binaries, large and fixed-size lists, dictionary-encoded and
// run-end encoded arrays are decoded; date64, time32, second/millisecond timestamps, half floats,
// 32/64-bit decimals and month or day-time intervals are widened); the rest (unions, durations,
// list views, decimal256) fail with kNotImplemented naming the format string. Foreign extension
// types braid does not know keep their storage type and their metadata entries.
//
// Validation. Foreign input is checked as far as the interface allows: structure (released
// structs, format strings, buffer and child counts, negative lengths), list and string offsets
// (first >= 0, monotonic, last within the child), dictionary indexes and run ends. Buffer sizes
// cannot be known and are trusted to cover offset + length, as the spec requires of producers.
// Strings are not checked for UTF-8.
//
// Thread-safety: the free functions may be called concurrently on distinct structs. An exported
// stream, like any ArrowArrayStream, must be pulled from one thread at a time; a BatchSource is
// used by one thread at a time.
#pragma once

#include <memory>

#include "braid/result.h"
#include "columnar/arrow_c_data.h"
#include "columnar/column.h"
#include "columnar/data_type.h"
#include "columnar/record_batch.h"

namespace braid {

// A pull-style source of record batches with one schema: what an ArrowArrayStream exports and
// what import_stream returns.
class BatchSource {
 public:
  virtual ~BatchSource() = default;
  virtual SchemaPtr schema() const = 0;
  // The next batch, nullptr at the end of the stream.
  virtual Result<RecordBatchPtr> next() = 0;
};

// ---- export

// The type alone: an unnamed, nullable field.
Status export_type(const DataType& type, ArrowSchema* out);
Status export_field(const Field& field, ArrowSchema* out);
// A "+s" schema whose children are the fields; schema metadata on the top level.
Status export_schema(const Schema& schema, ArrowSchema* out);
Status export_column(const ColumnPtr& column, ArrowArray* out);
// A struct array without nulls whose children are the columns.
Status export_batch(const RecordBatchPtr& batch, ArrowArray* out);
// The stream holds `source` until it is released. Errors from next() become errno-style codes
// (EINVAL, ENOMEM, EIO...) with the Status text available from get_last_error.
Status export_stream(std::shared_ptr<BatchSource> source, ArrowArrayStream* out);

// ---- import (each takes ownership of its struct argument; see above)

Result<TypePtr> import_type(ArrowSchema* schema);
Result<FieldPtr> import_field(ArrowSchema* schema);
// Expects a "+s" schema, as export_schema produces.
Result<SchemaPtr> import_schema(ArrowSchema* schema);

// Arrays whose layout is the one braid exports for `type` (as when the type came from
// import_field of the matching schema and no conversion was needed). Arrays of Arrow types
// braid converts (large strings, dictionaries, date64...) need their ArrowSchema: use the
// overloads below.
Result<ColumnPtr> import_column(ArrowArray* array, const TypePtr& type);
Result<RecordBatchPtr> import_batch(ArrowArray* array, const SchemaPtr& schema);

// Arrays described by their ArrowSchema: any format braid can import, converting as needed.
struct ImportedColumn {
  FieldPtr field;
  ColumnPtr column;
};
Result<ImportedColumn> import_column(ArrowArray* array, ArrowSchema* schema);
Result<RecordBatchPtr> import_batch(ArrowArray* array, ArrowSchema* schema);

// Reads the stream's schema now; next() pulls and imports one batch per call. The returned
// source releases the stream when destroyed; batches it returned stay valid after that.
Result<std::unique_ptr<BatchSource>> import_stream(ArrowArrayStream* stream);

}  // namespace braid
