// DeltaScan: reads the rows of a snapshot as RecordBatches in the table's logical schema.
//
// For each live file: data skipping first (partition values and per-file stats against simple
// predicates; a file is read only when it may hold matching rows), then the Parquet reader with
// the file's row groups pruned by the same predicates, columns resolved by name or, under
// column mapping, by physical name or field id, missing columns read as NULL, partition columns
// built from the log's partition values, and deleted rows of the file's deletion vector dropped.
// Files are decoded several at a time on the shared worker pool; batches come out in file order.
//
// The predicates only skip data: callers still filter the rows they receive.
// Thread-safety: one thread per scan.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "braid/result.h"
#include "columnar/record_batch.h"
#include "delta/snapshot.h"
#include "formats/parquet/column_predicate.h"

namespace braid::delta {

struct ScanOptions {
  // Logical top-level columns to read (empty: all), in the order given.
  std::vector<std::string> columns;
  // Conjunction of simple predicates used for skipping (partition values, stats, row groups).
  std::vector<parquet::ColumnPredicate> predicates;
  bool parallel = true;
  MemoryTracker* tracker = nullptr;
  // Verify Parquet page CRCs (parquet::ParquetReadOptions::verify_checksums); on by default.
  bool verify_checksums = true;
};

class DeltaScan {
 public:
  static Result<std::unique_ptr<DeltaScan>> make(SnapshotPtr snapshot, ScanOptions options = {});

  const SchemaPtr& schema() const { return schema_; }
  // The files that survived skipping, in scan order.
  const std::vector<const AddFile*>& files() const { return files_; }
  int64_t files_skipped() const { return skipped_; }
  // The next batch, or nullptr after the last.
  Result<RecordBatchPtr> next();
  // The rows of one live file (deletion vector applied), in the scan's schema.
  Result<std::vector<RecordBatchPtr>> read_file(const AddFile& file) const;

 private:
  DeltaScan() = default;

  SnapshotPtr snapshot_;
  ScanOptions options_;
  SchemaPtr schema_;                  // output (projected, logical)
  std::vector<FieldPtr> table_fields_;  // per output column: the table's field
  std::vector<const AddFile*> files_;
  int64_t skipped_ = 0;
  size_t next_file_ = 0;
  std::vector<RecordBatchPtr> ready_;
  size_t ready_pos_ = 0;
};

// Whether a file may hold rows matching every predicate, from its partition values and stats.
bool file_may_match(const Snapshot& snapshot, const AddFile& file,
                    const std::vector<parquet::ColumnPredicate>& predicates);

// The physical name of a top-level field (its column mapping name, else itself).
std::string physical_name(const Field& field, ColumnMappingMode mode);

// Reads a whole snapshot (tests, small tables).
Result<std::vector<RecordBatchPtr>> read_table(SnapshotPtr snapshot, ScanOptions options = {});

}  // namespace braid::delta
