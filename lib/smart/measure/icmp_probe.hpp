#pragma once
// icmp://HOST: one probe is one ICMP echo request (ICMPv6 for an IPv6
// address), latency the round trip to its echo reply, recorded as response
// code 200; no reply within the timeout is "timeout". HOST is resolved once,
// when the prober is made. The socket is an unprivileged ping socket
// (SOCK_DGRAM, IPPROTO_ICMP: the process's group must be in
// net.ipv4.ping_group_range), else a raw socket (CAP_NET_RAW); when neither
// is allowed, making the prober fails with an error saying both (exit 2).
// A reply counts only when its identifier and sequence number are those of
// the request just sent and it comes from HOST: anything else is ignored.

#include <smart/measure/probe.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace smart {

// The Internet checksum (RFC 1071) of data.
std::uint16_t icmp_checksum(std::string_view data);

// An echo request (type 8, or 128 for ICMPv6) with its checksum.
std::string icmp_echo_request(bool ipv6, std::uint16_t id, std::uint16_t sequence, std::string_view payload);

struct IcmpEcho {
  std::uint16_t id = 0;
  std::uint16_t sequence = 0;
};

// The identifier and sequence of an echo reply (type 0, or 129 for ICMPv6)
// in a received datagram, nullopt for anything else (a request, an error,
// a short or garbled packet). ip_header: the datagram starts with the IPv4
// header (raw IPv4 sockets).
std::optional<IcmpEcho> icmp_echo_reply(std::string_view datagram, bool ipv6, bool ip_header);

// Throws smart::Error (exit 2) when HOST does not resolve or no ICMP
// socket is allowed.
std::unique_ptr<Prober> make_icmp_prober(const Target& target, const ProbeOptions& options);

} // namespace smart
