// DESCRIBE HISTORY: a table's commits as rows, newest first, with Spark's columns (version,
// timestamp, operation, operationParameters, operationMetrics, userMetadata, engineInfo,
// isolationLevel, isBlindAppend, readVersion). Parameters and metrics are the commitInfo's JSON
// objects as text. Shared by `braid history` and the SQL statement.
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
