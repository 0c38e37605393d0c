// The order of values as Spark SQL sorts and compares them (ORDER BY, min/max, window ORDER BY):
// integers and decimals by value, floating point with NaN equal to NaN and greater than every
// other value and -0.0 equal to 0.0, strings and binary by unsigned bytes, booleans false < true,
// dates, times and timestamps by value. Nested types and intervals have no order here.
//
// SortKey and RowComparator extend that to rows: several key columns, each ascending or
// descending, with NULLs first or last (the caller decides Spark's defaults: ASC NULLS FIRST,
// DESC NULLS LAST).
//
// Thread-safety: comparators are immutable after construction and may be shared.
#pragma once

#include <vector>

#include "braid/result.h"
#include "columnar/column.h"
#include "columnar/record_batch.h"

namespace braid::exec {

// <0, 0 or >0 for two non-null values of the same type.
using ValueCompare = int (*)(const Column& a, int64_t i, const Column& b, int64_t j);

// kInvalidArgument for types without an order.
Result<ValueCompare> value_compare_for(const DataType& type);

struct SortKey {
  int column = 0;
  bool ascending = true;
  bool nulls_first = true;
};

// Compares rows of batches that share a schema by a list of sort keys.
class RowComparator {
 public:
  static Result<RowComparator> make(const Schema& schema, const std::vector<SortKey>& keys);

  // <0, 0 or >0: row i of batch a against row j of batch b.
  int compare(const RecordBatch& a, int64_t i, const RecordBatch& b, int64_t j) const {
    for (const auto& k : keys_) {
      const Column& ca = *a.column(k.column);
      const Column& cb = *b.column(k.column);
      const bool va = ca.is_valid(i);
      const bool vb = cb.is_valid(j);
      if (!va || !vb) {
        if (va == vb) continue;
        return (va ? 1 : -1) * (k.nulls_first ? 1 : -1);
      }
      const int c = k.compare(ca, i, cb, j);
      if (c != 0) return k.ascending ? c : -c;
    }
    return 0;
  }
  bool empty() const { return keys_.empty(); }

 private:
  struct Key {
    int column;
    bool ascending;
    bool nulls_first;
    ValueCompare compare;
  };
  std::vector<Key> keys_;
};

}  // namespace braid::exec
