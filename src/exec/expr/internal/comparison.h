// Vectorized comparison of two operands of one type, shared by the comparison operators, IN,
// NULLIF, greatest/least and CASE-like forms. Spark's ordering: NaN equals NaN and is above every
// other double, -0.0 equals 0.0, strings and binary compare by bytes, false < true.
// Private to src/exec/expr.
#pragma once

#include "exec/expr/internal/kernel.h"

namespace braid::exec::internal {

enum class CmpOp { kEq, kNe, kLt, kLe, kGt, kGe };

// A boolean column: NULL where either side is NULL. Both operands have the same type (decimals:
// the same scale); nested types support kEq and kNe only.
Result<ColumnPtr> compare_operands(const Operand& a, const Operand& b, CmpOp op,
                                   const KernelContext& kc);
// <0, 0, >0 comparing row i of a with row j of b (both valid, same type).
int compare_rows(const Column& a, int64_t i, const Column& b, int64_t j);
// Whether a type can be ordered (<, >) / compared for equality.
bool is_orderable(const DataType& t);
bool is_equality_comparable(const DataType& t);

}  // namespace braid::exec::internal
