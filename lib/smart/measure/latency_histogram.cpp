#include <smart/measure/latency_histogram.hpp>

#include <bit>
#include <cmath>
#include <limits>

namespace smart {

namespace {
constexpr int linear_bits = 11; // exact below 2^11 ns
constexpr std::uint64_t linear_limit = 1u << linear_bits;
constexpr std::uint64_t sub_buckets = linear_limit / 2; // per power of two above
constexpr int max_shift = 64 - linear_bits;
constexpr std::size_t bucket_count = linear_limit + static_cast<std::size_t>(max_shift) * sub_buckets;
} // namespace

LatencyHistogram::LatencyHistogram() : m_counts(bucket_count, 0)
{
}

std::size_t LatencyHistogram::index_of(std::uint64_t value)
{
  if (value < linear_limit) {
    return static_cast<std::size_t>(value);
  }
  const int shift =
    static_cast<int>(std::bit_width(value)) - linear_bits; // >= 1; value >> shift in [1024, 2047]
  return static_cast<std::size_t>(linear_limit + static_cast<std::uint64_t>(shift - 1) * sub_buckets +
                                  ((value >> shift) - sub_buckets));
}

std::uint64_t LatencyHistogram::value_of(std::size_t index)
{
  if (index < linear_limit) {
    return index;
  }
  const std::uint64_t rel = index - linear_limit;
  const int shift = static_cast<int>(rel / sub_buckets) + 1;
  const std::uint64_t mantissa = rel % sub_buckets + sub_buckets;
  // The middle of the bucket: half its width above its lower bound.
  return (mantissa << shift) + ((std::uint64_t{1} << shift) >> 1);
}

void LatencyHistogram::record(std::int64_t nanoseconds)
{
  const auto value = static_cast<std::uint64_t>(nanoseconds < 0 ? 0 : nanoseconds);
  ++m_counts[index_of(value)];
  ++m_count;
  m_sum_ns += static_cast<long double>(value);
  if (value > m_max_ns) {
    m_max_ns = value;
  }
}

void LatencyHistogram::merge(const LatencyHistogram& other)
{
  for (std::size_t i = 0; i < m_counts.size(); ++i) {
    m_counts[i] += other.m_counts[i];
  }
  m_count += other.m_count;
  m_sum_ns += other.m_sum_ns;
  if (other.m_max_ns > m_max_ns) {
    m_max_ns = other.m_max_ns;
  }
}

double LatencyHistogram::quantile_ms(double q) const
{
  if (m_count == 0) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(m_count)));
  rank = rank < 1 ? 1 : (rank > m_count ? m_count : rank);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < m_counts.size(); ++i) {
    seen += m_counts[i];
    if (seen >= rank) {
      const auto value = value_of(i);
      return static_cast<double>(value < m_max_ns ? value : m_max_ns) / 1e6;
    }
  }
  return static_cast<double>(m_max_ns) / 1e6;
}

double LatencyHistogram::mean_ms() const
{
  if (m_count == 0) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return static_cast<double>(m_sum_ns / static_cast<long double>(m_count)) / 1e6;
}

double LatencyHistogram::max_ms() const
{
  return static_cast<double>(m_max_ns) / 1e6;
}

} // namespace smart
