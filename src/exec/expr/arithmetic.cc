// Arithmetic operators with Spark's ANSI semantics: + - * / % div pmod, unary minus, abs and the
// try_* forms. Integral overflow and division by zero are errors on selected rows (try_*: NULL);
// "/" divides in DOUBLE for integral and fractional inputs and in DECIMAL for decimals; "div" is
// integral division giving BIGINT. Decimal result types follow Spark's DecimalPrecision rule with
// precision loss allowed (spark.sql.decimalOperations.allowPrecisionLoss = true).
#include <cmath>
#include <limits>

#include "columnar/decimal.h"
#include "exec/expr/internal/function_registry.h"
#include "exec/expr/internal/kernel.h"
#include "exec/expr/internal/type_coercion.h"
#include "exec/expr/internal/wide_decimal.h"

namespace braid::exec::internal {

namespace {

enum class Op { kAdd, kSub, kMul, kDiv, kIntDiv, kMod, kPmod };

const char* op_symbol(Op op) {
  switch (op) {
    case Op::kAdd: return "+";
    case Op::kSub: return "-";
    case Op::kMul: return "*";
    case Op::kDiv: return "/";
    case Op::kIntDiv: return "div";
    case Op::kMod: return "%";
    case Op::kPmod: return "pmod";
  }
  return "?";
}

const char* try_name(Op op) {
  switch (op) {
    case Op::kAdd: return "try_add";
    case Op::kSub: return "try_subtract";
    case Op::kMul: return "try_multiply";
    case Op::kMod:
    case Op::kPmod: return "try_mod";
    default: return "try_divide";
  }
}

Status divide_by_zero() {
  return Status::invalid_argument(
      "[DIVIDE_BY_ZERO] Division by zero. Use `try_divide` to tolerate divisor being 0 and return "
      "NULL instead.");
}

Status remainder_by_zero() {
  return Status::invalid_argument(
      "[REMAINDER_BY_ZERO] Remainder by zero. Use `try_mod` to tolerate divisor being 0 and return "
      "NULL instead.");
}

Status zero_error(Op op) { return op == Op::kMod || op == Op::kPmod ? remainder_by_zero() : divide_by_zero(); }

template <typename T>
Status overflow_error(Op op, T a, T b) {
  if constexpr (sizeof(T) <= 2) {
    const char* suffix = sizeof(T) == 1 ? "Y" : "S";
    return Status::invalid_argument(
        "[BINARY_ARITHMETIC_OVERFLOW] {}{} {} {}{} caused overflow. Use `{}` to tolerate overflow "
        "and return NULL instead.",
        static_cast<int>(a), suffix, op_symbol(op), static_cast<int>(b), suffix, try_name(op));
  } else {
    return Status::invalid_argument(
        "[ARITHMETIC_OVERFLOW] {} overflow. Use `{}` to tolerate overflow and return NULL "
        "instead.",
        sizeof(T) == 4 ? "integer" : "long", try_name(op));
  }
}

// ---- integral kernels: `apply` returns true when the row is bad (overflow or zero divisor).

template <typename T, Op kOp>
struct IntegralOp {
  static bool apply(T a, T b, T* out) {
    if constexpr (kOp == Op::kAdd) {
      return __builtin_add_overflow(a, b, out);
    } else if constexpr (kOp == Op::kSub) {
      return __builtin_sub_overflow(a, b, out);
    } else if constexpr (kOp == Op::kMul) {
      return __builtin_mul_overflow(a, b, out);
    } else if constexpr (kOp == Op::kIntDiv) {
      if (b == 0 || (b == -1 && a == std::numeric_limits<T>::min())) {
        *out = 0;
        return true;
      }
      *out = static_cast<T>(a / b);
      return false;
    } else {
      if (b == 0) {
        *out = 0;
        return true;
      }
      T r = b == -1 ? T{0} : static_cast<T>(a % b);
      if constexpr (kOp == Op::kPmod) {
        if (r < 0) {
          Int128 w = (static_cast<Int128>(r) + b) % b;
          r = static_cast<T>(w);
        }
      }
      *out = r;
      return false;
    }
  }
};

template <typename T, Op kOp>
struct FloatingOp {
  static bool apply(T a, T b, T* out) {
    if constexpr (kOp == Op::kAdd) {
      *out = a + b;
      return false;
    } else if constexpr (kOp == Op::kSub) {
      *out = a - b;
      return false;
    } else if constexpr (kOp == Op::kMul) {
      *out = a * b;
      return false;
    } else if constexpr (kOp == Op::kDiv) {
      if (b == 0) {
        *out = 0;
        return true;
      }
      *out = a / b;
      return false;
    } else {
      if (b == 0) {
        *out = 0;
        return true;
      }
      T r = std::fmod(a, b);
      if constexpr (kOp == Op::kPmod) {
        if (r < 0) r = std::fmod(r + b, b);
      }
      *out = r;
      return false;
    }
  }
};

// A vectorized binary kernel over fixed-width values of type T; errors resolved afterwards.
template <typename T, typename Apply>
Result<ColumnPtr> binary_fixed(const Operand& a, const Operand& b, const TypePtr& type,
                               const KernelContext& kc, bool try_mode, Op op) {
  const int64_t n = kc.num_rows;
  BRAID_ASSIGN_OR_RETURN(auto validity, and_validity({&a, &b}, n, kc.memory()));
  BRAID_ASSIGN_OR_RETURN(auto values, allocate(n * static_cast<int64_t>(sizeof(T)), kc.memory()));
  T* out = values->mutable_as<T>();
  const T* av = a.values<T>();
  const T* bv = b.values<T>();
  bool bad = false;
  if (!a.scalar && !b.scalar) {
    for (int64_t i = 0; i < n; ++i) bad |= Apply::apply(av[i], bv[i], &out[i]);
  } else if (!a.scalar) {
    const T y = bv[0];
    for (int64_t i = 0; i < n; ++i) bad |= Apply::apply(av[i], y, &out[i]);
  } else {
    const T x = av[0];
    const int64_t bs = b.stride();
    for (int64_t i = 0; i < n; ++i) bad |= Apply::apply(x, bv[i * bs], &out[i]);
  }
  if (bad) {
    const int64_t as = a.stride(), bs = b.stride();
    BRAID_RETURN_IF_ERROR(resolve_row_errors(
        n, validity, kc, try_mode,
        [&](int64_t i) {
          T r;
          return Apply::apply(av[i * as], bv[i * bs], &r);
        },
        [&](int64_t i) -> Status {
          T x = av[i * as], y = bv[i * bs];
          if ((op == Op::kDiv || op == Op::kIntDiv || op == Op::kMod || op == Op::kPmod) && y == 0) {
            return zero_error(op);
          }
          return overflow_error<T>(op, x, y);
        }));
  }
  return make_column(type, n, validity, values);
}

template <Op kOp>
Result<ColumnPtr> numeric_kernel(const Operand& a, const Operand& b, const TypePtr& type,
                                 const KernelContext& kc, bool try_mode) {
  switch (a.type()->id()) {
    case TypeId::kInt8:
      return binary_fixed<int8_t, IntegralOp<int8_t, kOp>>(a, b, type, kc, try_mode, kOp);
    case TypeId::kInt16:
      return binary_fixed<int16_t, IntegralOp<int16_t, kOp>>(a, b, type, kc, try_mode, kOp);
    case TypeId::kInt32:
      return binary_fixed<int32_t, IntegralOp<int32_t, kOp>>(a, b, type, kc, try_mode, kOp);
    case TypeId::kInt64:
      return binary_fixed<int64_t, IntegralOp<int64_t, kOp>>(a, b, type, kc, try_mode, kOp);
    case TypeId::kFloat32:
      if constexpr (kOp != Op::kIntDiv) {
        return binary_fixed<float, FloatingOp<float, kOp>>(a, b, type, kc, try_mode, kOp);
      }
      break;
    case TypeId::kFloat64:
      if constexpr (kOp != Op::kIntDiv) {
        return binary_fixed<double, FloatingOp<double, kOp>>(a, b, type, kc, try_mode, kOp);
      }
      break;
    default:
      break;
  }
  return Status::internal("arithmetic kernel for {}", a.type()->to_string());
}

// ---- decimals

enum class DecimalFailure { kNone, kOverflow, kZero };

struct DecimalSpec {
  Op op;
  int s1, s2;       // operand scales
  int p, s;         // result precision and scale
};

UInt128 pow10u(int k) { return static_cast<UInt128>(decimal::power_of_ten(k)); }

bool fits(const U256& m, int precision) { return m.fits_u128() && m.to_u128() < pow10u(precision); }

Int128 signed_of(UInt128 m, bool negative) {
  return negative ? -static_cast<Int128>(m) : static_cast<Int128>(m);
}

// Rescales a magnitude from scale `from` to `to` (HALF_UP when reducing).
U256 rescale_mag(U256 m, int from, int to) {
  if (to >= from) {
    multiply_pow10(m, to - from);
    return m;
  }
  return divide_pow10_half_up(m, from - to);
}

DecimalFailure decimal_apply(const DecimalSpec& d, Int128 a, Int128 b, Int128* out) {
  switch (d.op) {
    case Op::kAdd:
    case Op::kSub: {
      const int common = std::max(d.s1, d.s2);
      Int128 x, y, r;
      if (d.s == common && !__builtin_mul_overflow(a, decimal::power_of_ten(common - d.s1), &x) &&
          !__builtin_mul_overflow(b, decimal::power_of_ten(common - d.s2), &y) &&
          !(d.op == Op::kAdd ? __builtin_add_overflow(x, y, &r) : __builtin_sub_overflow(x, y, &r))) {
        if (!decimal::fits_precision(r, d.p)) return DecimalFailure::kOverflow;
        *out = r;
        return DecimalFailure::kNone;
      }
      // Exact in 256 bits at the common scale, then one rounding.
      U256 ma = U256::from(magnitude(a)), mb = U256::from(magnitude(b));
      multiply_pow10(ma, common - d.s1);
      multiply_pow10(mb, common - d.s2);
      bool na = a < 0, nb = (b < 0) != (d.op == Op::kSub);
      U256 m;
      bool neg;
      if (na == nb) {
        m = add(ma, mb);
        neg = na;
      } else if (compare(ma, mb) >= 0) {
        m = sub(ma, mb);
        neg = na;
      } else {
        m = sub(mb, ma);
        neg = nb;
      }
      m = rescale_mag(m, common, d.s);
      if (!fits(m, d.p)) return DecimalFailure::kOverflow;
      *out = signed_of(m.to_u128(), neg);
      return DecimalFailure::kNone;
    }
    case Op::kMul: {
      const int exact_scale = d.s1 + d.s2;
      Int128 r;
      if (!__builtin_mul_overflow(a, b, &r) && exact_scale == d.s) {
        if (!decimal::fits_precision(r, d.p)) return DecimalFailure::kOverflow;
        *out = r;
        return DecimalFailure::kNone;
      }
      U256 m = multiply(magnitude(a), magnitude(b));
      m = rescale_mag(m, exact_scale, d.s);
      if (!fits(m, d.p)) return DecimalFailure::kOverflow;
      *out = signed_of(m.to_u128(), (a < 0) != (b < 0));
      return DecimalFailure::kNone;
    }
    case Op::kDiv: {
      if (b == 0) return DecimalFailure::kZero;
      // result = a * 10^(s - s1 + s2) / b, rounded HALF_UP.
      const int e = d.s - d.s1 + d.s2;
      U256 num = U256::from(magnitude(a));
      U256 den = U256::from(magnitude(b));
      if (e >= 0) {
        multiply_pow10(num, e);
      } else {
        multiply_pow10(den, -e);
      }
      U256 q, r;
      divide(num, den, q, r);
      // Round half up: 2r >= den.
      U256 twice = add(r, r);
      if (compare(twice, den) >= 0) q = add(q, U256::from(1));
      if (!fits(q, d.p)) return DecimalFailure::kOverflow;
      *out = signed_of(q.to_u128(), (a < 0) != (b < 0));
      return DecimalFailure::kNone;
    }
    case Op::kIntDiv:
    case Op::kMod:
    case Op::kPmod: {
      if (b == 0) return DecimalFailure::kZero;
      const int common = std::max(d.s1, d.s2);
      U256 ma = U256::from(magnitude(a)), mb = U256::from(magnitude(b));
      multiply_pow10(ma, common - d.s1);
      multiply_pow10(mb, common - d.s2);
      U256 q, r;
      divide(ma, mb, q, r);
      if (d.op == Op::kIntDiv) {
        // BIGINT result (d.p == 0 marks it).
        if (!q.fits_u128() || q.to_u128() > static_cast<UInt128>(INT64_MAX) + ((a < 0) != (b < 0) ? 1 : 0)) {
          return DecimalFailure::kOverflow;
        }
        *out = signed_of(q.to_u128(), (a < 0) != (b < 0));
        return DecimalFailure::kNone;
      }
      // The remainder has the dividend's sign, at the common scale.
      Int128 rem = signed_of(r.to_u128(), a < 0);
      if (d.op == Op::kPmod && rem < 0) {
        // (rem + b') % b' with b' = b at the common scale; |rem| < |b'| so this is exact.
        Int128 bb = signed_of(mb.to_u128(), b < 0);
        if (!mb.fits_u128()) return DecimalFailure::kOverflow;
        rem = (rem + bb) % bb;
      }
      U256 m = rescale_mag(U256::from(magnitude(rem)), common, d.s);
      if (!fits(m, d.p)) return DecimalFailure::kOverflow;
      *out = signed_of(m.to_u128(), rem < 0);
      return DecimalFailure::kNone;
    }
  }
  return DecimalFailure::kOverflow;
}

Result<ColumnPtr> decimal_kernel(const Operand& a, const Operand& b, const TypePtr& type,
                                 const DecimalSpec& spec, const KernelContext& kc, bool try_mode) {
  const int64_t n = kc.num_rows;
  BRAID_ASSIGN_OR_RETURN(auto validity, and_validity({&a, &b}, n, kc.memory()));
  const bool to_bigint = spec.op == Op::kIntDiv;
  BRAID_ASSIGN_OR_RETURN(auto values, allocate(n * (to_bigint ? 8 : 16), kc.memory()));
  const Int128* av = a.values<Int128>();
  const Int128* bv = b.values<Int128>();
  const int64_t as = a.stride(), bs = b.stride();
  Status error;
  for_each_selected(
      n, kc.selection,
      [&](int64_t i) {
        if (!error.ok()) return;
        if (validity != nullptr && !bitmap::get(validity->data(), i)) return;
        Int128 r = 0;
        DecimalFailure f = decimal_apply(spec, av[i * as], bv[i * bs], &r);
        if (f != DecimalFailure::kNone) {
          if (try_mode) {
            if (validity == nullptr) {
              auto v = allocate(bitmap::bytes_for(n), kc.memory());
              if (!v.ok()) {
                error = v.status();
                return;
              }
              validity = *v;
              bitmap::fill(validity->mutable_data(), 0, n, true);
            }
            bitmap::clear(validity->mutable_data(), i);
          } else if (f == DecimalFailure::kZero) {
            error = zero_error(spec.op);
          } else if (to_bigint) {
            error = overflow_error<int64_t>(spec.op, 0, 0);
          } else {
            // pmod has no try_ form: only the cast helps there.
            error = Status::invalid_argument(
                "[NUMERIC_VALUE_OUT_OF_RANGE] {} {} {} cannot be represented as Decimal({}, {}). {}",
                decimal::to_string(av[i * as], spec.s1), op_symbol(spec.op),
                decimal::to_string(bv[i * bs], spec.s2), spec.p, spec.s,
                spec.op == Op::kPmod
                    ? std::string("Cast the operands to a type with fewer digits.")
                    : fmt::format("Use `{}` to return NULL instead, or cast the operands to a type "
                                  "with fewer digits.", try_name(spec.op)));
          }
          return;
        }
        if (to_bigint) {
          values->mutable_as<int64_t>()[i] = static_cast<int64_t>(r);
        } else {
          values->mutable_as<Int128>()[i] = r;
        }
      },
      [](int64_t, int64_t) {});
  BRAID_RETURN_IF_ERROR(error);
  return make_column(type, n, validity, values);
}

TypePtr decimal_result_type(Op op, const DataType& l, const DataType& r) {
  const int p1 = l.precision(), s1 = l.scale(), p2 = r.precision(), s2 = r.scale();
  switch (op) {
    case Op::kAdd:
    case Op::kSub: {
      const int scale = std::max(s1, s2);
      return adjust_precision_scale(std::max(p1 - s1, p2 - s2) + scale + 1, scale);
    }
    case Op::kMul:
      return adjust_precision_scale(p1 + p2 + 1, s1 + s2);
    case Op::kDiv: {
      const int scale = std::max(6, s1 + p2 + 1);
      return adjust_precision_scale(p1 - s1 + s2 + scale, scale);
    }
    case Op::kMod:
    case Op::kPmod: {
      const int scale = std::max(s1, s2);
      return adjust_precision_scale(std::min(p1 - s1, p2 - s2) + scale, scale);
    }
    case Op::kIntDiv:
      return int64();
  }
  return nullptr;
}

std::string infix_name(Op op) { return op_symbol(op); }

// Resolves a binary arithmetic call: coerces both sides and picks the kernel.
Result<ExprPtr> resolve_binary(std::string_view name, std::vector<ExprPtr> args, Op op,
                               bool try_mode) {
  if (args.size() != 2) {
    return Status::invalid_argument("function '{}' takes 2 arguments, not {}", name, args.size());
  }
  ExprPtr a = args[0], b = args[1];
  const DataType& ta = *a->type();
  const DataType& tb = *b->type();
  // Dates: date + n, n + date, date - n.
  if (!try_mode && (op == Op::kAdd || op == Op::kSub)) {
    if (ta.id() == TypeId::kDate32 && (is_integral(tb) || is_null_type(tb))) {
      return make_call(op == Op::kAdd ? "date_add" : "date_sub", {a, b});
    }
    if (op == Op::kAdd && tb.id() == TypeId::kDate32 && is_integral(ta)) {
      return make_call("date_add", {b, a});
    }
  }
  if (!(is_numeric(ta) || is_string(ta) || is_null_type(ta)) ||
      !(is_numeric(tb) || is_string(tb) || is_null_type(tb))) {
    return no_signature(name, args);
  }
  TypePtr common;
  if (is_null_type(ta) && is_null_type(tb)) {
    common = op == Op::kDiv ? float64() : int32();
  } else if (is_string(ta) && is_string(tb)) {
    common = float64();
  } else {
    common = wider_type(a, b);
  }
  if (common == nullptr) return no_signature(name, args);
  const bool decimal_math = is_decimal(*common);
  if (op == Op::kDiv && !decimal_math) common = float64();
  if (op == Op::kIntDiv && !decimal_math) {
    if (is_fractional(*common)) return no_signature(name, args);
    common = int64();
  }
  TypePtr result_type;
  DecimalSpec spec{op, 0, 0, 0, 0};
  if (decimal_math) {
    // Each side keeps its own decimal type (integral sides take their decimal form).
    auto as_decimal = [&](ExprPtr& e) -> Status {
      TypePtr t = e->type();
      if (is_decimal(*t)) return Status::OK();
      if (is_integral(*t)) {
        t = decimal_for_integral(e);
      } else {
        t = common;  // NULL or string
      }
      BRAID_ASSIGN_OR_RETURN(e, implicit_cast(std::move(e), t));
      return Status::OK();
    };
    BRAID_RETURN_IF_ERROR(as_decimal(a));
    BRAID_RETURN_IF_ERROR(as_decimal(b));
    result_type = decimal_result_type(op, *a->type(), *b->type());
    spec = DecimalSpec{op, a->type()->scale(), b->type()->scale(), result_type->precision(),
                       result_type->scale()};
  } else {
    BRAID_ASSIGN_OR_RETURN(a, implicit_cast(std::move(a), common));
    BRAID_ASSIGN_OR_RETURN(b, implicit_cast(std::move(b), common));
    result_type = common;
  }
  Kernel kernel = [op, spec, decimal_math, try_mode, result_type](
                      const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    if (decimal_math) return decimal_kernel(ops[0], ops[1], result_type, spec, kc, try_mode);
    switch (op) {
      case Op::kAdd: return numeric_kernel<Op::kAdd>(ops[0], ops[1], result_type, kc, try_mode);
      case Op::kSub: return numeric_kernel<Op::kSub>(ops[0], ops[1], result_type, kc, try_mode);
      case Op::kMul: return numeric_kernel<Op::kMul>(ops[0], ops[1], result_type, kc, try_mode);
      case Op::kDiv: return numeric_kernel<Op::kDiv>(ops[0], ops[1], result_type, kc, try_mode);
      case Op::kIntDiv: return numeric_kernel<Op::kIntDiv>(ops[0], ops[1], result_type, kc, try_mode);
      case Op::kMod: return numeric_kernel<Op::kMod>(ops[0], ops[1], result_type, kc, try_mode);
      case Op::kPmod: return numeric_kernel<Op::kPmod>(ops[0], ops[1], result_type, kc, try_mode);
    }
    return Status::internal("unknown arithmetic operator");
  };
  CallOptions options;
  options.may_return_null = try_mode;
  const bool infix = !try_mode && op != Op::kPmod && std::string_view(name) != "mod";
  if (infix) {
    options.style = CallStyle::kInfix;
    return make_kernel_call(infix_name(op), {a, b}, result_type, std::move(kernel), options);
  }
  return make_kernel_call(std::string(name), {a, b}, result_type, std::move(kernel), options);
}

// Unary minus and abs: overflow on the minimum integer.
template <typename T, bool kAbs>
Result<ColumnPtr> negate_kernel(const Operand& a, const TypePtr& type, const KernelContext& kc) {
  const int64_t n = kc.num_rows;
  BRAID_ASSIGN_OR_RETURN(auto validity, and_validity({&a}, n, kc.memory()));
  BRAID_ASSIGN_OR_RETURN(auto values, allocate(n * static_cast<int64_t>(sizeof(T)), kc.memory()));
  T* out = values->mutable_as<T>();
  const T* av = a.values<T>();
  const int64_t as = a.stride();
  bool bad = false;
  for (int64_t i = 0; i < n; ++i) {
    T v = av[i * as];
    if constexpr (std::is_integral_v<T>) {
      using U = std::make_unsigned_t<T>;
      bad |= v == std::numeric_limits<T>::min();
      // Negated in unsigned arithmetic: the minimum wraps (and is reported) instead of being UB.
      const T negated = static_cast<T>(static_cast<U>(U{0} - static_cast<U>(v)));
      if constexpr (kAbs) {
        out[i] = v < 0 ? negated : v;
      } else {
        out[i] = negated;
      }
    } else if constexpr (kAbs) {
      out[i] = std::fabs(v);
    } else {
      out[i] = -v;
    }
  }
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, Int128>) {
    if (bad) {
      BRAID_RETURN_IF_ERROR(resolve_row_errors(
          n, validity, kc, false, [&](int64_t i) { return av[i * as] == std::numeric_limits<T>::min(); },
          [&](int64_t i) -> Status {
            if constexpr (sizeof(T) <= 2) {
              return Status::invalid_argument("[ARITHMETIC_OVERFLOW] {} overflow.",
                                              sizeof(T) == 1 ? "tinyint" : "smallint");
            } else {
              return overflow_error<T>(Op::kSub, 0, av[i * as]);
            }
          }));
    }
  }
  return make_column(type, n, validity, values);
}

template <bool kAbs>
Result<ExprPtr> resolve_negate(std::string_view name, std::vector<ExprPtr> args) {
  if (args.size() != 1) return no_signature(name, args);
  ExprPtr a = args[0];
  if (is_string(*a->type())) {
    BRAID_ASSIGN_OR_RETURN(a, implicit_cast(a, float64()));
  } else if (is_null_type(*a->type())) {
    BRAID_ASSIGN_OR_RETURN(a, implicit_cast(a, float64()));
  }
  TypePtr type = a->type();
  if (!is_numeric(*type)) return no_signature(name, args);
  Kernel kernel = [type](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    switch (type->id()) {
      case TypeId::kInt8: return negate_kernel<int8_t, kAbs>(ops[0], type, kc);
      case TypeId::kInt16: return negate_kernel<int16_t, kAbs>(ops[0], type, kc);
      case TypeId::kInt32: return negate_kernel<int32_t, kAbs>(ops[0], type, kc);
      case TypeId::kInt64: return negate_kernel<int64_t, kAbs>(ops[0], type, kc);
      case TypeId::kFloat32: return negate_kernel<float, kAbs>(ops[0], type, kc);
      case TypeId::kFloat64: return negate_kernel<double, kAbs>(ops[0], type, kc);
      case TypeId::kDecimal128: {
        // 38-digit decimals never overflow Int128 when negated.
        const int64_t n = kc.num_rows;
        BRAID_ASSIGN_OR_RETURN(auto validity, and_validity({&ops[0]}, n, kc.memory()));
        BRAID_ASSIGN_OR_RETURN(auto values, allocate(n * 16, kc.memory()));
        Int128* out = values->mutable_as<Int128>();
        const Int128* av = ops[0].values<Int128>();
        const int64_t as = ops[0].stride();
        for (int64_t i = 0; i < n; ++i) {
          Int128 v = av[i * as];
          out[i] = kAbs ? (v < 0 ? -v : v) : -v;
        }
        return make_column(type, n, validity, values);
      }
      default: return Status::internal("negate of {}", type->to_string());
    }
  };
  CallOptions options;
  if (!kAbs) {
    options.printer = [](const std::vector<ExprPtr>& xs) { return "(- " + xs[0]->to_string() + ")"; };
  }
  return make_kernel_call(kAbs ? "abs" : "negative", {a}, type, std::move(kernel), options);
}

Result<ExprPtr> resolve_positive(std::string_view name, std::vector<ExprPtr> args) {
  if (args.size() != 1 || !is_numeric(*args[0]->type())) return no_signature(name, args);
  return args[0];
}

}  // namespace

