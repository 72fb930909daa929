#include <smart/measure/icmp_probe.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace smart;

namespace {

std::string bytes(std::initializer_list<int> values)
{
  std::string out;
  for (const int v : values) {
    out.push_back(static_cast<char>(v));
  }
  return out;
}

// An IPv4 header (20 bytes, protocol PROTOCOL) before PAYLOAD.
std::string ipv4(const std::string& payload, int protocol = 1)
{
  return bytes({0x45, 0, 0, 0, 0, 0, 0, 0, 64, protocol, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1}) + payload;
}

} // namespace

TEST_CASE("icmp echo request: type, identifier, sequence and a checksum that sums to zero")
{
  const auto request = icmp_echo_request(false, 0x1234, 7, "abc");
  CHECK(request.substr(0, 2) == bytes({8, 0}));
  CHECK(request.substr(4, 4) == bytes({0x12, 0x34, 0, 7}));
  CHECK(request.substr(8) == "abc");
  CHECK(icmp_checksum(request) == 0);
  CHECK(icmp_checksum(bytes({0, 1, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7})) == 0x220d); // RFC 1071's example
  const auto v6 = icmp_echo_request(true, 1, 2, "");
  CHECK(v6 == bytes({128, 0, 0, 0, 0, 1, 0, 2}));
}

TEST_CASE("icmp echo reply: only an echo reply gives its identifier and sequence")
{
  auto reply = icmp_echo_request(false, 0x1234, 7, "abc");
  reply[0] = 0;
  const auto echo = icmp_echo_reply(reply, false, false);
  REQUIRE(echo);
  CHECK(echo->id == 0x1234);
  CHECK(echo->sequence == 7);
  // a raw IPv4 socket's datagram starts with the IP header
  const auto raw = icmp_echo_reply(ipv4(reply), false, true);
  REQUIRE(raw);
  CHECK(raw->sequence == 7);
  CHECK_FALSE(icmp_echo_reply(reply, false, true));                     // no IP header where one belongs
  CHECK_FALSE(icmp_echo_reply(ipv4(reply, 6), false, true));            // not ICMP
  CHECK_FALSE(icmp_echo_reply(ipv4(reply).substr(0, 19), false, true)); // short IP header
  // our own request (a raw socket on loopback sees it), an error, a short packet
  CHECK_FALSE(icmp_echo_reply(icmp_echo_request(false, 0x1234, 7, ""), false, false));
  CHECK_FALSE(icmp_echo_reply(bytes({3, 3, 0, 0, 0, 0, 0, 0}), false, false));
  CHECK_FALSE(icmp_echo_reply(reply.substr(0, 7), false, false));
  // ICMPv6: 129 is the reply, 128 the request
  CHECK(icmp_echo_reply(bytes({129, 0, 0, 0, 0, 1, 0, 2}), true, false)->sequence == 2);
  CHECK_FALSE(icmp_echo_reply(bytes({128, 0, 0, 0, 0, 1, 0, 2}), true, false));
  CHECK_FALSE(icmp_echo_reply(bytes({0, 0, 0, 0, 0, 1, 0, 2}), true, false));
}
