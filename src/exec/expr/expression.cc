#include "exec/expr/expression.h"

#include <bit>

#include "common/ascii.h"
#include "exec/expr/internal/cast.h"
#include "exec/expr/internal/function_registry.h"
#include "exec/expr/internal/kernel.h"
#include "exec/expr/internal/type_coercion.h"

namespace braid::exec {

bool Expression::is_constant() const {
  for (const auto& c : children()) {
    if (!c->is_constant()) return false;
  }
  return true;
}

namespace {

class ColumnRef final : public Expression {
 public:
  ColumnRef(int index, TypePtr type, std::string name, bool nullable)
      : Expression(std::move(type), nullable), index_(index), name_(std::move(name)) {}

  Result<ColumnPtr> evaluate(const RecordBatch& input, const EvalContext& ctx,
                             const std::vector<int32_t>* selection) const override {
    if (index_ < 0 || index_ >= input.num_columns()) {
      return Status::internal("column {} ('{}') is not in a batch of {} columns", index_, name_,
                              input.num_columns());
    }
    const ColumnPtr& c = input.column(index_);
    if (c->type_id() != type()->id()) {
      return Status::internal("column {} ('{}') is {} in the batch, {} in the expression", index_,
                              name_, c->type()->to_string(), type()->to_string());
    }
    return c;
  }
  std::string to_string() const override { return name_; }
  bool is_constant() const override { return false; }
  int index() const { return index_; }

 private:
  int index_;
  std::string name_;
};

class Literal final : public Expression {
 public:
  explicit Literal(ColumnPtr value)
      : Expression(value->type(), value->is_null(0)), value_(std::move(value)) {}

  Result<ColumnPtr> evaluate(const RecordBatch& input, const EvalContext& ctx,
                             const std::vector<int32_t>* selection) const override {
    return internal::to_column(internal::Operand{value_, true}, input.num_rows(), ctx.memory);
  }
  std::string to_string() const override { return internal::literal_name(*value_); }
  const ColumnPtr* literal_value() const override { return &value_; }
  bool is_constant() const override { return true; }

