#include <smart/stats.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace smart {

double quantile_sorted(std::span<const float> sorted, double q)
{
  if (sorted.empty()) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  const double position = std::clamp(q, 0.0, 1.0) * static_cast<double>(sorted.size() - 1);
  const auto lower = static_cast<std::size_t>(std::floor(position));
  const std::size_t upper = std::min(lower + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(lower);
  return static_cast<double>(sorted[lower]) +
         fraction * (static_cast<double>(sorted[upper]) - static_cast<double>(sorted[lower]));
}

double quantile(std::span<float> values, double q)
{
  if (values.empty()) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  const double position = std::clamp(q, 0.0, 1.0) * static_cast<double>(values.size() - 1);
  const auto lower = static_cast<std::size_t>(std::floor(position));
  const auto nth = values.begin() + static_cast<std::ptrdiff_t>(lower);
  std::nth_element(values.begin(), nth, values.end());
  const double low = static_cast<double>(*nth);
  if (lower + 1 >= values.size()) {
    return low;
  }
  const double high = static_cast<double>(*std::min_element(nth + 1, values.end()));
  return low + (position - static_cast<double>(lower)) * (high - low);
}

std::vector<float> good_latencies(const SampleSet& samples, const StatusSet& ok)
{
  std::vector<float> good;
  good.reserve(samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (!samples.is_error(i, ok)) {
      good.push_back(samples.latency_ms[i]);
    }
  }
  return good;
}

SampleSummary summarize(const SampleSet& samples, const StatusSet& ok)
{
  SampleSummary s;
  s.n = samples.size();
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const auto code = samples.response_code[i];
    const ProbeError kind = classify_sample(code, samples.error[i], ok);
    if (kind == ProbeError::none) {
      continue;
    }
    ++s.n_errors;
    if (code == 0) {
      ++s.n_transport;
    }
    if (kind == ProbeError::unexpected_status && code >= 500) {
      ++s.n_http_5xx;
    } else {
      ++s.by_error[static_cast<std::size_t>(kind)];
    }
  }
  s.n_good = s.n - s.n_errors;
  s.err_pct = s.n == 0 ? 0.0 : 100.0 * static_cast<double>(s.n_errors) / static_cast<double>(s.n);

  std::vector<float> good = good_latencies(samples, ok);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (good.empty()) {
    s.p50_ms = s.p90_ms = s.p95_ms = s.p99_ms = s.mean_ms = s.min_ms = s.max_ms = nan;
    return s;
  }
  double sum = 0;
  for (const float v : good) {
    sum += static_cast<double>(v);
  }
  s.mean_ms = sum / static_cast<double>(good.size());
  std::sort(good.begin(), good.end());
  s.min_ms = static_cast<double>(good.front());
  s.max_ms = static_cast<double>(good.back());
  s.p50_ms = quantile_sorted(good, 0.50);
  s.p90_ms = quantile_sorted(good, 0.90);
  s.p95_ms = quantile_sorted(good, 0.95);
  s.p99_ms = quantile_sorted(good, 0.99);
  return s;
}

} // namespace smart
