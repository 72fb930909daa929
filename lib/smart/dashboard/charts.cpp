#include <smart/dashboard/charts.hpp>
#include <smart/outcome.hpp>

#include <smart/util/html.hpp>
#include <smart/util/time.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iterator>

namespace smart::dashboard {

namespace {

struct Frame {
  double width, height, left, right, top, bottom;
  double x0() const { return left; }
  double x1() const { return width - right; }
  double y0() const { return height - bottom; }
  double y1() const { return top; }
};

struct Scale {
  double lo, hi, out_lo, out_hi;
  bool log = false; // lo > 0 required
  double operator()(double v) const
  {
    if (hi <= lo) {
      return out_lo;
    }
    const double t = log ? (std::log10(std::max(v, lo)) - std::log10(lo)) / (std::log10(hi) - std::log10(lo))
                         : (v - lo) / (hi - lo);
    return out_lo + std::clamp(t, 0.0, 1.0) * (out_hi - out_lo);
  }
};

// 1-2-5 ticks from the largest at or below lo to the smallest at or above hi
// (lo > 0), only the powers of ten when that makes too many.
std::vector<double> log_ticks(double lo, double hi)
{
  std::vector<double> all;
  for (int k = static_cast<int>(std::floor(std::log10(lo))) - 1;
       k <= static_cast<int>(std::ceil(std::log10(hi))); ++k) {
    for (const double m : {1.0, 2.0, 5.0}) {
      all.push_back(m * std::pow(10.0, k));
    }
  }
  std::vector<double> ticks;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const bool below_next = i + 1 < all.size() && all[i + 1] <= lo;
    const bool past_end = !ticks.empty() && ticks.back() >= hi;
    if (!below_next && !past_end) {
      ticks.push_back(all[i]);
    }
  }
  if (ticks.size() > 8) {
    std::vector<double> decades;
    for (const double t : ticks) {
      if (std::abs(std::log10(t) - std::round(std::log10(t))) < 1e-9) {
        decades.push_back(t);
      }
    }
    if (decades.size() >= 2) {
      if (ticks.front() < decades.front() * (1 - 1e-9)) {
        decades.insert(decades.begin(), decades.front() / 10);
      }
      if (ticks.back() > decades.back() * (1 + 1e-9)) {
        decades.push_back(decades.back() * 10);
      }
      return decades;
    }
  }
  return ticks;
}

std::string tick_label(double value, double step)
{
  if (step >= 1 || value == std::floor(value)) {
    return fmt::format("{:.0f}", value);
  }
  if (step >= 0.1) {
    return fmt::format("{:.1f}", value);
  }
  return fmt::format("{:.2f}", value);
}

void open_svg(std::string& out, const Frame& frame, std::string_view css_class, std::string_view label)
{
  fmt::format_to(std::back_inserter(out),
                 "<svg class=\"chart {}\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"", css_class,
                 frame.width, frame.height);
  util::append_html_escaped(out, label);
  out += "\" preserveAspectRatio=\"xMidYMid meet\">\n";
}

void y_grid(std::string& out, const Frame& frame, const Scale& y, const std::vector<double>& ticks,
            std::string_view unit)
{
  const double step = ticks.size() > 1 ? ticks[1] - ticks[0] : 1;
  for (const double tick : ticks) {
    const double py = y(tick);
    fmt::format_to(std::back_inserter(out),
                   "<line class=\"grid\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\"/>"
                   "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}{}</text>\n",
                   frame.x0(), py, frame.x1(), py, frame.x0() - 6, py + 4, tick_label(tick, step), unit);
  }
}

} // namespace

std::vector<double> nice_ticks(double lo, double hi, int target)
{
  // Never empty, whatever the values read: a range beyond +-1e300 (or not
  // a number) is drawn as if clamped, so that hi - lo and every step stay
  // finite, and an empty range is widened by enough to be seen at lo's size.
  const auto clamped = [](double v) { return std::isnan(v) ? 0.0 : std::clamp(v, -1e300, 1e300); };
  lo = clamped(lo);
  hi = clamped(hi);
  target = std::max(target, 2);
  if (hi <= lo) {
    hi = lo + std::max(1.0, std::abs(lo) * 1e-6);
  }
  std::vector<double> ticks;
  const double raw = (hi - lo) / (target - 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (const double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    step = m * magnitude;
    if (step >= raw) {
      break;
    }
  }
  const double first = std::floor(lo / step) * step;
  for (double v = first; v < hi + step * 0.999 && ticks.size() < 20; v += step) {
    ticks.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v);
  }
  return ticks;
}

