#pragma once

#include <smart/decide/decision.hpp>

#include <cstdint>
#include <vector>

// The two rules that turn summarized sides into a verdict and its reasons
// (docs/decision.md). Internal to the decide stage: decide() summarizes,
// then calls one of these.

namespace smart::decision_detail {

// Paired differences base - variant of block medians (log latencies).
std::vector<double> block_differences(const ArmSamples& base, const ArmSamples& var);

// Thresholds compared exactly; metrics in units of 1e-5 ms, base_metric > 0.
void decide_original(Decision& d, std::int64_t base_metric, std::int64_t var_metric);

// Intervals, error bounds and tails; block_diffs from block_differences
// when both sides have blocks.
void decide_smart(Decision& d, ArmSamples& base, ArmSamples& var, const std::vector<double>& block_diffs);

} // namespace smart::decision_detail
