#include <smart/dashboard/charts.hpp>
#include <smart/outcome.hpp>

#include <smart/util/html.hpp>

#include <fmt/format.h>

#include <algorithm>
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
  std::vector<double> ticks;
  if (!std::isfinite(lo) || !std::isfinite(hi) || target < 2) {
    return ticks;
  }
  if (hi <= lo) {
    hi = lo + 1;
  }
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

std::string trend_chart_svg(const std::vector<const RunSummary*>& runs, const std::string& experiment)
{
  const Frame frame{560, 170, 54, 14, 10, 24};
  double lo = INFINITY;
  double hi = -INFINITY;
  for (const auto* run : runs) {
    for (const OptNumber value :
         {run->baseline.p50_ms, run->chosen() ? run->chosen()->stats.p50_ms : std::nullopt}) {
      if (value) {
        lo = std::min(lo, *value);
        hi = std::max(hi, *value);
      }
    }
  }
  if (!std::isfinite(lo)) {
    lo = 0, hi = 1;
  }
  // Zoomed to the data (the axis is labelled): a 10% change must be visible.
  const double pad = hi > lo ? (hi - lo) * 0.15 : std::max(hi * 0.1, 0.5);
  const auto yticks = nice_ticks(std::max(0.0, lo - pad), hi + pad, 4);
  const Scale y{yticks.front(), yticks.back(), frame.y0(), frame.y1()};
  const double n = static_cast<double>(runs.size());
  // One run: in the middle; otherwise spread over the width.
  auto px = [&](std::size_t i) {
    return runs.size() == 1 ? (frame.x0() + frame.x1()) / 2
                            : frame.x0() + (frame.x1() - frame.x0()) * static_cast<double>(i) / (n - 1);
  };

  std::string out;
  out.reserve(runs.size() * 160 + 2048);
  open_svg(out, frame, "trend", "p50 latency per run of " + experiment + ": baseline and the chosen variant");
  y_grid(out, frame, y, yticks, "");
  fmt::format_to(std::back_inserter(out),
                 "<text class=\"axis-label\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">p50 (ms) per "
                 "run, oldest left</text>\n",
                 (frame.x0() + frame.x1()) / 2, frame.height - 6);

  // Polylines broken where a run has no value (failed before measuring).
  auto line = [&](std::string_view css_class, auto value_of) {
    bool open = false;
    for (std::size_t i = 0; i < runs.size(); ++i) {
      const OptNumber value = value_of(*runs[i]);
      if (!value) {
        if (open) {
          out.back() = '"';
          out += "/>\n";
          open = false;
        }
        continue;
      }
      if (!open) {
        fmt::format_to(std::back_inserter(out), "<polyline class=\"series {}\" points=\"", css_class);
        open = true;
      }
      fmt::format_to(std::back_inserter(out), "{:.1f},{:.1f} ", px(i), y(*value));
    }
    if (open) {
      out.back() = '"';
      out += "/>\n";
    }
  };
  line("s0", [](const RunSummary& run) { return run.baseline.p50_ms; });
  line("s1", [](const RunSummary& run) {
    const auto* chosen = run.chosen();
    return chosen ? chosen->stats.p50_ms : std::nullopt;
  });
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto& run = *runs[i];
    const auto* chosen = run.chosen();
    if (!chosen || !chosen->stats.p50_ms) {
      continue;
    }
    const bool kept = run.kept_variant != "none" && chosen->name == run.kept_variant;
    fmt::format_to(std::back_inserter(out),
                   "<circle class=\"dot {}\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{}\"><title>",
                   kept ? "kept" : "other", px(i), y(*chosen->stats.p50_ms), kept ? 4 : 2.5);
    util::append_html_escaped(out, run.run_id);
    out += " · ";
    util::append_html_escaped(out, outcome::run_label(run.status, run.mode));
    fmt::format_to(std::back_inserter(out), " · baseline {} ms · ",
                   run.baseline.p50_ms ? fmt::format("{:.1f}", *run.baseline.p50_ms) : "–");
    util::append_html_escaped(out, chosen->name);
    fmt::format_to(std::back_inserter(out), " {:.1f} ms</title></circle>\n", *chosen->stats.p50_ms);
  }
  out += "</svg>\n";
  return out;
}

} // namespace smart::dashboard
