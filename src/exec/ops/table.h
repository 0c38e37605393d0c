// Table: a materialized relation — a schema and the record batches that hold its rows — as the
// in-memory operators of src/exec/ops/ take and return it, plus the operators that need no keys:
// union_all, limit, filter, and compact (many small batches into few large ones).
//
// Batches may be slices and may be empty; every batch has the schema's column types (names are
// the schema's business). Row order is the batches' order, then row order inside each batch.
// An operator's output Table always carries its schema, also when it has no batches.
//
// Thread-safety: functions of their arguments; they run their parallel work on the context's pool.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "braid/result.h"
#include "columnar/record_batch.h"
#include "exec/ops/exec_context.h"

namespace braid::exec {

struct Table {
  SchemaPtr schema;
  std::vector<RecordBatchPtr> batches;

  int64_t num_rows() const;
};

// Checks that every batch has the schema's column count and types, and that batches and their row
// counts fit the 32-bit row references operators use. `what` names the input in the error
// ("join left input").
Status validate_table(const Table& table, std::string_view what);

// A slice of one input batch: the unit of parallel work. Empty batches give no morsels.
struct Morsel {
  uint32_t batch;
  int64_t start;
  int64_t length;
};
std::vector<Morsel> split_morsels(const Table& table, int64_t morsel_rows);

// The table's rows in one batch (the table's only batch itself when it has one; an empty batch for
// an empty table).
Result<RecordBatchPtr> concat_batches(const Table& table, MemoryTracker* tracker = nullptr);

// The same rows in the same order in batches of about `target_rows` rows: runs of small batches
// are concatenated, batches already at least half the target are kept as they are (no copy).
Result<Table> compact(const Table& table, int64_t target_rows = 64 * 1024,
                      const ExecContext& context = {});

// The rows of every input, in order, without copying. Inputs must have the same column count and
// types (names and nullability come from the first; a column is nullable if it is in any input).
Result<Table> union_all(const std::vector<Table>& inputs);

// Rows [offset, offset + count) of the table (count < 0: all rows after offset), as slices.
Result<Table> limit(const Table& table, int64_t count, int64_t offset = 0);

// Keep-mask of a batch's rows; its size must be the batch's row count.
using RowPredicate = std::function<Result<std::vector<bool>>(const RecordBatch& batch)>;

// Rows for which the predicate holds, batches evaluated in parallel; order is kept.
Result<Table> filter(const Table& table, const RowPredicate& predicate,
                     const ExecContext& context = {});

}  // namespace braid::exec
