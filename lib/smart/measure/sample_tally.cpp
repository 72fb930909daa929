#include <smart/measure/sample_tally.hpp>

#include <fmt/format.h>

#include <cmath>

namespace smart {

void SampleTally::add(double latency_ms, int response_code, ProbeError error)
{
  add(latency_ms, response_code, error, m_ok);
}

void SampleTally::add(double latency_ms, int response_code, ProbeError error, const StatusSet& ok)
{
  ++m_count;
  const ProbeError kind = classify_sample(response_code, error, ok);
  if (kind != ProbeError::none) {
    ++m_errors;
    if (kind == ProbeError::unexpected_status && response_code >= 500) {
      ++m_http_5xx;
    } else {
      ++m_by_error[static_cast<std::size_t>(kind)];
    }
    return;
  }
  m_good.record(std::llround(latency_ms * 1e6));
}

void SampleTally::merge(const SampleTally& other)
{
  m_count += other.m_count;
  m_errors += other.m_errors;
  m_http_5xx += other.m_http_5xx;
  for (std::size_t i = 0; i < m_by_error.size(); ++i) {
    m_by_error[i] += other.m_by_error[i];
  }
  m_good.merge(other.m_good);
}

double SampleTally::err_pct() const
{
  return m_count == 0 ? 0.0 : static_cast<double>(m_errors) * 100.0 / static_cast<double>(m_count);
}

std::string SampleTally::describe() const
{
  std::string text = fmt::format("{} samples, {} errors", m_count, m_errors);
  if (m_errors > 0) {
    std::string kinds;
    if (m_http_5xx > 0) {
      kinds += fmt::format("http_5xx {}", m_http_5xx);
    }
    for (std::size_t i = 1; i < m_by_error.size(); ++i) {
      if (m_by_error[i] > 0) {
        kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ", to_token(static_cast<ProbeError>(i)),
                             m_by_error[i]);
      }
    }
    text += " (" + kinds + ")";
  }
  if (m_good.count() == 0) {
    return text + ", no successful sample";
  }
  return text + fmt::format(", p50 {:.3f} ms, p90 {:.3f} ms, p99 {:.3f} ms", m_good.quantile_ms(0.5),
                            m_good.quantile_ms(0.9), m_good.quantile_ms(0.99));
}

} // namespace smart
