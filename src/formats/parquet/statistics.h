// Column chunk statistics decoded into braid values, for `braid meta` and row-group pruning.
//
// Which bounds are trustworthy (parquet-format Statistics and ColumnOrder; parquet-notes §10):
// min_value/max_value are used when present, unless the file's ColumnOrder for the column is not
// TYPE_DEFINED_ORDER (a future order braid does not know); the deprecated min/max only for types
// whose order is the signed order they were computed with (signed integers, floats, booleans);
// types whose sort order is undefined (INT96, INTERVAL) have no usable bounds; bounds that are
// NaN are ignored; truncated (inexact) bounds are still valid bounds.
// Thread-safety: functions of their arguments.
#pragma once

#include <optional>
#include <string_view>

#include "braid/result.h"
#include "columnar/column.h"
#include "formats/parquet/metadata.h"
#include "formats/parquet/schema_mapping.h"

namespace braid::parquet {

struct ColumnStatistics {
  std::optional<int64_t> null_count;
  std::optional<int64_t> num_values;  // level entries (includes nulls)
  // One-row columns of the leaf's type, or nullptr when the bound is unknown or unusable.
  ColumnPtr min;
  ColumnPtr max;
};

// `type_defined_order`: the file's column_orders entry for this leaf (true when absent: the
// writers that wrote min_value/max_value without it used the type's order).
ColumnStatistics column_statistics(const SchemaNode& leaf, const ColumnMetaData& metadata,
                                   bool type_defined_order = true);

// Decodes one encoded statistics value (PLAIN without a length prefix for byte arrays) into a
// one-row column of the leaf's type; nullptr when the bytes do not fit the type.
ColumnPtr decode_statistic(const SchemaNode& leaf, std::string_view bytes);

}  // namespace braid::parquet
