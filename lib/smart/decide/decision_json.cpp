#include <smart/decide/decision.hpp>

#include <boost/json.hpp>

#include <cmath>

namespace smart {

namespace {

boost::json::value json_number(double value, int decimals = 3)
{
  if (!std::isfinite(value)) {
    return nullptr;
  }
  const double scale = std::pow(10.0, decimals);
  const double rounded = std::round(value * scale) / scale;
  return rounded == 0 ? 0.0 : rounded;
}

boost::json::object summary_json(const SampleSummary& s, const std::string& file)
{
  boost::json::object errors;
  errors["http_5xx"] = s.n_http_5xx;
  for (std::size_t i = 1; i < s.by_error.size(); ++i) {
    errors[to_token(static_cast<ProbeError>(i))] = s.by_error[i];
  }
  boost::json::object o;
  o["file"] = file;
  o["n"] = s.n;
  o["n_good"] = s.n_good;
  o["n_errors"] = s.n_errors;
  o["errors"] = std::move(errors);
  o["err_pct"] = json_number(s.err_pct);
  o["p50_ms"] = json_number(s.p50_ms);
  o["p90_ms"] = json_number(s.p90_ms);
  o["p95_ms"] = json_number(s.p95_ms);
  o["p99_ms"] = json_number(s.p99_ms);
  o["mean_ms"] = json_number(s.mean_ms);
  o["min_ms"] = json_number(s.min_ms);
  o["max_ms"] = json_number(s.max_ms);
  return o;
}

} // namespace

boost::json::object to_json(const Decision& d)
{
  const auto& o = d.options;
  boost::json::object j;
  j["decision"] = to_string(d.decision);
  j["verdict"] = to_string(d.verdict());
  j["borderline"] = d.borderline;
  j["rule"] = to_string(d.rule);
  j["metric"] = to_string(d.metric);
  j["baseline"] = summary_json(d.baseline, o.baseline_name);
  j["variant"] = summary_json(d.variant, o.variant_name);
  j["improve_pct"] = json_number(d.improve_pct);
  j["err_delta_pct"] = json_number(d.err_delta_pct);
  boost::json::object t;
  t["improve_pct"] = o.improve_pct.value();
  t["max_err_delta_pct"] = o.max_err_delta_pct.value();
  t["min_samples"] = o.min_samples;
  t["confidence"] = o.confidence;
  t["ok_status"] = o.ok_status.text();
  if (d.rule == Rule::smart) {
    t["err_confidence"] = o.err_confidence;
    t["min_effect_pct"] = o.min_effect_pct.value_or(o.improve_pct.value());
    t["tail_tolerance_pct"] = o.tail_tolerance_pct;
  }
  j["thresholds"] = std::move(t);
  boost::json::array reasons;
  for (const auto& r : d.reasons) {
    reasons.emplace_back(r);
  }
  j["reasons"] = std::move(reasons);
  j["decided_by"] = d.decided_by;
  j["look"] = boost::json::object{{"k", o.look}, {"n", o.looks}};
  if (d.smart) {
    const auto& a = *d.smart;
    boost::json::object s;
    s["method"] = a.method;
    s["estimate_improve_pct"] = json_number(a.estimate_pct);
    s["ci_improve_pct"] = boost::json::array{json_number(a.ci_low_pct), json_number(a.ci_high_pct)};
    s["confidence_used"] = json_number(a.confidence_used, 8);
    s["err_delta_low_pct"] = json_number(a.err_delta_low_pct);
    s["err_delta_high_pct"] = json_number(a.err_delta_high_pct);
    s["err_confidence_used"] = json_number(a.err_confidence_used, 8);
    s["p95_change_pct"] = json_number(a.p95_change_pct);
    s["p99_change_pct"] = json_number(a.p99_change_pct);
    s["p95_change_low_pct"] = json_number(a.p95_change_low_pct);
    s["p99_change_low_pct"] = json_number(a.p99_change_low_pct);
    s["min_effect_pct"] = json_number(a.min_effect_pct);
    s["blocks"] = a.blocks;
    s["samples_used"] = a.latency_samples_used;
    j["smart"] = std::move(s);
  }
  return j;
}

} // namespace smart
