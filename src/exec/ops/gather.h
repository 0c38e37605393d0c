// Row references and gathering: how operators name input rows across the batches of a Table and
// build output columns from them.
//
// A RowRef is (batch index, row index inside that batch's columns); a ref whose batch is
// kNullBatch stands for a NULL (the padding of outer joins, a missing lag value). gather() builds
// one column out of refs into a list of source columns of one type, with tight loops for
// fixed-width, boolean and string/binary columns and builders for nested ones.
//
// Thread-safety: functions of their arguments.
#pragma once

#include <cstdint>
#include <vector>

#include "braid/result.h"
#include "columnar/column.h"
#include "columnar/record_batch.h"

namespace braid::exec {

struct RowRef {
  uint32_t batch;
  uint32_t row;
  bool operator==(const RowRef&) const = default;
};
inline constexpr uint32_t kNullBatch = UINT32_MAX;
inline constexpr RowRef kNullRowRef{kNullBatch, 0};

// A column of `type` whose row i is sources[refs[i].batch] at refs[i].row (NULL for kNullBatch).
// Every referenced source has `type`.
Result<ColumnPtr> gather(const TypePtr& type, const std::vector<const Column*>& sources,
                         const RowRef* refs, int64_t count, MemoryTracker* tracker = nullptr);

// Column `column` of every batch, as gather() sources.
std::vector<const Column*> column_sources(const std::vector<RecordBatchPtr>& batches, int column);

}  // namespace braid::exec
