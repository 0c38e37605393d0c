// Row-at-a-time kernels for functions that cannot be written as tight vector loops (strings,
// dates, regular expressions): the loop visits only selected rows whose arguments are all valid,
// gives NULL to the others, and writes straight into the output buffers.
// Private to src/exec/expr.
#pragma once

#include <optional>

#include "exec/expr/internal/kernel.h"

namespace braid::exec::internal {

// A string/binary result: f(i, writer) appends exactly one value (or a NULL) for row i and
// returns an error to stop.
template <typename F>
Result<ColumnPtr> string_rows(const std::vector<Operand>& ops, const TypePtr& type,
                              const KernelContext& kc, int64_t bytes_hint, F&& f) {
  const int64_t n = kc.num_rows;
  std::vector<const Operand*> ptrs;
  for (const auto& op : ops) ptrs.push_back(&op);
  BRAID_ASSIGN_OR_RETURN(auto validity, and_validity(ptrs, n, kc.memory()));
  const uint8_t* valid = validity == nullptr ? nullptr : validity->data();
  StringWriter w(type, n, bytes_hint, kc.memory());
  Status error;
  for_each_selected(
      n, kc.selection,
      [&](int64_t i) {
        if (!error.ok()) return;
        if (valid != nullptr && !bitmap::get(valid, i)) {
          w.append_null();
          return;
        }
        error = f(i, w);
      },
      [&](int64_t, int64_t count) { w.append_nulls(count); });
  BRAID_RETURN_IF_ERROR(error);
  return w.finish();
}

// A fixed-width (or boolean, T = bool) result: f(i) returns the value, or nullopt for NULL.
// Errors: f sets `error` (checked after each row).
template <typename T, typename F>
Result<ColumnPtr> fixed_rows(const std::vector<Operand>& ops, const TypePtr& type,
                             const KernelContext& kc, Status& error, F&& f) {
  const int64_t n = kc.num_rows;
  std::vector<const Operand*> ptrs;
  for (const auto& op : ops) ptrs.push_back(&op);
  BRAID_ASSIGN_OR_RETURN(auto validity, and_validity(ptrs, n, kc.memory()));
  constexpr bool kBool = std::is_same_v<T, bool>;
  BRAID_ASSIGN_OR_RETURN(
      auto values, allocate(kBool ? bitmap::bytes_for(n) : n * static_cast<int64_t>(sizeof(T)), kc.memory()));
  bool stop = false;
  auto set_null = [&](int64_t i) -> bool {
    if (validity == nullptr) {
      auto v = allocate(bitmap::bytes_for(n), kc.memory());
      if (!v.ok()) {
        error = v.status();
        return false;
      }
      validity = *v;
      bitmap::fill(validity->mutable_data(), 0, n, true);
    }
    bitmap::clear(validity->mutable_data(), i);
    return true;
  };
  for_each_selected(
      n, kc.selection,
      [&](int64_t i) {
        if (stop) return;
        if (validity != nullptr && !bitmap::get(validity->data(), i)) return;
        std::optional<T> v = f(i);
        if (!error.ok()) {
          stop = true;
          return;
        }
        if (!v) {
          if (!set_null(i)) stop = true;
          return;
        }
        if constexpr (kBool) {
          if (*v) bitmap::set(values->mutable_data(), i);
        } else {
          values->mutable_as<T>()[i] = *v;
        }
      },
      [](int64_t, int64_t) {});
  BRAID_RETURN_IF_ERROR(error);
  return make_column(type, n, validity, values);
}

// Integer value of an integral operand at row i (tinyint..bigint).
inline int64_t int_at(const Operand& op, int64_t i) {
  const int64_t r = op.at(i);
  switch (op.type()->id()) {
    case TypeId::kInt8: return op.column->value<int8_t>(r);
    case TypeId::kInt16: return op.column->value<int16_t>(r);
    case TypeId::kInt32: return op.column->value<int32_t>(r);
    default: return op.column->value<int64_t>(r);
  }
}

}  // namespace braid::exec::internal
