#pragma once

#include <smart/measure/sample_writer.hpp>
#include <smart/measure/target.hpp>
#include <smart/samples_csv.hpp>
#include <smart/util/units.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

// One probe of a target: an HTTP(S) request through libcurl (one easy handle
// kept for the whole run, so its connection is reused: keep-alive), or a
// native probe: a TCP connect for tcp://host:port, redis://, postgres://,
// an ICMP echo for icmp:// (icmp_probe.hpp), a DNS query for dns://
// (dns_probe.hpp).
//
// A failed probe is a result, never an exception: response_code 0 and the
// error kind (dns, connect, tls, timeout, reset, other; dns:// adds the
// RCODE kinds nxdomain, servfail, refused, dns_rcode). latency_ms is what
// libcurl reports as CURLINFO_TOTAL_TIME_T, so it agrees with curl's own
// time_total; for tcp:// it is name resolution plus connect, and a
// successful connect is recorded as response code 200.

namespace smart {

struct ProbeOptions {
  util::Duration timeout{5.0};                 // whole probe, connect included
  bool insecure = false;                       // https: skip verification
  std::optional<std::filesystem::path> cacert; // https: trust this CA bundle
  bool fresh_connection = false;               // pay DNS + connect (+ TLS) every probe
  std::size_t keep_body = 0;                   // keep the first N bytes of each body (checks)
  bool (*stop_requested)() = nullptr;          // polled during a probe; true aborts it
  std::string method = "GET";                  // http(s): HEAD sends no body back
  std::vector<std::string> headers;            // http(s): "Name: value" added to the request
};

struct ProbeResult {
  double latency_ms = 0;
  int response_code = 0;
  ProbeError error = ProbeError::none;
  Phases phases;
  std::uint64_t body_bytes = 0; // HTTP(S): the body's length
  std::string body;             // its first ProbeOptions::keep_body bytes
  std::string detail;           // why it failed (libcurl's message, strerror), for diagnostics
  bool interrupted = false;     // stop_requested() ended it: not a measurement, not written
};

class Prober {
public:
  virtual ~Prober() = default;
  virtual ProbeResult probe() = 0;
};

// Throws smart::Error when libcurl cannot be set up.
std::unique_ptr<Prober> make_prober(const Target& target, const ProbeOptions& options);

// The error kind of a CURLcode (as an int, so callers need no curl header).
ProbeError classify_curl_error(int curl_code);

} // namespace smart
