#pragma once

#include <smart/measure/latency_histogram.hpp>
#include <smart/samples_csv.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <utility>

// Running totals of a measurement, in constant memory: counts by error kind,
// 5xx responses, and the latency histogram of the successful samples (the
// ones smart-decide's statistics use). Pure.

namespace smart {

class SampleTally {
public:
  // ok: the codes that are successes (classify_sample), as the rows were
  // checked against.
  explicit SampleTally(StatusSet ok = {}) : m_ok(std::move(ok)) {}
  void add(double latency_ms, int response_code, ProbeError error);
  // Same, classified against ok instead (a mix target's own --expect-status).
  void add(double latency_ms, int response_code, ProbeError error, const StatusSet& ok);
  void merge(const SampleTally& other);

  std::uint64_t count() const { return m_count; }
  std::uint64_t errors() const { return m_errors; } // every row classify_sample calls an error
  std::uint64_t http_5xx() const { return m_http_5xx; }
  std::uint64_t by_error(ProbeError error) const { return m_by_error[static_cast<std::size_t>(error)]; }
  double err_pct() const;
  const LatencyHistogram& good() const { return m_good; }

  // "300 samples, 2 errors (connect 2), p50 0.412 ms, p90 0.530 ms, p99 0.810 ms"
  std::string describe() const;

private:
  std::uint64_t m_count = 0;
  std::uint64_t m_errors = 0;
  std::uint64_t m_http_5xx = 0;
  std::array<std::uint64_t, probe_error_count> m_by_error{};
  StatusSet m_ok;
  LatencyHistogram m_good;
};

} // namespace smart
