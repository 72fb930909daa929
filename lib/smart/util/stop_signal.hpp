#pragma once

#include <csignal>

// SIGINT/SIGTERM as a request to stop, not a death: the handler records the
// signal and writes a byte to a self-pipe, so a loop blocked in poll() wakes
// up and ends cleanly (every row written). Generic: knows nothing of smart.
//
// One instance per process; the destructor restores the previous handlers.

namespace smart::util {

class StopSignal {
public:
  StopSignal();
  ~StopSignal();
  StopSignal(const StopSignal&) = delete;
  StopSignal& operator=(const StopSignal&) = delete;

  // True once SIGINT or SIGTERM arrived (async-signal-safe to read).
  static bool requested() noexcept;
  // The signal number that arrived first, 0 when none.
  static int signal_number() noexcept;
  // Readable once a stop was requested; for poll()/epoll.
  int fd() const noexcept { return m_pipe[0]; }

  // The conventional exit status for the signal (128 + number), or 0.
  static int exit_status() noexcept;

private:
  int m_pipe[2] = {-1, -1};
  struct sigaction m_old_int {};
  struct sigaction m_old_term {};
};

} // namespace smart::util
