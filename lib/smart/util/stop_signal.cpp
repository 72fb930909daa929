#include <smart/util/stop_signal.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace smart::util {

namespace {

std::atomic<int> g_signal{0};
std::atomic<int> g_write_fd{-1};

extern "C" void on_stop_signal(int number)
{
  const int saved_errno = errno;
  int expected = 0;
  g_signal.compare_exchange_strong(expected, number);
  const int fd = g_write_fd.load();
  if (fd >= 0) {
    const char byte = 1;
    // Non-blocking: a full pipe already wakes the reader.
    [[maybe_unused]] const auto ignored = ::write(fd, &byte, 1);
  }
  errno = saved_errno;
}

} // namespace

StopSignal::StopSignal()
{
  if (::pipe2(m_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
    throw std::runtime_error(std::string("cannot create a pipe: ") + std::strerror(errno));
  }
  g_signal = 0;
  g_write_fd = m_pipe[1];
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0; // no SA_RESTART: a blocking call returns EINTR and the loop looks
  ::sigaction(SIGINT, &action, &m_old_int);
  ::sigaction(SIGTERM, &action, &m_old_term);
}

StopSignal::~StopSignal()
{
  ::sigaction(SIGINT, &m_old_int, nullptr);
  ::sigaction(SIGTERM, &m_old_term, nullptr);
  g_write_fd = -1;
  ::close(m_pipe[0]);
  ::close(m_pipe[1]);
}

bool StopSignal::requested() noexcept
{
  return g_signal.load(std::memory_order_relaxed) != 0;
}

int StopSignal::signal_number() noexcept
{
  return g_signal.load();
}

int StopSignal::exit_status() noexcept
{
  const int number = g_signal.load();
  return number == 0 ? 0 : 128 + number;
}

} // namespace smart::util
