#include "exec/ops/aggregate_function.h"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "columnar/decimal.h"
#include "exec/ops/gather.h"
#include "exec/ops/value_order.h"

namespace braid::exec {

std::string_view aggregate_kind_name(AggregateKind kind) {
  switch (kind) {
    case AggregateKind::kCount: return "count";
    case AggregateKind::kCountStar: return "count(*)";
    case AggregateKind::kSum: return "sum";
    case AggregateKind::kAvg: return "avg";
    case AggregateKind::kMin: return "min";
    case AggregateKind::kMax: return "max";
    case AggregateKind::kAnyValue: return "any_value";
    case AggregateKind::kFirst: return "first";
    case AggregateKind::kLast: return "last";
  }
  return "?";
}

namespace {

bool is_small_integer(TypeId id) {
  switch (id) {
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32: return true;
    default: return false;
  }
}

// Precision and scale of a decimal input (uint64 counts as decimal(20,0)).
std::pair<int, int> decimal_shape(const DataType& t) {
  if (t.id() == TypeId::kUInt64) return {20, 0};
  return {t.precision(), t.scale()};
}

bool is_decimal_like(TypeId id) { return id == TypeId::kDecimal128 || id == TypeId::kUInt64; }

Status long_overflow(const std::string& label) {
  return Status::invalid_argument(
      "[ARITHMETIC_OVERFLOW] long overflow in {}. Use a wider type (cast to decimal) to avoid it",
      label);
}

Status decimal_out_of_range(const std::string& label, const DataType& type) {
  return Status::invalid_argument(
      "[NUMERIC_VALUE_OUT_OF_RANGE] the result of {} cannot be represented as {}", label,
      type.to_string());
}

// Builds a column from values and a has-value byte per group.
template <typename T>
Result<ColumnPtr> make_values_column(const TypePtr& type, const std::vector<T>& values,
                                     const std::vector<uint8_t>* has_value,
                                     MemoryTracker* tracker) {
  const auto n = static_cast<int64_t>(values.size());
  BRAID_ASSIGN_OR_RETURN(auto data, Buffer::allocate(n * static_cast<int64_t>(sizeof(T)), tracker));
  std::copy(values.begin(), values.end(), data->mutable_as<T>());
  BufferPtr validity;
  int64_t nulls = 0;
  if (has_value != nullptr) {
    for (uint8_t h : *has_value) nulls += h == 0;
    if (nulls > 0) {
      BRAID_ASSIGN_OR_RETURN(validity, Buffer::allocate(bitmap::bytes_for(n), tracker));
      for (int64_t i = 0; i < n; ++i) {
        if ((*has_value)[static_cast<size_t>(i)]) bitmap::set(validity->mutable_data(), i);
      }
    }
  }
  return ColumnPtr(std::make_shared<const Column>(
      type, n, std::vector<BufferPtr>{std::move(validity), std::move(data)},
      std::vector<ColumnPtr>{}, nulls));
}

// Calls f(T{}) with the C++ type of a fixed-width numeric column.
template <typename F>
auto visit_numeric(TypeId id, F&& f) {
  switch (id) {
    case TypeId::kInt8: return f(int8_t{});
    case TypeId::kInt16: return f(int16_t{});
    case TypeId::kInt32:
    case TypeId::kDate32: return f(int32_t{});
    case TypeId::kUInt8: return f(uint8_t{});
    case TypeId::kUInt16: return f(uint16_t{});
    case TypeId::kUInt32: return f(uint32_t{});
    case TypeId::kUInt64: return f(uint64_t{});
    case TypeId::kFloat32: return f(float{});
    case TypeId::kFloat64: return f(double{});
    case TypeId::kDecimal128: return f(Int128{});
    default: return f(int64_t{});  // int64, time64, timestamp
  }
}

// ---- count

class CountAccumulator final : public Accumulator {
 public:
  CountAccumulator(bool star, const std::vector<const Column*>* sources)
      : star_(star), sources_(sources) {}
  void resize(uint32_t groups) override { counts_.resize(groups, 0); }
  Status update(uint32_t batch, int64_t start, int64_t count, const uint32_t* groups) override {
    if (star_ || !(*sources_)[batch]->may_have_nulls()) {
      // One group (no GROUP BY): every row is in it, and adding the count at once saves a
      // dependent increment of one counter per row.
      if (counts_.size() == 1) {
        counts_[0] += count;
        return Status::OK();
      }
      for (int64_t i = 0; i < count; ++i) ++counts_[groups[i]];
      return Status::OK();
    }
    const Column& c = *(*sources_)[batch];
    for (int64_t i = 0; i < count; ++i) counts_[groups[i]] += c.is_valid(start + i);
    return Status::OK();
  }
  Status merge(const Accumulator& other, const uint32_t* from, const uint32_t* to,
               size_t count) override {
    const auto& o = static_cast<const CountAccumulator&>(other);
    for (size_t i = 0; i < count; ++i) counts_[to[i]] += o.counts_[from[i]];
    return Status::OK();
  }
  Result<ColumnPtr> finish(MemoryTracker* tracker) const override {
    return make_values_column(int64(), counts_, nullptr, tracker);
  }
  int64_t memory_bytes() const override { return static_cast<int64_t>(counts_.capacity() * 8); }

