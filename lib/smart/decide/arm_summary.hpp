#pragma once

#include <smart/decide/decision.hpp>

#include <array>
#include <cstdint>

// One side's summary (counts, quantiles, mean) from its compact samples, and
// the exact integer arithmetic the original rule compares in. Internal to
// the decide stage.

namespace smart::decision_detail {

// 128 bits: products of counts and scaled thresholds stay exact.
__extension__ typedef __int128 Int128;

int metric_percent(Metric metric);

// One side's summary, and the order statistics behind its quantiles (for
// the exact arithmetic of the original rule).
struct ArmSummary {
  SampleSummary summary;
  std::array<float, 4> low{};  // order statistic at each quantile's lower rank
  std::array<float, 4> high{}; // and at the next rank
};

ArmSummary summarize_arm(const ArmSamples& arm);

// The metric in units of 1e-5 ms, exact for 3-decimal inputs.
std::int64_t exact_metric(const ArmSamples& arm, const ArmSummary& summary, Metric metric);

double metric_of(const SampleSummary& s, Metric metric);

// (base - var) / base * 100; NaN when base is not positive or var unknown.
double improvement_pct(double base, double var);

} // namespace smart::decision_detail
