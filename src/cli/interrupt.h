// InterruptScope: Ctrl-C (SIGINT) and SIGTERM while a command writes a file.
//
// Killed at an arbitrary point, a command writing a file would leave its temporary file behind.
// While an InterruptScope lives, the first SIGINT or SIGTERM is only recorded: the command sees
// it through check() (kCancelled) between batches and unwinds, which removes its temporary
// files and leaves the target as it was. When the scope ends it restores the signals' previous
// handling and, if check() reported the signal, raises it again so the process ends the way the
// shell expects of an interrupted program (status 130 for SIGINT); a signal that came after the
// last check() is too late to stop anything and the command's work stands. A second signal ends
// the process at once: what remains is what SIGKILL leaves (a ".NAME.tmp-*" file, safe to delete).
//
// A signal the process started with ignored (`nohup`, a background job of a script) stays
// ignored. One scope at a time, used by the thread that made it.
#pragma once

#include <csignal>

#include "braid/status.h"

namespace braid::cli {

class InterruptScope {
 public:
  InterruptScope();
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

  // kCancelled naming the signal once one arrived; OK before.
  Status check() const;
  // The signal received (SIGINT or SIGTERM), 0 before one. Unlike check() it may be called from
  // any thread (one that watches for the signal while the command's thread waits) and reports
  // nothing: the scope's end raises the signal only when check() returned it.
  int received() const;

 private:
  mutable bool reported_ = false;
  struct sigaction previous_int_ {};
  struct sigaction previous_term_ {};
};

}  // namespace braid::cli
