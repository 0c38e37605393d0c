// CAST and TRY_CAST between Spark types, as an expression and as a kernel other functions use
// (to_date, date arithmetic on strings, ...). Private to src/exec/expr.
#pragma once

#include "exec/expr/internal/kernel.h"

namespace braid::exec::internal {

// Whether Spark (ANSI) allows CAST from `from` to `to`.
bool can_cast(const DataType& from, const DataType& to);
// The cast expression. `implicit` casts print as their input. A literal input is folded to a
// literal when the cast succeeds.
Result<ExprPtr> cast_expression(ExprPtr input, TypePtr to, bool try_cast, bool implicit);
// Casts an operand: a column of kc.num_rows rows, or a scalar into a 1-row column.
Result<ColumnPtr> cast_operand(const Operand& in, const TypePtr& to, bool try_cast,
                               const KernelContext& kc);

// Spark's text of one value (CAST(x AS STRING)), timestamps in the zone `offset_micros` east of
// UTC.
void append_cast_text(std::string& out, const Column& c, int64_t row, int64_t offset_micros);

// Spark's string -> date and string -> timestamp parsing (trimmed input): "yyyy", "yyyy-[m]m",
// "yyyy-[m]m-[d]d", then for dates anything after ' ' or 'T'; for timestamps an optional time
// "[h]h:[m]m[:[s]s[.f{1,9}]]" and zone ("Z", "UTC", "+hh:mm", ...). A timestamp without a zone is
// read in the zone `offset_micros` east of UTC; `has_zone` tells whether it had one.
std::optional<int32_t> parse_spark_date(std::string_view text);
std::optional<int64_t> parse_spark_timestamp(std::string_view text, int64_t offset_micros,
                                             bool* has_zone = nullptr);

}  // namespace braid::exec::internal
