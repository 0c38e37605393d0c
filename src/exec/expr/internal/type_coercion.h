// Spark's implicit type coercion (ANSI mode) and result-type rules, shared by the function
// families: which type two arguments meet at, the decimal types of arithmetic, and the implicit
// casts that make arguments agree.
// Private to src/exec/expr.
#pragma once

#include <string_view>
#include <vector>

#include "exec/expr/expression.h"

namespace braid::exec::internal {

// Spark TIMESTAMP (an instant, stored as UTC microseconds) and TIMESTAMP_NTZ.
TypePtr timestamp_type();
TypePtr timestamp_ntz_type();

bool is_integral(const DataType& t);    // tinyint .. bigint
bool is_fractional(const DataType& t);  // float, double
bool is_decimal(const DataType& t);
bool is_numeric(const DataType& t);     // integral, fractional or decimal
bool is_string(const DataType& t);
bool is_timestamp(const DataType& t);   // with or without zone
bool is_null_type(const DataType& t);

// Precedence among integral and fractional types: tinyint < smallint < int < bigint < float <
// double.
int numeric_rank(const DataType& t);
// The decimal an integral value converts to: tinyint (3,0), smallint (5,0), int (10,0),
// bigint (20,0); an integral literal takes its own digit count, as Spark does for literals.
TypePtr decimal_for_integral(const ExprPtr& e);
// decimal(p, s) when p <= 38, else Spark's precision-loss adjustment: precision 38 keeping at
// least min(s, 6) digits of scale.
TypePtr adjust_precision_scale(int precision, int scale);
// decimal(min(p, 38), min(s, 38)).
TypePtr bounded_decimal(int precision, int scale);

// The type two arguments meet at for comparison and for CASE / COALESCE / IN / greatest:
// numeric widening (decimals widened to hold both), string with an integral type -> bigint,
// string with another number -> double, string with date/timestamp/boolean -> that type,
// date with timestamp -> timestamp, NULL with anything -> that type. nullptr when none.
TypePtr wider_type(const ExprPtr& a, const ExprPtr& b);
TypePtr wider_type(const std::vector<ExprPtr>& args);

// `e` cast to `to` (nothing when already of that type); literals are folded when the cast
// succeeds. Implicit casts are not shown by to_string().
Result<ExprPtr> implicit_cast(ExprPtr e, const TypePtr& to);
Status implicit_cast_all(std::vector<ExprPtr>& args, const TypePtr& to);

// kInvalidArgument "function 'name' does not accept (int, string)".
Status no_signature(std::string_view name, const std::vector<ExprPtr>& args);

}  // namespace braid::exec::internal
