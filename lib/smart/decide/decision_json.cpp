#include <smart/decide/decision.hpp>

#include <boost/json.hpp>

#include <cmath>

namespace smart {

namespace {

// Rounded for the reply; NaN and infinities are absent (null).
DecisionReply::Number rounded(double value, int decimals = 3)
{
  if (!std::isfinite(value)) {
    return std::nullopt;
  }
  const double scale = std::pow(10.0, decimals);
  const double r = std::round(value * scale) / scale;
  return r == 0 ? 0.0 : r;
}

DecisionReply::Side side_of(const SampleSummary& s, const std::string& file)
{
  DecisionReply::Side side;
  side.file = file;
  side.n = s.n;
  side.n_good = s.n_good;
  side.n_errors = s.n_errors;
  side.errors.emplace_back("http_5xx", s.n_http_5xx);
  for (std::size_t i = 1; i < s.by_error.size(); ++i) {
    side.errors.emplace_back(std::string(to_token(static_cast<ProbeError>(i))), s.by_error[i]);
  }
  side.err_pct = rounded(s.err_pct);
  side.p50_ms = rounded(s.p50_ms);
  side.p90_ms = rounded(s.p90_ms);
  side.p95_ms = rounded(s.p95_ms);
  side.p99_ms = rounded(s.p99_ms);
  side.mean_ms = rounded(s.mean_ms);
  side.min_ms = rounded(s.min_ms);
  side.max_ms = rounded(s.max_ms);
  return side;
}

DecisionReply::Smart smart_of(const SmartAnalysis& a)
{
  DecisionReply::Smart s;
  s.method = a.method;
  s.estimate_improve_pct = rounded(a.estimate_pct);
  s.ci_low_pct = rounded(a.ci_low_pct);
  s.ci_high_pct = rounded(a.ci_high_pct);
  s.confidence_used = rounded(a.confidence_used, 8);
  s.err_delta_low_pct = rounded(a.err_delta_low_pct);
  s.err_delta_high_pct = rounded(a.err_delta_high_pct);
  s.err_confidence_used = rounded(a.err_confidence_used, 8);
  s.p95_change_pct = rounded(a.p95_change_pct);
  s.p99_change_pct = rounded(a.p99_change_pct);
  s.p95_change_low_pct = rounded(a.p95_change_low_pct);
  s.p99_change_low_pct = rounded(a.p99_change_low_pct);
  s.min_effect_pct = rounded(a.min_effect_pct);
  s.blocks = a.blocks;
  s.samples_used = a.latency_samples_used;
  return s;
}

} // namespace

DecisionReply reply_of(const Decision& d)
{
  const auto& o = d.options;
  DecisionReply r;
  r.decision = to_string(d.decision);
  r.verdict = to_string(d.verdict());
  r.borderline = d.borderline;
  r.rule = to_string(d.rule);
  r.metric = to_string(d.metric);
  r.baseline = side_of(d.baseline, o.baseline_name);
  r.variant = side_of(d.variant, o.variant_name);
  r.improve_pct = rounded(d.improve_pct);
  r.err_delta_pct = rounded(d.err_delta_pct);
  r.thresholds.improve_pct = o.improve_pct.value();
  r.thresholds.max_err_delta_pct = o.max_err_delta_pct.value();
  r.thresholds.min_samples = o.min_samples;
  r.thresholds.confidence = o.confidence;
  r.thresholds.ok_status = o.ok_status.text();
  if (d.rule == Rule::smart) {
    r.thresholds.err_confidence = o.err_confidence;
    r.thresholds.min_effect_pct = o.min_effect_pct.value_or(o.improve_pct.value());
    r.thresholds.tail_tolerance_pct = o.tail_tolerance_pct;
  }
  r.reasons = d.reasons;
  r.decided_by = d.decided_by;
  r.look = o.look;
  r.looks = o.looks;
  if (d.smart) {
    r.smart = smart_of(*d.smart);
  }
  return r;
}

boost::json::object to_json(const Decision& d)
{
  return to_json(reply_of(d));
}

} // namespace smart
