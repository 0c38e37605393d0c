// ColumnPredicate: a simple condition on a top-level column that a reader can check against
// statistics to skip data (row groups here; Delta data files use the same rule).
#pragma once

#include <string>
#include <vector>

#include "columnar/column.h"

namespace braid::parquet {

struct ColumnPredicate {
  enum class Op { kEq, kLt, kLe, kGt, kGe, kIn, kIsNull, kIsNotNull };
  std::string column;  // a top-level column of the file
  Op op = Op::kEq;
  // The literal(s) as one-row columns of the column's type (IN: one per value).
  std::vector<ColumnPtr> values;
};

}  // namespace braid::parquet
