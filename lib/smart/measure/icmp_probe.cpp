#include <smart/measure/icmp_probe.hpp>

#include <smart/error.hpp>
#include <smart/measure/socket_probe.hpp>
#include <smart/util/strings.hpp>

#include <netdb.h>
#include <poll.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <random>

namespace smart {

namespace {

using Clock = std::chrono::steady_clock;

std::uint16_t get16(std::string_view data, std::size_t at)
{
  return static_cast<std::uint16_t>((static_cast<unsigned char>(data[at]) << 8) |
                                    static_cast<unsigned char>(data[at + 1]));
}

void put16(std::string& out, std::size_t at, std::uint16_t value)
{
  out[at] = static_cast<char>(value >> 8);
  out[at + 1] = static_cast<char>(value & 0xff);
}

std::string ping_group_range()
{
  std::ifstream in("/proc/sys/net/ipv4/ping_group_range");
  std::string low;
  std::string high;
  if (!(in >> low >> high)) {
    return "unreadable";
  }
  return "\"" + low + " " + high + "\"";
}

bool same_address(const sockaddr_storage& a, const sockaddr_storage& b)
{
  if (a.ss_family != b.ss_family) {
    return false;
  }
  if (a.ss_family == AF_INET) {
    return reinterpret_cast<const sockaddr_in&>(a).sin_addr.s_addr ==
           reinterpret_cast<const sockaddr_in&>(b).sin_addr.s_addr;
  }
  return std::memcmp(&reinterpret_cast<const sockaddr_in6&>(a).sin6_addr,
                     &reinterpret_cast<const sockaddr_in6&>(b).sin6_addr, sizeof(in6_addr)) == 0;
}

class IcmpProber final : public Prober {
public:
  IcmpProber(const Target& target, const ProbeOptions& options)
    : m_options(options), m_id(static_cast<std::uint16_t>(std::random_device{}()))
  {
    resolve(target);
    open_socket(target);
  }

  ~IcmpProber() override { ::close(m_fd); }
  IcmpProber(const IcmpProber&) = delete;
  IcmpProber& operator=(const IcmpProber&) = delete;

  ProbeResult probe() override
  {
    const auto start = Clock::now();
    const auto deadline = start + std::chrono::duration_cast<Clock::duration>(m_options.timeout);
    ProbeResult result;
    ++m_sequence;
    exchange(deadline, result);
    result.latency_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    return result;
  }

private:
  void resolve(const Target& target)
  {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    addrinfo* found = nullptr;
    const int rc = ::getaddrinfo(target.host.c_str(), nullptr, &hints, &found);
    if (rc != 0) {
      throw Error(fmt::format("--url '{}': cannot resolve '{}': {}", util::printable(target.url, 200),
                              util::printable(target.host, 100), ::gai_strerror(rc)),
                  ExitCode::usage);
    }
    const addrinfo* pick = found;
    for (const addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
      if (ai->ai_family == AF_INET) { // IPv4 first, as ping does
        pick = ai;
        break;
      }
    }
    std::memcpy(&m_address, pick->ai_addr, pick->ai_addrlen);
    m_address_length = pick->ai_addrlen;
    m_ipv6 = pick->ai_family == AF_INET6;
    ::freeaddrinfo(found);
  }

  void open_socket(const Target& target)
  {
    const int family = m_ipv6 ? AF_INET6 : AF_INET;
    const int protocol = m_ipv6 ? int{IPPROTO_ICMPV6} : int{IPPROTO_ICMP};
    m_fd = ::socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
    if (m_fd >= 0) {
      return;
    }
    const int ping_error = errno;
    m_fd = ::socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
    if (m_fd >= 0) {
      m_raw = true;
      return;
    }
    const int raw_error = errno;
    throw Error(fmt::format("--url '{}': no ICMP socket allowed: an unprivileged ping socket needs the "
                            "process's group (gid {}) in the sysctl net.ipv4.ping_group_range (now {}; "
                            "socket: {}), a raw socket needs the capability CAP_NET_RAW (socket: {})",
                            util::printable(target.url, 200), ::getegid(), ping_group_range(),
                            std::strerror(ping_error), std::strerror(raw_error)),
                ExitCode::usage);
  }

