#pragma once

#include <smart/measure/probe.hpp>
#include <smart/measure/target.hpp>

#include <chrono>

// The socket plumbing of the native probes (tcp://, redis://, postgres://):
// resolving the target, a non-blocking connect bounded by the probe's
// deadline, and waiting for a socket while noticing a stop request. One
// home, so every probe times out, is interrupted and names its errors alike.

namespace smart {

using ProbeDeadline = std::chrono::steady_clock::time_point;

// ProbeError and detail of an errno value from a socket call (reset,
// timeout, else connect).
void set_socket_error(int error, ProbeResult& result);

// Waits until fd is ready for events (POLLIN, POLLOUT), waking every 50 ms
// to notice options.stop_requested. False with result set when the deadline
// passed (timeout), a stop was requested (interrupted) or poll failed.
bool wait_socket(int fd, short events, ProbeDeadline deadline, const ProbeOptions& options,
                 ProbeResult& result);

// Resolves target and connects to the first of its addresses that answers:
// the connected non-blocking socket (result.error none, phases.dns_ms and
// phases.connect_ms set), or -1 with result saying why (dns, connect,
// timeout, interrupted). The caller closes the socket.
int connect_target(const Target& target, ProbeDeadline deadline, const ProbeOptions& options,
                   ProbeResult& result);

} // namespace smart
