// MERGE INTO execution with Delta Lake's semantics.
//
// The source runs first; the target's live files are read and joined with it on the equality
// conditions of ON (plus any other ON condition as a residual). Then, per target row matched by
// a source row, the WHEN MATCHED clauses are tried in order (UPDATE / DELETE); target rows no
// source row matches go through WHEN NOT MATCHED BY SOURCE, and source rows that match no target
// row through WHEN NOT MATCHED [BY TARGET] (INSERT). A target row matched by several source rows
// is an error when it would be updated or deleted, naming its key values and the number of
// matches (Delta's rule), and nothing is written.
//
// Only the files that hold an updated or deleted row are rewritten (the rest stay as they are);
// inserted rows go to new files. Everything commits as one Delta transaction (operation MERGE,
// with Delta's operation metrics) whose read set is the files read, so a concurrent writer that
// changed them makes the commit fail with a conflict rather than lose an update.
#pragma once

#include "braid/result.h"
#include "delta/table.h"
#include "sql/ast.h"
#include "sql/binder.h"
#include "sql/executor.h"
#include "sql/write_control.h"

namespace braid::sql {

struct MergeResult {
  int64_t version = -1;  // -1: nothing changed, no commit
  int64_t source_rows = 0;
  int64_t inserted = 0;
  int64_t updated = 0;
  int64_t deleted = 0;
  int64_t copied = 0;  // unchanged rows rewritten with their file
  int64_t files_removed = 0;
  int64_t files_added = 0;
  int64_t files_read = 0;   // target files read (the others were ruled out by skipping)
  int64_t files_total = 0;  // live files of the target
  bool skipped = false;     // the WriteControl's txn had already committed: nothing written
  // Per source row (see WriteStats): matched but unchanged, unmatched and not inserted, and
  // matched rows whose target row was updated / deleted.
  int64_t source_unchanged = 0;
  int64_t source_not_inserted = 0;
  int64_t source_updated = 0;
  int64_t source_deleted = 0;
};

// `control` adds userMetadata and a txn to the commit and checks the rows written (inserted and
// updated) with its guard before committing.
Result<MergeResult> execute_merge(const Merge& merge, const delta::DeltaTable& target, Resolver& resolver,
                                  const QueryContext& context, const WriteControl& control = {});

}  // namespace braid::sql
