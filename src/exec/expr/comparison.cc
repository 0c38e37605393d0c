// Comparison operators (= <> < <= > >= <=>), IS [NOT] NULL, IN and BETWEEN.
// Arguments meet at Spark's wider type (comparing a string with a number casts the string, which
// fails on malformed text as ANSI mode does). Column-versus-literal comparisons run a loop with
// the literal hoisted out.
#include "exec/expr/internal/comparison.h"

#include <cmath>
#include <cstring>

#include "exec/expr/internal/function_registry.h"
#include "exec/expr/internal/type_coercion.h"

namespace braid::exec::internal {

namespace {

template <typename T>
int order(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    const bool na = std::isnan(a), nb = std::isnan(b);
    if (na || nb) return na == nb ? 0 : (na ? 1 : -1);
  }
  return a < b ? -1 : (b < a ? 1 : 0);
}

template <CmpOp kOp>
bool from_order(int c) {
  switch (kOp) {
    case CmpOp::kEq: return c == 0;
    case CmpOp::kNe: return c != 0;
    case CmpOp::kLt: return c < 0;
    case CmpOp::kLe: return c <= 0;
    case CmpOp::kGt: return c > 0;
    case CmpOp::kGe: return c >= 0;
  }
  return false;
}

template <typename T, CmpOp kOp>
inline bool cmp(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    return from_order<kOp>(order(a, b));
  } else {
    switch (kOp) {
      case CmpOp::kEq: return a == b;
      case CmpOp::kNe: return a != b;
      case CmpOp::kLt: return a < b;
      case CmpOp::kLe: return a <= b;
      case CmpOp::kGt: return a > b;
      case CmpOp::kGe: return a >= b;
    }
    return false;
  }
}

// Packs cmp(a[i], b[i]) into bits, 8 rows per byte; kAs / kBs: whether a / b advance.
template <typename T, CmpOp kOp, bool kAs, bool kBs>
void compare_loop(const T* a, const T* b, int64_t n, uint8_t* out) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    unsigned byte = 0;
    for (int k = 0; k < 8; ++k) {
      const T x = kAs ? a[i + k] : a[0];
      const T y = kBs ? b[i + k] : b[0];
      byte |= static_cast<unsigned>(cmp<T, kOp>(x, y)) << k;
    }
    out[i / 8] = static_cast<uint8_t>(byte);
  }
  for (; i < n; ++i) {
    if (cmp<T, kOp>(kAs ? a[i] : a[0], kBs ? b[i] : b[0])) bitmap::set(out, i);
  }
}

template <typename T, CmpOp kOp>
void compare_fixed(const Operand& a, const Operand& b, int64_t n, uint8_t* out) {
  const T* av = a.values<T>();
  const T* bv = b.values<T>();
  if (!a.scalar && !b.scalar) {
    compare_loop<T, kOp, true, true>(av, bv, n, out);
  } else if (!a.scalar) {
    compare_loop<T, kOp, true, false>(av, bv, n, out);
  } else if (!b.scalar) {
    compare_loop<T, kOp, false, true>(av, bv, n, out);
  } else {
    compare_loop<T, kOp, false, false>(av, bv, n, out);
  }
}