 private:
  bool star_;
  const std::vector<const Column*>* sources_;
  std::vector<int64_t> counts_;
};

// ---- sum and avg

// Sums of In values in Acc (int64 checked, double, or Int128 checked); avg also counts.
template <typename In, typename Acc>
class SumAccumulator final : public Accumulator {
 public:
  SumAccumulator(bool average, TypePtr input_type, TypePtr result_type,
                 const std::vector<const Column*>* sources, std::string label)
      : average_(average),
        input_type_(std::move(input_type)),
        result_type_(std::move(result_type)),
        sources_(sources),
        label_(std::move(label)) {}

  void resize(uint32_t groups) override {
    sums_.resize(groups, Acc{});
    counts_.resize(groups, 0);
  }

  Status update(uint32_t batch, int64_t start, int64_t count, const uint32_t* groups) override {
    const Column& c = *(*sources_)[batch];
    const In* values = c.values<In>() + start;
    const bool nullable = c.may_have_nulls();
    for (int64_t i = 0; i < count; ++i) {
      if (nullable && !c.is_valid(start + i)) continue;
      const uint32_t g = groups[i];
      BRAID_RETURN_IF_ERROR(add(sums_[g], static_cast<Acc>(values[i])));
      ++counts_[g];
    }
    return Status::OK();
  }

  Status merge(const Accumulator& other, const uint32_t* from, const uint32_t* to,
               size_t count) override {
    const auto& o = static_cast<const SumAccumulator&>(other);
    for (size_t i = 0; i < count; ++i) {
      if (o.counts_[from[i]] == 0) continue;
      BRAID_RETURN_IF_ERROR(add(sums_[to[i]], o.sums_[from[i]]));
      counts_[to[i]] += o.counts_[from[i]];
    }
    return Status::OK();
  }

  Result<ColumnPtr> finish(MemoryTracker* tracker) const override {
    std::vector<uint8_t> has_value(counts_.size());
    for (size_t g = 0; g < counts_.size(); ++g) has_value[g] = counts_[g] > 0;
    if (result_type_->id() == TypeId::kFloat64) {
      std::vector<double> out(sums_.size());
      for (size_t g = 0; g < sums_.size(); ++g) {
        out[g] = static_cast<double>(sums_[g]);
        if (average_ && counts_[g] > 0) out[g] /= static_cast<double>(counts_[g]);
      }
      return make_values_column(result_type_, out, &has_value, tracker);
    }
    if (result_type_->id() == TypeId::kInt64) {
      std::vector<int64_t> out(sums_.size());
      for (size_t g = 0; g < sums_.size(); ++g) out[g] = static_cast<int64_t>(sums_[g]);
      return make_values_column(result_type_, out, &has_value, tracker);
    }
    // Decimal result.
    const int in_scale = decimal_shape(*input_type_).second;
    std::vector<Int128> out(sums_.size(), 0);
    for (size_t g = 0; g < sums_.size(); ++g) {
      if (counts_[g] == 0) continue;
      std::optional<Int128> v;
      if (average_) {
        v = decimal_average(static_cast<Int128>(sums_[g]), counts_[g], in_scale,
                            result_type_->scale(), result_type_->precision());
      } else if (decimal::fits_precision(static_cast<Int128>(sums_[g]),
                                         result_type_->precision())) {
        v = static_cast<Int128>(sums_[g]);
      }
      if (!v) return decimal_out_of_range(label_, *result_type_);
      out[g] = *v;
    }
    return make_values_column(result_type_, out, &has_value, tracker);
  }

