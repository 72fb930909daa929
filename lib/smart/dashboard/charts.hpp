#pragma once

#include <smart/dashboard/model.hpp>

#include <string>
#include <vector>

// Server-rendered SVG charts for index.html: readable with JavaScript off,
// styled by classes from style.css (the CSP forbids inline style), sized by
// a viewBox so they scale to any width. Pure.

namespace smart::dashboard {

// Round tick values covering [lo, hi], about target of them.
std::vector<double> nice_ticks(double lo, double hi, int target = 5);

// The CDF of every curve, x up to the largest p99 (log scale when that is
// 20 times the smallest latency or more); series i gets class "s<i>" (0 = baseline), the
// kept variant also "kept". Empty string when there is no curve with points.
std::string cdf_chart_svg(const std::vector<LatencyCurve>& curves, const std::string& kept_variant);

// A point of a time chart: when, the value, a tooltip; a marked point is
// drawn as a larger dot (a kept run).
struct TimePoint {
  util::SystemTime time;
  double value = 0;
  std::string title;
  bool marked = false;
};

// One line: css_class is "s0".."s7" (and "dots" to draw every point).
struct TimeSeries {
  std::string css_class;
  std::vector<TimePoint> points; // oldest first
};

struct TimeChart {
  std::string css_class;  // e.g. "trend"
  std::string aria_label; // what the chart shows, for screen readers
  std::string y_label;    // under the x axis: "p50 (ms)"
  std::vector<TimeSeries> series;
};

// Values over a real time axis: x is the time (dates and times in UTC as
// tick labels, spaced by time, not by index), y zoomed to the data. A chart
// whose points all share one time (one run) draws them in the middle and
// says that a trend needs a second run. Empty string when no series has a
// point.
std::string time_chart_svg(const TimeChart& chart);

// What a trend chart shows of a run.
enum class TrendMetric { p50, error_rate, cpu_per_request, rss };

// The metric of the baseline (s0) and of the chosen variant (s1) over the
// given runs (oldest first; runs without a finish time are left out); kept
// runs marked. Empty string when no run has the metric (e.g. no resource
// data was recorded).
std::string trend_chart_svg(const std::vector<const RunSummary*>& runs, const std::string& title,
                            TrendMetric metric = TrendMetric::p50);

} // namespace smart::dashboard
