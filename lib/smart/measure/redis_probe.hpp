#pragma once
// redis://host[:port][/COMMAND/ARG...]: one probe is a fresh TCP connection,
// the command sent as a RESP array (default PING), and its whole reply read.
// A reply of type error (-ERR ...) is a failed probe (error "other", the
// message in detail); anything else is a success, recorded as response
// code 200. latency_ms covers resolve, connect, command and reply.

#include <smart/measure/probe.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace smart {

// The command words of a redis:// target's path ("/GET/key" -> GET key;
// "/" or "" -> PING).
std::vector<std::string> redis_command(std::string_view path);

// The RESP encoding of a command: *N\r\n$len\r\nword\r\n...
std::string resp_encode(const std::vector<std::string>& words);

// How much of a RESP reply BUFFER holds: 0 while incomplete, else the
// length of the first complete reply. Throws util::Failure on a reply that
// is not RESP.
std::size_t resp_complete(std::string_view buffer);

std::unique_ptr<Prober> make_redis_prober(const Target& target, const ProbeOptions& options);

} // namespace smart
