#include <smart/run/run_log.hpp>

#include <smart/util/strings.hpp>
#include <smart/util/time.hpp>

#include <fmt/format.h>

#include <fcntl.h>
#include <syslog.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace smart {

RunLog::RunLog() : m_tty(::isatty(2) == 1 && std::getenv("SMART_NO_PROGRESS") == nullptr)
{
}

RunLog::~RunLog()
{
  clear_progress();
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

void RunLog::open(const std::filesystem::path& file)
{
  m_fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

void RunLog::line(std::string_view text)
{
  clear_progress();
  std::string out(text);
  out += '\n';
  std::fputs(out.c_str(), stderr);
  std::fflush(stderr);
  if (m_fd >= 0) {
    // run.log carries the time; on stderr journald (or the terminal) does.
    const auto stamped = util::format_rfc3339(std::chrono::system_clock::now()) + " " + out;
    [[maybe_unused]] auto n = ::write(m_fd, stamped.data(), stamped.size());
  }
}

void RunLog::alarm(std::string_view text)
{
  // To the system log too (the journal under systemd): the alarm must reach
  // someone when the state directory cannot take revert_failed.json, and
  // even when stderr goes nowhere.
  std::string flat;
  for (auto part : util::split(text, '\n')) {
    flat += (flat.empty() ? "" : " | ") + std::string(part);
  }
  ::openlog("smart-run", LOG_PID, LOG_DAEMON);
  ::syslog(LOG_ALERT, "%s", flat.c_str());
  ::closelog();
  const std::string bar(72, '!');
  line(bar);
  for (auto part : util::split(text, '\n')) {
    line(fmt::format("!!! {}", part));
  }
  line(bar);
}

void RunLog::progress(std::string_view text)
{
  if (!m_tty) {
    return;
  }
  std::fputs(fmt::format("\r\033[K{}{}", text, m_run_progress.suffix()).c_str(), stderr);
  std::fflush(stderr);
  m_progress_shown = true;
}

void RunLog::clear_progress()
{
  if (m_progress_shown) {
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
    m_progress_shown = false;
  }
}

} // namespace smart
