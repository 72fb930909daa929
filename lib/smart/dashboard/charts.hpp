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

// p50 of the baseline and of the chosen variant over the given runs (one
// experiment, oldest first); kept runs marked.
std::string trend_chart_svg(const std::vector<const RunSummary*>& runs, const std::string& experiment);

} // namespace smart::dashboard
