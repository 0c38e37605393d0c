// DESCRIBE HISTORY: a table's commits as rows, newest first, with Spark's columns (version,
// timestamp, operation, operationParameters, operationMetrics, userMetadata, engineInfo,
// isolationLevel, isBlindAppend, readVersion). Parameters and metrics are the commitInfo's JSON
// objects as text. Versions missing from the log between two present ones (a hole, or commits
// deleted by hand) are one row whose operation says which are missing, and so are the versions
// before the oldest commit in the log (removed by log cleanup behind a checkpoint); such rows
// have NULL in every column but version (the first missing one) and operation.
// Shared by `braid history` and the SQL statement.
// Thread-safety: a function of the log; safe to call concurrently.
#pragma once

#include "braid/result.h"
#include "columnar/record_batch.h"
#include "delta/log_store.h"

namespace braid::delta {

SchemaPtr history_schema();

// The newest `limit` commits (all when limit < 0).
Result<RecordBatchPtr> history(const LogStore& store, int64_t limit = -1);

}  // namespace braid::delta
