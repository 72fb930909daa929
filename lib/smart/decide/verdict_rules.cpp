#include <smart/decide/verdict_rules.hpp>

#include <smart/decide/arm_summary.hpp>
#include <smart/decide/decision_text.hpp>
#include <smart/inference.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <span>

namespace smart::decision_detail {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double infinity = std::numeric_limits<double>::infinity();

double quantile_sorted_double(std::span<const double> sorted, double q)
{
  if (sorted.empty()) {
    return nan;
  }
  const double position = std::clamp(q, 0.0, 1.0) * static_cast<double>(sorted.size() - 1);
  const auto lower = static_cast<std::size_t>(std::floor(position));
  const std::size_t upper = std::min(lower + 1, sorted.size() - 1);
  return sorted[lower] + (position - static_cast<double>(lower)) * (sorted[upper] - sorted[lower]);
}

// A log-latency shift d (positive = variant faster) as an improvement, %.
double shift_to_pct(double shift)
{
  if (std::isnan(shift)) {
    return nan;
  }
  if (shift == infinity) {
    return 100.0;
  }
  if (shift == -infinity) {
    return -infinity;
  }
  return (1.0 - std::exp(-shift)) * 100.0;
}

// Log latencies, sorted; every step-th sample of very large inputs (a
// systematic sample in file order: the interval from 20 000 a side is
// already far narrower than any effect worth deciding on).
constexpr std::size_t max_rank_samples = 20'000;

std::vector<double> sorted_logs(const std::vector<float>& good)
{
  const std::size_t step =
    good.size() > max_rank_samples ? (good.size() + max_rank_samples - 1) / max_rank_samples : 1;
  std::vector<double> logs;
  logs.reserve(good.size() / step + 1);
  for (std::size_t i = 0; i < good.size(); i += step) {
    logs.push_back(std::log(std::max(static_cast<double>(good[i]), 1e-3)));
  }
  std::sort(logs.begin(), logs.end());
  return logs;
}

double median_of(std::vector<double>& values)
{
  const std::size_t n = values.size();
  const auto mid = values.begin() + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(values.begin(), mid, values.end());
  const double upper = *mid;
  if (n % 2 == 1) {
    return upper;
  }
  return (*std::max_element(values.begin(), mid) + upper) / 2;
}

// How much worse the q-quantile is at least, %: the variant's lower bound
// over the baseline's upper bound (distribution-free order-statistic
// intervals, 90 % a side), on the sorted log latencies. A tail is only
// "worse" when shown so: a point estimate of p99 from a few heavy-tailed
// samples would let one outlier flip the verdict.
double tail_change_low_pct(std::span<const double> base_logs, std::span<const double> var_logs, double q)
{
  if (base_logs.empty() || var_logs.empty()) {
    return nan;
  }
  const auto rb = inference::quantile_rank_interval(base_logs.size(), q, 0.90);
  const auto rv = inference::quantile_rank_interval(var_logs.size(), q, 0.90);
  return (std::exp(var_logs[rv.low - 1] - base_logs[rb.high - 1]) - 1) * 100;
}

// Per-block median log latency, by block number.
std::map<std::uint32_t, double> block_medians(const ArmSamples& arm)
{
  std::map<std::uint32_t, std::vector<double>> by_block;
  for (std::size_t i = 0; i < arm.good_ms.size(); ++i) {
    by_block[arm.good_block[i]].push_back(std::log(std::max(static_cast<double>(arm.good_ms[i]), 1e-3)));
  }
  std::map<std::uint32_t, double> medians;
  for (auto& [block, values] : by_block) {
    medians[block] = median_of(values);
  }
  return medians;
}

} // namespace

// Paired differences base - variant of block medians. Blocks pair by
// number when both files number them alike (smart-run's block pairs);
// otherwise the k-th baseline block pairs with the k-th variant block
// (A B A B numbered 0 1 2 3 ...).
std::vector<double> block_differences(const ArmSamples& base, const ArmSamples& var)
{
  const auto b = block_medians(base);
  const auto v = block_medians(var);
  std::size_t common = 0;
  for (const auto& [block, median] : b) {
    common += v.count(block);
  }
  std::vector<double> differences;
  if (common * 2 >= std::min(b.size(), v.size()) && common > 0) {
    for (const auto& [block, median] : b) {
      const auto it = v.find(block);
      if (it != v.end()) {
        differences.push_back(median - it->second);
      }
    }
  } else {
    auto ib = b.begin();
    auto iv = v.begin();
    for (; ib != b.end() && iv != v.end(); ++ib, ++iv) {
      differences.push_back(ib->second - iv->second);
    }
  }
  return differences;
}

