#pragma once

#include <smart/samples_csv.hpp>

#include <array>
#include <cstddef>
#include <span>
#include <vector>

// Descriptive statistics of a sample set. Pure.
//
// Latency statistics use successful samples only (classify_sample: by
// default a 2xx/3xx response that passed its checks). A transport failure has no meaningful latency (a dead
// target must never look fast) and a fast 5xx page must not look like an
// improvement; both count in the error rate instead.

namespace smart {

// The q-quantile (0 <= q <= 1) of sorted values by linear interpolation
// between closest ranks (Hyndman & Fan type 7, as R and NumPy default);
// q = 0.5 is the classic median (mean of the middle two for even n), the
// original decide.sh's p50. NaN for an empty span.
double quantile_sorted(std::span<const float> sorted, double q);

// Same on unsorted values, reordering them (nth_element, O(n)).
double quantile(std::span<float> values, double q);

struct SampleSummary {
  std::size_t n = 0;        // rows
  std::size_t n_good = 0;   // successful responses (latency statistics use these)
  std::size_t n_errors = 0; // every sample classify_sample calls an error
  std::size_t n_transport = 0;
  std::size_t n_http_5xx = 0;                            // unexpected 5xx (counted here, not in by_error)
  std::array<std::size_t, probe_error_count> by_error{}; // the other errors, by kind
  double err_pct = 0;                                    // n_errors / n * 100 (0 when n == 0)
  double p50_ms = 0, p90_ms = 0, p95_ms = 0, p99_ms = 0; // NaN when n_good == 0
  double mean_ms = 0, min_ms = 0, max_ms = 0;
};

SampleSummary summarize(const SampleSet& samples, const StatusSet& ok = {});

// The successful samples' latencies (copy), for tests that need them.
std::vector<float> good_latencies(const SampleSet& samples, const StatusSet& ok = {});

} // namespace smart
