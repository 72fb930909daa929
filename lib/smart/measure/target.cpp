#include <smart/measure/target.hpp>

#include <smart/error.hpp>
#include <smart/measure/dns_message.hpp>
#include <smart/util/failure.hpp>
#include <smart/util/strings.hpp>

#include <netdb.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <charconv>

namespace smart {

namespace {

[[noreturn]] void bad(std::string_view url, std::string_view why)
{
  throw UsageError("--url '{}': {}", util::printable(url, 200), why);
}

} // namespace

std::string_view to_string(Scheme scheme)
{
  switch (scheme) {
  case Scheme::http:
    return "http";
  case Scheme::https:
    return "https";
  case Scheme::tcp:
    return "tcp";
  case Scheme::redis:
    return "redis";
  case Scheme::postgres:
    return "postgres";
  case Scheme::icmp:
    return "icmp";
  case Scheme::dns:
    return "dns";
  }
  return "?";
}

int resolve_stream(const Target& target, addrinfo** result)
{
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG;
  const std::string port = std::to_string(target.port);
  return ::getaddrinfo(target.host.c_str(), port.c_str(), &hints, result);
}

std::string Target::authority() const
{
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

namespace {

// The scheme, lower-cased, and its default port.
void parse_scheme(std::string_view url, std::size_t sep, Target& target)
{
  std::string scheme(url.substr(0, sep));
  for (auto& c : scheme) {
    c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  if (scheme == "http") {
    target.scheme = Scheme::http;
    target.port = 80;
  } else if (scheme == "https") {
    target.scheme = Scheme::https;
    target.port = 443;
  } else if (scheme == "tcp") {
    target.scheme = Scheme::tcp;
  } else if (scheme == "redis") {
    target.scheme = Scheme::redis;
    target.port = 6379;
  } else if (scheme == "postgres" || scheme == "postgresql") {
    target.scheme = Scheme::postgres;
    target.port = 5432;
  } else if (scheme == "icmp") {
    target.scheme = Scheme::icmp;
  } else if (scheme == "dns") {
    target.scheme = Scheme::dns;
    target.port = 53;
  } else {
    bad(url, "unsupported scheme '" + util::printable(scheme, 40) +
               "' (expected http, https, tcp, redis, postgres, icmp or dns)");
  }
}

// The authority without its user information (postgres:// only, and never
// with a password).
std::string_view strip_user(std::string_view url, std::string_view authority, const Target& target)
{
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    if (target.scheme != Scheme::postgres) {
      bad(url, "user information in the URL is not supported");
    }
    if (authority.substr(0, at).find(':') != std::string_view::npos) {
      bad(url,
          "a password in the URL would show in process lists and logs; give it in PGPASSFILE or PGPASSWORD");
    }
    authority = authority.substr(at + 1);
  }
  return authority;
}

struct HostPort {
  std::string_view host;
  std::string_view port; // empty: the scheme's default
};

// host, host:port, [v6] or [v6]:port.
HostPort split_authority(std::string_view url, std::string_view authority)
{
  HostPort out;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      bad(url, "unterminated IPv6 address");
    }
    out.host = authority.substr(1, close - 1);
    const auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        bad(url, "unexpected text after the IPv6 address");
      }
      out.port = after.substr(1);
      if (out.port.empty()) {
        bad(url, "empty port");
      }
    }
  } else {
    const auto colon = authority.rfind(':');
    out.host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      out.port = authority.substr(colon + 1);
      if (out.port.empty()) {
        bad(url, "empty port");
      }
    }
  }
  if (out.host.empty()) {
    bad(url, "no host");
  }
  return out;
}

std::uint16_t parse_port(std::string_view url, std::string_view port_text)
{
  unsigned port = 0;
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || ptr != port_text.data() + port_text.size() || port == 0 || port > 65535) {
    bad(url, "invalid port '" + util::printable(port_text, 20) + "' (expected 1-65535)");
  }
  return static_cast<std::uint16_t>(port);
}

// What only some schemes require or refuse.
void check_scheme_rules(std::string_view url, const Target& target, std::string_view port_text,
                        std::string_view path)
{
  if (target.scheme == Scheme::tcp) {
    if (port_text.empty()) {
      bad(url, "tcp:// needs a port (tcp://host:port)");
    }
    if (!path.empty() && path != "/") {
      bad(url, "tcp:// takes no path");
    }
  }
  if (target.scheme == Scheme::redis && path.find_first_of("?%") != std::string_view::npos) {
    bad(url, "redis:// takes its command as /WORD/WORD... (no query, no %-escapes)");
  }
  if (target.scheme == Scheme::icmp) {
    if (!port_text.empty()) {
      bad(url, "icmp:// takes no port (icmp://host)");
    }
    if (!path.empty() && path != "/") {
      bad(url, "icmp:// takes no path (icmp://host)");
    }
  }
}

// dns://SERVER[:PORT]/NAME[?type=TYPE]: the server is asked directly, so it
// is an address; the question must be one a query can carry.
void check_dns(std::string_view url, std::string_view host, std::string_view path)
{
  const std::string server(host);
  unsigned char address[16];
  if (::inet_pton(AF_INET, server.c_str(), address) != 1 &&
      ::inet_pton(AF_INET6, server.c_str(), address) != 1) {
    bad(url, "server '" + util::printable(server, 60) +
               "': an IP address (dns://SERVER[:PORT]/NAME asks that server, it is never looked up)");
  }
  try {
    (void)parse_dns_question(path);
  } catch (const util::Failure& e) {
    bad(url, e.what());
  }
}

} // namespace

Target parse_target(std::string_view url)
{
  Target target;
  target.url = std::string(url);
  const auto sep = url.find("://");
  if (url.empty()) {
    bad(url, "empty URL");
  }
  if (sep == std::string_view::npos) {
    bad(url, "no scheme (expected http://, https://, tcp://host:port, redis://host:port, postgres://host/db, "
             "icmp://host or dns://server/name)");
  }
  parse_scheme(url, sep, target);
  std::string_view rest = url.substr(sep + 3);
  const auto path_start = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, path_start);
  std::string_view path = path_start == std::string_view::npos ? std::string_view{} : rest.substr(path_start);
  if (const auto hash = path.find('#'); hash != std::string_view::npos) {
    path = path.substr(0, hash); // a fragment never goes on the wire
  }
  authority = strip_user(url, authority, target);
  for (const char c : url) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) {
      bad(url, "white space or control character in the URL");
    }
  }
  const auto [host, port_text] = split_authority(url, authority);
  if (!port_text.empty()) {
    target.port = parse_port(url, port_text);
  }
  check_scheme_rules(url, target, port_text, path);
  if (target.scheme == Scheme::dns) {
    check_dns(url, host, path);
  }
  target.host = std::string(host);
  target.path = path.empty() ? std::string("/") : std::string(path);
  if (target.path.front() == '?') {
    target.path.insert(0, "/");
  }
  return target;
}

} // namespace smart
