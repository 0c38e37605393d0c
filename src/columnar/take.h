// Selecting rows of columns and batches by position: take (any positions, in the order given)
// and filter (keep where a mask is set). Fixed-width and string columns are copied with tight
// loops; nested columns go through builders.
// Thread-safety: functions of their arguments.
#pragma once

#include <vector>

#include "braid/result.h"
#include "columnar/record_batch.h"

namespace braid {

Result<ColumnPtr> take(const Column& column, const std::vector<int64_t>& rows,
                       MemoryTracker* tracker = nullptr);
Result<RecordBatchPtr> take(const RecordBatch& batch, const std::vector<int64_t>& rows,
                            MemoryTracker* tracker = nullptr);
// Rows where keep[i] is true.
Result<RecordBatchPtr> filter(const RecordBatch& batch, const std::vector<bool>& keep,
                              MemoryTracker* tracker = nullptr);

}  // namespace braid
