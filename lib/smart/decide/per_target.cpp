#include <smart/decide/per_target.hpp>

#include <fmt/format.h>

#include <boost/json/object.hpp>

#include <cmath>
#include <limits>

namespace smart {

namespace {

double json_ms(double value)
{
  return std::round(value * 1000.0) / 1000.0;
}

} // namespace

void TargetArms::add(const ParsedSample& row)
{
  auto found = by_target.find(row.target);
  if (found == by_target.end()) {
    found = by_target.emplace(std::string(row.target), ArmSamples{}).first;
  }
  found->second.add(row);
}

std::vector<TargetResult> judge_targets(TargetArms& baseline, TargetArms& variant,
                                        const DecideOptions& options)
{
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<TargetResult> results;
  DecideOptions per = options;
  per.rule = Rule::smart;
  per.metric = Metric::p50;
  per.look = 1;
  per.looks = 1;
  for (auto& [target, base] : baseline.by_target) {
    const auto var = variant.by_target.find(target);
    if (var == variant.by_target.end()) {
      continue;
    }
    TargetResult result;
    result.target = target;
    const Decision d = decide(base, var->second, per);
    result.base_good = d.baseline.n_good;
    result.var_good = d.variant.n_good;
    result.base_p50_ms = d.baseline.n_good > 0 ? d.baseline.p50_ms : nan;
    result.var_p50_ms = d.variant.n_good > 0 ? d.variant.p50_ms : nan;
    result.change_pct =
      result.base_p50_ms > 0 ? (result.var_p50_ms - result.base_p50_ms) / result.base_p50_ms * 100 : nan;
    result.judged = d.decided_by != "min_samples";
    const bool much_slower =
      d.decided_by == "latency_worse" && d.smart && d.smart->estimate_pct <= -options.tail_tolerance_pct;
    result.worse = d.decided_by == "tail_worse" || d.decided_by == "errors_rose" || much_slower;
    result.reason = d.reasons.empty() ? d.decided_by : d.reasons.front();
    results.push_back(std::move(result));
  }
  return results;
}

void apply_target_guard(Decision& decision, const std::vector<TargetResult>& results)
{
  for (const TargetResult& result : results) {
    if (!result.worse) {
      continue;
    }
    decision.reasons.push_back(fmt::format("target {} worse: {}", result.target, result.reason));
    if (decision.decision == Verdict::keep) {
      decision.decision = Verdict::revert;
      decision.decided_by = "target_worse";
    }
  }
}

std::string describe(const TargetResult& result)
{
  std::string text =
    fmt::format("target {}: p50 {:.3f} -> {:.3f} ms ({:+.1f}%), {}/{} good samples", result.target,
                result.base_p50_ms, result.var_p50_ms, result.change_pct, result.base_good, result.var_good);
  if (!result.judged) {
    text += "; too few to judge";
  } else if (result.worse) {
    text += fmt::format("; WORSE: {}", result.reason);
  }
  return text;
}

boost::json::array to_json(const std::vector<TargetResult>& results)
{
  boost::json::array out;
  for (const TargetResult& result : results) {
    boost::json::object o;
    o["target"] = result.target;
    o["baseline_p50_ms"] = std::isfinite(result.base_p50_ms) ? boost::json::value(json_ms(result.base_p50_ms))
                                                             : boost::json::value(nullptr);
    o["variant_p50_ms"] = std::isfinite(result.var_p50_ms) ? boost::json::value(json_ms(result.var_p50_ms))
                                                           : boost::json::value(nullptr);
    o["change_pct"] = std::isfinite(result.change_pct) ? boost::json::value(json_ms(result.change_pct))
                                                       : boost::json::value(nullptr);
    o["baseline_good"] = result.base_good;
    o["variant_good"] = result.var_good;
    o["judged"] = result.judged;
    o["worse"] = result.worse;
    o["reason"] = result.reason;
    out.push_back(std::move(o));
  }
  return out;
}

} // namespace smart
