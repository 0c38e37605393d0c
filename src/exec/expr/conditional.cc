// Logic and conditional forms: AND, OR, NOT with SQL's three-valued logic, CASE WHEN, IF,
// COALESCE (nvl, ifnull), NULLIF, NVL2, greatest and least.
//
// AND, OR, CASE, IF and COALESCE evaluate an argument only on the rows that reach it (Spark
// short-circuits the same way), passing those rows down as the selection, so ANSI errors in a
// branch that is not taken never fire: CASE WHEN x <> 0 THEN 1 / x END is safe.
#include <numeric>

#include "exec/expr/internal/comparison.h"
#include "exec/expr/internal/function_registry.h"
#include "exec/expr/internal/type_coercion.h"

namespace braid::exec::internal {

namespace {

// The values and validity of a boolean operand as offset-0 bitmaps of n bits (scalars and NULL
// columns expanded).
struct BoolBits {
  BufferPtr values;
  BufferPtr validity;  // never null here
};

Result<BoolBits> bool_bits(const Operand& op, int64_t n, MemoryTracker* memory) {
  BoolBits out;
  const int64_t bytes = bitmap::bytes_for(n);
  if (op.scalar || op.type()->id() == TypeId::kNull) {
    const bool valid = op.type()->id() != TypeId::kNull && op.column->is_valid(0);
    const bool value = valid && op.column->bool_value(0);
    BRAID_ASSIGN_OR_RETURN(out.values, allocate(bytes, memory));
    BRAID_ASSIGN_OR_RETURN(out.validity, allocate(bytes, memory));
    bitmap::fill(out.values->mutable_data(), 0, n, value);
    bitmap::fill(out.validity->mutable_data(), 0, n, valid);
    return out;
  }
  const Column& c = *op.column;
  BRAID_ASSIGN_OR_RETURN(out.values, aligned_bits(c.buffer(1), c.offset(), n, memory));
  if (c.validity_bits() != nullptr) {
    BRAID_ASSIGN_OR_RETURN(out.validity, aligned_bits(c.buffer(0), c.offset(), n, memory));
  } else {
    BRAID_ASSIGN_OR_RETURN(out.validity, allocate(bytes, memory));
    bitmap::fill(out.validity->mutable_data(), 0, n, true);
  }
  return out;
}

// Rows of `selection` (all rows when null) for which keep(i) holds.
template <typename Keep>
std::vector<int32_t> rows_where(int64_t n, const std::vector<int32_t>* selection, Keep&& keep) {
  std::vector<int32_t> out;
  if (selection == nullptr) {
    out.reserve(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      if (keep(i)) out.push_back(static_cast<int32_t>(i));
    }
  } else {
    out.reserve(selection->size());
    for (int32_t r : *selection) {
      if (keep(r)) out.push_back(r);
    }
  }
  return out;
}

size_t selected_count(int64_t n, const std::vector<int32_t>* selection) {
  return selection == nullptr ? static_cast<size_t>(n) : selection->size();
}

class Logical final : public Expression {
 public:
  Logical(ExprPtr left, ExprPtr right, bool is_and)
      : Expression(boolean(), left->nullable() || right->nullable()),
        left_(std::move(left)),
        right_(std::move(right)),
        is_and_(is_and) {}

