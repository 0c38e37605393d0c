// Aggregate functions: what hash_aggregate computes per group and window computes per frame.
//
// Result types follow Spark SQL (ANSI mode):
//   count(x), count(*), count(DISTINCT x)  bigint, never NULL (NULL x are not counted)
//   sum(tinyint..bigint)                   bigint; overflow is an error "[ARITHMETIC_OVERFLOW]"
//   sum(decimal(p,s))                      decimal(min(38,p+10), s); a sum that does not fit is
//                                          an error "[NUMERIC_VALUE_OUT_OF_RANGE]"
//   sum(float or double)                   double
//   avg(integer or floating)               double
//   avg(decimal(p,s))                      decimal(min(38,p+4), min(38,s+4)), rounded HALF_UP
//   min, max                               the input type (any type with an order, see
//                                          value_order.h; NaN is the largest double)
//   any_value, first, last                 the input type (any type); first/last in input
//                                          order, optionally ignoring NULLs
// Unsigned 64-bit input (Parquet UINT_64, which Spark reads as decimal(20,0)) sums and averages
// as decimal(20,0). Sums, averages, min and max of no (non-NULL) values are NULL.
//
// An Accumulator holds the state of one aggregate for many groups (dense ids 0..n-1), is fed
// vectors of rows with their group ids, merges partial states of another accumulator of the same
// aggregate, and finishes into one column with a value per group. Partial states are merged in
// input order, so first/last and floating-point sums do not depend on how work was split.
//
// Thread-safety: an Accumulator belongs to one task at a time.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "braid/result.h"
#include "columnar/column.h"

namespace braid::exec {

enum class AggregateKind {
  kCount,      // count(x): non-NULL values
  kCountStar,  // count(*): rows
  kSum,
  kAvg,
  kMin,
  kMax,
  kAnyValue,
  kFirst,
  kLast,
};

std::string_view aggregate_kind_name(AggregateKind kind);

struct AggregateSpec {
  AggregateKind kind = AggregateKind::kCountStar;
  // Input column; -1 for count(*).
  int column = -1;
  // count/sum/avg(DISTINCT x). Meaningless for the others, which ignore it.
  bool distinct = false;
  // first/last/any_value: skip NULLs (Spark's first(x, true)).
  bool ignore_nulls = false;
  // Output column name.
  std::string name = {};
};

// The result type of an aggregate over `input_type` (ignored, may be null, for count(*)), or
// kInvalidArgument when the aggregate is not defined for it.
Result<TypePtr> aggregate_result_type(AggregateKind kind, const TypePtr& input_type);

class Accumulator {
 public:
  virtual ~Accumulator() = default;

  // Makes room for groups [0, groups); new groups start with no values.
  virtual void resize(uint32_t groups) = 0;
  // Adds rows [start, start + count) of the input column of batch `batch` to groups[i].
  virtual Status update(uint32_t batch, int64_t start, int64_t count, const uint32_t* groups) = 0;
  // Adds, for i in order, group from[i] of `other` (an accumulator of the same aggregate over
  // the same input, possibly this one) into group to[i].
  virtual Status merge(const Accumulator& other, const uint32_t* from, const uint32_t* to,
                       size_t count) = 0;
  // The results of groups [0, groups) as a column of the result type.
  virtual Result<ColumnPtr> finish(MemoryTracker* tracker) const = 0;
  // Bytes held by the states.
  virtual int64_t memory_bytes() const = 0;
  // Whether the states refer to input rows (rather than holding values): then the input must
  // outlive the accumulator (min/max of strings and other non-numeric types, first, last,
  // any_value).
  virtual bool holds_input_rows() const { return false; }
};

// An accumulator for `spec` whose input column is `input_type` (null for count(*)), reading
// batch b's input from (*sources)[b]; `sources` must outlive it. `label` names the aggregate in
// errors ("sum(amount)").
Result<std::unique_ptr<Accumulator>> make_accumulator(const AggregateSpec& spec,
                                                      const TypePtr& input_type,
                                                      const std::vector<const Column*>* sources,
                                                      std::string label);

// sum / count as decimal(.., out_scale) from a sum at in_scale, rounded HALF_UP; nullopt when it
// does not fit out_precision digits.
std::optional<Int128> decimal_average(Int128 sum, int64_t count, int in_scale, int out_scale,
                                      int out_precision);

}  // namespace braid::exec
