// Reads one column chunk (one leaf column of one row group): walks its pages, decompresses them,
// decodes repetition and definition levels and values, and hands values to a LeafWriter.
//
// Strict about what a file claims (parquet-notes §3-§7): page sizes within the chunk, the sum of
// page value counts equal to the chunk's num_values, decompressed sizes equal to the header's,
// levels within their maximum, the first repetition level 0, dictionary indices in range.
// A page whose header carries a CRC is checked against it before anything is decoded (unless
// `verify_checksums` is false): "page 3: checksum mismatch (stored 0x..., computed 0x...)".
// Pages are numbered from 0 in file order, the dictionary page included.
// Errors name the page: "page 3: ...". The caller adds the file, row group and column.
// Thread-safety: a function of its arguments; distinct chunks may be read concurrently.
#pragma once

#include <string_view>
#include <vector>

#include "braid/result.h"
#include "formats/parquet/leaf_writer.h"
#include "formats/parquet/metadata.h"
#include "formats/parquet/schema_mapping.h"

namespace braid::parquet {

struct LeafChunk {
  int64_t num_levels = 0;             // level entries (values including nulls)
  std::vector<int16_t> def_levels;    // empty when the leaf's max definition level is 0
  std::vector<int16_t> rep_levels;    // empty when the leaf's max repetition level is 0
  ColumnPtr values;  // spaced: one slot per level entry; dense: only values with def == max
};

// `spaced`: emit one slot per level (top-level leaves); otherwise dense (nested leaves).
// `tracker` counts the column built and, while the chunk is read, what the reader holds besides
// it (decompressed page, dictionary, staged values and levels: see held_memory.h).
Status read_column_chunk(const SchemaNode& leaf, const ColumnMetaData& metadata,
                         std::string_view chunk, bool spaced, bool verify_checksums,
                         MemoryTracker* tracker, LeafChunk* out);

// Largest page braid decompresses (a header claiming more is treated as corrupt).
inline constexpr int64_t kMaxPageBytes = int64_t{1} << 30;
inline constexpr int64_t kMaxExpansion = 4096;
// Most values (levels) one page may hold.
inline constexpr int64_t kMaxPageValues = int64_t{1} << 26;

}  // namespace braid::parquet
