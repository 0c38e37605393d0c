#include "braid/status.h"

namespace braid {

struct Status::State {
  StatusCode code;
  std::string message;
  std::vector<std::string> context;  // innermost first: each caller appends its own
  bool retryable = false;
};

void Status::StateDeleter::operator()(State* state) const noexcept { delete state; }

std::string_view status_code_name(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid argument";
    case StatusCode::kParseError: return "parse error";
    case StatusCode::kNotFound: return "not found";
    case StatusCode::kAlreadyExists: return "already exists";
    case StatusCode::kIOError: return "I/O error";
    case StatusCode::kCorruption: return "corruption";
    case StatusCode::kConflict: return "conflict";
    case StatusCode::kUnavailable: return "unavailable";
    case StatusCode::kCancelled: return "cancelled";
    case StatusCode::kOutOfMemory: return "out of memory";
    case StatusCode::kNotImplemented: return "not implemented";
    case StatusCode::kInternal: return "internal error";
  }
  return "unknown";
}

Status::Status(StatusCode code, std::string message) {
  if (code == StatusCode::kOk) return;
  state_ = std::unique_ptr<State, StateDeleter>(new State{code, std::move(message), {}, false});
}

Status::Status(const Status& other)
    : state_(other.state_ ? new State(*other.state_) : nullptr) {}

Status& Status::operator=(const Status& other) {
  if (this != &other) state_.reset(other.state_ ? new State(*other.state_) : nullptr);
  return *this;
}

Status::Status(Status&&) noexcept = default;
Status& Status::operator=(Status&&) noexcept = default;
Status::~Status() = default;

StatusCode Status::code() const noexcept { return state_ ? state_->code : StatusCode::kOk; }

const std::string& Status::message() const noexcept {
  static const std::string kEmpty;
  return state_ ? state_->message : kEmpty;
}

std::vector<std::string> Status::context() const {
  if (!state_) return {};
  return {state_->context.rbegin(), state_->context.rend()};
}

std::string Status::to_string() const {
  if (!state_) return "OK";
  std::string out;
  for (auto it = state_->context.rbegin(); it != state_->context.rend(); ++it) {
    out += *it;
    out += ": ";
  }
  out += state_->message;
  return out;
}

std::string Status::to_string_with_code() const {
  if (!state_) return "OK";
  return std::string(status_code_name(state_->code)) + ": " + to_string();
}

bool Status::is_retryable() const noexcept { return state_ && state_->retryable; }

Status& Status::set_retryable(bool retryable) & {
  if (state_) state_->retryable = retryable;
  return *this;
}

Status Status::set_retryable(bool retryable) && {
  if (state_) state_->retryable = retryable;
  return std::move(*this);
}

void Status::add_context(std::string context) {
  if (state_ && !context.empty()) state_->context.push_back(std::move(context));
}

Status& Status::with_context(std::string_view context) & {
  add_context(std::string(context));
  return *this;
}

Status Status::with_context(std::string_view context) && {
  add_context(std::string(context));
  return std::move(*this);
}

bool Status::operator==(const Status& other) const {
  if (ok() || other.ok()) return ok() == other.ok();
  return code() == other.code() && to_string() == other.to_string();
}

}  // namespace braid
