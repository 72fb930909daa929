#pragma once

#include <smart/samples_csv.hpp>

#include <array>
#include <cstddef>
#include <span>
#include <vector>

// Descriptive statistics of a sample set. Pure.
//
// Latency statistics use successful samples only (not an error: a response
// with code 1..499). A transport failure has no meaningful latency (a dead
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
  std::size_t n_errors = 0; // transport failures + 5xx
  std::size_t n_transport = 0;
  std::size_t n_http_5xx = 0;
  std::array<std::size_t, 7> by_error{};                 // indexed by ProbeError
  double err_pct = 0;                                    // n_errors / n * 100 (0 when n == 0)
  double p50_ms = 0, p90_ms = 0, p95_ms = 0, p99_ms = 0; // NaN when n_good == 0
  double mean_ms = 0, min_ms = 0, max_ms = 0;
};

SampleSummary summarize(const SampleSet& samples);

// The successful samples' latencies (copy), for tests that need them.
std::vector<float> good_latencies(const SampleSet& samples);

} // namespace smart