int compare_bytes(std::string_view a, std::string_view b) {
  const size_t m = std::min(a.size(), b.size());
  int c = m == 0 ? 0 : std::memcmp(a.data(), b.data(), m);
  if (c != 0) return c;
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

template <CmpOp kOp>
void compare_strings(const Operand& a, const Operand& b, int64_t n, uint8_t* out) {
  if ((kOp == CmpOp::kEq || kOp == CmpOp::kNe) && (a.scalar != b.scalar)) {
    // Column against a literal: lengths first, bytes only when they match.
    const Operand& col = a.scalar ? b : a;
    const std::string_view lit = (a.scalar ? a : b).string_value(0);
    const int32_t* o = col.column->offsets();
    const char* data = reinterpret_cast<const char*>(col.column->buffer(2)->data());
    const auto len = static_cast<int32_t>(lit.size());
    for (int64_t i = 0; i < n; ++i) {
      const bool eq = o[i + 1] - o[i] == len && (len == 0 || std::memcmp(data + o[i], lit.data(), lit.size()) == 0);
      if (eq == (kOp == CmpOp::kEq)) bitmap::set(out, i);
    }
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    if (from_order<kOp>(compare_bytes(a.string_value(i), b.string_value(i)))) bitmap::set(out, i);
  }
}

template <CmpOp kOp>
void compare_booleans(const Operand& a, const Operand& b, int64_t n, uint8_t* out) {
  for (int64_t i = 0; i < n; ++i) {
    if (cmp<int, kOp>(a.bool_value(i), b.bool_value(i))) bitmap::set(out, i);
  }
}

bool nested_equal(const Column& a, int64_t i, const Column& b, int64_t j);

bool values_equal(const Column& a, int64_t i, const Column& b, int64_t j) {
  const bool va = a.is_valid(i), vb = b.is_valid(j);
  if (!va || !vb) return va == vb;  // inside nested values NULL equals NULL (Spark's ordering)
  if (a.type()->is_nested()) return nested_equal(a, i, b, j);
  return compare_rows(a, i, b, j) == 0;
}

bool nested_equal(const Column& a, int64_t i, const Column& b, int64_t j) {
  switch (a.type_id()) {
    case TypeId::kStruct:
      for (int f = 0; f < a.type()->num_fields(); ++f) {
        if (!values_equal(*a.struct_field(f), i, *b.struct_field(f), j)) return false;
      }
      return true;
    case TypeId::kList:
    case TypeId::kMap: {
      const int32_t* oa = a.offsets();
      const int32_t* ob = b.offsets();
      const int64_t la = oa[i + 1] - oa[i], lb = ob[j + 1] - ob[j];
      if (la != lb) return false;
      for (int64_t k = 0; k < la; ++k) {
        if (!values_equal(*a.list_values(), oa[i] + k, *b.list_values(), ob[j] + k)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

template <CmpOp kOp>
Status compare_dispatch(const Operand& a, const Operand& b, int64_t n, uint8_t* out) {
  switch (a.type()->id()) {
    case TypeId::kBoolean: compare_booleans<kOp>(a, b, n, out); break;
    case TypeId::kInt8: compare_fixed<int8_t, kOp>(a, b, n, out); break;
    case TypeId::kInt16: compare_fixed<int16_t, kOp>(a, b, n, out); break;
    case TypeId::kInt32:
    case TypeId::kDate32: compare_fixed<int32_t, kOp>(a, b, n, out); break;
    case TypeId::kInt64:
    case TypeId::kTimestamp: compare_fixed<int64_t, kOp>(a, b, n, out); break;
    case TypeId::kFloat32: compare_fixed<float, kOp>(a, b, n, out); break;
    case TypeId::kFloat64: compare_fixed<double, kOp>(a, b, n, out); break;
    case TypeId::kDecimal128: compare_fixed<Int128, kOp>(a, b, n, out); break;
    case TypeId::kString:
    case TypeId::kBinary: compare_strings<kOp>(a, b, n, out); break;
    case TypeId::kStruct:
    case TypeId::kList:
    case TypeId::kMap:
      if (kOp != CmpOp::kEq && kOp != CmpOp::kNe) {
        return Status::invalid_argument("cannot order values of type {}", a.type()->to_string());
      }
      for (int64_t i = 0; i < n; ++i) {
        if (nested_equal(*a.column, a.at(i), *b.column, b.at(i)) == (kOp == CmpOp::kEq)) {
          bitmap::set(out, i);
        }
      }
      break;
    default:
      return Status::invalid_argument("cannot compare values of type {}", a.type()->to_string());
  }
  return Status::OK();
}

// ---- resolvers

const char* cmp_symbol(CmpOp op) {
  switch (op) {
    case CmpOp::kEq: return "=";
    case CmpOp::kNe: return "<>";
    case CmpOp::kLt: return "<";
    case CmpOp::kLe: return "<=";
    case CmpOp::kGt: return ">";
    case CmpOp::kGe: return ">=";
  }
  return "?";
}

// Coerces both sides of a comparison to their common type.
Status coerce_pair(std::string_view name, ExprPtr& a, ExprPtr& b, bool ordering) {
  TypePtr common = wider_type(a, b);
  if (common == nullptr) return no_signature(name, {a, b});
  if (is_null_type(*common)) common = boolean();
  if (ordering ? !is_orderable(*common) : !is_equality_comparable(*common)) {
    return no_signature(name, {a, b});
  }
  BRAID_ASSIGN_OR_RETURN(a, implicit_cast(std::move(a), common));
  BRAID_ASSIGN_OR_RETURN(b, implicit_cast(std::move(b), common));
  return Status::OK();
}

Result<ExprPtr> resolve_compare(std::string_view name, std::vector<ExprPtr> args, CmpOp op) {
  if (args.size() != 2) return no_signature(name, args);
  ExprPtr a = args[0], b = args[1];
  BRAID_RETURN_IF_ERROR(coerce_pair(name, a, b, op != CmpOp::kEq && op != CmpOp::kNe));
  CallOptions options;
  options.style = CallStyle::kInfix;
  return make_kernel_call(cmp_symbol(op), {a, b}, boolean(),
                          [op](const std::vector<Operand>& ops, const KernelContext& kc) {
                            return compare_operands(ops[0], ops[1], op, kc);
                          },
                          options);
}

Result<ColumnPtr> null_safe_equal(const Operand& a, const Operand& b, const KernelContext& kc) {
  const int64_t n = kc.num_rows;
  BRAID_ASSIGN_OR_RETURN(auto bits, allocate(bitmap::bytes_for(n), kc.memory()));
  uint8_t* out = bits->mutable_data();
  const bool a_null = a.is_null_scalar() || a.type()->id() == TypeId::kNull;
  const bool b_null = b.is_null_scalar() || b.type()->id() == TypeId::kNull;
  if (a_null || b_null) {
    const Operand& other = a_null ? b : a;
    const bool other_null = a_null && b_null;
    for (int64_t i = 0; i < n; ++i) {
      if (other_null || !other.is_valid(i)) bitmap::set(out, i);
    }
    return make_column(boolean(), n, nullptr, bits);
  }
  BRAID_RETURN_IF_ERROR(compare_dispatch<CmpOp::kEq>(a, b, n, out));
  if (!a.all_valid() || !b.all_valid()) {
    for (int64_t i = 0; i < n; ++i) {
      const bool va = a.is_valid(i), vb = b.is_valid(i);
      bitmap::set_to(out, i, va && vb ? bitmap::get(out, i) : va == vb);
    }
  }
  return make_column(boolean(), n, nullptr, bits);
}

Result<ExprPtr> resolve_null_safe_equal(std::string_view name, std::vector<ExprPtr> args) {
  if (args.size() != 2) return no_signature(name, args);
  ExprPtr a = args[0], b = args[1];
  BRAID_RETURN_IF_ERROR(coerce_pair(name, a, b, false));
  CallOptions options;
  options.style = CallStyle::kInfix;
  options.null_intolerant = false;
  options.never_null = true;
  auto e = make_kernel_call("<=>", {a, b}, boolean(),
                            [](const std::vector<Operand>& ops, const KernelContext& kc) {
                              return null_safe_equal(ops[0], ops[1], kc);
                            },
                            options);
  return e;
}

Result<ExprPtr> resolve_is_null(std::string_view name, std::vector<ExprPtr> args, bool want_null) {
  if (args.size() != 1) return no_signature(name, args);
  CallOptions options;
  options.null_intolerant = false;
  options.never_null = true;
  options.printer = [want_null](const std::vector<ExprPtr>& a) {
    return "(" + a[0]->to_string() + (want_null ? " IS NULL)" : " IS NOT NULL)");
  };
  Kernel kernel = [want_null](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    const int64_t n = kc.num_rows;
    const Operand& a = ops[0];
    BRAID_ASSIGN_OR_RETURN(auto bits, allocate(bitmap::bytes_for(n), kc.memory()));
    uint8_t* out = bits->mutable_data();
    if (a.scalar || a.type()->id() == TypeId::kNull) {
      const bool is_null = a.type()->id() == TypeId::kNull || a.column->is_null(0);
      bitmap::fill(out, 0, n, is_null == want_null);
    } else if (const uint8_t* v = a.column->validity_bits()) {
      bitmap::copy(v, a.column->offset(), out, 0, n);
      if (want_null) {
        for (int64_t i = 0; i < bitmap::bytes_for(n); ++i) out[i] = static_cast<uint8_t>(~out[i]);
      }
    } else {
      bitmap::fill(out, 0, n, !want_null);
    }
    return make_column(boolean(), n, nullptr, bits);
  };
  auto e = make_kernel_call(want_null ? "isnull" : "isnotnull", std::move(args), boolean(),
                            std::move(kernel), options);
  return e;
}

// value IN (list): TRUE when some item equals the value; otherwise NULL when the value or an item
// is NULL; otherwise FALSE.
Result<ExprPtr> resolve_in(std::string_view name, std::vector<ExprPtr> args, bool negated) {
  if (args.size() < 2) return no_signature(name, args);
  TypePtr common = wider_type(args);
  if (common == nullptr) return no_signature(name, args);
  if (is_null_type(*common)) common = boolean();
  if (!is_equality_comparable(*common)) return no_signature(name, args);
  BRAID_RETURN_IF_ERROR(implicit_cast_all(args, common));
  CallOptions options;
  options.null_intolerant = false;
  options.printer = [negated](const std::vector<ExprPtr>& a) {
    std::string s = "(" + a[0]->to_string() + (negated ? " NOT IN (" : " IN (");
    for (size_t i = 1; i < a.size(); ++i) {
      if (i > 1) s += ", ";
      s += a[i]->to_string();
    }
    return s + "))";
  };
  Kernel kernel = [negated](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    const int64_t n = kc.num_rows;
    const int64_t bytes = bitmap::bytes_for(n);
    BRAID_ASSIGN_OR_RETURN(auto found_buf, allocate(bytes, kc.memory()));
    BRAID_ASSIGN_OR_RETURN(auto null_buf, allocate(bytes, kc.memory()));
    uint8_t* found = found_buf->mutable_data();
    uint8_t* null_seen = null_buf->mutable_data();
    const Operand& value = ops[0];
    if (value.is_null_scalar()) return null_column(boolean(), n, kc.memory());
    for (size_t k = 1; k < ops.size(); ++k) {
      if (ops[k].is_null_scalar()) {
        std::memset(null_seen, 0xFF, static_cast<size_t>(bytes));
        continue;
      }
      BRAID_ASSIGN_OR_RETURN(auto eq, compare_operands(value, ops[k], CmpOp::kEq, kc));
      BRAID_ASSIGN_OR_RETURN(auto eq_bits, aligned_bits(eq->buffer(1), eq->offset(), n, kc.memory()));
      const uint8_t* e = eq_bits->data();
      if (const uint8_t* v = eq->validity_bits()) {
        BRAID_ASSIGN_OR_RETURN(auto valid, aligned_bits(eq->buffer(0), eq->offset(), n, kc.memory()));
        const uint8_t* vb = valid->data();
        for (int64_t i = 0; i < bytes; ++i) {
          found[i] |= e[i] & vb[i];
          null_seen[i] |= static_cast<uint8_t>(~vb[i]);
        }
        (void)v;
      } else {
        for (int64_t i = 0; i < bytes; ++i) found[i] |= e[i];
      }
    }
    // valid = found | !null_seen; value = found (negated: !found).
    BRAID_ASSIGN_OR_RETURN(auto validity, allocate(bytes, kc.memory()));
    uint8_t* vout = validity->mutable_data();
    bool any_null = false;
    for (int64_t i = 0; i < bytes; ++i) {
      vout[i] = static_cast<uint8_t>(found[i] | ~null_seen[i]);
      if (negated) found[i] = static_cast<uint8_t>(~found[i]);
    }
    for (int64_t i = 0; i < n && !any_null; ++i) any_null = !bitmap::get(vout, i);
    return make_column(boolean(), n, any_null ? validity : nullptr, found_buf);
  };
  return make_kernel_call(negated ? "not_in" : "in", std::move(args), boolean(), std::move(kernel),
                          options);
}

Result<ExprPtr> resolve_between(std::string_view name, std::vector<ExprPtr> args, bool negated) {
  if (args.size() != 3) return no_signature(name, args);
  BRAID_ASSIGN_OR_RETURN(auto low, make_call(">=", {args[0], args[1]}));
  BRAID_ASSIGN_OR_RETURN(auto high, make_call("<=", {args[0], args[2]}));
  BRAID_ASSIGN_OR_RETURN(auto both, make_call("and", {low, high}));
  if (!negated) return both;
  return make_call("not", {both});
}

}  // namespace

bool is_orderable(const DataType& t) {
  switch (t.id()) {
    case TypeId::kBoolean:
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kFloat32:
    case TypeId::kFloat64:
    case TypeId::kDecimal128:
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kDate32:
    case TypeId::kTimestamp:
      return true;
    default:
      return false;
  }
}

bool is_equality_comparable(const DataType& t) {
  if (is_orderable(t)) return true;
  if (t.is_nested()) {
    for (const auto& f : t.fields()) {
      if (!is_equality_comparable(*f->type())) return false;
    }
    return true;
  }
  return false;
}

int compare_rows(const Column& a, int64_t i, const Column& b, int64_t j) {
  switch (a.type_id()) {
    case TypeId::kBoolean: return order<int>(a.bool_value(i), b.bool_value(j));
    case TypeId::kInt8: return order(a.value<int8_t>(i), b.value<int8_t>(j));
    case TypeId::kInt16: return order(a.value<int16_t>(i), b.value<int16_t>(j));
    case TypeId::kInt32:
    case TypeId::kDate32: return order(a.value<int32_t>(i), b.value<int32_t>(j));
    case TypeId::kInt64:
    case TypeId::kTimestamp: return order(a.value<int64_t>(i), b.value<int64_t>(j));
    case TypeId::kFloat32: return order(a.value<float>(i), b.value<float>(j));
    case TypeId::kFloat64: return order(a.value<double>(i), b.value<double>(j));
    case TypeId::kDecimal128: return order(a.value<Int128>(i), b.value<Int128>(j));
    case TypeId::kString:
    case TypeId::kBinary: return compare_bytes(a.string_value(i), b.string_value(j));
    case TypeId::kStruct:
    case TypeId::kList:
    case TypeId::kMap: return nested_equal(a, i, b, j) ? 0 : 1;
    default: return 0;
  }
}

Result<ColumnPtr> compare_operands(const Operand& a, const Operand& b, CmpOp op,
                                   const KernelContext& kc) {
  const int64_t n = kc.num_rows;
  if (a.is_null_scalar() || b.is_null_scalar()) return null_column(boolean(), n, kc.memory());
  BRAID_ASSIGN_OR_RETURN(auto validity, and_validity({&a, &b}, n, kc.memory()));
  BRAID_ASSIGN_OR_RETURN(auto bits, allocate(bitmap::bytes_for(n), kc.memory()));
  uint8_t* out = bits->mutable_data();
  switch (op) {
    case CmpOp::kEq: BRAID_RETURN_IF_ERROR(compare_dispatch<CmpOp::kEq>(a, b, n, out)); break;
    case CmpOp::kNe: BRAID_RETURN_IF_ERROR(compare_dispatch<CmpOp::kNe>(a, b, n, out)); break;
    case CmpOp::kLt: BRAID_RETURN_IF_ERROR(compare_dispatch<CmpOp::kLt>(a, b, n, out)); break;
    case CmpOp::kLe: BRAID_RETURN_IF_ERROR(compare_dispatch<CmpOp::kLe>(a, b, n, out)); break;
    case CmpOp::kGt: BRAID_RETURN_IF_ERROR(compare_dispatch<CmpOp::kGt>(a, b, n, out)); break;
    case CmpOp::kGe: BRAID_RETURN_IF_ERROR(compare_dispatch<CmpOp::kGe>(a, b, n, out)); break;
  }
  return make_column(boolean(), n, validity, bits);
}

void register_comparison_functions(FunctionRegistry& r) {
  auto compare = [&r](std::string name, CmpOp op) {
    r.add(std::move(name), [op](std::string_view n, std::vector<ExprPtr> args) {
      return resolve_compare(n, std::move(args), op);
    });
  };
  compare("=", CmpOp::kEq);
  compare("==", CmpOp::kEq);
  compare("<>", CmpOp::kNe);
  compare("!=", CmpOp::kNe);
  compare("<", CmpOp::kLt);
  compare("<=", CmpOp::kLe);
  compare(">", CmpOp::kGt);
  compare(">=", CmpOp::kGe);
  r.add("<=>", resolve_null_safe_equal);
  r.add("equal_null", resolve_null_safe_equal);
  for (const char* n : {"is_null", "isnull"}) {
    r.add(n, [](std::string_view nm, std::vector<ExprPtr> a) { return resolve_is_null(nm, std::move(a), true); });
  }
  for (const char* n : {"is_not_null", "isnotnull"}) {
    r.add(n, [](std::string_view nm, std::vector<ExprPtr> a) { return resolve_is_null(nm, std::move(a), false); });
  }
  r.add("in", [](std::string_view n, std::vector<ExprPtr> a) { return resolve_in(n, std::move(a), false); });
  r.add("not_in", [](std::string_view n, std::vector<ExprPtr> a) { return resolve_in(n, std::move(a), true); });
  r.add("between", [](std::string_view n, std::vector<ExprPtr> a) { return resolve_between(n, std::move(a), false); });
  r.add("not_between", [](std::string_view n, std::vector<ExprPtr> a) { return resolve_between(n, std::move(a), true); });
}

}  // namespace braid::exec::internal