  int64_t memory_bytes() const override {
    return static_cast<int64_t>(sums_.capacity() * sizeof(Acc) + counts_.capacity() * 8);
  }

 private:
  Status add(Acc& sum, Acc v) const {
    if constexpr (std::is_floating_point_v<Acc>) {
      sum += v;
    } else if (__builtin_add_overflow(sum, v, &sum)) {
      if constexpr (std::is_same_v<Acc, int64_t>) return long_overflow(label_);
      return decimal_out_of_range(label_, *result_type_);
    }
    return Status::OK();
  }

  bool average_;
  TypePtr input_type_;
  TypePtr result_type_;
  const std::vector<const Column*>* sources_;
  std::string label_;
  std::vector<Acc> sums_;
  std::vector<int64_t> counts_;
};

// ---- min and max

template <typename T>
bool less_for_order(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    // NaN is the largest value (and equals NaN).
    if (std::isnan(b)) return !std::isnan(a);
    return a < b;
  } else {
    return a < b;
  }
}

// Typed min/max of fixed-width numeric values (dates, timestamps and decimals included).
template <typename T, bool kMax>
class MinMaxAccumulator final : public Accumulator {
 public:
  MinMaxAccumulator(TypePtr type, const std::vector<const Column*>* sources)
      : type_(std::move(type)), sources_(sources) {}
  void resize(uint32_t groups) override {
    best_.resize(groups, T{});
    has_.resize(groups, 0);
  }
  Status update(uint32_t batch, int64_t start, int64_t count, const uint32_t* groups) override {
    const Column& c = *(*sources_)[batch];
    const T* values = c.values<T>() + start;
    const bool nullable = c.may_have_nulls();
    for (int64_t i = 0; i < count; ++i) {
      if (nullable && !c.is_valid(start + i)) continue;
      offer(groups[i], values[i]);
    }
    return Status::OK();
  }
  Status merge(const Accumulator& other, const uint32_t* from, const uint32_t* to,
               size_t count) override {
    const auto& o = static_cast<const MinMaxAccumulator&>(other);
    for (size_t i = 0; i < count; ++i) {
      if (o.has_[from[i]]) offer(to[i], o.best_[from[i]]);
    }
    return Status::OK();
  }
  Result<ColumnPtr> finish(MemoryTracker* tracker) const override {
    return make_values_column(type_, best_, &has_, tracker);
  }
  int64_t memory_bytes() const override {
    return static_cast<int64_t>(best_.capacity() * sizeof(T) + has_.capacity());
  }

 private:
  void offer(uint32_t g, T v) {
    if (!has_[g]) {
      best_[g] = v;
      has_[g] = 1;
    } else if (kMax ? less_for_order(best_[g], v) : less_for_order(v, best_[g])) {
      best_[g] = v;
    }
  }
  TypePtr type_;
  const std::vector<const Column*>* sources_;
  std::vector<T> best_;
  std::vector<uint8_t> has_;
};

// Min/max of any ordered type, kept as a reference to the row holding it.
class RowMinMaxAccumulator final : public Accumulator {
 public:
  RowMinMaxAccumulator(bool max, TypePtr type, ValueCompare compare,
                       const std::vector<const Column*>* sources)
      : max_(max), type_(std::move(type)), compare_(compare), sources_(sources) {}
  void resize(uint32_t groups) override { best_.resize(groups, kNullRowRef); }
  Status update(uint32_t batch, int64_t start, int64_t count, const uint32_t* groups) override {
    const Column& c = *(*sources_)[batch];
    for (int64_t i = 0; i < count; ++i) {
      if (c.is_valid(start + i)) {
        offer(groups[i], RowRef{batch, static_cast<uint32_t>(start + i)});
      }
    }
    return Status::OK();
  }
  Status merge(const Accumulator& other, const uint32_t* from, const uint32_t* to,
               size_t count) override {
    const auto& o = static_cast<const RowMinMaxAccumulator&>(other);
    for (size_t i = 0; i < count; ++i) {
      if (o.best_[from[i]].batch != kNullBatch) offer(to[i], o.best_[from[i]]);
    }
    return Status::OK();
  }
  Result<ColumnPtr> finish(MemoryTracker* tracker) const override {
    return gather(type_, *sources_, best_.data(), static_cast<int64_t>(best_.size()), tracker);
  }
  bool holds_input_rows() const override { return true; }
  int64_t memory_bytes() const override {
    return static_cast<int64_t>(best_.capacity() * sizeof(RowRef));
  }