void decide_original(Decision& d, const std::int64_t base_metric, const std::int64_t var_metric)
{
  const auto& o = d.options;
  const std::string metric{to_string(o.metric)};

  // Exact comparisons: improvement = (B - V) / B * 100 >= T  <=>
  // (B - V) * 100 * 1e6 >= T_micros * B (B > 0); metrics in 1e-5 ms.
  const Int128 b = base_metric;
  const Int128 v = var_metric;
  const bool improve_ok = (b - v) * 100 * 1'000'000 >= static_cast<Int128>(o.improve_pct.micros) * b;

  // err delta = (ev / nv - eb / nb) * 100 <= D  <=>
  // (ev nb - eb nv) * 100 * 1e6 <= D_micros * nv * nb.
  const Int128 nb = static_cast<Int128>(d.baseline.n);
  const Int128 nv = static_cast<Int128>(d.variant.n);
  const Int128 eb = static_cast<Int128>(d.baseline.n_errors);
  const Int128 ev = static_cast<Int128>(d.variant.n_errors);
  const bool err_ok =
    (ev * nb - eb * nv) * 100 * 1'000'000 <= static_cast<Int128>(o.max_err_delta_pct.micros) * nv * nb;

  // The original system's wording for a gain ("p50 improved 4.2% < 10%");
  // a loss says it was slower rather than "improved -5.4%".
  d.reasons.push_back(d.improve_pct < 0 ? fmt::format("{} {}% slower (needs an improvement >= {}%)", metric,
                                                      number(-d.improve_pct), o.improve_pct.text())
                                        : fmt::format("{} improved {}% {} {}%", metric, number(d.improve_pct),
                                                      improve_ok ? ">=" : "<", o.improve_pct.text()));
  d.reasons.push_back(fmt::format("error rate {} pp {} {} pp", signed_number(d.err_delta_pct),
                                  err_ok ? "<=" : ">", o.max_err_delta_pct.text()));
  if (improve_ok && err_ok) {
    d.decision = Verdict::keep;
    d.decided_by = "thresholds_met";
  } else {
    d.decision = Verdict::revert;
    d.decided_by = improve_ok ? "error_rate" : "improvement";
  }
}

