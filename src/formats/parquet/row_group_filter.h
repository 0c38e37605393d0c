// Row-group pruning: which row groups of a file can hold rows matching a conjunction of simple
// predicates on top-level columns, judged from the column chunk statistics alone.
//
// Supported: column = v, <, <=, >, >=, IN (v...), IS NULL, IS NOT NULL. A row group is skipped
// only when some predicate cannot match any of its rows; unknown statistics, unsupported types
// and literals of another type keep the row group (pruning never loses a row). Callers still
// filter the rows they get.
// Thread-safety: functions of their arguments.
#pragma once

#include <string>
#include <vector>

#include "braid/result.h"
#include "columnar/column.h"
#include "formats/parquet/column_predicate.h"
#include "formats/parquet/parquet_reader.h"

namespace braid::parquet {

// Row groups of `file` that may hold matching rows, in file order.
std::vector<int> prune_row_groups(const ParquetFile& file,
                                  const std::vector<ColumnPredicate>& predicates);

// Whether rows with statistics `stats` may satisfy `predicate` (exposed for tests and Delta's
// file skipping, which reasons the same way over its own min/max/nullCount).
bool may_match(const ColumnPredicate& predicate, const ColumnPtr& min, const ColumnPtr& max,
               std::optional<int64_t> null_count, std::optional<int64_t> num_values);

}  // namespace braid::parquet
