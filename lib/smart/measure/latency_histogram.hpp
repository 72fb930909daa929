#pragma once

#include <cstdint>
#include <vector>

// Latencies in constant memory, for the end-of-run summary of runs of any
// length (a load run at 40,000 req/s must not grow). Log-linear buckets in
// nanoseconds: exact below 2,048 ns, then 1,024 buckets per power of two, so
// a quantile is within 0.1 % of the true value. Pure.

namespace smart {

class LatencyHistogram {
public:
  LatencyHistogram();

  void record(std::int64_t nanoseconds);
  void merge(const LatencyHistogram& other);

  std::uint64_t count() const { return m_count; }
  // Nearest-rank q-quantile (0 < q <= 1) in milliseconds; NaN when empty.
  double quantile_ms(double q) const;
  double mean_ms() const;
  double max_ms() const;

private:
  static std::size_t index_of(std::uint64_t value);
  static std::uint64_t value_of(std::size_t index);

  std::vector<std::uint64_t> m_counts;
  std::uint64_t m_count = 0;
  long double m_sum_ns = 0;
  std::uint64_t m_max_ns = 0;
};

} // namespace smart