 private:
  void offer(uint32_t g, RowRef r) {
    RowRef& b = best_[g];
    if (b.batch == kNullBatch) {
      b = r;
      return;
    }
    const int c = compare_(*(*sources_)[r.batch], r.row, *(*sources_)[b.batch], b.row);
    if (max_ ? c > 0 : c < 0) b = r;
  }
  bool max_;
  TypePtr type_;
  ValueCompare compare_;
  const std::vector<const Column*>* sources_;
  std::vector<RowRef> best_;
};

// ---- first, last, any_value

class PickAccumulator final : public Accumulator {
 public:
  PickAccumulator(bool last, bool ignore_nulls, TypePtr type,
                  const std::vector<const Column*>* sources)
      : last_(last), ignore_nulls_(ignore_nulls), type_(std::move(type)), sources_(sources) {}
  void resize(uint32_t groups) override { picked_.resize(groups, kNullRowRef); }
  Status update(uint32_t batch, int64_t start, int64_t count, const uint32_t* groups) override {
    const Column& c = *(*sources_)[batch];
    const bool check_nulls = ignore_nulls_ && c.may_have_nulls();
    for (int64_t i = 0; i < count; ++i) {
      if (check_nulls && !c.is_valid(start + i)) continue;
      RowRef& p = picked_[groups[i]];
      if (last_ || p.batch == kNullBatch) p = RowRef{batch, static_cast<uint32_t>(start + i)};
    }
    return Status::OK();
  }
  Status merge(const Accumulator& other, const uint32_t* from, const uint32_t* to,
               size_t count) override {
    const auto& o = static_cast<const PickAccumulator&>(other);
    for (size_t i = 0; i < count; ++i) {
      const RowRef r = o.picked_[from[i]];
      if (r.batch == kNullBatch) continue;
      RowRef& p = picked_[to[i]];
      if (last_ || p.batch == kNullBatch) p = r;
    }
    return Status::OK();
  }
  Result<ColumnPtr> finish(MemoryTracker* tracker) const override {
    return gather(type_, *sources_, picked_.data(), static_cast<int64_t>(picked_.size()),
                  tracker);
  }
  bool holds_input_rows() const override { return true; }
  int64_t memory_bytes() const override {
    return static_cast<int64_t>(picked_.capacity() * sizeof(RowRef));
  }

 private:
  bool last_;
  bool ignore_nulls_;
  TypePtr type_;
  const std::vector<const Column*>* sources_;
  std::vector<RowRef> picked_;
};

}  // namespace

Result<TypePtr> aggregate_result_type(AggregateKind kind, const TypePtr& input_type) {
  if (kind == AggregateKind::kCountStar || kind == AggregateKind::kCount) return int64();
  if (input_type == nullptr) {
    return Status::invalid_argument("{} needs an input column", aggregate_kind_name(kind));
  }
  const DataType& t = *input_type;
  const auto undefined = [&] {
    return Status::invalid_argument("{} is not defined for {}", aggregate_kind_name(kind),
                                    t.to_string());
  };
  switch (kind) {
    case AggregateKind::kSum:
      if (is_small_integer(t.id())) return int64();
      if (t.is_floating()) return float64();
      if (is_decimal_like(t.id())) {
        const auto [p, s] = decimal_shape(t);
        return decimal128(std::min(kMaxDecimalPrecision, p + 10), s);
      }
      return undefined();
    case AggregateKind::kAvg:
      if (is_small_integer(t.id()) || t.is_floating()) return float64();
      if (is_decimal_like(t.id())) {
        const auto [p, s] = decimal_shape(t);
        return decimal128(std::min(kMaxDecimalPrecision, p + 4),
                          std::min(kMaxDecimalPrecision, s + 4));
      }
      return undefined();
    case AggregateKind::kMin:
    case AggregateKind::kMax:
      if (!value_compare_for(t).ok()) return undefined();
      return input_type;
    default:
      return input_type;
  }
}

