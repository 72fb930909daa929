#include <smart/decide/decision.hpp>

#include <smart/inference.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>

namespace smart {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double infinity = std::numeric_limits<double>::infinity();

// 128 bits: products of counts and scaled thresholds stay exact.
__extension__ typedef __int128 Int128;

// Latency values the exact arithmetic works on: thousandths of a
// millisecond, the CSV's resolution. A float holds every 3-decimal value
// below 8388.608 ms exactly enough for rounding to recover it; above that
// the float's own resolution (< 0.001 ms below 16 s) is what there is.
constexpr std::int64_t max_thousandths = 1'000'000'000'000; // 1e9 ms: clamps absurd input

std::int64_t thousandths(float ms)
{
  const double scaled = std::round(static_cast<double>(ms) * 1000.0);
  return scaled >= static_cast<double>(max_thousandths) ? max_thousandths : static_cast<std::int64_t>(scaled);
}

int metric_percent(Metric metric)
{
  switch (metric) {
  case Metric::p50:
    return 50;
  case Metric::p90:
    return 90;
  case Metric::p95:
    return 95;
  case Metric::p99:
    return 99;
  case Metric::mean:
    return 0;
  }
  return 50;
}

// Order-preserving integer key of a non-negative float (-0 becomes +0).
std::uint32_t float_key(float value)
{
  return std::bit_cast<std::uint32_t>(std::max(value, 0.0f) + 0.0f);
}

// The order statistics of values at the given 0-based ranks, values left as
// they are: one pass counts the top 16 bits of each key (65 536 buckets),
// a second gathers the few buckets that hold the ranks, and nth_element
// finishes inside them. About 2 n cheap steps for any number of ranks,
// where cascaded nth_element took ~1.7 n expensive ones.
std::vector<float> order_statistics(const std::vector<float>& values, const std::vector<std::size_t>& ranks)
{
  constexpr unsigned shift = 16;
  std::vector<std::size_t> histogram(std::size_t{1} << (32 - shift), 0);
  for (const float v : values) {
    ++histogram[float_key(v) >> shift];
  }
  std::vector<std::size_t> before(histogram.size() + 1, 0); // values in buckets < b
  for (std::size_t b = 0; b < histogram.size(); ++b) {
    before[b + 1] = before[b] + histogram[b];
  }
  std::vector<int> slot(histogram.size(), -1);
  std::vector<std::vector<float>> candidates;
  std::vector<std::pair<std::size_t, std::size_t>> where; // (slot, rank inside the bucket)
  for (const std::size_t rank : ranks) {
    const auto bucket = static_cast<std::size_t>(std::upper_bound(before.begin() + 1, before.end(), rank) -
                                                 (before.begin() + 1));
    if (slot[bucket] < 0) {
      slot[bucket] = static_cast<int>(candidates.size());
      candidates.emplace_back().reserve(histogram[bucket]);
    }
    where.emplace_back(static_cast<std::size_t>(slot[bucket]), rank - before[bucket]);
  }
  for (const float v : values) {
    const int k = slot[float_key(v) >> shift];
    if (k >= 0) {
      candidates[static_cast<std::size_t>(k)].push_back(v);
    }
  }
  std::vector<float> result;
  result.reserve(ranks.size());
  for (const auto& [k, inside] : where) {
    auto& c = candidates[k];
    const auto nth = c.begin() + static_cast<std::ptrdiff_t>(inside);
    std::nth_element(c.begin(), nth, c.end());
    result.push_back(*nth);
  }
  return result;
}

// A type-7 quantile at q = pct / 100 in integers: position pct (n - 1) / 100,
// so the ranks and the fraction are exact (no floating-point floor).
struct QuantileRanks {
  std::size_t lower = 0;
  std::int64_t fraction_pct = 0; // 0..99: the weight of the next order statistic, in percent
};

QuantileRanks quantile_ranks(std::size_t n, int pct)
{
  const std::uint64_t position = static_cast<std::uint64_t>(pct) * (n - 1);
  return {static_cast<std::size_t>(position / 100), static_cast<std::int64_t>(position % 100)};
}

constexpr std::array<int, 4> summary_percents = {50, 90, 95, 99};

// One side's summary, and the order statistics behind its quantiles (for
// the exact arithmetic of the original rule).
struct ArmSummary {
  SampleSummary summary;
  std::array<float, 4> low{};  // order statistic at each quantile's lower rank
  std::array<float, 4> high{}; // and at the next rank
};

ArmSummary summarize_arm(const ArmSamples& arm)
{
  ArmSummary result;
  SampleSummary& s = result.summary;
  s.n = arm.n;
  s.n_transport = arm.n_transport;
  s.n_http_5xx = arm.n_http_5xx;
  s.n_errors = arm.n_errors;
  s.n_good = arm.good_ms.size();
  s.by_error = arm.by_error;
  s.err_pct = s.n == 0 ? 0.0 : 100.0 * static_cast<double>(s.n_errors) / static_cast<double>(s.n);
  const auto& good = arm.good_ms;
  if (good.empty()) {
    s.p50_ms = s.p90_ms = s.p95_ms = s.p99_ms = s.mean_ms = s.min_ms = s.max_ms = nan;
    return result;
  }
  double sum = 0;
  float low = good.front();
  float high = good.front();
  for (const float v : good) {
    sum += static_cast<double>(v);
    low = std::min(low, v);
    high = std::max(high, v);
  }
  s.mean_ms = sum / static_cast<double>(good.size());
  s.min_ms = static_cast<double>(low);
  s.max_ms = static_cast<double>(high);

  std::vector<std::size_t> ranks;
  for (const int pct : summary_percents) {
    const auto r = quantile_ranks(good.size(), pct);
    ranks.push_back(r.lower);
    ranks.push_back(std::min(r.lower + 1, good.size() - 1));
  }
  const auto stats = order_statistics(good, ranks);
  std::array<double, 4> value{};
  for (std::size_t i = 0; i < summary_percents.size(); ++i) {
    result.low[i] = stats[2 * i];
    result.high[i] = stats[2 * i + 1];
    const auto r = quantile_ranks(good.size(), summary_percents[i]);
    const double lo = static_cast<double>(result.low[i]);
    value[i] = lo + static_cast<double>(r.fraction_pct) / 100.0 * (static_cast<double>(result.high[i]) - lo);
  }
  s.p50_ms = value[0];
  s.p90_ms = value[1];
  s.p95_ms = value[2];
  s.p99_ms = value[3];
  return result;
}

// The metric in units of 1e-5 ms, exact for 3-decimal inputs: the type-7
// quantile lo + f (hi - lo) with f = (pct (n - 1) mod 100) / 100, in
// thousandths times 100; the mean rounded to 1e-5 ms.
std::int64_t exact_metric(const ArmSamples& arm, const ArmSummary& summary, Metric metric)
{
  const auto& good = arm.good_ms;
  const std::size_t n = good.size();
  if (metric == Metric::mean) {
    Int128 sum = 0;
    for (const float v : good) {
      sum += thousandths(v);
    }
    // round(sum * 100 / n), in integers
    const Int128 scaled = sum * 100;
    return static_cast<std::int64_t>((scaled * 2 + static_cast<Int128>(n)) / (2 * static_cast<Int128>(n)));
  }
  const int pct = metric_percent(metric);
  std::size_t i = 0;
  while (summary_percents[i] != pct) {
    ++i;
  }
  const auto r = quantile_ranks(n, pct);
  const std::int64_t lo = thousandths(summary.low[i]);
  const std::int64_t hi = thousandths(summary.high[i]);
  return lo * 100 + r.fraction_pct * (hi - lo);
}

double metric_of(const SampleSummary& s, Metric metric)
{
  switch (metric) {
  case Metric::p50:
    return s.p50_ms;
  case Metric::p90:
    return s.p90_ms;
  case Metric::p95:
    return s.p95_ms;
  case Metric::p99:
    return s.p99_ms;
  case Metric::mean:
    return s.mean_ms;
  }
  return s.p50_ms;
}

// Numbers in messages: up to 4 decimals, trailing zeros dropped.
std::string number(double value)
{
  if (std::isnan(value)) {
    return "n/a";
  }
  if (std::isinf(value)) {
    return value > 0 ? "+inf" : "-inf";
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
    return value > 0 ? "inf" : "-inf";
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
    return value > 0 ? "+inf" : "-inf";
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

double improvement_pct(double base, double var)
{
  if (!(base > 0) || std::isnan(var)) {
    return nan;
  }
  return (base - var) / base * 100.0;
}

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

  d.reasons.push_back(fmt::format("{} improved {}% {} {}%", metric, number(d.improve_pct),
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

struct Bounds {
  double estimate = nan;
  inference::Interval interval{-infinity, infinity};
};

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

  // Error rates: "rose" needs the lower bound (at the latency confidence,
  // one-sided) above zero; a keep needs the upper bound (at the error
  // confidence, one-sided) at most max_err_delta_pct.
  const auto rose = inference::newcombe_difference(d.baseline.n_errors, d.baseline.n, d.variant.n_errors,
                                                   d.variant.n, inference::normal_quantile(1 - look_alpha));
  const auto bounded = inference::newcombe_difference(d.baseline.n_errors, d.baseline.n, d.variant.n_errors,
                                                      d.variant.n, inference::normal_quantile(1 - err_alpha));
  a.err_delta_low_pct = rose.low * 100;
  a.err_delta_high_pct = bounded.high * 100;
  const bool errors_rose = d.variant.n > 0 && d.baseline.n > 0 && rose.low > 0;
  const bool errors_bounded = bounded.high * 100 <= o.max_err_delta_pct.value();

  a.p95_change_pct = -improvement_pct(d.baseline.p95_ms, d.variant.p95_ms);
  const bool p99_meaningful = d.baseline.n_good >= 200 && d.variant.n_good >= 200;
  a.p99_change_pct = p99_meaningful ? -improvement_pct(d.baseline.p99_ms, d.variant.p99_ms) : nan;
  const auto base_logs = sorted_logs(base.good_ms);
  const auto var_logs = sorted_logs(var.good_ms);
  a.p95_change_low_pct = tail_change_low_pct(base_logs, var_logs, 0.95);
  a.p99_change_low_pct = p99_meaningful ? tail_change_low_pct(base_logs, var_logs, 0.99) : nan;

  const bool enough = d.baseline.n_good >= o.min_samples && d.variant.n_good >= o.min_samples;
  Bounds shift;
  if (enough) {
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
  }
  a.estimate_pct = shift_to_pct(shift.estimate);
  a.ci_low_pct = shift_to_pct(shift.interval.low);
  a.ci_high_pct = shift_to_pct(shift.interval.high);

  // Reasons are prose for people, rounded for reading (the JSON fields keep
  // the full precision); each number is stated once: the first reason says
  // why, the others add what it did not say.
  const std::string latency = latency_text(a, o.metric, two_sided);
  const std::string errors =
    fmt::format("errors {} pp (bound {} pp {} {} pp)", pp_text(d.err_delta_pct),
                pp_text(a.err_delta_high_pct), errors_bounded ? "<=" : ">", o.max_err_delta_pct.text());
  // The tails, unless the latency reason is already about that quantile.
  std::string tails;
  const bool quantiles = a.method == "quantile-order-statistics";
  for (const auto& [metric, change] :
       {std::pair{Metric::p95, a.p95_change_pct}, std::pair{Metric::p99, a.p99_change_pct}}) {
    if (!std::isnan(change) && !(quantiles && o.metric == metric)) {
      tails += fmt::format("{}{} {}", tails.empty() ? "" : ", ", to_string(metric), change_text(-change));
    }
  }
  const std::string min_effect = number(a.min_effect_pct);

  // The first reason, then the others that it does not already cover.
  auto finish = [&](Verdict verdict, std::string decided_by, std::string reason, bool with_latency,
                    bool with_errors) {
    d.decision = verdict;
    // The true gray zone, the only verdicts a coach may be asked about: the
    // estimate is worth keeping, errors are bounded and the tails pass
    // (they did, or the verdict would be tail_worse); only the interval
    // still reaches 0. Not an A/A run (no gain), nor unbounded errors, nor
    // an interval open to any loss (too few blocks: an A/A run's noise
    // then shows "35 % faster" as often as "35 % slower").
    d.borderline = verdict == Verdict::inconclusive && a.estimate_pct >= a.min_effect_pct && errors_bounded &&
                   std::isfinite(a.ci_low_pct) && !a.method.empty();
    d.decided_by = std::move(decided_by);
    d.reasons.push_back(std::move(reason));
    if (with_latency && !a.method.empty()) {
      d.reasons.push_back(latency);
    }
    if (with_errors) {
      d.reasons.push_back(errors);
    }
    if (!tails.empty()) {
      d.reasons.push_back(tails);
    }
    d.smart = a;
  };

  if (errors_rose) {
    return finish(Verdict::revert, "errors_rose",
                  fmt::format("errors rose: {} pp (lower bound {} pp > 0)", pp_text(d.err_delta_pct),
                              pp_text(a.err_delta_low_pct)),
                  true, false);
  }
  if (!enough) {
    return finish(Verdict::inconclusive, "min_samples",
                  fmt::format("too few successful samples (baseline {}, variant {}; need {})",
                              d.baseline.n_good, d.variant.n_good, o.min_samples),
                  true, true);
  }
  if (a.ci_high_pct < 0) {
    return finish(Verdict::revert, "latency_worse", fmt::format("latency worse: {}", latency), false, true);
  }
  const double tolerance = o.tail_tolerance_pct;
  const bool p95_worse = a.p95_change_low_pct > tolerance;
  const bool p99_worse = a.p99_change_low_pct > tolerance;
  if (p95_worse || p99_worse) {
    return finish(
      Verdict::revert, "tail_worse",
      fmt::format("tail worse: {} at least {}% slower (> {}% tolerated)", p95_worse ? "p95" : "p99",
                  pct_text(p95_worse ? a.p95_change_low_pct : a.p99_change_low_pct), number(tolerance)),
      true, true);
  }
  const bool worthwhile = a.estimate_pct >= a.min_effect_pct;
  const bool shown_better = a.ci_low_pct > 0;
  if (worthwhile && shown_better && errors_bounded) {
    return finish(Verdict::keep, "all_conditions", fmt::format("better: {} >= {}%", latency, min_effect),
                  false, true);
  }
  if (a.ci_high_pct < a.min_effect_pct) {
    return finish(Verdict::revert, "no_worthwhile_gain",
                  fmt::format("no worthwhile gain: {}, all below {}%", latency, min_effect), false, true);
  }
  if (worthwhile && shown_better) {
    return finish(Verdict::inconclusive, "errors_uncertain",
                  fmt::format("error increase not bounded: {}", errors), true, false);
  }
  return finish(Verdict::inconclusive, "latency_uncertain",
                fmt::format("cannot tell: {} (need >= {}% with the whole CI above 0)", latency, min_effect),
                false, true);
}

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

std::string ms_text(double value)
{
  return number(value);
}

} // namespace

std::string_view to_string(Rule rule)
{
  return rule == Rule::smart ? "smart" : "original";
}

std::string_view to_string(Metric metric)
{
  switch (metric) {
  case Metric::p50:
    return "p50";
  case Metric::p90:
    return "p90";
  case Metric::p95:
    return "p95";
  case Metric::p99:
    return "p99";
  case Metric::mean:
    return "mean";
  }
  return "p50";
}

std::string_view to_string(Verdict verdict)
{
  switch (verdict) {
  case Verdict::keep:
    return "keep";
  case Verdict::revert:
    return "revert";
  case Verdict::inconclusive:
    return "inconclusive";
  }
  return "revert";
}

std::optional<Rule> rule_from_string(std::string_view text)
{
  if (text == "smart") {
    return Rule::smart;
  }
  if (text == "original") {
    return Rule::original;
  }
  return std::nullopt;
}

std::optional<Metric> metric_from_string(std::string_view text)
{
  for (const Metric m : {Metric::p50, Metric::p90, Metric::p95, Metric::p99, Metric::mean}) {
    if (to_string(m) == text) {
      return m;
    }
  }
  return std::nullopt;
}

std::string Decimal::text() const
{
  const std::int64_t whole = micros / 1'000'000;
  std::int64_t fraction = micros % 1'000'000;
  std::string sign = micros < 0 ? "-" : "";
  std::string text = sign + std::to_string(whole < 0 ? -whole : whole);
  if (fraction != 0) {
    if (fraction < 0) {
      fraction = -fraction;
    }
    std::string digits = fmt::format("{:06d}", fraction);
    while (digits.back() == '0') {
      digits.pop_back();
    }
    text += "." + digits;
  }
  return text;
}

std::optional<Decimal> parse_decimal(std::string_view text)
{
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  const auto dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if ((whole.empty() && fraction.empty()) || whole.size() > 6 || fraction.size() > 6) {
    return std::nullopt;
  }
  std::int64_t micros = 0;
  for (const char c : whole) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    micros = micros * 10 + (c - '0');
  }
  micros *= 1'000'000;
  std::int64_t scale = 100'000;
  for (const char c : fraction) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    micros += (c - '0') * scale;
    scale /= 10;
  }
  return Decimal{negative ? -micros : micros};
}

void ArmSamples::add(const ParsedSample& row)
{
  ++n;
  const ProbeError kind = classify_sample(row.response_code, row.error, ok);
  if (kind != ProbeError::none) {
    ++n_errors;
    if (row.response_code == 0) {
      ++n_transport;
    }
    if (kind == ProbeError::unexpected_status && row.response_code >= 500) {
      ++n_http_5xx;
    } else {
      ++by_error[static_cast<std::size_t>(kind)];
    }
    return;
  }
  good_ms.push_back(row.latency_ms);
  if (row.has_block) {
    has_blocks = true;
    good_block.push_back(row.block);
  }
}

ArmSamples ArmSamples::from(const SampleSet& samples, const StatusSet& ok)
{
  ArmSamples arm;
  arm.ok = ok;
  arm.good_ms.reserve(samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    arm.add(ParsedSample{samples.latency_ms[i],
                         samples.response_code[i],
                         samples.error[i],
                         samples.has_blocks(),
                         samples.has_blocks() ? samples.block[i] : 0,
                         {}});
  }
  arm.has_blocks = samples.has_blocks();
  return arm;
}

Decision decide(const SampleSet& baseline, const SampleSet& variant, const DecideOptions& options)
{
  auto base = ArmSamples::from(baseline, options.ok_status);
  auto var = ArmSamples::from(variant, options.ok_status);
  return decide(base, var, options);
}

Decision decide(ArmSamples& base, ArmSamples& var, const DecideOptions& options)
{
  Decision d;
  d.options = options;
  // No rule can judge latency from zero successful samples.
  d.options.min_samples = std::max<std::size_t>(options.min_samples, 1);
  d.rule = options.rule;
  d.metric = options.metric;
  d.smart.reset();

  // Paired block medians (smart rule, blocks in both files).
  std::vector<double> block_diffs;
  if (options.rule == Rule::smart && base.has_blocks && var.has_blocks) {
    block_diffs = block_differences(base, var);
  }
  const ArmSummary base_summary = summarize_arm(base);
  const ArmSummary var_summary = summarize_arm(var);
  d.baseline = base_summary.summary;
  d.variant = var_summary.summary;
  d.base_metric_ms = metric_of(d.baseline, options.metric);
  d.var_metric_ms = metric_of(d.variant, options.metric);
  d.improve_pct = improvement_pct(d.base_metric_ms, d.var_metric_ms);
  d.err_delta_pct = d.variant.err_pct - d.baseline.err_pct;

  const std::string metric{to_string(options.metric)};
  if (options.rule == Rule::original) {
    if (d.baseline.n_good < d.options.min_samples || d.variant.n_good < d.options.min_samples) {
      d.decision = Verdict::revert;
      d.decided_by = "min_samples";
      d.reasons.push_back(fmt::format("too few successful samples (baseline {}, variant {}; need {})",
                                      d.baseline.n_good, d.variant.n_good, d.options.min_samples));
      return d;
    }
    const std::int64_t b = exact_metric(base, base_summary, options.metric);
    const std::int64_t v = exact_metric(var, var_summary, options.metric);
    if (b <= 0) {
      d.decision = Verdict::revert;
      d.decided_by = "baseline_zero";
      d.reasons.push_back(fmt::format("baseline {} is 0 ms: no improvement can be computed", metric));
      return d;
    }
    decide_original(d, b, v);
    return d;
  }
  decide_smart(d, base, var, block_diffs);
  return d;
}

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

std::string metrics_line(const Decision& d)
{
  const std::string metric{to_string(d.metric)};
  return fmt::format(
    "baseline_{}_ms={} variant_{}_ms={} improve_pct={} baseline_err={:.2f} variant_err={:.2f} "
    "err_delta={:.2f}",
    metric, ms_text(d.base_metric_ms), metric, ms_text(d.var_metric_ms), number(d.improve_pct),
    d.baseline.err_pct, d.variant.err_pct, d.err_delta_pct);
}

} // namespace smart
