// The toolkit every vectorized kernel of src/exec/expr is written with: evaluated arguments
// (Operand: a column, or a scalar broadcast without copying), the kernel-call expression node,
// validity bitmaps, output writers, row iteration under a selection, ANSI error resolution that
// only fires on selected rows, and Spark's text for types and values in error messages.
// Private to src/exec/expr.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "columnar/buffer.h"
#include "columnar/column.h"
#include "exec/expr/expression.h"

namespace braid::exec::internal {

// An evaluated argument: a column of num_rows rows, or a scalar (a 1-row column that stands for
// every row). Index rows with at(i), or with values<T>()[i * stride()] in tight loops.
struct Operand {
  ColumnPtr column;
  bool scalar = false;

  const TypePtr& type() const { return column->type(); }
  int64_t stride() const { return scalar ? 0 : 1; }
  int64_t at(int64_t i) const { return scalar ? 0 : i; }
  bool is_valid(int64_t i) const { return column->is_valid(at(i)); }
  bool is_null_scalar() const { return scalar && column->is_null(0); }
  // No row is NULL.
  bool all_valid() const {
    return scalar ? column->is_valid(0) : (column->type_id() != TypeId::kNull && !column->may_have_nulls());
  }
  template <typename T>
  const T* values() const {
    return column->values<T>();
  }
  template <typename T>
  T value(int64_t i) const {
    return column->values<T>()[at(i)];
  }
  bool bool_value(int64_t i) const { return column->bool_value(at(i)); }
  std::string_view string_value(int64_t i) const { return column->string_value(at(i)); }
};

struct KernelContext {
  int64_t num_rows = 0;
  const std::vector<int32_t>* selection = nullptr;
  const EvalContext* eval = nullptr;
  MemoryTracker* memory() const { return eval->memory; }
};

// Evaluates `e` as an operand: literals stay scalars, everything else becomes a column.
Result<Operand> evaluate_operand(const Expression& e, const RecordBatch& input,
                                 const EvalContext& ctx, const std::vector<int32_t>* selection);

// A kernel computes one column of num_rows rows from its operands. Unless the call is built
// with null_intolerant = false, kernels never see a NULL scalar (the call answers NULL itself).
using Kernel = std::function<Result<ColumnPtr>(const std::vector<Operand>& args,
                                               const KernelContext& kc)>;
// How a call prints: "name(a, b)", "(a name b)", "(name a)", or a custom function.
enum class CallStyle { kFunction, kInfix, kPrefix };
using Printer = std::function<std::string(const std::vector<ExprPtr>& args)>;

struct CallOptions {
  CallStyle style = CallStyle::kFunction;
  bool null_intolerant = true;   // any NULL argument makes the result NULL
  bool may_return_null = false;  // NULL results from non-NULL arguments (try_*, ln(0), ...)
  bool never_null = false;       // the result is never NULL (IS NULL, <=>, hashes)
  Printer printer;               // overrides style
};
ExprPtr make_kernel_call(std::string name, std::vector<ExprPtr> args, TypePtr type,
                         Kernel kernel, CallOptions options = {});

// ---- buffers and columns

Result<BufferPtr> allocate(int64_t bytes, MemoryTracker* memory);
// A column from buffers we filled (validity may be null).
ColumnPtr make_column(TypePtr type, int64_t length, BufferPtr validity, BufferPtr values);
// AND of the operands' validity as an offset-0 bitmap of n bits; nullptr when every row is valid.
// Scalars count as valid (callers handle NULL scalars first).
Result<BufferPtr> and_validity(const std::vector<const Operand*>& operands, int64_t n,
                               MemoryTracker* memory);
// An offset-0 copy of n bits of a bitmap that starts at bit `offset` (shares when offset is 0).
Result<BufferPtr> aligned_bits(const BufferPtr& bits, int64_t offset, int64_t n,
                               MemoryTracker* memory);
// A 1-row string column (for literals built by resolvers).
ColumnPtr string_scalar(std::string_view s);
// A column of n NULLs.
Result<ColumnPtr> null_column(const TypePtr& type, int64_t n, MemoryTracker* memory);
// The operand as a column of n rows (scalars are repeated).
Result<ColumnPtr> to_column(const Operand& operand, int64_t n, MemoryTracker* memory);
// Row i of the result comes from row i of branches[which[i]] (scalars broadcast); which[i] < 0
// gives NULL. All branches have `type`.
Result<ColumnPtr> merge_rows(const TypePtr& type, const std::vector<Operand>& branches,
                             const std::vector<int16_t>& which, MemoryTracker* memory);

// Builds a string or binary column row by row, writing straight into its buffers.
class StringWriter {
 public:
  StringWriter(TypePtr type, int64_t expected_rows, int64_t expected_bytes, MemoryTracker* memory);
  void append(std::string_view v) {
    data_.append(v.data(), static_cast<int64_t>(v.size()));
    end_row();
  }
  // Room for up to `max_bytes`; write them at the pointer, then commit(bytes actually written).
  char* reserve(int64_t max_bytes) {
    data_.reserve(max_bytes);
    return reinterpret_cast<char*>(data_.data() + data_.size());
  }
  void commit(int64_t bytes) {
    data_.resize_unchecked(data_.size() + bytes);
    end_row();
  }
  void append_null();
  void append_nulls(int64_t n) {
    for (int64_t i = 0; i < n; ++i) append_null();
  }
  Result<ColumnPtr> finish();

