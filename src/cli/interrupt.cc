#include "cli/interrupt.h"

#include <atomic>

namespace braid::cli {

namespace {

// The signal received, 0 for none. Lock-free, so the handler may touch it.
std::atomic<int> g_received{0};
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void on_signal(int signal) {
  if (g_received.exchange(signal) != 0) {
    // The second one: the user insists, end now.
    std::signal(signal, SIG_DFL);
    std::raise(signal);
  }
}

void install(int signal, struct sigaction* previous) {
  struct sigaction current {};
  if (sigaction(signal, nullptr, &current) != 0) return;
  *previous = current;
  if (current.sa_handler == SIG_IGN) return;
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  // Blocking reads and writes carry on; the command polls check() between batches.
  action.sa_flags = SA_RESTART;
  sigaction(signal, &action, nullptr);
}

}  // namespace

InterruptScope::InterruptScope() {
  g_received.store(0);
  install(SIGINT, &previous_int_);
  install(SIGTERM, &previous_term_);
}

InterruptScope::~InterruptScope() {
  sigaction(SIGINT, &previous_int_, nullptr);
  sigaction(SIGTERM, &previous_term_, nullptr);
  if (int signal = g_received.exchange(0); signal != 0 && reported_) {
    // Cleaned up; now end as an interrupted program does, so a calling shell script stops too.
    std::signal(signal, SIG_DFL);
    std::raise(signal);
  }
}

Status InterruptScope::check() const {
  const int signal = g_received.load();
  if (signal == 0) return Status::OK();
  reported_ = true;
  return Status::cancelled("{}", signal == SIGINT ? "interrupted (SIGINT)" : "terminated (SIGTERM)");
}

int InterruptScope::received() const { return g_received.load(); }

}  // namespace braid::cli