void register_arithmetic_functions(FunctionRegistry& r) {
  auto binary = [&r](std::string name, Op op, bool try_mode) {
    r.add(name, [op, try_mode](std::string_view n, std::vector<ExprPtr> args) {
      return resolve_binary(n, std::move(args), op, try_mode);
    });
  };
  binary("+", Op::kAdd, false);
  r.add("-", [](std::string_view n, std::vector<ExprPtr> args) -> Result<ExprPtr> {
    if (args.size() == 1) return resolve_negate<false>(n, std::move(args));  // unary minus
    return resolve_binary(n, std::move(args), Op::kSub, false);
  });
  binary("*", Op::kMul, false);
  binary("/", Op::kDiv, false);
  binary("%", Op::kMod, false);
  binary("mod", Op::kMod, false);
  binary("div", Op::kIntDiv, false);
  binary("pmod", Op::kPmod, false);
  binary("try_add", Op::kAdd, true);
  binary("try_subtract", Op::kSub, true);
  binary("try_multiply", Op::kMul, true);
  binary("try_divide", Op::kDiv, true);
  binary("try_mod", Op::kMod, true);
  r.add("negate", resolve_negate<false>);
  r.add("negative", resolve_negate<false>);
  r.add("abs", resolve_negate<true>);
  r.add("positive", resolve_positive);
}

}  // namespace braid::exec::internal
