#pragma once

#include <cstdint>
#include <string>
#include <string_view>

struct addrinfo;

// What smart-measure measures: an http://, https://, tcp://host:port,
// redis://host[:port][/COMMAND/ARG...],
// postgres://[user@]host[:port][/db][?query=SQL&libpq-param=...],
// icmp://host or dns://server-ip[:port]/name[?type=TYPE] URL.
// Pure: parse_target() checks the text only (no DNS).

namespace smart {

enum class Scheme { http, https, tcp, redis, postgres, icmp, dns };

struct Target {
  Scheme scheme = Scheme::http;
  std::string url;        // as given
  std::string host;       // without brackets for IPv6 literals
  std::uint16_t port = 0; // 0 for icmp://
  std::string path;       // path and query, "/" when absent

  // "host:port", IPv6 literals in brackets, for a Host header and messages.
  std::string authority() const;
};

// getaddrinfo() for a TCP connection to the target's host and port (any
// address family); returns getaddrinfo's code, 0 on success. The caller
// frees *result with freeaddrinfo().
int resolve_stream(const Target& target, addrinfo** result);

// Throws smart::UsageError "--url 'X': why" for an unsupported scheme, a
// missing host, a bad port, a tcp:// URL without a port, an icmp:// URL
// with a port or path, a dns:// URL whose server is not an IP address or
// whose name or type is invalid, or user information anywhere but in a
// postgres:// URL (and there without a password: libpq reads it from
// PGPASSFILE or PGPASSWORD).
Target parse_target(std::string_view url);

std::string_view to_string(Scheme scheme);

} // namespace smart
