// ColumnChunkWriter: encodes one leaf column of one row group into Parquet pages.
//
// Values arrive as level entries (definition and repetition levels) plus the leaf's non-null
// values (a braid Column and the rows of it to take). They are encoded into v1 data pages of about
// `page_bytes` (RLE levels; values dictionary-encoded while the dictionary stays small, PLAIN
// after a fallback; a chunk whose first page holds mostly distinct values gets no dictionary page
// at all, that page PLAIN too), each page compressed with the file's codec and carrying the
// CRC-32 of its stored bytes (PageHeader.crc; dictionary pages too). flush() writes the dictionary
// page, if any, and the data pages, and returns the ColumnChunk metadata with statistics.
//
// Pages end between steps of at most page_bytes / 8 level entries (64..4096) within an append (whole records: no
// record spans two pages, what page indexes and v2 pages require), so `page_bytes` holds for
// any batch size. A page beyond kMaxPageBytes (what braid reads back) is refused.
// Thread-safety: one thread per writer; distinct writers may run concurrently.
#pragma once

#include <memory>
#include <string>

#include "braid/result.h"
#include "columnar/column.h"
#include "common/file_system.h"
#include "formats/parquet/metadata.h"
#include "formats/parquet/write_schema.h"

namespace braid::parquet {

struct ColumnWriteOptions {
  Codec codec = Codec::kZstd;
  int compression_level = 0;  // codec default
  int64_t page_bytes = 1 << 20;
  bool dictionary = true;
  // Dictionary encoding falls back to PLAIN once the dictionary's values take more than this.
  int64_t dictionary_page_bytes = 1 << 20;
  bool statistics = true;
};

class ColumnChunkWriter {
 public:
  static Result<std::unique_ptr<ColumnChunkWriter>> make(const WriteNode& leaf,
                                                         const ColumnWriteOptions& options);
  virtual ~ColumnChunkWriter() = default;

  // A top-level leaf: one level entry per row of `column` (definition level from validity).
  virtual Status append_flat(const Column& column) = 0;
  // n level entries; `def` is null when the leaf's max definition level is 0, `rep` when its
  // max repetition level is 0. The entries with def == max carry values: rows `value_rows` of
  // `values`, in order.
  virtual Status append_nested(const int16_t* def, const int16_t* rep, int64_t n,
                               const Column* values, const int64_t* value_rows) = 0;

  // Bytes buffered so far (compressed pages plus the open page and dictionary).
  virtual int64_t buffered_bytes() const = 0;
  virtual int64_t num_levels() const = 0;

  // Writes the chunk at `file_offset` of `out` and resets the writer for the next row group.
  virtual Result<ColumnChunk> flush(OutputStream& out, int64_t file_offset) = 0;
};

}  // namespace braid::parquet