  Result<ColumnPtr> evaluate(const RecordBatch& input, const EvalContext& ctx,
                             const std::vector<int32_t>* selection) const override {
    const int64_t n = input.num_rows();
    if (selection != nullptr && selection->empty()) return null_column(type(), n, ctx.memory);
    BRAID_ASSIGN_OR_RETURN(auto left, evaluate_operand(*left_, input, ctx, selection));
    // AND stops at FALSE, OR at TRUE.
    const bool decisive = !is_and_;
    const bool left_null_type = left.type()->id() == TypeId::kNull;
    auto is_decisive = [&](int64_t i) {
      return !left_null_type && left.is_valid(i) && left.bool_value(i) == decisive;
    };
    if (left.scalar && is_decisive(0)) return to_column(left, n, ctx.memory);
    std::vector<int32_t> need_rows;
    const std::vector<int32_t>* need = selection;
    if (!left.scalar) {
      need_rows = rows_where(n, selection, [&](int64_t i) { return !is_decisive(i); });
      if (need_rows.empty()) return left.column;
      if (need_rows.size() != selected_count(n, selection)) need = &need_rows;
    }
    BRAID_ASSIGN_OR_RETURN(auto right, evaluate_operand(*right_, input, ctx, need));
    BRAID_ASSIGN_OR_RETURN(auto l, bool_bits(left, n, ctx.memory));
    BRAID_ASSIGN_OR_RETURN(auto r, bool_bits(right, n, ctx.memory));
    const int64_t bytes = bitmap::bytes_for(n);
    BRAID_ASSIGN_OR_RETURN(auto values, allocate(bytes, ctx.memory));
    BRAID_ASSIGN_OR_RETURN(auto validity, allocate(bytes, ctx.memory));
    const uint8_t *lv = l.values->data(), *lm = l.validity->data();
    const uint8_t *rv = r.values->data(), *rm = r.validity->data();
    uint8_t* ov = values->mutable_data();
    uint8_t* om = validity->mutable_data();
    for (int64_t i = 0; i < bytes; ++i) {
      if (is_and_) {
        om[i] = static_cast<uint8_t>((lm[i] & rm[i]) | (lm[i] & ~lv[i]) | (rm[i] & ~rv[i]));
        ov[i] = static_cast<uint8_t>(lv[i] & rv[i]);
      } else {
        om[i] = static_cast<uint8_t>((lm[i] & rm[i]) | (lm[i] & lv[i]) | (rm[i] & rv[i]));
        ov[i] = static_cast<uint8_t>(lv[i] | rv[i]);
      }
    }
    return make_column(boolean(), n, validity, values);
  }

  std::string to_string() const override {
    return "(" + left_->to_string() + (is_and_ ? " AND " : " OR ") + right_->to_string() + ")";
  }
  std::vector<ExprPtr> children() const override { return {left_, right_}; }

 private:
  ExprPtr left_, right_;
  bool is_and_;
};

Result<ExprPtr> as_boolean(std::string_view name, ExprPtr e, const std::vector<ExprPtr>& args) {
  if (e->type()->id() == TypeId::kBoolean) return e;
  if (e->type()->id() == TypeId::kNull) return implicit_cast(std::move(e), boolean());
  return no_signature(name, args);
}

Result<ExprPtr> resolve_logical(std::string_view name, std::vector<ExprPtr> args, bool is_and) {
  if (args.size() < 2) return no_signature(name, args);
  for (auto& a : args) {
    BRAID_ASSIGN_OR_RETURN(a, as_boolean(name, a, args));
  }
  ExprPtr acc = args[0];
  for (size_t i = 1; i < args.size(); ++i) acc = std::make_shared<Logical>(acc, args[i], is_and);
  return acc;
}

Result<ExprPtr> resolve_not(std::string_view name, std::vector<ExprPtr> args) {
  if (args.size() != 1) return no_signature(name, args);
  BRAID_ASSIGN_OR_RETURN(auto a, as_boolean(name, args[0], args));
  CallOptions options;
  options.printer = [](const std::vector<ExprPtr>& xs) { return "(NOT " + xs[0]->to_string() + ")"; };
  Kernel kernel = [](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    const int64_t n = kc.num_rows;
    BRAID_ASSIGN_OR_RETURN(auto b, bool_bits(ops[0], n, kc.memory()));
    BRAID_ASSIGN_OR_RETURN(auto values, allocate(bitmap::bytes_for(n), kc.memory()));
    const uint8_t* in = b.values->data();
    uint8_t* out = values->mutable_data();
    for (int64_t i = 0; i < bitmap::bytes_for(n); ++i) out[i] = static_cast<uint8_t>(~in[i]);
    BRAID_ASSIGN_OR_RETURN(auto validity, and_validity({&ops[0]}, n, kc.memory()));
    return make_column(boolean(), n, validity, values);
  };
  return make_kernel_call("not", {a}, boolean(), std::move(kernel), options);
}

// CASE WHEN c1 THEN v1 ... [ELSE e] END; IF and NULLIF print themselves differently.
class CaseWhen final : public Expression {
 public:
  enum class Style { kCase, kIf, kNullIf, kNvl2 };
  CaseWhen(TypePtr type, bool nullable, std::vector<ExprPtr> conditions, std::vector<ExprPtr> values,
           ExprPtr otherwise, Style style, std::vector<ExprPtr> original_args)
      : Expression(std::move(type), nullable),
        conditions_(std::move(conditions)),
        values_(std::move(values)),
        else_(std::move(otherwise)),
        style_(style),
        original_args_(std::move(original_args)) {}

