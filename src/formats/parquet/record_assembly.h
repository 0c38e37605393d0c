// Record assembly: builds the column of one top-level field from the repetition levels,
// definition levels and dense values of the leaves below it (parquet-format README, "Nested
// Encoding"; the Dremel paper's record assembly, done column by column).
//
// Every node's "slots" (its positions in the output) are found by walking the levels of one leaf
// below it: a new row starts where rep == 0; inside a list slot that is present and non-empty,
// a new element starts where rep equals the list's repetition level. A slot is non-null when its
// first entry's definition level reaches the node's own level.
// Thread-safety: a function of its arguments.
#pragma once

#include <vector>

#include "braid/result.h"
#include "columnar/column.h"
#include "formats/parquet/column_chunk_reader.h"
#include "formats/parquet/schema_mapping.h"

namespace braid::parquet {

// `chunks[leaf_index]` holds each leaf of the file read for this row group (only the leaves of
// `field` are used). Flat fields (a top-level leaf) must have been read spaced; others dense.
Result<ColumnPtr> assemble_field(const SchemaNode& field, const std::vector<LeafChunk>& chunks,
                                 int64_t num_rows, MemoryTracker* tracker);

}  // namespace braid::parquet
