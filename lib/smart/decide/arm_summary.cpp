#include <smart/decide/arm_summary.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace smart::decision_detail {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

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

} // namespace

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

namespace {

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

} // namespace

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

double improvement_pct(double base, double var)
{
  if (!(base > 0) || std::isnan(var)) {
    return nan;
  }
  return (base - var) / base * 100.0;
}

} // namespace smart::decision_detail
