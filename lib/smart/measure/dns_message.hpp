#pragma once
// The DNS messages of a dns://SERVER[:PORT]/NAME[?type=TYPE] probe: the
// question its URL asks, the query that asks it (RFC 1035, one question,
// recursion desired) and what the reply says. Pure: no sockets.

#include <smart/samples_csv.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace smart {

struct DnsQuestion {
  std::string name;         // without the final dot, "" for the root
  std::uint16_t type = 1;   // A
  std::uint16_t expect = 0; // at least this many answer records (?expect=N)
};

// The question of a dns:// URL's path and query: "/NAME" or
// "/NAME?type=AAAA&expect=2" (a type by name, case-insensitive, or
// TYPEnnn; the fewest answer records a success has). Throws util::Failure
// saying which part is wrong (the name, a label, the type, expect, an
// unknown parameter).
DnsQuestion parse_dns_question(std::string_view path);

// The type's name ("A", "AAAA", "TYPE65"), and the number of a name
// (nullopt when unknown).
std::string dns_type_name(std::uint16_t type);
std::optional<std::uint16_t> dns_type_number(std::string_view name);

// The query message: header with ID and RD, the question, class IN.
std::string dns_encode_query(const DnsQuestion& question, std::uint16_t id);

struct DnsReply {
  enum class Verdict {
    not_ours, // too short for an ID, another ID, or not a response: ignore it
    answer,   // NOERROR, the question echoed
    failed    // ours, but an RCODE other than NOERROR, truncated or malformed
  };
  Verdict verdict = Verdict::not_ours;
  ProbeError error = ProbeError::none; // failed: other, nxdomain, servfail, refused, dns_rcode
  std::uint16_t answers = 0;           // ANCOUNT
  std::string detail;                  // failed: why
};

// Checks a datagram against the query that was sent: same ID, QR set,
// the same question echoed, RCODE; every record it declares must be
// within the message (a malformed or truncated reply is an error, "other").
DnsReply dns_check_reply(std::string_view reply, std::string_view query);

} // namespace smart