std::string cdf_chart_svg(const std::vector<LatencyCurve>& curves, const std::string& kept_variant)
{
  double lo = INFINITY;
  double hi = -INFINITY;
  for (const auto& curve : curves) {
    if (curve.points.empty()) {
      continue;
    }
    lo = std::min(lo, curve.points.front().first);
    // Up to p99: a long tail would squash the part that tells variants apart.
    auto p99 = std::find_if(curve.points.begin(), curve.points.end(),
                            [](const auto& point) { return point.second >= 0.99; });
    hi = std::max(hi, p99 == curve.points.end() ? curve.points.back().first : p99->first);
  }
  if (!std::isfinite(lo)) {
    return {};
  }
  const Frame frame{560, 250, 54, 14, 12, 40};
  // A long tail (sub-millisecond medians, tens of ms at p99) needs a log
  // axis, or every curve is a vertical line at the left.
  const bool log = lo > 0 && hi / lo >= 20;
  auto xticks = log ? log_ticks(lo, hi) : nice_ticks(lo, hi, 6);
  const double x_lo = xticks.front();
  const double x_hi = std::max(xticks.back(), x_lo + 1e-9);
  const Scale x{x_lo, x_hi, frame.x0(), frame.x1(), log};
  const Scale y{0, 1, frame.y0(), frame.y1()};

  std::string out;
  out.reserve(16 * 1024);
  open_svg(out, frame, "cdf",
           "Latency distribution of the last run: share of requests at or below each latency");
  for (const double q : {0.0, 0.25, 0.5, 0.75, 1.0}) {
    const double py = y(q);
    fmt::format_to(std::back_inserter(out),
                   "<line class=\"grid{}\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\"/>"
                   "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n",
                   q == 0.5 ? " mark" : "", frame.x0(), py, frame.x1(), py, frame.x0() - 6, py + 4,
                   q == 0.5 ? "p50" : fmt::format("{:.0f}%", q * 100));
  }
  // p95 too close to 100% for a label on the axis: labelled inside, at the left.
  fmt::format_to(std::back_inserter(out),
                 "<line class=\"grid mark\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" y2=\"{1:.1f}\"/>"
                 "<text class=\"tick\" x=\"{3:.1f}\" y=\"{4:.1f}\">p95</text>\n",
                 frame.x0(), y(0.95), frame.x1(), frame.x0() + 4, y(0.95) + 14);
  const double xstep = xticks.size() > 1 ? xticks[1] - xticks[0] : 1;
  for (const double tick : xticks) {
    const double px = x(tick);
    fmt::format_to(std::back_inserter(out),
                   "<line class=\"grid\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\"/>"
                   "<text class=\"tick\" x=\"{0:.1f}\" y=\"{3:.1f}\" text-anchor=\"middle\">{4}</text>\n",
                   px, frame.y0(), frame.y1(), frame.y0() + 16,
                   log ? fmt::format("{:g}", tick) : tick_label(tick, xstep));
  }
  fmt::format_to(std::back_inserter(out),
                 "<text class=\"axis-label\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">latency "
                 "(ms{}), up to p99</text>\n",
                 (frame.x0() + frame.x1()) / 2, frame.height - 4, log ? ", log scale" : "");

  std::size_t index = 0;
  for (const auto& curve : curves) {
    const std::size_t series = index++;
    if (curve.points.empty()) {
      continue;
    }
    const bool kept = curve.name == kept_variant;
    fmt::format_to(std::back_inserter(out), "<polyline class=\"series s{}{}\" points=\"",
                   std::min<std::size_t>(series, 7), kept ? " kept" : "");
    for (const auto& [latency, fraction] : curve.points) {
      fmt::format_to(std::back_inserter(out), "{:.1f},{:.1f} ", x(latency), y(fraction));
    }
    out.back() = '"';
    out += "><title>";
    util::append_html_escaped(out, curve.name);
    out += "</title></polyline>\n";
  }
  out += "</svg>\n";
  return out;
}

