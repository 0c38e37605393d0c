// Result<T>: a value of type T, or the Status that explains why there is none.
//
// Construct from a T (success) or from a non-OK Status (failure). Reading the value of a failed
// Result is a bug (checked in debug builds). Use BRAID_ASSIGN_OR_RETURN to unwrap and propagate.
#pragma once

#include <cassert>
#include <optional>
#include <type_traits>
#include <utility>

#include "braid/status.h"

namespace braid {

template <typename T>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<std::decay_t<T>, Status>, "Result<Status> makes no sense");

 public:
  // Failure. An OK status here is a bug and becomes an internal error.
  Result(Status status)  // NOLINT(google-explicit-constructor): allows `return status;`
      : status_(std::move(status)) {
    if (status_.ok()) status_ = Status::internal("Result constructed from an OK status");
  }
  // Success.
  Result(T value)  // NOLINT(google-explicit-constructor): allows `return value;`
      : value_(std::move(value)) {}
  template <typename U,
            typename = std::enable_if_t<std::is_convertible_v<U&&, T> &&
                                        !std::is_same_v<std::decay_t<U>, T> &&
                                        !std::is_same_v<std::decay_t<U>, Status> &&
                                        !std::is_same_v<std::decay_t<U>, Result<T>>>>
  Result(U&& value)  // NOLINT(google-explicit-constructor)
      : value_(T(std::forward<U>(value))) {}

  bool ok() const noexcept { return value_.has_value(); }
  const Status& status() const& noexcept { return status_; }
  Status status() && { return std::move(status_); }

  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T& value() & {
    assert(ok());
    return *value_;
  }
  T value() && {
    assert(ok());
    return std::move(*value_);
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  T operator*() && { return std::move(*this).value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  T value_or(T fallback) const& { return ok() ? *value_ : std::move(fallback); }

  // Adds context to the error, if any.
  Result with_context(std::string_view context) && {
    if (!ok()) status_.with_context(context);
    return std::move(*this);
  }
  template <typename... Args>
  Result with_context_f(fmt::format_string<Args...> format, Args&&... args) && {
    if (!ok()) status_ = std::move(status_).with_context_f(format, std::forward<Args>(args)...);
    return std::move(*this);
  }

 private:
  Status status_;
  std::optional<T> value_;
};

namespace internal {
inline const Status& status_of(const Status& s) { return s; }
inline Status status_of(Status&& s) { return std::move(s); }
template <typename T>
const Status& status_of(const Result<T>& r) {
  return r.status();
}
template <typename T>
Status status_of(Result<T>&& r) {
  return std::move(r).status();
}
}  // namespace internal

}  // namespace braid

#define BRAID_CONCAT_INNER(a, b) a##b
#define BRAID_CONCAT(a, b) BRAID_CONCAT_INNER(a, b)

// Returns the error of a Status or Result expression from the enclosing function.
#define BRAID_RETURN_IF_ERROR(expr) \
  BRAID_RETURN_IF_ERROR_IMPL(BRAID_CONCAT(_braid_status_, __COUNTER__), expr)
#define BRAID_RETURN_IF_ERROR_IMPL(var, expr)                                 \
  do {                                                                        \
    auto var = (expr);                                                        \
    if (!var.ok()) return ::braid::internal::status_of(std::move(var));      \
  } while (false)

// `BRAID_ASSIGN_OR_RETURN(auto x, make_x());` declares x from a Result or returns its error.
#define BRAID_ASSIGN_OR_RETURN(lhs, rexpr) \
  BRAID_ASSIGN_OR_RETURN_IMPL(BRAID_CONCAT(_braid_result_, __COUNTER__), lhs, rexpr)
#define BRAID_ASSIGN_OR_RETURN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                \
  if (!tmp.ok()) return std::move(tmp).status();     \
  lhs = std::move(tmp).value()
