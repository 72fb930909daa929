#pragma once

#include <smart/decide/decision.hpp>

#include <boost/json/array.hpp>

#include <map>
#include <string>
#include <vector>

// A request mix judged page by page: the decision on the whole mix can hide
// one page that got much slower behind many that got a little faster. Each
// target present on both sides is decided on its own (smart rule); one shown
// much worse (its tail beyond the tolerance, or its median at least the
// tolerance slower with the whole interval below zero) turns a keep into a
// revert that names it.

namespace smart {

// Rows of one side, split by their "target" column.
struct TargetArms {
  std::map<std::string, ArmSamples, std::less<>> by_target;
  void add(const ParsedSample& row);
  bool empty() const { return by_target.empty(); }
};

struct TargetResult {
  std::string target;
  std::size_t base_good = 0;
  std::size_t var_good = 0;
  double base_p50_ms = 0; // NaN when a side has no good sample
  double var_p50_ms = 0;
  double change_pct = 0; // (var - base) / base on p50, positive = slower
  bool judged = false;   // enough samples on both sides for a decision
  bool worse = false;
  std::string reason; // the per-target decision's first reason
};

std::vector<TargetResult> judge_targets(TargetArms& baseline, TargetArms& variant,
                                        const DecideOptions& options);

// Turns a keep into a revert (decided_by "target_worse") when a target is worse.
void apply_target_guard(Decision& decision, const std::vector<TargetResult>& results);

// "target URL: p50 1.234 -> 2.345 ms (+90.0%), 300/300 samples[; WORSE: reason]"
std::string describe(const TargetResult& result);

boost::json::array to_json(const std::vector<TargetResult>& results);

} // namespace smart