namespace {

struct Bounds {
  double estimate = nan;
  inference::Interval interval{-infinity, infinity};
};

// What the error rates show: "rose" needs the lower bound (at the latency
// confidence, one-sided) above zero; a keep needs the upper bound (at the
// error confidence, one-sided) at most max_err_delta_pct.
struct ErrorFacts {
  bool rose = false;
  bool bounded = false;
};

ErrorFacts judge_errors(const Decision& d, SmartAnalysis& a, double look_alpha, double err_alpha)
{
  const auto& o = d.options;
  const auto rose = inference::newcombe_difference(d.baseline.n_errors, d.baseline.n, d.variant.n_errors,
                                                   d.variant.n, inference::normal_quantile(1 - look_alpha));
  const auto bounded = inference::newcombe_difference(d.baseline.n_errors, d.baseline.n, d.variant.n_errors,
                                                      d.variant.n, inference::normal_quantile(1 - err_alpha));
  a.err_delta_low_pct = rose.low * 100;
  a.err_delta_high_pct = bounded.high * 100;
  return {d.variant.n > 0 && d.baseline.n > 0 && rose.low > 0,
          bounded.high * 100 <= o.max_err_delta_pct.value()};
}

// The latency shift (log scale, baseline minus variant) with its interval,
// by the method the data allow: paired blocks, Hodges-Lehmann on the
// whole samples, or order statistics for a tail metric.
Bounds estimate_shift(SmartAnalysis& a, const DecideOptions& o, const ArmSamples& base, const ArmSamples& var,
                      const std::vector<double>& block_diffs, const std::vector<double>& base_logs,
                      const std::vector<double>& var_logs, double two_sided, double look_alpha)
{
  Bounds shift;
  if (base.has_blocks && var.has_blocks) {
    a.method = "paired-blocks";
    const auto& differences = block_diffs;
    a.blocks = differences.size();
    const auto hl = inference::hodges_lehmann_paired(differences, two_sided);
    shift = {hl.estimate, hl.interval};
    a.latency_samples_used = std::min(base.good_ms.size(), var.good_ms.size());
  } else if (o.metric == Metric::p50 || o.metric == Metric::mean) {
    a.method = "hodges-lehmann";
    const auto& x = base_logs;
    const auto& y = var_logs;
    a.latency_samples_used = std::min(x.size(), y.size());
    const auto hl = inference::hodges_lehmann_two_sample(x, y, two_sided);
    shift = {hl.estimate, hl.interval};
  } else {
    // A tail metric: distribution-free intervals for each side's quantile
    // (order statistics), combined conservatively (Bonferroni).
    a.method = "quantile-order-statistics";
    const auto& x = base_logs;
    const auto& y = var_logs;
    a.latency_samples_used = std::min(x.size(), y.size());
    const double q = metric_percent(o.metric) / 100.0;
    const double side_level = 1 - look_alpha; // Bonferroni: look_alpha / 2 a side
    const auto rx = inference::quantile_rank_interval(x.size(), q, side_level);
    const auto ry = inference::quantile_rank_interval(y.size(), q, side_level);
    shift.estimate = quantile_sorted_double(x, q) - quantile_sorted_double(y, q);
    const bool bounded_x = rx.low > 1 && rx.high < x.size();
    const bool bounded_y = ry.low > 1 && ry.high < y.size();
    if (bounded_x && bounded_y) {
      shift.interval = {x[rx.low - 1] - y[ry.high - 1], x[rx.high - 1] - y[ry.low - 1]};
    }
  }
  return shift;
}

// The tails, unless the latency reason is already about that quantile.
std::string tails_text(const SmartAnalysis& a, Metric metric_judged)
{
  std::string tails;
  const bool quantiles = a.method == "quantile-order-statistics";
  for (const auto& [metric, change] :
       {std::pair{Metric::p95, a.p95_change_pct}, std::pair{Metric::p99, a.p99_change_pct}}) {
    if (!std::isnan(change) && !(quantiles && metric_judged == metric)) {
      tails += fmt::format("{}{} {}", tails.empty() ? "" : ", ", to_string(metric), change_text(-change));
    }
  }
  return tails;
}

// The verdict, the rule that decided it, its first reason, and whether the
// latency and error reasons add to it.
struct Ruling {
  Verdict verdict;
  std::string decided_by;
  std::string reason;
  bool with_latency;
  bool with_errors;
};

Ruling rule(const Decision& d, const SmartAnalysis& a, const ErrorFacts& errors_seen, bool enough,
            const std::string& latency, const std::string& errors)
{
  const auto& o = d.options;
  const std::string min_effect = number(a.min_effect_pct);
  if (errors_seen.rose) {
    return {Verdict::revert, "errors_rose",
            fmt::format("errors rose: {} pp (lower bound {} pp > 0)", pp_text(d.err_delta_pct),
                        pp_text(a.err_delta_low_pct)),
            true, false};
  }
  if (!enough) {
    return {Verdict::inconclusive, "min_samples",
            fmt::format("too few successful samples (baseline {}, variant {}; need {})", d.baseline.n_good,
                        d.variant.n_good, o.min_samples),
            true, true};
  }
  if (a.ci_high_pct < 0) {
    return {Verdict::revert, "latency_worse", fmt::format("latency worse: {}", latency), false, true};
  }
  const double tolerance = o.tail_tolerance_pct;
  const bool p95_worse = a.p95_change_low_pct > tolerance;
  const bool p99_worse = a.p99_change_low_pct > tolerance;
  if (p95_worse || p99_worse) {
    return {Verdict::revert, "tail_worse",
            fmt::format("tail worse: {} at least {}% slower (> {}% tolerated)", p95_worse ? "p95" : "p99",
                        pct_text(p95_worse ? a.p95_change_low_pct : a.p99_change_low_pct), number(tolerance)),
            true, true};
  }
  const bool worthwhile = a.estimate_pct >= a.min_effect_pct;
  const bool shown_better = a.ci_low_pct > 0;
  if (worthwhile && shown_better && errors_seen.bounded) {
    return {Verdict::keep, "all_conditions", fmt::format("better: {} >= {}%", latency, min_effect), false,
            true};
  }
  if (a.ci_high_pct < a.min_effect_pct) {
    return {Verdict::revert, "no_worthwhile_gain",
            fmt::format("no worthwhile gain: {}, all below {}%", latency, min_effect), false, true};
  }
  if (worthwhile && shown_better) {
    return {Verdict::inconclusive, "errors_uncertain", fmt::format("error increase not bounded: {}", errors),
            true, false};
  }
  return {Verdict::inconclusive, "latency_uncertain",
          fmt::format("cannot tell: {} (need >= {}% with the whole CI above 0)", latency, min_effect), false,
          true};
}

} // namespace