  Result<ColumnPtr> evaluate(const RecordBatch& input, const EvalContext& ctx,
                             const std::vector<int32_t>* selection) const override {
    const int64_t n = input.num_rows();
    if (selection != nullptr && selection->empty()) return null_column(type(), n, ctx.memory);
    std::vector<int16_t> which(static_cast<size_t>(n), -1);
    std::vector<Operand> picked;
    std::vector<int32_t> remaining_rows;
    const std::vector<int32_t>* remaining = selection;
    for (size_t k = 0; k < conditions_.size(); ++k) {
      BRAID_ASSIGN_OR_RETURN(auto cond, evaluate_operand(*conditions_[k], input, ctx, remaining));
      auto is_true = [&](int64_t i) {
        return cond.type()->id() == TypeId::kBoolean && cond.is_valid(i) && cond.bool_value(i);
      };
      std::vector<int32_t> taken, rest;
      if (cond.scalar) {
        if (!is_true(0)) continue;
        taken = rows_where(n, remaining, [](int64_t) { return true; });
      } else {
        taken = rows_where(n, remaining, is_true);
        rest = rows_where(n, remaining, [&](int64_t i) { return !is_true(i); });
      }
      if (!taken.empty()) {
        BRAID_ASSIGN_OR_RETURN(auto v, evaluate_operand(*values_[k], input, ctx, &taken));
        const auto index = static_cast<int16_t>(picked.size());
        picked.push_back(std::move(v));
        for (int32_t r : taken) which[static_cast<size_t>(r)] = index;
      }
      remaining_rows = std::move(rest);
      remaining = &remaining_rows;
      if (remaining_rows.empty()) break;
    }
    if (else_ != nullptr && (remaining == nullptr || !remaining->empty())) {
      BRAID_ASSIGN_OR_RETURN(auto v, evaluate_operand(*else_, input, ctx, remaining));
      const auto index = static_cast<int16_t>(picked.size());
      picked.push_back(std::move(v));
      if (remaining == nullptr) {
        for (auto& w : which) w = index;
      } else {
        for (int32_t r : *remaining) which[static_cast<size_t>(r)] = index;
      }
    }
    // One branch over every row: no copy needed.
    if (picked.size() == 1 && !picked[0].scalar && selection == nullptr &&
        std::all_of(which.begin(), which.end(), [](int16_t w) { return w == 0; })) {
      return picked[0].column;
    }
    return merge_rows(type(), picked, which, ctx.memory);
  }

  std::string to_string() const override {
    auto list = [&]() {
      std::string s;
      for (size_t i = 0; i < original_args_.size(); ++i) {
        if (i) s += ", ";
        s += original_args_[i]->to_string();
      }
      return s;
    };
    switch (style_) {
      case Style::kIf: return "(IF(" + list() + "))";
      case Style::kNullIf: return "nullif(" + list() + ")";
      case Style::kNvl2: return "nvl2(" + list() + ")";
      case Style::kCase: break;
    }
    std::string s = "CASE";
    for (size_t k = 0; k < conditions_.size(); ++k) {
      s += " WHEN " + conditions_[k]->to_string() + " THEN " + values_[k]->to_string();
    }
    if (else_ != nullptr) s += " ELSE " + else_->to_string();
    return s + " END";
  }

  std::vector<ExprPtr> children() const override {
    std::vector<ExprPtr> out;
    for (size_t k = 0; k < conditions_.size(); ++k) {
      out.push_back(conditions_[k]);
      out.push_back(values_[k]);
    }
    if (else_ != nullptr) out.push_back(else_);
    return out;
  }

