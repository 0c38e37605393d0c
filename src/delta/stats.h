// Per-file statistics of Delta add actions (PROTOCOL.md, "Per-file Statistics"): numRecords and,
// per column, minValues / maxValues / nullCount, as JSON keyed by physical column names.
//
// Parsing turns the bounds of top-level columns into one-row columns of the table's types, for
// data skipping with the same rule as Parquet row groups (formats/parquet/row_group_filter.h).
// Bounds are made safe: a string maximum that may have been truncated (32 characters or more)
// and millisecond-truncated timestamp maxima are widened, so skipping never loses a row.
// Computing stats for a written file produces what Spark writes.
// Thread-safety: functions of their arguments.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "braid/result.h"
#include "columnar/record_batch.h"
#include "delta/table_properties.h"

namespace braid::delta {

struct ColumnStats {
  ColumnPtr min;  // nullptr when unknown
  ColumnPtr max;
  std::optional<int64_t> null_count;
};

struct FileStats {
  std::optional<int64_t> num_records;
  std::optional<bool> tight_bounds;
  std::map<std::string, ColumnStats> columns;  // by logical top-level name
};

// `names` maps each logical top-level column to the key used in the stats JSON (its physical
// name under column mapping, else itself). Malformed stats yield empty FileStats (unknown).
FileStats parse_file_stats(std::string_view json, const Schema& schema,
                           const std::map<std::string, std::string>& names);

// The stats JSON of a data file holding `batches` (numRecords, minValues, maxValues, nullCount
// for the columns the table's delta.dataSkipping* properties pick, by default the first 32;
// strings cut to delta.dataSkippingStringPrefixLength characters, 32; keys from `names`).
std::string compute_file_stats(const std::vector<RecordBatchPtr>& batches, const Schema& schema,
                               const std::map<std::string, std::string>& names, const StatsConfig& config = {});

}  // namespace braid::delta
