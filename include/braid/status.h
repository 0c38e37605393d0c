// Status: the outcome of an operation that can fail, braid's only error path.
//
// A Status is either OK (cheap: one null pointer) or an error carrying a stable code, a message,
// and a chain of context that callers add as the error travels up, so the final text reads
//   "reading data/x.parquet: row group 2: column 'amount': page 3: unexpected end of data".
// Whoever knows that an error is transient marks it retryable (a Delta commit conflict that a
// rebase can resolve, an unavailable file system); everyone else leaves the flag alone.
//
// No exception crosses a braid API: functions that can fail return Status or Result<T>.
// Thread-safety: a Status is a value; distinct objects may be used from different threads.
#pragma once

#include <fmt/core.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace braid {

// Stable codes: tests and callers branch on these, so never renumber or reuse one.
enum class StatusCode : unsigned char {
  kOk = 0,
  kInvalidArgument = 1,  // the caller asked for something that cannot be done as asked
  kParseError = 2,       // malformed text: SQL, CSV, JSON, TOML (message has line:column)
  kNotFound = 3,         // a file, table, column, view or version that does not exist
  kAlreadyExists = 4,    // put-if-absent lost, CREATE of an existing object
  kIOError = 5,          // the operating system refused a read or write
  kCorruption = 6,       // a file that claims a format and breaks its rules
  kConflict = 7,         // a concurrent writer won (names both commits)
  kUnavailable = 8,      // transient: try again
  kCancelled = 9,        // the operation was cancelled or timed out
  kOutOfMemory = 10,     // a memory limit would be exceeded
  kNotImplemented = 11,  // valid input that braid does not support (names the feature)
  kInternal = 12,        // a bug in braid
};

// "invalid argument", "parse error", ...: the code as it appears in messages and logic tests.
std::string_view status_code_name(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() noexcept = default;  // OK
  Status(StatusCode code, std::string message);
  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept;
  Status& operator=(Status&&) noexcept;
  ~Status();

  static Status OK() { return Status(); }

  // Factories, each taking a fmt format string: Status::not_found("table '{}'", name).
#define BRAID_STATUS_FACTORY(name, code)                                        \
  template <typename... Args>                                                   \
  static Status name(fmt::format_string<Args...> format, Args&&... args) {      \
    return Status(code, fmt::format(format, std::forward<Args>(args)...));      \
  }
  BRAID_STATUS_FACTORY(invalid_argument, StatusCode::kInvalidArgument)
  BRAID_STATUS_FACTORY(parse_error, StatusCode::kParseError)
  BRAID_STATUS_FACTORY(not_found, StatusCode::kNotFound)
  BRAID_STATUS_FACTORY(already_exists, StatusCode::kAlreadyExists)
  BRAID_STATUS_FACTORY(io_error, StatusCode::kIOError)
  BRAID_STATUS_FACTORY(corruption, StatusCode::kCorruption)
  BRAID_STATUS_FACTORY(conflict, StatusCode::kConflict)
  BRAID_STATUS_FACTORY(unavailable, StatusCode::kUnavailable)
  BRAID_STATUS_FACTORY(cancelled, StatusCode::kCancelled)
  BRAID_STATUS_FACTORY(out_of_memory, StatusCode::kOutOfMemory)
  BRAID_STATUS_FACTORY(not_implemented, StatusCode::kNotImplemented)
  BRAID_STATUS_FACTORY(internal, StatusCode::kInternal)
#undef BRAID_STATUS_FACTORY

  bool ok() const noexcept { return state_ == nullptr; }
  StatusCode code() const noexcept;
  // The innermost message, without context.
  const std::string& message() const noexcept;
  // Context entries, outermost first.
  std::vector<std::string> context() const;
  // "context: context: message" (no code); "OK" for success.
  std::string to_string() const;
  // "<code name>: " + to_string(), for logs where the kind matters.
  std::string to_string_with_code() const;

  bool is_retryable() const noexcept;
  Status& set_retryable(bool retryable = true) &;
  Status set_retryable(bool retryable = true) &&;

  // Prepends context to an error (no-op on OK): "reading x.csv" + "line 3: bad" reads
  // "reading x.csv: line 3: bad".
  // The rvalue forms return a new Status (never a reference into a temporary).
  Status& with_context(std::string_view context) &;
  Status with_context(std::string_view context) &&;
  template <typename... Args>
  Status with_context_f(fmt::format_string<Args...> format, Args&&... args) && {
    if (!ok()) add_context(fmt::format(format, std::forward<Args>(args)...));
    return std::move(*this);
  }

  bool operator==(const Status& other) const;

 private:
  struct State;
  // Out of line so State can stay incomplete here.
  struct StateDeleter {
    void operator()(State* state) const noexcept;
  };
  void add_context(std::string context);
  std::unique_ptr<State, StateDeleter> state_;
};

}  // namespace braid
