#pragma once

#include <smart/decide/decision.hpp>

#include <string>

// The wording of smart-decide's reasons and metrics line: how numbers are
// rounded for reading. Internal to the decide stage.

namespace smart::decision_detail {

// Numbers in messages: up to 4 decimals, trailing zeros dropped; "n/a", "+∞".
std::string number(double value);
std::string signed_number(double value);
// Percentages to 1 decimal.
std::string pct_text(double value);
// Percentage points to 2 decimals, signed.
std::string pp_text(double value);
// An improvement (positive = variant faster) as "12.3% faster" or "4.5% slower".
std::string change_text(double improvement);
// "p50 12.3% faster (90% CI 4.5% to 19.8%, paired blocks)".
std::string latency_text(const SmartAnalysis& a, Metric metric, double level);

} // namespace smart::decision_detail