namespace {

double epoch_s(util::SystemTime time)
{
  return std::chrono::duration<double>(time.time_since_epoch()).count();
}

// A tick step for a span of seconds: about 3 to 6 ticks, on round times.
double time_step(double span_s)
{
  constexpr double minute = 60, hour = 3600, day = 86400;
  for (const double step : {minute, 5 * minute, 15 * minute, 30 * minute, hour, 2 * hour, 3 * hour, 6 * hour,
                            12 * hour, day, 2 * day, 7 * day, 14 * day, 30 * day, 91 * day, 365 * day}) {
    if (span_s / step <= 6) {
      return step;
    }
  }
  return 365 * day * std::ceil(span_s / (6 * 365 * day));
}

// "11-22 16:00" for the first tick and a new day, "17:00" within a day;
// "2026-11-22" for steps of a day or more.
std::string time_tick_label(double t, double step, bool first, double previous)
{
  const auto time = util::SystemTime(
    std::chrono::duration_cast<util::SystemTime::duration>(std::chrono::duration<double>(t)));
  const std::string iso = util::format_rfc3339(time); // 2026-11-22T16:00:00Z
  if (step >= 86400) {
    return iso.substr(0, 10);
  }
  const bool new_day = first || std::floor(t / 86400) != std::floor(previous / 86400);
  return new_day ? iso.substr(5, 5) + " " + iso.substr(11, 5) : iso.substr(11, 5);
}

std::string value_label(double value)
{
  if (value != 0 && std::abs(value) < 10) {
    return fmt::format("{:.2f}", value);
  }
  return std::abs(value) < 100 ? fmt::format("{:.1f}", value) : fmt::format("{:.0f}", value);
}

} // namespace

std::string time_chart_svg(const TimeChart& chart)
{
  double t_lo = INFINITY, t_hi = -INFINITY, lo = INFINITY, hi = -INFINITY;
  for (const auto& series : chart.series) {
    for (const auto& point : series.points) {
      t_lo = std::min(t_lo, epoch_s(point.time));
      t_hi = std::max(t_hi, epoch_s(point.time));
      lo = std::min(lo, point.value);
      hi = std::max(hi, point.value);
    }
  }
  if (!std::isfinite(t_lo)) {
    return {};
  }
  const Frame frame{560, 180, 54, 16, 10, 40};
  // Zoomed to the data (the axis is labelled): a 10% change must be visible.
  const double pad = hi > lo ? (hi - lo) * 0.15 : std::max(std::abs(hi) * 0.1, 0.5);
  const auto yticks = nice_ticks(std::max(0.0, lo - pad), hi + pad, 4);
  const Scale y{yticks.front(), yticks.back(), frame.y0(), frame.y1()};
  const bool one_time = t_hi <= t_lo;
  const double t_pad = one_time ? 3600 : (t_hi - t_lo) * 0.03;
  const Scale x{t_lo - t_pad, t_hi + t_pad, frame.x0(), frame.x1()};

  std::string out;
  out.reserve(4096);
  open_svg(out, frame, chart.css_class, chart.aria_label);
  y_grid(out, frame, y, yticks, "");
  const double step = time_step(x.hi - x.lo);
  double previous = 0;
  bool first = true;
  for (double t = std::ceil(x.lo / step) * step; t <= x.hi; t += step) {
    const double px = x(t);
    fmt::format_to(std::back_inserter(out),
                   "<line class=\"grid\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\"/>"
                   "<text class=\"tick\" x=\"{0:.1f}\" y=\"{3:.1f}\" text-anchor=\"middle\">{4}</text>\n",
                   px, frame.y0(), frame.y1(), frame.y0() + 15, time_tick_label(t, step, first, previous));
    previous = t;
    first = false;
  }
  out += fmt::format("<text class=\"axis-label\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">",
                     (frame.x0() + frame.x1()) / 2, frame.height - 4);
  util::append_html_escaped(out, chart.y_label);
  out += one_time ? " · one run so far: a trend needs a second run</text>\n" : " · finished (UTC)</text>\n";

  for (const auto& series : chart.series) {
    if (series.points.size() > 1) {
      fmt::format_to(std::back_inserter(out), "<polyline class=\"series {}\" points=\"", series.css_class);
      for (const auto& point : series.points) {
        fmt::format_to(std::back_inserter(out), "{:.1f},{:.1f} ", x(epoch_s(point.time)), y(point.value));
      }
      out.back() = '"';
      out += "/>\n";
    }
    for (const auto& point : series.points) {
      // A lone point is drawn as a dot, with its value beside it.
      const bool lone = one_time || series.points.size() == 1;
      if (!point.marked && !lone && point.title.empty()) {
        continue;
      }
      const double px = x(epoch_s(point.time));
      const double py = y(point.value);
      fmt::format_to(std::back_inserter(out),
                     "<circle class=\"dot {} {}\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{}\">",
                     point.marked ? "kept" : "other", series.css_class, px, py,
                     point.marked ? 4
                     : lone       ? 3.5
                                  : 2.5);
      out += "<title>";
      util::append_html_escaped(out, point.title);
      out += "</title></circle>\n";
      if (lone) {
        fmt::format_to(std::back_inserter(out), "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n",
                       px + 7, py - 6, value_label(point.value));
      }
    }
  }
  out += "</svg>\n";
  return out;
}

