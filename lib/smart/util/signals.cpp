#include <smart/util/signals.hpp>

#include <smart/util/failure.hpp>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>

namespace smart::util::signals {

namespace {

std::atomic<int> g_signal{0};
int g_pipe[2] = {-1, -1};

extern "C" void on_signal(int number)
{
  const int saved = errno;
  int expected = 0;
  g_signal.compare_exchange_strong(expected, number);
  const char byte = 1;
  [[maybe_unused]] auto n = ::write(g_pipe[1], &byte, 1);
  errno = saved;
}

void make_pipe()
{
  if (::pipe2(g_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
    throw Failure("failed to create a pipe: {}", std::strerror(errno));
  }
}

} // namespace

void install(ClosedPipe closed_pipe)
{
  if (g_pipe[0] >= 0) {
    return;
  }
  make_pipe();
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  // SIGPIPE too: a reader of our output that goes away (a pipe into head,
  // a closed terminal) must get the same revert as a SIGTERM, not a death
  // with the variant live. Writes to that pipe then fail with EPIPE.
  for (int number : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) {
    if (number != SIGPIPE || closed_pipe == ClosedPipe::stop) {
      ::sigaction(number, &action, nullptr);
    }
  }
}

int received()
{
  return g_signal.load();
}

int fd()
{
  return g_pipe[0];
}

bool sleep_for(std::chrono::duration<double> duration)
{
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(duration);
  while (received() == 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      return true;
    }
    pollfd p{fd(), POLLIN, 0};
    ::poll(&p, fd() >= 0 ? 1 : 0, static_cast<int>(std::min<long long>(left, 1000)));
  }
  return false;
}

void reset_for_tests()
{
  g_signal = 0;
  if (g_pipe[0] >= 0) {
    ::close(g_pipe[0]);
    ::close(g_pipe[1]);
  }
  make_pipe();
}

} // namespace smart::util::signals