Result<std::unique_ptr<Accumulator>> make_accumulator(const AggregateSpec& spec,
                                                      const TypePtr& input_type,
                                                      const std::vector<const Column*>* sources,
                                                      std::string label) {
  BRAID_ASSIGN_OR_RETURN(auto result_type, aggregate_result_type(spec.kind, input_type));
  std::unique_ptr<Accumulator> acc;
  switch (spec.kind) {
    case AggregateKind::kCountStar:
    case AggregateKind::kCount:
      acc = std::make_unique<CountAccumulator>(spec.kind == AggregateKind::kCountStar, sources);
      break;
    case AggregateKind::kSum:
    case AggregateKind::kAvg: {
      const bool average = spec.kind == AggregateKind::kAvg;
      const TypeId id = input_type->id();
      if (is_decimal_like(id) || (average && is_small_integer(id))) {
        // Exact Int128 sums (avg of integers divides at the end, whatever the split).
        acc = visit_numeric(id, [&](auto tag) -> std::unique_ptr<Accumulator> {
          using In = decltype(tag);
          if constexpr (std::is_integral_v<In> || std::is_same_v<In, Int128>) {
            return std::make_unique<SumAccumulator<In, Int128>>(average, input_type, result_type,
                                                                sources, label);
          }
          return nullptr;
        });
      } else if (input_type->is_floating()) {
        if (id == TypeId::kFloat32) {
          acc = std::make_unique<SumAccumulator<float, double>>(average, input_type, result_type,
                                                                sources, label);
        } else {
          acc = std::make_unique<SumAccumulator<double, double>>(average, input_type,
                                                                 result_type, sources, label);
        }
      } else {
        acc = visit_numeric(id, [&](auto tag) -> std::unique_ptr<Accumulator> {
          using In = decltype(tag);
          if constexpr (std::is_integral_v<In> && !std::is_same_v<In, uint64_t>) {
            return std::make_unique<SumAccumulator<In, int64_t>>(average, input_type,
                                                                 result_type, sources, label);
          }
          return nullptr;
        });
      }
      break;
    }
    case AggregateKind::kMin:
    case AggregateKind::kMax: {
      const bool max = spec.kind == AggregateKind::kMax;
      const DataType& t = *input_type;
      const bool typed = t.is_integer() || t.is_floating() || t.id() == TypeId::kDecimal128 ||
                         t.id() == TypeId::kDate32 || t.id() == TypeId::kTime64 ||
                         t.id() == TypeId::kTimestamp;
      if (typed) {
        acc = visit_numeric(t.id(), [&](auto tag) -> std::unique_ptr<Accumulator> {
          using T = decltype(tag);
          if (max) return std::make_unique<MinMaxAccumulator<T, true>>(input_type, sources);
          return std::make_unique<MinMaxAccumulator<T, false>>(input_type, sources);
        });
      } else {
        BRAID_ASSIGN_OR_RETURN(auto compare, value_compare_for(t));
        acc = std::make_unique<RowMinMaxAccumulator>(max, input_type, compare, sources);
      }
      break;
    }
    case AggregateKind::kAnyValue:
    case AggregateKind::kFirst:
    case AggregateKind::kLast:
      acc = std::make_unique<PickAccumulator>(spec.kind == AggregateKind::kLast,
                                              spec.ignore_nulls, input_type, sources);
      break;
  }
  if (acc == nullptr) {
    return Status::internal("no accumulator for {} of {}", aggregate_kind_name(spec.kind),
                            input_type->to_string());
  }
  return acc;
}

std::optional<Int128> decimal_average(Int128 sum, int64_t count, int in_scale, int out_scale,
                                      int out_precision) {
  const int k = out_scale - in_scale;
  if (count <= 0 || k < 0 || k > 18) return std::nullopt;
  const bool negative = sum < 0;
  const UInt128 magnitude = negative ? UInt128(0) - static_cast<UInt128>(sum)
                                     : static_cast<UInt128>(sum);
  const auto n = static_cast<UInt128>(count);
  const auto scale = static_cast<UInt128>(decimal::power_of_ten(k));
  const UInt128 quotient = magnitude / n;
  const UInt128 remainder = magnitude % n;  // < 2^63, so remainder * 10^k fits
  UInt128 whole;
  if (__builtin_mul_overflow(quotient, scale, &whole)) return std::nullopt;
  const UInt128 t = remainder * scale;
  UInt128 fraction = t / n;
  if ((t % n) * 2 >= n) ++fraction;  // HALF_UP: ties away from zero
  const UInt128 result = whole + fraction;
  if (result > static_cast<UInt128>(decimal::power_of_ten(out_precision)) - 1) return std::nullopt;
  return negative ? -static_cast<Int128>(result) : static_cast<Int128>(result);
}

}  // namespace braid::exec
