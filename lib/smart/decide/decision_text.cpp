#include <smart/decide/decision_text.hpp>

#include <smart/inference.hpp>
#include <smart/outcome.hpp>

#include <fmt/format.h>

#include <cmath>

namespace smart {

namespace decision_detail {

// Numbers in messages: up to 4 decimals, trailing zeros dropped.
std::string number(double value)
{
  if (std::isnan(value)) {
    return "n/a";
  }
  if (std::isinf(value)) {
    return outcome::bound(value); // "+∞", "−∞": as the dashboard and smart-run write them
  }
  std::string text = fmt::format("{:.4f}", value);
  while (!text.empty() && text.back() == '0') {
    text.pop_back();
  }
  if (!text.empty() && text.back() == '.') {
    text.pop_back();
  }
  return text == "-0" ? "0" : text;
}

std::string signed_number(double value)
{
  return (value >= 0 ? "+" : "") + number(value);
}

// Numbers in reasons, rounded for reading: percentages to 1 decimal,
// percentage points to 2 (signed), levels as "90" or "99.5".
std::string pct_text(double value)
{
  if (std::isnan(value)) {
    return "n/a";
  }
  if (std::isinf(value)) {
    return outcome::bound(value);
  }
  std::string text = fmt::format("{:.1f}", value);
  return text == "-0.0" ? "0.0" : text;
}

std::string pp_text(double value)
{
  if (std::isnan(value)) {
    return "n/a";
  }
  if (std::isinf(value)) {
    return outcome::bound(value); // "+∞", "−∞": as the dashboard and smart-run write them
  }
  std::string text = fmt::format("{:+.2f}", value);
  return text == "-0.00" ? "+0.00" : text;
}

// An improvement (positive = variant faster), % as "12.3% faster" or
// "4.5% slower".
std::string change_text(double improvement)
{
  if (std::isnan(improvement)) {
    return "n/a";
  }
  const std::string size = pct_text(std::abs(improvement));
  if (size == "0.0") {
    return "unchanged";
  }
  return size + (improvement > 0 ? "% faster" : "% slower");
}

// "p50 12.3% faster (90% CI 4.5% to 19.8%, paired blocks)": the interval is
// on the quantity named (the slow-down, for "slower"); its lower end is the
// one-sided bound at confidence_used.
std::string latency_text(const SmartAnalysis& a, Metric metric, double level)
{
  const bool quantiles = a.method == "quantile-order-statistics";
  const std::string what = quantiles ? std::string(to_string(metric)) : std::string("p50");
  const std::string method = a.method == "paired-blocks"    ? "paired blocks"
                             : a.method == "hodges-lehmann" ? "Hodges-Lehmann"
                                                            : "order statistics";
  const bool slower = change_text(a.estimate_pct).ends_with("slower");
  const double low = slower ? -a.ci_high_pct : a.ci_low_pct;
  const double high = slower ? -a.ci_low_pct : a.ci_high_pct;
  return fmt::format("{} {} ({}% CI {}% to {}%, {})", what, change_text(a.estimate_pct),
                     inference::level_text(level), pct_text(low), pct_text(high), method);
}

} // namespace decision_detail

std::string metrics_line(const Decision& d)
{
  const std::string metric{to_string(d.metric)};
  return fmt::format(
    "baseline_{}_ms={} variant_{}_ms={} improve_pct={} baseline_err={:.2f} variant_err={:.2f} "
    "err_delta={:.2f}",
    metric, decision_detail::number(d.base_metric_ms), metric, decision_detail::number(d.var_metric_ms),
    decision_detail::number(d.improve_pct), d.baseline.err_pct, d.variant.err_pct, d.err_delta_pct);
}

} // namespace smart