 private:
  ColumnPtr value_;
};

// Spark has no unsigned integers and braid computes timestamps in microseconds: arguments of
// those types are widened first (uint8 -> smallint, uint16 -> int, uint32 -> bigint,
// uint64 -> decimal(20,0); nanosecond timestamps truncate to microseconds).
Result<ExprPtr> to_spark_type(ExprPtr e) {
  const DataType& t = *e->type();
  TypePtr to;
  switch (t.id()) {
    case TypeId::kUInt8: to = int16(); break;
    case TypeId::kUInt16: to = int32(); break;
    case TypeId::kUInt32: to = int64(); break;
    case TypeId::kUInt64: to = decimal128(20, 0); break;
    case TypeId::kTimestamp:
      if (t.unit() == TimeUnit::kNano) {
        to = t.timezone().empty() ? internal::timestamp_ntz_type() : internal::timestamp_type();
      } else if (!t.timezone().empty() && t.timezone() != "UTC") {
        to = internal::timestamp_type();
      }
      break;
    default: break;
  }
  if (to == nullptr) return e;
  return internal::implicit_cast(std::move(e), to);
}

}  // namespace

ExprPtr column_ref(int index, TypePtr type, std::string name, bool nullable) {
  return std::make_shared<ColumnRef>(index, std::move(type), std::move(name), nullable);
}

int column_ref_index(const Expression& e) {
  const auto* ref = dynamic_cast<const ColumnRef*>(&e);
  return ref != nullptr ? ref->index() : -1;
}

ExprPtr literal(ColumnPtr one_row_value) { return std::make_shared<Literal>(std::move(one_row_value)); }

ExprPtr null_literal(TypePtr type) {
  auto value = Column::make_null(type, 1);
  if (!value.ok()) return nullptr;  // allocation of a few bytes without a tracker
  return std::make_shared<Literal>(*value);
}

Result<ExprPtr> make_call(std::string_view name, std::vector<ExprPtr> args) {
  const std::string lower = ascii::lower(name);
  const internal::Resolver* resolver = internal::FunctionRegistry::instance().find(lower);
  if (resolver == nullptr) return Status::not_found("unknown function '{}'", name);
  for (auto& a : args) {
    if (a == nullptr) return Status::invalid_argument("function '{}': missing argument", name);
    BRAID_ASSIGN_OR_RETURN(a, to_spark_type(std::move(a)));
  }
  return (*resolver)(lower, std::move(args));
}

Result<ExprPtr> make_cast(ExprPtr input, TypePtr to, bool try_cast) {
  if (input == nullptr || to == nullptr) return Status::invalid_argument("CAST: missing argument");
  BRAID_ASSIGN_OR_RETURN(input, to_spark_type(std::move(input)));
  return internal::cast_expression(std::move(input), std::move(to), try_cast, false);
}

bool is_function(std::string_view name) {
  return internal::FunctionRegistry::instance().find(ascii::lower(name)) != nullptr;
}

Result<ColumnPtr> evaluate_constant(const ExprPtr& e, const EvalContext& ctx) {
  if (const ColumnPtr* v = e->literal_value()) return *v;
  if (!e->is_constant()) {
    return Status::invalid_argument("'{}' is not a constant expression", e->to_string());
  }
  static const SchemaPtr kEmpty = schema({});
  RecordBatch batch(kEmpty, 1, {});
  return e->evaluate(batch, ctx, nullptr);
}

Result<std::vector<int32_t>> true_rows(const ColumnPtr& column,
                                       const std::vector<int32_t>* selection) {
  std::vector<int32_t> out;
  const Column& c = *column;
  if (c.type_id() == TypeId::kNull) return out;
  if (c.type_id() != TypeId::kBoolean) {
    return Status::invalid_argument("a predicate must be boolean, not {}", c.type()->to_string());
  }
  const uint8_t* values = c.buffer(1)->data();
  const uint8_t* validity = c.validity_bits();
  const int64_t off = c.offset();
  if (selection != nullptr) {
    out.reserve(selection->size());
    for (int32_t r : *selection) {
      const int64_t i = off + r;
      if (bitmap::get(values, i) && (validity == nullptr || bitmap::get(validity, i))) {
        out.push_back(r);
      }
    }
    return out;
  }
  const int64_t n = c.length();
  if (off % 8 == 0) {
    const uint8_t* v = values + off / 8;
    const uint8_t* m = validity == nullptr ? nullptr : validity + off / 8;
    const int64_t bytes = n / 8;
    for (int64_t b = 0; b < bytes; ++b) {
      unsigned bits = v[b] & (m == nullptr ? 0xFFu : m[b]);
      while (bits != 0) {
        out.push_back(static_cast<int32_t>(b * 8 + std::countr_zero(bits)));
        bits &= bits - 1;
      }
    }
    for (int64_t i = bytes * 8; i < n; ++i) {
      if (bitmap::get(v, i) && (m == nullptr || bitmap::get(m, i))) out.push_back(static_cast<int32_t>(i));
    }
    return out;
  }
  for (int64_t i = 0; i < n; ++i) {
    if (bitmap::get(values, off + i) && (validity == nullptr || bitmap::get(validity, off + i))) {
      out.push_back(static_cast<int32_t>(i));
    }
  }
  return out;
}

namespace internal {

const FunctionRegistry& FunctionRegistry::instance() {
  static const FunctionRegistry* registry = [] {
    auto* r = new FunctionRegistry();
    register_arithmetic_functions(*r);
    register_comparison_functions(*r);
    register_conditional_functions(*r);
    register_string_functions(*r);
    register_pattern_functions(*r);
    register_datetime_functions(*r);
    register_math_functions(*r);
    register_hash_functions(*r);
    return r;
  }();
  return *registry;
}

void FunctionRegistry::add(std::string name, Resolver resolver) {
  resolvers_[std::move(name)] = std::move(resolver);
}

const Resolver* FunctionRegistry::find(std::string_view name) const {
  auto it = resolvers_.find(std::string(name));
  return it == resolvers_.end() ? nullptr : &it->second;
}

}  // namespace internal

}  // namespace braid::exec
