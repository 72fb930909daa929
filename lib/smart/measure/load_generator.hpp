#pragma once

#include <smart/measure/response_check.hpp>
#include <smart/measure/sample_tally.hpp>
#include <smart/measure/sample_writer.hpp>
#include <smart/measure/target.hpp>
#include <smart/measure/target_mix.hpp>
#include <smart/util/units.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <vector>

// Load mode of smart-measure: many requests over kept-alive connections,
// one samples-CSV row per request (or per --sample-every N).
//
// Closed loop (no rate): each of the C connections sends its next request as
// soon as the previous response is in. Open loop (rate R): request k is due
// at start + k / R whatever the server does; it goes out on an idle
// connection, waiting for one if all are busy, and its latency is measured
// from when it was due, not from when it went out, so a stalled server shows
// as the stall it is (coordinated omission, as wrk2 corrects it).
//
// http:// uses a small epoll HTTP/1.1 client, one event loop per thread,
// a pre-built GET request, no pipelining; https:// is the same client with
// OpenSSL (certificate verified as in probe mode). Failures are rows: connect
// (refused), tls (handshake failed), timeout (no complete response within the
// timeout), reset (the connection died mid-response), other (a malformed
// response); a response that fails its checks (LoadOptions::checks) is a row
// with its code and the failed check's token.
//
// A request mix (LoadOptions::mix): each request goes to the target the
// worker's MixPicker picks (in proportion to the weights), with that
// target's method, headers and checks, and its row names the target. Every
// target of the mix must be on the same origin (scheme://host:port), whose
// kept-alive connections they share; a mix across origins is refused.

namespace smart {

struct LoadOptions {
  Target target; // the origin (and the request, without a mix)
  // A request mix on target's origin; empty: target alone, GET, checks.
  std::vector<MixTarget> mix;
  unsigned concurrency = 16;
  std::optional<double> rate; // none: closed loop
  unsigned threads = 1;
  std::optional<util::Duration> duration; // none: until count or stop
  util::Duration warmup{0.0};             // load, not recorded, before the measured part
  util::Duration timeout{5.0};            // per request, connect included
  std::optional<std::uint64_t> count;     // recorded requests
  std::uint64_t sample_every = 1;
  SampleColumns columns;
  int stop_fd = -1;      // readable: stop now (signal)
  bool insecure = false; // https
  std::optional<std::filesystem::path> cacert;
  ResponseChecks checks; // every response's (each thread a copy); a mix target's own replace them
};

struct LoadProgress {
  std::uint64_t requests = 0;
  std::uint64_t errors = 0;
  double rate_per_s = 0; // recorded requests per second so far
};

struct LoadResult {
  SampleTally tally;
  double elapsed_s = 0;       // the measured part
  std::uint64_t not_sent = 0; // open loop: due but never sent when the run ended
};

class LoadGenerator {
public:
  LoadGenerator(LoadOptions options, SampleSink& sink);

  // Runs to the end; on_progress is called from the calling thread about 5
  // times a second, and returning false stops the run (the abort guard).
  // Throws smart::Error when the host cannot be resolved at the start.
  LoadResult run(const std::function<bool(const LoadProgress&)>& on_progress);

private:
  LoadOptions m_options;
  SampleSink& m_sink;
};

} // namespace smart