namespace {

OptNumber metric_of(const Stats& stats, TrendMetric metric)
{
  switch (metric) {
  case TrendMetric::p50:
    return stats.p50_ms;
  case TrendMetric::error_rate:
    return stats.err_pct;
  case TrendMetric::cpu_per_request:
    return stats.cpu_ms_per_request;
  case TrendMetric::rss:
    return stats.rss_peak_mib;
  }
  return std::nullopt;
}

std::string_view metric_label(TrendMetric metric)
{
  switch (metric) {
  case TrendMetric::p50:
    return "p50 (ms)";
  case TrendMetric::error_rate:
    return "errors (%)";
  case TrendMetric::cpu_per_request:
    return "CPU per request (ms)";
  case TrendMetric::rss:
    return "peak memory (MiB)";
  }
  return "";
}

std::string unit_of(TrendMetric metric)
{
  switch (metric) {
  case TrendMetric::p50:
  case TrendMetric::cpu_per_request:
    return " ms";
  case TrendMetric::error_rate:
    return "%";
  case TrendMetric::rss:
    return " MiB";
  }
  return "";
}

} // namespace

std::string trend_chart_svg(const std::vector<const RunSummary*>& runs, const std::string& title,
                            TrendMetric metric)
{
  TimeChart chart;
  chart.css_class = "trend";
  chart.y_label = std::string(metric_label(metric));
  chart.aria_label =
    std::string(metric_label(metric)) + " per run of " + title + ": baseline and the chosen variant";
  TimeSeries base{"s0", {}};
  TimeSeries chosen_series{"s1", {}};
  const std::string unit = unit_of(metric);
  for (const auto* run : runs) {
    if (!run->finished) {
      continue;
    }
    const auto* chosen = run->chosen();
    const OptNumber base_value = metric_of(run->baseline, metric);
    // NaN for "none" (an optional here trips g++ 12's maybe-uninitialized).
    const double chosen_value =
      chosen ? metric_of(chosen->stats, metric).value_or(std::nan("")) : std::nan("");
    std::string tip = run->run_id + " · " + std::string(outcome::run_label(run->status, run->mode)) +
                      " · baseline " + (base_value ? value_label(*base_value) + unit : "–");
    if (chosen) {
      tip += " · " + chosen->name + " " + (std::isnan(chosen_value) ? "–" : value_label(chosen_value) + unit);
    }
    if (base_value) {
      base.points.push_back({*run->finished, *base_value, {}, false});
    }
    if (!std::isnan(chosen_value)) {
      const bool kept =
        run->kept_variant != "none" && chosen->name == run->kept_variant && run->status == "kept";
      chosen_series.points.push_back({*run->finished, chosen_value, tip, kept});
    } else if (base_value) {
      base.points.back().title = tip;
    }
  }
  chart.series.push_back(std::move(base));
  chart.series.push_back(std::move(chosen_series));
  return time_chart_svg(chart);
}

} // namespace smart::dashboard