  // The identifier the replies carry: a ping socket's is its local port,
  // which the kernel writes over the request's.
  std::uint16_t reply_id() const
  {
    if (m_raw) {
      return m_id;
    }
    sockaddr_storage local{};
    socklen_t length = sizeof local;
    if (::getsockname(m_fd, reinterpret_cast<sockaddr*>(&local), &length) != 0) {
      return m_id;
    }
    return ntohs(local.ss_family == AF_INET6 ? reinterpret_cast<const sockaddr_in6&>(local).sin6_port
                                             : reinterpret_cast<const sockaddr_in&>(local).sin_port);
  }

  void exchange(ProbeDeadline deadline, ProbeResult& result)
  {
    const std::string request = icmp_echo_request(m_ipv6, m_id, m_sequence, "smart-measure icmp echo probe");
    if (::sendto(m_fd, request.data(), request.size(), 0, reinterpret_cast<const sockaddr*>(&m_address),
                 m_address_length) < 0) {
      set_socket_error(errno, result);
      return;
    }
    const std::uint16_t id = reply_id();
    char buffer[2048];
    while (wait_socket(m_fd, POLLIN, deadline, m_options, result)) {
      sockaddr_storage from{};
      socklen_t from_length = sizeof from;
      const auto n =
        ::recvfrom(m_fd, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from), &from_length);
      if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) {
          continue;
        }
        set_socket_error(errno, result);
        return;
      }
      const auto echo =
        icmp_echo_reply(std::string_view(buffer, static_cast<std::size_t>(n)), m_ipv6, m_raw && !m_ipv6);
      if (echo && echo->id == id && echo->sequence == m_sequence && same_address(from, m_address)) {
        result.error = ProbeError::none;
        result.response_code = 200;
        return;
      }
      // a stray packet: another process's ping, a late reply, our own request on a raw socket
    }
  }

  ProbeOptions m_options;
  sockaddr_storage m_address{};
  socklen_t m_address_length = 0;
  bool m_ipv6 = false;
  bool m_raw = false;
  int m_fd = -1;
  std::uint16_t m_id;
  std::uint16_t m_sequence = 0;
};

} // namespace

std::uint16_t icmp_checksum(std::string_view data)
{
  std::uint32_t sum = 0;
  std::size_t i = 0;
  for (; i + 1 < data.size(); i += 2) {
    sum += get16(data, i);
  }
  if (i < data.size()) {
    sum += static_cast<std::uint32_t>(static_cast<unsigned char>(data[i])) << 8;
  }
  while ((sum >> 16) != 0) {
    sum = (sum & 0xffff) + (sum >> 16);
  }
  return static_cast<std::uint16_t>(~sum & 0xffff);
}

std::string icmp_echo_request(bool ipv6, std::uint16_t id, std::uint16_t sequence, std::string_view payload)
{
  std::string packet(8, '\0');
  packet[0] = static_cast<char>(ipv6 ? 128 : 8);
  put16(packet, 4, id);
  put16(packet, 6, sequence);
  packet.append(payload);
  // ICMPv6's checksum covers a pseudo-header the kernel knows: it fills it in.
  put16(packet, 2, ipv6 ? 0 : icmp_checksum(packet));
  return packet;
}

std::optional<IcmpEcho> icmp_echo_reply(std::string_view datagram, bool ipv6, bool ip_header)
{
  if (ip_header) {
    if (datagram.size() < 20 || (static_cast<unsigned char>(datagram[0]) >> 4) != 4 || datagram[9] != 1) {
      return std::nullopt;
    }
    const std::size_t header = (static_cast<unsigned char>(datagram[0]) & 0x0fU) * 4U;
    if (header < 20 || header > datagram.size()) {
      return std::nullopt;
    }
    datagram.remove_prefix(header);
  }
  const unsigned char echo_reply = ipv6 ? 129 : 0;
  if (datagram.size() < 8 || static_cast<unsigned char>(datagram[0]) != echo_reply || datagram[1] != 0) {
    return std::nullopt;
  }
  return IcmpEcho{get16(datagram, 4), get16(datagram, 6)};
}

std::unique_ptr<Prober> make_icmp_prober(const Target& target, const ProbeOptions& options)
{
  return std::make_unique<IcmpProber>(target, options);
}

} // namespace smart
