// Writing table rows as Delta data files: rows are grouped by partition values (Hive-style
// folders "region=EU/"), partition columns are left out of the files (their values live in the
// log), columns are written under their physical names (and field ids) when column mapping is
// on, and every file gets Spark-style stats. Files get unique names and are only referenced once
// the commit that adds them succeeds; a crash leaves unreferenced files that VACUUM removes.
// Groups are written in parallel on the shared worker pool.
// Thread-safety: a function of its arguments.
#pragma once

#include <vector>

#include "braid/result.h"
#include "columnar/record_batch.h"
#include "delta/actions.h"
#include "delta/snapshot.h"
#include "delta/table_properties.h"
#include "formats/parquet/parquet_writer.h"

namespace braid::delta {

struct DataWriteOptions {
  int64_t max_rows_per_file = 4'000'000;
  parquet::ParquetWriteOptions parquet;  // zstd by default
  bool data_change = true;
};

// The table layout a writer needs (from a snapshot, or for a table being created).
struct TableLayout {
  SchemaPtr schema;                             // logical
  std::vector<std::string> partition_columns;
  ColumnMappingMode column_mapping = ColumnMappingMode::kNone;
  StatsConfig stats;                            // from the delta.dataSkipping* properties
  static TableLayout of(const Snapshot& snapshot);
};

// Writes `batches` (in the table's logical schema) into the table at `root`; returns one add
// action per file written.
Result<std::vector<AddFile>> write_data_files(const std::shared_ptr<FileSystem>& fs, const std::string& root,
                                              const TableLayout& layout,
                                              const std::vector<RecordBatchPtr>& batches,
                                              const DataWriteOptions& options = {});

// Checks that a batch's schema can be written to the table (same column names and types, in the
// table's order; NOT NULL columns hold no nulls).
Status check_write_schema(const Schema& table, const RecordBatch& batch);

}  // namespace braid::delta
