// Math functions: round (HALF_UP) and bround (HALF_EVEN) on the decimal value (a double is
// rounded through its shortest decimal text, as Spark's BigDecimal(d.toString) does, so
// round(1.005D, 2) = 1.01), floor and ceil (BIGINT for doubles, decimal(p - s + 1, 0) for
// decimals), and the DOUBLE functions sqrt, exp, ln, log, power, sign, trigonometry.
// ln/log10/log2/log return NULL for arguments <= 0 (Spark).
#include <charconv>
#include <cmath>
#include <limits>

#include "columnar/decimal.h"
#include "exec/expr/internal/function_registry.h"
#include "exec/expr/internal/row_kernels.h"
#include "exec/expr/internal/type_coercion.h"

namespace braid::exec::internal {

namespace {

// v / p rounded (HALF_UP or HALF_EVEN), p > 0.
Int128 round_div(Int128 v, Int128 p, bool half_even) {
  Int128 q = v / p, r = v % p;
  UInt128 ar = r < 0 ? static_cast<UInt128>(-r) : static_cast<UInt128>(r);
  UInt128 rest = static_cast<UInt128>(p) - ar;  // compare 2r with p without overflow
  bool up = ar > rest || (ar == rest && (!half_even || (q % 2 != 0)));
  if (up) q += v < 0 ? -1 : 1;
  return q;
}

// Rounds a double to `scale` decimal places on its shortest decimal text.
double round_double(double v, int64_t scale, bool half_even) {
  if (!std::isfinite(v) || v == 0) return v;
  std::string digits;
  int point;
  bool negative;
  shortest_digits(v, digits, point, negative);
  const int64_t keep = point + scale;  // digits kept
  const auto len = static_cast<int64_t>(digits.size());
  if (keep >= len) return v;
  if (keep < 0) return negative ? -0.0 : 0.0;
  // Decide on digits[keep].
  const char next = digits[static_cast<size_t>(keep)];
  bool up;
  if (next > '5') {
    up = true;
  } else if (next < '5') {
    up = false;
  } else {
    bool more = false;
    for (int64_t k = keep + 1; k < len; ++k) more = more || digits[static_cast<size_t>(k)] != '0';
    if (!half_even || more) {
      up = true;
    } else {
      const char last = keep == 0 ? '0' : digits[static_cast<size_t>(keep - 1)];
      up = (last - '0') % 2 == 1;
    }
  }
  std::string kept = digits.substr(0, static_cast<size_t>(keep));
  int exp_point = point;
  if (up) {
    int64_t k = keep - 1;
    while (k >= 0 && kept[static_cast<size_t>(k)] == '9') {
      kept[static_cast<size_t>(k)] = '0';
      --k;
    }
    if (k < 0) {
      kept.insert(kept.begin(), '1');
      ++exp_point;
    } else {
      ++kept[static_cast<size_t>(k)];
    }
  }
  if (kept.empty()) return negative ? -0.0 : 0.0;
  std::string text = (negative ? "-0." : "0.") + kept + "e" + std::to_string(exp_point);
  double out = 0;
  std::from_chars(text.data(), text.data() + text.size(), out);
  return out;
}

Status overflow(std::string_view what) {
  return Status::invalid_argument(
      "[ARITHMETIC_OVERFLOW] {} overflow: the rounded value does not fit its type. Cast the value "
      "to a wider type (BIGINT, DECIMAL(38, 0)) before rounding.", what);
}

Result<ExprPtr> resolve_round(std::string_view name, std::vector<ExprPtr> args, bool half_even) {
  if (args.empty() || args.size() > 2) return no_signature(name, args);
  int64_t scale = 0;
  if (args.size() == 2) {
    auto s = literal_int(args[1]);
    if (!s) {
      return Status::invalid_argument("function '{}': the scale must be a constant integer, not {}",
                                      name, args[1]->to_string());
    }
    scale = *s;
  }
  ExprPtr x = args[0];
  if (is_string(*x->type()) || is_null_type(*x->type())) {
    BRAID_ASSIGN_OR_RETURN(x, implicit_cast(x, float64()));
  }
  const DataType& t = *x->type();
  if (!is_numeric(t)) return no_signature(name, args);
  TypePtr type = x->type();
  if (is_decimal(t)) {
    const int p = t.precision(), s = t.scale();
    const int integral = p - s + 1;
    if (scale < 0) {
      type = decimal128(static_cast<int>(std::min<int64_t>(std::max<int64_t>(integral, -scale + 1), 38)), 0);
    } else {
      const int new_scale = static_cast<int>(std::min<int64_t>(s, scale));
      type = decimal128(std::min(integral + new_scale, 38), new_scale);
    }
  }
  Kernel kernel = [scale, half_even, type](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    const Operand& a = ops[0];
    Status error;
    switch (a.type()->id()) {
      case TypeId::kFloat64:
        return fixed_rows<double>({a}, type, kc, error, [&](int64_t i) -> std::optional<double> {
          return round_double(a.value<double>(i), scale, half_even);
        });
      case TypeId::kFloat32:
        return fixed_rows<float>({a}, type, kc, error, [&](int64_t i) -> std::optional<float> {
          return static_cast<float>(round_double(a.value<float>(i), scale, half_even));
        });
      case TypeId::kDecimal128: {
        const int s = a.type()->scale();
        return fixed_rows<Int128>({a}, type, kc, error, [&](int64_t i) -> std::optional<Int128> {
          Int128 v = a.value<Int128>(i);
          Int128 r;
          if (scale >= s) {
            r = v;  // scale unchanged
          } else if (scale >= 0) {
            r = s - scale > 38 ? 0 : round_div(v, decimal::power_of_ten(static_cast<int>(s - scale)), half_even);
          } else {
            const int64_t down = s - scale;
            if (down > 38) {
              r = 0;
            } else {
              r = round_div(v, decimal::power_of_ten(static_cast<int>(down)), half_even);
              if (__builtin_mul_overflow(r, decimal::power_of_ten(static_cast<int>(-scale)), &r)) {
                error = overflow("decimal");
                return std::nullopt;
              }
            }
          }
          if (!decimal::fits_precision(r, type->precision())) {
            error = Status::invalid_argument(
                "[NUMERIC_VALUE_OUT_OF_RANGE] {} cannot be represented as Decimal({}, {}).",
                decimal::to_string(v, s), type->precision(), type->scale());
            return std::nullopt;
          }
          return r;
        });
      }
      default: {
        // Integral: only a negative scale changes the value.
        const TypeId id = a.type()->id();
        auto compute = [&](int64_t v) -> std::optional<int64_t> {
          if (scale >= 0) return v;
          if (-scale > 18) return 0;
          const auto p = static_cast<int64_t>(decimal::power_of_ten(static_cast<int>(-scale)));
          Int128 r = round_div(v, p, half_even) * p;
          int64_t lo = id == TypeId::kInt8 ? INT8_MIN : id == TypeId::kInt16 ? INT16_MIN : id == TypeId::kInt32 ? INT32_MIN : INT64_MIN;
          int64_t hi = id == TypeId::kInt8 ? INT8_MAX : id == TypeId::kInt16 ? INT16_MAX : id == TypeId::kInt32 ? INT32_MAX : INT64_MAX;
          if (r < lo || r > hi) {
            error = overflow(id == TypeId::kInt64 ? "long" : "integer");
            return std::nullopt;
          }
          return static_cast<int64_t>(r);
        };
        switch (id) {
          case TypeId::kInt8:
            return fixed_rows<int8_t>({a}, type, kc, error, [&](int64_t i) -> std::optional<int8_t> {
              auto r = compute(a.value<int8_t>(i));
              return r ? std::optional<int8_t>(static_cast<int8_t>(*r)) : std::nullopt;
            });
          case TypeId::kInt16:
            return fixed_rows<int16_t>({a}, type, kc, error, [&](int64_t i) -> std::optional<int16_t> {
              auto r = compute(a.value<int16_t>(i));
              return r ? std::optional<int16_t>(static_cast<int16_t>(*r)) : std::nullopt;
            });
          case TypeId::kInt32:
            return fixed_rows<int32_t>({a}, type, kc, error, [&](int64_t i) -> std::optional<int32_t> {
              auto r = compute(a.value<int32_t>(i));
              return r ? std::optional<int32_t>(static_cast<int32_t>(*r)) : std::nullopt;
            });
          default:
            return fixed_rows<int64_t>({a}, type, kc, error, [&](int64_t i) { return compute(a.value<int64_t>(i)); });
        }
      }
    }
  };
  CallOptions options;
  const std::string fname(name);
  options.printer = [fname, scale](const std::vector<ExprPtr>& a) {
    return fname + "(" + a[0]->to_string() + ", " + std::to_string(scale) + ")";
  };
  return make_kernel_call(fname, {x}, type, std::move(kernel), options);
}

Result<ExprPtr> resolve_floor_ceil(std::string_view name, std::vector<ExprPtr> args, bool ceil) {
  if (args.size() != 1) return no_signature(name, args);
  ExprPtr x = args[0];
  if (is_string(*x->type()) || is_null_type(*x->type())) {
    BRAID_ASSIGN_OR_RETURN(x, implicit_cast(x, float64()));
  }
  const DataType& t = *x->type();
  if (!is_numeric(t)) return no_signature(name, args);
  TypePtr type = is_decimal(t) ? bounded_decimal(t.precision() - t.scale() + 1, 0) : int64();
  if (is_integral(t)) {
    BRAID_ASSIGN_OR_RETURN(x, implicit_cast(x, int64()));
  }
  Kernel kernel = [ceil, type](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    const Operand& a = ops[0];
    const int64_t n = kc.num_rows;
    BRAID_ASSIGN_OR_RETURN(auto validity, and_validity({&a}, n, kc.memory()));
    const int64_t as = a.stride();
    switch (a.type()->id()) {
      case TypeId::kInt64:
        return to_column(a, n, kc.memory());
      case TypeId::kFloat32:
      case TypeId::kFloat64: {
        BRAID_ASSIGN_OR_RETURN(auto values, allocate(n * 8, kc.memory()));
        int64_t* out = values->mutable_as<int64_t>();
        const bool f32 = a.type()->id() == TypeId::kFloat32;
        for (int64_t i = 0; i < n; ++i) {
          double v = f32 ? a.values<float>()[i * as] : a.values<double>()[i * as];
          v = ceil ? std::ceil(v) : std::floor(v);
          // Java's (long) conversion: NaN -> 0, saturating.
          out[i] = std::isnan(v) ? 0
                   : v >= 9.2233720368547758e18 ? INT64_MAX
                   : v <= -9.2233720368547758e18 ? INT64_MIN
                                                 : static_cast<int64_t>(v);
        }
        return make_column(int64(), n, validity, values);
      }
      default: {
        const Int128 p = decimal::power_of_ten(a.type()->scale());
        BRAID_ASSIGN_OR_RETURN(auto values, allocate(n * 16, kc.memory()));
        Int128* out = values->mutable_as<Int128>();
        for (int64_t i = 0; i < n; ++i) {
          Int128 v = a.values<Int128>()[i * as];
          Int128 q = v / p, r = v % p;
          if (r != 0 && ((r > 0) == ceil)) q += ceil ? 1 : -1;
          out[i] = q;
        }
        return make_column(type, n, validity, values);
      }
    }
  };
  return make_kernel_call(std::string(name), {x}, type, std::move(kernel));
}

// A DOUBLE function of DOUBLE arguments, computed over whole columns.
enum class NullRule { kNone, kNonPositive };

template <typename F>
Result<ExprPtr> double_function(std::string_view name, std::vector<ExprPtr> args, size_t arity,
                                NullRule rule, F f) {
  if (args.size() != arity) return no_signature(name, args);
  for (auto& a : args) {
    const DataType& t = *a->type();
    if (!(is_numeric(t) || is_string(t) || is_null_type(t))) return no_signature(name, args);
    BRAID_ASSIGN_OR_RETURN(a, implicit_cast(a, float64()));
  }
  Kernel kernel = [f, rule](const std::vector<Operand>& ops, const KernelContext& kc) -> Result<ColumnPtr> {
    const int64_t n = kc.num_rows;
    std::vector<const Operand*> ptrs;
    for (const auto& op : ops) ptrs.push_back(&op);
    BRAID_ASSIGN_OR_RETURN(auto validity, and_validity(ptrs, n, kc.memory()));
    BRAID_ASSIGN_OR_RETURN(auto values, allocate(n * 8, kc.memory()));
    double* out = values->mutable_as<double>();
    const double* x = ops.empty() ? nullptr : ops[0].values<double>();
    const int64_t xs = ops.empty() ? 0 : ops[0].stride();
    const double* y = ops.size() > 1 ? ops[1].values<double>() : nullptr;
    const int64_t ys = ops.size() > 1 ? ops[1].stride() : 0;
    bool any_bad = false;
    for (int64_t i = 0; i < n; ++i) {
      const double a = x ? x[i * xs] : 0;
      const double b = y ? y[i * ys] : 0;
      out[i] = f(a, b);
      if (rule == NullRule::kNonPositive) any_bad |= a <= 0 || (y != nullptr && b <= 0);
    }
    if (any_bad) {
      BRAID_RETURN_IF_ERROR(resolve_row_errors(
          n, validity, kc, true,
          [&](int64_t i) { return x[i * xs] <= 0 || (y != nullptr && y[i * ys] <= 0); },
          [](int64_t) { return Status::OK(); }));
    }
    return make_column(float64(), n, validity, values);
  };
  CallOptions options;
  options.may_return_null = rule != NullRule::kNone;
  return make_kernel_call(std::string(name), std::move(args), float64(), std::move(kernel), options);
}

Result<ExprPtr> resolve_sign(std::string_view name, std::vector<ExprPtr> args) {
  return double_function(name, std::move(args), 1, NullRule::kNone, [](double a, double) {
    return std::isnan(a) ? a : (a > 0 ? 1.0 : a < 0 ? -1.0 : 0.0);
  });
}

}  // namespace

void register_math_functions(FunctionRegistry& r) {
  r.add("round", [](std::string_view n, std::vector<ExprPtr> a) { return resolve_round(n, std::move(a), false); });
  r.add("bround", [](std::string_view n, std::vector<ExprPtr> a) { return resolve_round(n, std::move(a), true); });
  r.add("floor", [](std::string_view n, std::vector<ExprPtr> a) { return resolve_floor_ceil(n, std::move(a), false); });
  for (const char* name : {"ceil", "ceiling"}) {
    r.add(name, [](std::string_view n, std::vector<ExprPtr> a) { return resolve_floor_ceil(n, std::move(a), true); });
  }
  auto unary = [&r](const char* name, NullRule rule, double (*f)(double)) {
    r.add(name, [rule, f](std::string_view n, std::vector<ExprPtr> a) {
      return double_function(n, std::move(a), 1, rule, [f](double x, double) { return f(x); });
    });
  };
  unary("sqrt", NullRule::kNone, [](double x) { return std::sqrt(x); });
  unary("cbrt", NullRule::kNone, [](double x) { return std::cbrt(x); });
  unary("exp", NullRule::kNone, [](double x) { return std::exp(x); });
  unary("ln", NullRule::kNonPositive, [](double x) { return std::log(x); });
  unary("log10", NullRule::kNonPositive, [](double x) { return std::log10(x); });
  unary("log2", NullRule::kNonPositive, [](double x) { return std::log2(x); });
  unary("sin", NullRule::kNone, [](double x) { return std::sin(x); });
  unary("cos", NullRule::kNone, [](double x) { return std::cos(x); });
  unary("tan", NullRule::kNone, [](double x) { return std::tan(x); });
  unary("asin", NullRule::kNone, [](double x) { return std::asin(x); });
  unary("acos", NullRule::kNone, [](double x) { return std::acos(x); });
  unary("atan", NullRule::kNone, [](double x) { return std::atan(x); });
  unary("degrees", NullRule::kNone, [](double x) { return x * 180.0 / M_PI; });
  unary("radians", NullRule::kNone, [](double x) { return x * M_PI / 180.0; });
  r.add("log", [](std::string_view n, std::vector<ExprPtr> a) -> Result<ExprPtr> {
    if (a.size() == 1) {
      return double_function(n, std::move(a), 1, NullRule::kNonPositive, [](double x, double) { return std::log(x); });
    }
    return double_function(n, std::move(a), 2, NullRule::kNonPositive,
                           [](double base, double x) { return std::log(x) / std::log(base); });
  });
  for (const char* name : {"power", "pow"}) {
    r.add(name, [](std::string_view n, std::vector<ExprPtr> a) {
      return double_function(n, std::move(a), 2, NullRule::kNone, [](double x, double y) { return std::pow(x, y); });
    });
  }
  r.add("atan2", [](std::string_view n, std::vector<ExprPtr> a) {
    return double_function(n, std::move(a), 2, NullRule::kNone, [](double y, double x) { return std::atan2(y, x); });
  });
  for (const char* name : {"sign", "signum"}) r.add(name, resolve_sign);
  r.add("pi", [](std::string_view n, std::vector<ExprPtr> a) {
    return double_function(n, std::move(a), 0, NullRule::kNone, [](double, double) { return M_PI; });
  });
  r.add("e", [](std::string_view n, std::vector<ExprPtr> a) {
    return double_function(n, std::move(a), 0, NullRule::kNone, [](double, double) { return M_E; });
  });
}

}  // namespace braid::exec::internal