 private:
  std::vector<ExprPtr> conditions_;
  std::vector<ExprPtr> values_;
  ExprPtr else_;
  Style style_;
  std::vector<ExprPtr> original_args_;
};

Result<ExprPtr> build_case(std::string_view name, std::vector<ExprPtr> conditions,
                           std::vector<ExprPtr> values, ExprPtr otherwise, CaseWhen::Style style,
                           std::vector<ExprPtr> original_args) {
  std::vector<ExprPtr> all_values = values;
  if (otherwise != nullptr) all_values.push_back(otherwise);
  TypePtr type = wider_type(all_values);
  if (type == nullptr) return no_signature(name, original_args);
  for (auto& c : conditions) {
    BRAID_ASSIGN_OR_RETURN(c, as_boolean(name, c, original_args));
  }
  BRAID_RETURN_IF_ERROR(implicit_cast_all(values, type));
  if (otherwise != nullptr) {
    BRAID_ASSIGN_OR_RETURN(otherwise, implicit_cast(otherwise, type));
  }
  bool nullable = otherwise == nullptr;
  for (const auto& v : all_values) nullable = nullable || v->nullable();
  return ExprPtr(std::make_shared<CaseWhen>(type, nullable, std::move(conditions), std::move(values),
                                            std::move(otherwise), style, std::move(original_args)));
}

Result<ExprPtr> resolve_case_when(std::string_view name, std::vector<ExprPtr> args) {
  if (args.size() < 2) return no_signature(name, args);
  std::vector<ExprPtr> conditions, values;
  size_t i = 0;
  for (; i + 1 < args.size(); i += 2) {
    conditions.push_back(args[i]);
    values.push_back(args[i + 1]);
  }
  ExprPtr otherwise = i < args.size() ? args[i] : nullptr;
  return build_case(name, std::move(conditions), std::move(values), std::move(otherwise),
                    CaseWhen::Style::kCase, args);
}

Result<ExprPtr> resolve_if(std::string_view name, std::vector<ExprPtr> args) {
  if (args.size() != 3) return no_signature(name, args);
  return build_case(name, {args[0]}, {args[1]}, args[2], CaseWhen::Style::kIf, args);
}

Result<ExprPtr> resolve_nullif(std::string_view name, std::vector<ExprPtr> args) {
  if (args.size() != 2) return no_signature(name, args);
  BRAID_ASSIGN_OR_RETURN(auto eq, make_call("=", {args[0], args[1]}));
  return build_case(name, {eq}, {null_literal(args[0]->type())}, args[0], CaseWhen::Style::kNullIf,
                    args);
}

Result<ExprPtr> resolve_nvl2(std::string_view name, std::vector<ExprPtr> args) {
  if (args.size() != 3) return no_signature(name, args);
  BRAID_ASSIGN_OR_RETURN(auto present, make_call("isnotnull", {args[0]}));
  return build_case(name, {present}, {args[1]}, args[2], CaseWhen::Style::kNvl2, args);
}

class Coalesce final : public Expression {
 public:
  Coalesce(std::string name, TypePtr type, bool nullable, std::vector<ExprPtr> args)
      : Expression(std::move(type), nullable), name_(std::move(name)), args_(std::move(args)) {}

  Result<ColumnPtr> evaluate(const RecordBatch& input, const EvalContext& ctx,
                             const std::vector<int32_t>* selection) const override {
    const int64_t n = input.num_rows();
    if (selection != nullptr && selection->empty()) return null_column(type(), n, ctx.memory);
    std::vector<int16_t> which(static_cast<size_t>(n), -1);
    std::vector<Operand> picked;
    std::vector<int32_t> remaining_rows;
    const std::vector<int32_t>* remaining = selection;
    for (size_t k = 0; k < args_.size(); ++k) {
      BRAID_ASSIGN_OR_RETURN(auto v, evaluate_operand(*args_[k], input, ctx, remaining));
      if (v.is_null_scalar() || v.type()->id() == TypeId::kNull) continue;
      const auto index = static_cast<int16_t>(picked.size());
      if (k == 0 && !v.scalar && v.all_valid()) return v.column;
      std::vector<int32_t> rest;
      if (v.scalar) {
        if (remaining == nullptr) {
          for (auto& w : which) w = index;
        } else {
          for (int32_t r : *remaining) which[static_cast<size_t>(r)] = index;
        }
      } else {
        auto assign = [&](int64_t i) {
          if (v.is_valid(i)) {
            which[static_cast<size_t>(i)] = index;
          } else {
            rest.push_back(static_cast<int32_t>(i));
          }
        };
        if (remaining == nullptr) {
          for (int64_t i = 0; i < n; ++i) assign(i);
        } else {
          for (int32_t r : *remaining) assign(r);
        }
      }
      picked.push_back(std::move(v));
      remaining_rows = std::move(rest);
      remaining = &remaining_rows;
      if (remaining_rows.empty()) break;
    }
    return merge_rows(type(), picked, which, ctx.memory);
  }

