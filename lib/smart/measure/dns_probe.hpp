#pragma once
// dns://SERVER[:PORT]/NAME[?type=TYPE]: one probe is one query over UDP to
// SERVER (an IP address, port 53 by default), latency the round trip to its
// reply. A NOERROR reply that echoes the question is a success, recorded as
// response code 200 (an empty answer too: the name exists; with
// ?expect=N fewer than N answer records is "too_small", code 200 kept); NXDOMAIN,
// SERVFAIL, REFUSED and other RCODEs are errors of their own kind; a
// truncated or malformed reply is "other"; no reply within the timeout is
// "timeout"; a port nobody listens on is "connect" (ICMP port unreachable).
// Datagrams that are not the reply to the current query (a late reply to
// an earlier one) are ignored.

#include <smart/measure/probe.hpp>

#include <memory>

namespace smart {

std::unique_ptr<Prober> make_dns_prober(const Target& target, const ProbeOptions& options);

} // namespace smart