 private:
  void end_row() {
    offsets_.append_value(static_cast<int32_t>(data_.size()));
    if (data_.size() > INT32_MAX) overflow_ = true;
    if (has_validity_) {
      validity_.resize(bitmap::bytes_for(rows_ + 1));
      bitmap::set(validity_.data(), rows_);
    }
    ++rows_;
  }
  TypePtr type_;
  MemoryTracker* memory_;
  BufferBuilder offsets_;
  BufferBuilder data_;
  BufferBuilder validity_;
  bool has_validity_ = false;
  bool overflow_ = false;
  int64_t rows_ = 0;
};

// ---- rows under a selection

// Calls row(i) for each selected row (every row without a selection) in order, and
// gap(start, count) for each run of unselected rows between them.
template <typename Row, typename Gap>
void for_each_selected(int64_t n, const std::vector<int32_t>* selection, Row&& row, Gap&& gap) {
  if (selection == nullptr) {
    for (int64_t i = 0; i < n; ++i) row(i);
    return;
  }
  int64_t next = 0;
  for (int32_t r : *selection) {
    if (r > next) gap(next, r - next);
    row(static_cast<int64_t>(r));
    next = static_cast<int64_t>(r) + 1;
  }
  if (next < n) gap(next, n - next);
}

// The first row that is selected, valid (per the offset-0 `validity`, nullptr = all valid) and
// bad(i); -1 when none.
template <typename Bad>
int64_t first_bad_row(int64_t n, const uint8_t* validity, const std::vector<int32_t>* selection,
                      Bad&& bad) {
  auto check = [&](int64_t i) {
    return (validity == nullptr || bitmap::get(validity, i)) && bad(i);
  };
  if (selection == nullptr) {
    for (int64_t i = 0; i < n; ++i) {
      if (check(i)) return i;
    }
  } else {
    for (int32_t r : *selection) {
      if (check(r)) return r;
    }
  }
  return -1;
}

// After a vectorized loop saw a possible error: in try mode, every row with bad(i) becomes NULL
// (validity is created when absent); otherwise the error of the first selected valid bad row, if
// any, is returned.
template <typename Bad, typename MakeError>
Status resolve_row_errors(int64_t n, BufferPtr& validity, const KernelContext& kc, bool try_mode,
                          Bad&& bad, MakeError&& make_error) {
  if (try_mode) {
    if (validity == nullptr) {
      auto v = allocate(bitmap::bytes_for(n), kc.memory());
      if (!v.ok()) return v.status();
      validity = *v;
      bitmap::fill(validity->mutable_data(), 0, n, true);
    }
    uint8_t* bits = validity->mutable_data();
    for (int64_t i = 0; i < n; ++i) {
      if (bitmap::get(bits, i) && bad(i)) bitmap::clear(bits, i);
    }
    return Status::OK();
  }
  const uint8_t* bits = validity == nullptr ? nullptr : validity->data();
  int64_t row = first_bad_row(n, bits, kc.selection, bad);
  if (row < 0) return Status::OK();
  return make_error(row);
}

// ---- text for messages and names

// Spark's SQL name of a type: "INT", "BIGINT", "DECIMAL(10,2)", "STRING", "TIMESTAMP_NTZ".
std::string sql_type_name(const DataType& type);
// Spark's SQL text of a value in messages: 'abc', 7, 7L, 1.0E10D, 1.50BD, DATE '2020-01-01'.
std::string sql_value_text(const Column& column, int64_t row);
// The text of a literal in generated names (Spark: strings unquoted, others as literals).
std::string literal_name(const Column& column);
// Java's Double.toString / Float.toString: 1.0, 0.1, 1.0E10, 1.0E-5, NaN, Infinity.
void append_java_double(std::string& out, double v);
void append_java_float(std::string& out, float v);
// The shortest decimal digits of a finite double and its decimal exponent: v = 0.d1d2... * 10^exp.
// Digits "0" for zero.
void shortest_digits(double v, std::string& digits, int& exponent, bool& negative);

// ---- time zones

// The session time zone as a fixed offset from UTC in microseconds: "UTC", "GMT", "Z",
// "+hh:mm", "-hh", "UTC+hh:mm", "GMT-8". Region names are not supported (kNotImplemented).
Result<int64_t> zone_offset_micros(std::string_view zone);

// ---- literals of the call's arguments (resolved at make time)

// The integer value of a non-NULL integral literal.
std::optional<int64_t> literal_int(const ExprPtr& e);
// The text of a non-NULL string literal.
std::optional<std::string> literal_string(const ExprPtr& e);

}  // namespace braid::exec::internal
