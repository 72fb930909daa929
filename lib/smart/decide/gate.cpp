#include <smart/decide/gate.hpp>

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cmath>
#include <limits>

namespace smart {

namespace {

constexpr std::array<std::string_view, 6> latency_metrics = {"p50", "p90", "p95", "p99", "mean", "max"};

bool is_latency(std::string_view metric)
{
  for (const auto m : latency_metrics) {
    if (metric == m) {
      return true;
    }
  }
  return false;
}

double latency_of(const SampleSummary& s, std::string_view metric)
{
  if (metric == "p50") {
    return s.p50_ms;
  }
  if (metric == "p90") {
    return s.p90_ms;
  }
  if (metric == "p95") {
    return s.p95_ms;
  }
  if (metric == "p99") {
    return s.p99_ms;
  }
  if (metric == "mean") {
    return s.mean_ms;
  }
  return s.max_ms;
}

// The assertion's figure, NaN when it cannot be computed.
double value_of(const Decision& d, const Assertion& a)
{
  const std::string_view m = a.metric;
  if (m == "errors") {
    return d.variant.n == 0 ? std::numeric_limits<double>::quiet_NaN() : d.variant.err_pct;
  }
  if (m == "delta_errors") {
    return d.variant.n == 0 || d.baseline.n == 0 ? std::numeric_limits<double>::quiet_NaN() : d.err_delta_pct;
  }
  if (m.starts_with("delta_")) {
    const double base = latency_of(d.baseline, m.substr(6));
    const double var = latency_of(d.variant, m.substr(6));
    return base > 0 ? (var - base) / base * 100 : std::numeric_limits<double>::quiet_NaN();
  }
  return latency_of(d.variant, m);
}

bool holds(double value, std::string_view op, double limit)
{
  if (op == "<") {
    return value < limit;
  }
  if (op == "<=") {
    return value <= limit;
  }
  if (op == ">") {
    return value > limit;
  }
  return value >= limit;
}

std::string figure(double value, std::string_view metric)
{
  if (std::isnan(value)) {
    return "unknown (no successful sample)";
  }
  if (metric == "delta_errors") {
    return fmt::format("{:+.2f} pp", value);
  }
  if (metric.starts_with("delta_")) {
    return fmt::format("{:+.1f}%", value);
  }
  if (metric == "errors") {
    return fmt::format("{:.2f}%", value);
  }
  return fmt::format("{:.3f} ms", value);
}

} // namespace

AssertionParse parse_assertion(std::string_view text)
{
  AssertionParse result;
  const auto op_at = text.find_first_of("<>");
  if (op_at == std::string_view::npos || op_at == 0) {
    result.error = "expected METRIC<LIMIT, e.g. p95<200ms, errors<1%, delta_p50<5%";
    return result;
  }
  Assertion a;
  a.text = std::string(text);
  a.metric = std::string(text.substr(0, op_at));
  const bool or_equal = op_at + 1 < text.size() && text[op_at + 1] == '=';
  a.op = std::string(text.substr(op_at, or_equal ? 2 : 1));
  std::string_view rest = text.substr(op_at + a.op.size());

  const std::string_view base_metric = std::string_view(a.metric).starts_with("delta_")
                                         ? std::string_view(a.metric).substr(6)
                                         : std::string_view(a.metric);
  if (!is_latency(base_metric) && base_metric != "errors") {
    result.error =
      fmt::format("unknown metric '{}' (p50 p90 p95 p99 mean max errors, or delta_ before one)", a.metric);
    return result;
  }
  double value = 0;
  const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
  if (ec != std::errc() || end == rest.data() || !std::isfinite(value)) {
    result.error = fmt::format("'{}' is not a number", rest);
    return result;
  }
  const std::string_view unit = rest.substr(static_cast<std::size_t>(end - rest.data()));
  const bool absolute_latency = is_latency(a.metric);
  if (absolute_latency) {
    if (unit == "s") {
      value *= 1000;
    } else if (!unit.empty() && unit != "ms") {
      result.error = fmt::format("unit '{}' for {}: expected ms or s", unit, a.metric);
      return result;
    }
  } else if (!unit.empty() && unit != "%" && !(a.metric == "delta_errors" && unit == "pp")) {
    result.error = fmt::format("unit '{}' for {}: expected %", unit, a.metric);
    return result;
  }
  a.limit = value;
  result.assertion = a;
  return result;
}

GateResult evaluate_gate(const Decision& d, const GateOptions& options)
{
  GateResult r;
  if (options.no_worse_than_pct) {
    const double margin = *options.no_worse_than_pct;
    const double max_err = d.options.max_err_delta_pct.value();
    const bool judged = d.smart && !d.smart->method.empty();
    if (!judged) {
      r.failures.push_back(
        fmt::format("no worse than {}%: cannot judge: {} successful samples in the baseline, "
                    "{} in the variant (need {})",
                    margin, d.baseline.n_good, d.variant.n_good, d.options.min_samples));
    } else {
      const auto& a = *d.smart;
      // Stated as a change, + slower, like the delta_ assertions.
      const auto interval = fmt::format("{} {:+.1f}% (CI {:+.1f}% to {:+.1f}%; + is slower)",
                                        to_string(d.metric), -a.estimate_pct, -a.ci_high_pct, -a.ci_low_pct);
      // The smallest slowdown the interval allows, in ms of the baseline's metric.
      const double least_slower_ms = -a.ci_high_pct / 100 * d.base_metric_ms;
      if (a.ci_high_pct < -margin && least_slower_ms > options.no_worse_than_ms) {
        r.failures.push_back(fmt::format("no worse than {}%: latency shown slower by more than {}%: {}",
                                         margin, margin, interval));
      } else if (a.ci_high_pct < -margin) {
        r.notes.push_back(
          fmt::format("latency slower by more than {}% but by at most {:.3f} ms, under the {} ms "
                      "noise floor: {}",
                      margin, least_slower_ms, options.no_worse_than_ms, interval));
      } else {
        r.notes.push_back(fmt::format("latency not shown slower by more than {}%: {}", margin, interval));
      }
    }
    if (d.smart && d.smart->err_delta_low_pct > max_err) {
      r.failures.push_back(
        fmt::format("no worse than {}%: errors shown to rise by more than {} pp: {:+.2f} pp "
                    "(lower bound {:+.2f} pp)",
                    margin, d.options.max_err_delta_pct.text(), d.err_delta_pct, d.smart->err_delta_low_pct));
    } else if (d.smart) {
      r.notes.push_back(fmt::format("errors {:+.2f} pp, not shown to rise by more than {} pp",
                                    d.err_delta_pct, d.options.max_err_delta_pct.text()));
    }
  }
  for (const auto& a : options.assertions) {
    const double value = value_of(d, a);
    const bool ok = !std::isnan(value) && holds(value, a.op, a.limit);
    const auto text = fmt::format("assertion {}: {} is {}", a.text, a.metric, figure(value, a.metric));
    (ok ? r.notes : r.failures).push_back(ok ? text : text + " (failed)");
  }
  r.pass = r.failures.empty();
  return r;
}

boost::json::object to_json(const GateResult& result, const GateOptions& options)
{
  boost::json::object j;
  j["pass"] = result.pass;
  if (options.no_worse_than_pct) {
    j["no_worse_than_pct"] = *options.no_worse_than_pct;
    j["no_worse_than_ms"] = options.no_worse_than_ms;
  } else {
    j["no_worse_than_pct"] = nullptr;
  }
  boost::json::array assertions;
  for (const auto& a : options.assertions) {
    assertions.emplace_back(a.text);
  }
  j["assertions"] = std::move(assertions);
  boost::json::array failures;
  for (const auto& f : result.failures) {
    failures.emplace_back(f);
  }
  j["failures"] = std::move(failures);
  boost::json::array notes;
  for (const auto& n : result.notes) {
    notes.emplace_back(n);
  }
  j["notes"] = std::move(notes);
  return j;
}

} // namespace smart