  std::string to_string() const override {
    std::string s = name_ + "(";
    for (size_t i = 0; i < args_.size(); ++i) {
      if (i) s += ", ";
      s += args_[i]->to_string();
    }
    return s + ")";
  }
  std::vector<ExprPtr> children() const override { return args_; }

 private:
  std::string name_;
  std::vector<ExprPtr> args_;
};

Result<ExprPtr> resolve_coalesce(std::string_view name, std::vector<ExprPtr> args) {
  if (args.empty() || ((name == "nvl" || name == "ifnull") && args.size() != 2)) {
    return no_signature(name, args);
  }
  TypePtr type = wider_type(args);
  if (type == nullptr) return no_signature(name, args);
  BRAID_RETURN_IF_ERROR(implicit_cast_all(args, type));
  bool nullable = true;
  for (const auto& a : args) nullable = nullable && a->nullable();
  return ExprPtr(std::make_shared<Coalesce>(std::string(name), type, nullable, std::move(args)));
}

// greatest / least: NULLs are skipped; NULL only when every argument is NULL.
Result<ExprPtr> resolve_extreme(std::string_view name, std::vector<ExprPtr> args, bool greatest) {
  if (args.size() < 2) return no_signature(name, args);
  TypePtr type = wider_type(args);
  if (type == nullptr || !(is_orderable(*type) || is_null_type(*type))) return no_signature(name, args);
  BRAID_RETURN_IF_ERROR(implicit_cast_all(args, type));
  CallOptions options;
  options.null_intolerant = false;
  Kernel kernel = [greatest, type](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    const int64_t n = kc.num_rows;
    std::vector<int16_t> which(static_cast<size_t>(n), -1);
    for (size_t k = 0; k < ops.size(); ++k) {
      const Operand& op = ops[k];
      if (op.type()->id() == TypeId::kNull || op.is_null_scalar()) continue;
      for (int64_t i = 0; i < n; ++i) {
        if (!op.is_valid(i)) continue;
        int16_t& w = which[static_cast<size_t>(i)];
        if (w < 0) {
          w = static_cast<int16_t>(k);
          continue;
        }
        const Operand& cur = ops[static_cast<size_t>(w)];
        int c = compare_rows(*op.column, op.at(i), *cur.column, cur.at(i));
        if (greatest ? c > 0 : c < 0) w = static_cast<int16_t>(k);
      }
    }
    return merge_rows(type, ops, which, kc.memory());
  };
  return make_kernel_call(std::string(name), std::move(args), type, std::move(kernel), options);
}

}  // namespace

void register_conditional_functions(FunctionRegistry& r) {
  r.add("and", [](std::string_view n, std::vector<ExprPtr> a) { return resolve_logical(n, std::move(a), true); });
  r.add("or", [](std::string_view n, std::vector<ExprPtr> a) { return resolve_logical(n, std::move(a), false); });
  r.add("not", resolve_not);
  r.add("!", resolve_not);
  r.add("case_when", resolve_case_when);
  r.add("if", resolve_if);
  r.add("iff", resolve_if);
  r.add("nullif", resolve_nullif);
  r.add("nvl2", resolve_nvl2);
  r.add("coalesce", resolve_coalesce);
  r.add("nvl", resolve_coalesce);
  r.add("ifnull", resolve_coalesce);
  r.add("greatest", [](std::string_view n, std::vector<ExprPtr> a) { return resolve_extreme(n, std::move(a), true); });
  r.add("least", [](std::string_view n, std::vector<ExprPtr> a) { return resolve_extreme(n, std::move(a), false); });
}

}  // namespace braid::exec::internal