void decide_smart(Decision& d, ArmSamples& base, ArmSamples& var, const std::vector<double>& block_diffs)
{
  const auto& o = d.options;
  SmartAnalysis a;
  a.min_effect_pct = o.min_effect_pct.value_or(o.improve_pct.value());

  // Group-sequential looks: this look's share of the alpha (O'Brien-Fleming
  // spending); a single look uses it all.
  // --confidence is the level of the one-sided bound that must lie above
  // zero; the interval reported is the two-sided one that has it as its
  // lower end (90 % for 0.95).
  const double alpha = 1 - o.confidence;
  const double look_alpha = inference::look_alpha(alpha, o.look, o.looks);
  a.confidence_used = 1 - look_alpha;
  const double two_sided = 1 - 2 * look_alpha;
  const double err_alpha = inference::look_alpha(1 - o.err_confidence, o.look, o.looks);
  a.err_confidence_used = 1 - err_alpha;
  const ErrorFacts errors_seen = judge_errors(d, a, look_alpha, err_alpha);

  a.p95_change_pct = -improvement_pct(d.baseline.p95_ms, d.variant.p95_ms);
  const bool p99_meaningful = d.baseline.n_good >= 200 && d.variant.n_good >= 200;
  a.p99_change_pct = p99_meaningful ? -improvement_pct(d.baseline.p99_ms, d.variant.p99_ms) : nan;
  const auto base_logs = sorted_logs(base.good_ms);
  const auto var_logs = sorted_logs(var.good_ms);
  a.p95_change_low_pct = tail_change_low_pct(base_logs, var_logs, 0.95);
  a.p99_change_low_pct = p99_meaningful ? tail_change_low_pct(base_logs, var_logs, 0.99) : nan;

  const bool enough = d.baseline.n_good >= o.min_samples && d.variant.n_good >= o.min_samples;
  const Bounds shift =
    enough ? estimate_shift(a, o, base, var, block_diffs, base_logs, var_logs, two_sided, look_alpha)
           : Bounds{};
  a.estimate_pct = shift_to_pct(shift.estimate);
  a.ci_low_pct = shift_to_pct(shift.interval.low);
  a.ci_high_pct = shift_to_pct(shift.interval.high);

  // Reasons are prose for people, rounded for reading (the JSON fields keep
  // the full precision); each number is stated once: the first reason says
  // why, the others add what it did not say.
  const std::string latency = latency_text(a, o.metric, two_sided);
  const std::string errors =
    fmt::format("errors {} pp (bound {} pp {} {} pp)", pp_text(d.err_delta_pct),
                pp_text(a.err_delta_high_pct), errors_seen.bounded ? "<=" : ">", o.max_err_delta_pct.text());
  const std::string tails = tails_text(a, o.metric);
  auto ruling = rule(d, a, errors_seen, enough, latency, errors);

  d.decision = ruling.verdict;
  // The true gray zone, the only verdicts a coach may be asked about: the
  // estimate is worth keeping, errors are bounded and the tails pass
  // (they did, or the verdict would be tail_worse); only the interval
  // still reaches 0. Not an A/A run (no gain), nor unbounded errors, nor
  // an interval open to any loss (too few blocks: an A/A run's noise
  // then shows "35 % faster" as often as "35 % slower").
  d.borderline = ruling.verdict == Verdict::inconclusive && a.estimate_pct >= a.min_effect_pct &&
                 errors_seen.bounded && std::isfinite(a.ci_low_pct) && !a.method.empty();
  d.decided_by = std::move(ruling.decided_by);
  d.reasons.push_back(std::move(ruling.reason));
  if (ruling.with_latency && !a.method.empty()) {
    d.reasons.push_back(latency);
  }
  if (ruling.with_errors) {
    d.reasons.push_back(errors);
  }
  if (!tails.empty()) {
    d.reasons.push_back(tails);
  }
  d.smart = a;
}

} // namespace smart::decision_detail
