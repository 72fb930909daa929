#include <smart/measure/dns_probe.hpp>

#include <smart/error.hpp>
#include <smart/measure/dns_message.hpp>
#include <smart/measure/socket_probe.hpp>

#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <random>

namespace smart {

namespace {

using Clock = std::chrono::steady_clock;

class DnsProber final : public Prober {
public:
  DnsProber(const Target& target, const ProbeOptions& options)
    : m_options(options), m_question(parse_dns_question(target.path)), m_random(std::random_device{}())
  {
    sockaddr_storage address{};
    socklen_t length = 0;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
    if (::inet_pton(AF_INET, target.host.c_str(), &v4->sin_addr) == 1) {
      v4->sin_family = AF_INET;
      v4->sin_port = htons(target.port);
      length = sizeof *v4;
    } else if (::inet_pton(AF_INET6, target.host.c_str(), &v6->sin6_addr) == 1) {
      v6->sin6_family = AF_INET6;
      v6->sin6_port = htons(target.port);
      length = sizeof *v6;
    } else {
      throw UsageError("--url '{}': the server is not an IP address", target.url);
    }
    // Connected: the kernel passes only the server's datagrams, and a port
    // nobody listens on comes back as ECONNREFUSED.
    m_fd = ::socket(address.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (m_fd < 0 || ::connect(m_fd, reinterpret_cast<const sockaddr*>(&address), length) != 0) {
      const int error = errno;
      if (m_fd >= 0) {
        ::close(m_fd);
      }
      throw Error("{}: cannot open a UDP socket to the server: {}", target.url, std::strerror(error));
    }
  }

  ~DnsProber() override { ::close(m_fd); }
  DnsProber(const DnsProber&) = delete;
  DnsProber& operator=(const DnsProber&) = delete;

  ProbeResult probe() override
  {
    const auto start = Clock::now();
    const auto deadline = start + std::chrono::duration_cast<Clock::duration>(m_options.timeout);
    ProbeResult result;
    const auto id = static_cast<std::uint16_t>(m_random());
    const std::string query = dns_encode_query(m_question, id);
    exchange(query, deadline, result);
    result.latency_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    return result;
  }

private:
  void exchange(const std::string& query, ProbeDeadline deadline, ProbeResult& result)
  {
    if (::send(m_fd, query.data(), query.size(), 0) < 0) {
      set_socket_error(errno, result);
      return;
    }
    char buffer[65536];
    while (wait_socket(m_fd, POLLIN, deadline, m_options, result)) {
      const auto n = ::recv(m_fd, buffer, sizeof buffer, 0);
      if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) {
          continue;
        }
        set_socket_error(errno, result);
        return;
      }
      const DnsReply reply = dns_check_reply(std::string_view(buffer, static_cast<std::size_t>(n)), query);
      if (reply.verdict == DnsReply::Verdict::not_ours) {
        continue;
      }
      if (reply.verdict == DnsReply::Verdict::failed) {
        result.error = reply.error;
        result.detail = reply.detail;
        return;
      }
      result.response_code = 200;
      result.error = ProbeError::none;
      if (reply.answers < m_question.expect) {
        result.error = ProbeError::too_small; // a check failed on an answer that came: code kept
        result.detail =
          fmt::format("{} answer records, expected at least {}", reply.answers, m_question.expect);
      }
      return;
    }
  }

  ProbeOptions m_options;
  DnsQuestion m_question;
  std::mt19937 m_random;
  int m_fd = -1;
};

} // namespace

std::unique_ptr<Prober> make_dns_prober(const Target& target, const ProbeOptions& options)
{
  return std::make_unique<DnsProber>(target, options);
}

} // namespace smart
