#pragma once

#include <smart/run/run_progress.hpp>

#include <filesystem>
#include <string>
#include <string_view>

// The human log of a run: every line to stderr and to run.log. On a TTY a
// one-line progress status (phase, time left; block k of n and the run's
// time left) is drawn under the log and
// cleared before each log line; never under systemd or in a pipe.

namespace smart {

class RunLog {
public:
  RunLog();
  ~RunLog();
  RunLog(const RunLog&) = delete;
  RunLog& operator=(const RunLog&) = delete;

  // Starts copying lines into file (appended); lines before stay on stderr only.
  void open(const std::filesystem::path& file);
  void line(std::string_view text);
  // A line framed so nobody can miss it (revert failed); also sent to the
  // system log (syslog(3), LOG_ALERT: the journal under systemd).
  void alarm(std::string_view text);
  // Draws text, followed by the whole run's progress once a plan is set.
  void progress(std::string_view text);
  void clear_progress();
  bool tty() const { return m_tty; }
  // The whole run: its plan, and each measurement block as it starts.
  RunProgress& run_progress() { return m_run_progress; }

private:
  int m_fd = -1;
  bool m_tty = false;
  bool m_progress_shown = false;
  RunProgress m_run_progress;
};

} // namespace smart
