#pragma once

#include <smart/run/settings.hpp>

#include <optional>
#include <string>

// What --dry-run says about a plan before anything runs: how long it takes
// at most, and whether it can reach a keep at all. Pure.

namespace smart {

struct PlanCheck {
  double seconds_per_variant = 0; // measuring, warm-ups and cooldowns of one variant
  double total_seconds = 0;       // every variant (and the baseline, the confirmation)
  std::string cannot_keep;        // why no data could make this plan keep; empty when it can
};

// probe_interval_s: smart-measure's interval in probe mode (nullopt in load
// mode or with the experiment's own measure command: samples unknown).
PlanCheck check_plan(const RunSettings& settings, std::size_t variants,
                     std::optional<double> probe_interval_s);

} // namespace smart
