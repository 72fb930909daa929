#include <smart/measure/socket_probe.hpp>

#include <netdb.h>
#include <poll.h>
#include <unistd.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace smart {

namespace {

using Clock = std::chrono::steady_clock;

double ms_between(Clock::time_point a, Clock::time_point b)
{
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// A connected non-blocking socket on ai, or -1 (result says why).
int connect_one(const addrinfo& ai, ProbeDeadline deadline, const ProbeOptions& options, ProbeResult& result)
{
  const int fd = ::socket(ai.ai_family, ai.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai.ai_protocol);
  if (fd < 0) {
    set_socket_error(errno, result);
    return -1;
  }
  if (::connect(fd, ai.ai_addr, ai.ai_addrlen) != 0) {
    if (errno != EINPROGRESS) {
      set_socket_error(errno, result);
      ::close(fd);
      return -1;
    }
    if (!wait_socket(fd, POLLOUT, deadline, options, result)) {
      ::close(fd);
      return -1;
    }
    int so_error = 0;
    socklen_t len = sizeof so_error;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
    if (so_error != 0) {
      set_socket_error(so_error, result);
      ::close(fd);
      return -1;
    }
  }
  result.error = ProbeError::none;
  result.detail.clear();
  return fd;
}

} // namespace

void set_socket_error(int error, ProbeResult& result)
{
  result.error = error == ECONNRESET ? ProbeError::reset
                                     : (error == ETIMEDOUT ? ProbeError::timeout : ProbeError::connect);
  result.detail = std::strerror(error);
}

bool wait_socket(int fd, short events, ProbeDeadline deadline, const ProbeOptions& options,
                 ProbeResult& result)
{
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      result.error = ProbeError::timeout;
      result.detail = "timed out";
      return false;
    }
    pollfd pfd{fd, events, 0};
    const int n = ::poll(&pfd, 1, static_cast<int>(left.count() < 50 ? left.count() : 50));
    if (options.stop_requested != nullptr && options.stop_requested()) {
      result.interrupted = true;
      return false;
    }
    if (n < 0 && errno != EINTR) {
      set_socket_error(errno, result);
      return false;
    }
    if (n > 0) {
      return true;
    }
  }
}

int connect_target(const Target& target, ProbeDeadline deadline, const ProbeOptions& options,
                   ProbeResult& result)
{
  const auto start = Clock::now();
  addrinfo* addresses = nullptr;
  const int rc = resolve_stream(target, &addresses);
  const auto resolved = Clock::now();
  result.phases.dns_ms = ms_between(start, resolved);
  if (rc != 0) {
    result.error = ProbeError::dns;
    result.detail = ::gai_strerror(rc);
    return -1;
  }
  int fd = -1;
  result.error = ProbeError::connect;
  result.detail = "no address";
  for (addrinfo* ai = addresses; ai != nullptr && fd < 0; ai = ai->ai_next) {
    fd = connect_one(*ai, deadline, options, result);
    if (result.interrupted || result.error == ProbeError::timeout) {
      break;
    }
  }
  ::freeaddrinfo(addresses);
  result.phases.connect_ms = ms_between(resolved, Clock::now());
  return fd;
}

} // namespace smart
