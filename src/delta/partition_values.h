// Partition values: the strings of add.partitionValues <-> typed values, and the Hive-style
// folder names data files are written under (PROTOCOL.md, "Partition Value Serialization").
//
// Reading accepts what writers produce: numbers as text, dates yyyy-MM-dd, timestamps either as
// ISO-8601 UTC ("2024-01-01T10:00:00.000000Z") or zone-less ("2024-01-01 10:00:00", taken as
// UTC), and JSON null or "" for NULL. Writing produces ISO UTC timestamps (current Spark).
// Thread-safety: functions of their arguments.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "braid/result.h"
#include "columnar/column.h"

namespace braid::delta {

// A column of `rows` copies of the partition value (null when `value` is empty/absent).
Result<ColumnPtr> partition_column(const TypePtr& type, const std::optional<std::string>& value,
                                   int64_t rows);

// The log text of row `row` of `column` (nullopt for NULL).
std::optional<std::string> format_partition_value(const Column& column, int64_t row);

// "region=us%3Aeast" for a folder name (Hive escaping); NULL is __HIVE_DEFAULT_PARTITION__.
std::string partition_folder(std::string_view column, const std::optional<std::string>& value);

// URI-encodes a relative path for add.path (a '%' from Hive escaping becomes "%25").
std::string encode_path(std::string_view path);

}  // namespace braid::delta
