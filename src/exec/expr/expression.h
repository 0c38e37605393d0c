// Expression: a typed scalar expression evaluated over whole columns (vectorized), with Spark SQL
// semantics in ANSI mode (Spark 4's default): integer overflow, decimal overflow, division by zero
// and malformed casts are errors, not NULLs; the try_* functions and TRY_CAST give NULL instead.
//
// Expressions are built bottom-up by the binder: column_ref / literal / null_literal for leaves,
// make_call for functions and operators (it applies Spark's implicit coercions and picks the
// result type), make_cast for CAST / TRY_CAST. A built expression is immutable.
//
// Evaluation takes a RecordBatch and returns one value per row. A `selection` (sorted row
// indices) says which rows matter: the others may hold anything in the result, and errors on them
// are never raised. Conditional forms (CASE, IF, COALESCE, AND, OR) evaluate each branch only on
// the rows that reach it, which is how `CASE WHEN x <> 0 THEN 1 / x END` never divides by zero.
//
// Errors: a user mistake (unknown function, wrong argument types, a value that cannot be cast)
// is kInvalidArgument / kNotFound with Spark's error class in brackets ("[DIVIDE_BY_ZERO] ...").
// Nothing throws.
//
// Thread-safety: an Expression is immutable; evaluate() may be called concurrently from any
// number of threads (the operators of one query share one expression tree). EvalContext is
// shared read-only by the threads of a query.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "braid/result.h"
#include "columnar/column.h"
#include "columnar/record_batch.h"
#include "common/memory_tracker.h"

namespace braid::exec {

struct EvalContext {
  int64_t now_micros = 0;                  // current_timestamp() of the query (fixed per query)
  std::string session_time_zone = "UTC";  // "UTC" or a fixed offset ("+02:00", "GMT-8")
  MemoryTracker* memory = nullptr;         // counts result buffers; may be null
};

class Expression;
using ExprPtr = std::shared_ptr<const Expression>;

class Expression {
 public:
  virtual ~Expression() = default;
  Expression(const Expression&) = delete;
  Expression& operator=(const Expression&) = delete;

  // The result type, by Spark's rules.
  const TypePtr& type() const { return type_; }
  // Whether the result may hold NULLs.
  bool nullable() const { return nullable_; }

  // One value per row of `input`: a column of input.num_rows() rows. With a `selection` (sorted,
  // distinct row indices), only those rows are meaningful; other rows may hold anything (often
  // NULL) and raise no errors.
  virtual Result<ColumnPtr> evaluate(const RecordBatch& input, const EvalContext& ctx,
                                     const std::vector<int32_t>* selection = nullptr) const = 0;
  // Spark-like text, used for generated column names: "(a + 1)", "upper(name)",
  // "CAST(x AS BIGINT)". Implicit casts added by coercion are not shown (as in Spark).
  virtual std::string to_string() const = 0;
  virtual std::vector<ExprPtr> children() const { return {}; }

  // Set for literals: the value as a 1-row column.
  virtual const ColumnPtr* literal_value() const { return nullptr; }
  // Whether the expression reads no column (it can be folded by evaluate_constant). Functions
  // that depend on the context (current_timestamp) are constant within a query too.
  virtual bool is_constant() const;

 protected:
  Expression(TypePtr type, bool nullable) : type_(std::move(type)), nullable_(nullable) {}

 private:
  TypePtr type_;
  bool nullable_;
};

// Column `index` of the input batch, of type `type`; `name` is what to_string() prints.
ExprPtr column_ref(int index, TypePtr type, std::string name, bool nullable = true);
// The input column `e` reads when it is a column_ref, else -1 (planners trace keys to scans).
int column_ref_index(const Expression& e);
// A constant: a 1-row column holds the value (the convention of parquet::ColumnPredicate).
ExprPtr literal(ColumnPtr one_row_value);
ExprPtr null_literal(TypePtr type);

// Resolves a scalar function or operator by name (ASCII case-insensitive) over the argument
// types, applying Spark's implicit coercions. Unknown name: kNotFound "unknown function 'foo'";
// arguments it does not take: kInvalidArgument "function 'upper' does not accept (int)".
// Operators: "+", "-", "*", "/", "%", "div", "negate", "=", "==", "<>", "!=", "<", "<=", ">",
// ">=", "<=>", "and", "or", "not", "is_null", "is_not_null", "in" (value, then the list),
// "not_in", "between" (value, low, high), "like", "ilike" (optional 3rd arg: the escape
// character), "rlike", "case_when" (cond1, val1, cond2, val2, ..., [else]), "||".
Result<ExprPtr> make_call(std::string_view name, std::vector<ExprPtr> args);
// CAST (try_cast = false: errors on bad values) or TRY_CAST (NULL instead).
Result<ExprPtr> make_cast(ExprPtr input, TypePtr to, bool try_cast);
// Whether `name` is a scalar function or operator known to make_call.
bool is_function(std::string_view name);

// Evaluates an expression that reads no column over a 1-row batch with no columns: a 1-row
// column (constant folding). kInvalidArgument when the expression reads a column.
Result<ColumnPtr> evaluate_constant(const ExprPtr& e, const EvalContext& ctx);

// The rows where a boolean column is TRUE (NULL and FALSE are dropped), restricted to
// `selection` when one is given; sorted.
Result<std::vector<int32_t>> true_rows(const ColumnPtr& boolean_column,
                                       const std::vector<int32_t>* selection = nullptr);

}  // namespace braid::exec
