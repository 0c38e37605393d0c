// WriteControl: what the caller of a DML statement adds to the commit it makes.
//
// The pipeline runner uses it to make every task's write auditable (userMetadata), idempotent
// (a txn action: a rerun of a task that already committed writes nothing) and guarded (a check
// on every row the statement is about to write, run before the commit so a violation writes
// nothing). Plain `braid sql` leaves it empty.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "braid/result.h"
#include "columnar/record_batch.h"
#include "delta/actions.h"
#include "delta/transaction.h"

namespace braid::sql {

struct WriteControl {
  std::optional<std::string> user_metadata;  // commitInfo.userMetadata
  std::optional<delta::SetTransaction> txn;  // idempotency: skipped when the app id already reached this version
  // Called with the rows about to be written (inserted and updated rows, in the target's
  // schema) before the commit; an error aborts the statement without committing.
  std::function<Status(const RecordBatch& rows)> guard;
  delta::IsolationLevel isolation = delta::IsolationLevel::kSerializable;

  bool empty() const { return !user_metadata && !txn && !guard; }
};

// What the last DML statement did, for callers that account for rows (the pipeline's audit).
struct WriteStats {
  std::string target;         // the table's folder
  int64_t version = -1;       // committed version; -1 when nothing was committed
  bool skipped = false;       // the txn had already committed: nothing written
  int64_t source_rows = 0;    // rows the statement's source produced (MERGE, INSERT)
  int64_t inserted = 0;
  int64_t updated = 0;
  int64_t deleted = 0;
  int64_t copied = 0;         // unchanged target rows rewritten with their files
  // MERGE only, per source row: matched a target row but no clause changed it; matched no target
  // row and no INSERT clause took it.
  int64_t source_unchanged = 0;
  int64_t source_not_inserted = 0;
  // Source rows whose matched target row was updated / deleted (equal to updated / deleted
  // unless NOT MATCHED BY SOURCE clauses changed rows too).
  int64_t source_updated = 0;
  int64_t source_deleted = 0;
};

}  // namespace braid::sql
