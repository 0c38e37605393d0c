// Ordering of single values, for statistics, pruning and tests: the natural order of each type
// (signed or unsigned integers, IEEE floats, decimals by value, strings and binary by bytes,
// dates and timestamps by instant, booleans false < true).
// Thread-safety: functions of their arguments.
#pragma once

#include <optional>

#include "columnar/column.h"

namespace braid {

// <0, 0 or >0 comparing row i of a with row j of b, both non-null and of the same type;
// nullopt when the type has no order (nested types, intervals) or the types differ.
std::optional<int> compare_values(const Column& a, int64_t i, const Column& b, int64_t j);

}  // namespace braid
