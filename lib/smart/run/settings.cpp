#include <smart/run/settings.hpp>

#include <algorithm>
#include <cmath>

namespace smart {

using util::Duration;

std::string_view to_string(RunMode mode)
{
  switch (mode) {
  case RunMode::advise:
    return "advise";
  case RunMode::calibrate:
    return "calibrate";
  case RunMode::run:
    break;
  }
  return "run";
}

RunSettings resolve_settings(const Experiment& exp, const Config& config, const SettingsOverrides& o)
{
  RunSettings s;
  s.baseline = o.baseline.value_or(exp.baseline_seconds.value_or(config.baseline_seconds()));
  s.variant = o.variant.value_or(exp.variant_seconds.value_or(config.experiment_seconds()));
  s.cooldown = o.cooldown.value_or(exp.cooldown_seconds.value_or(config.cooldown_seconds()));
  s.timeout = o.timeout.value_or(exp.timeout);
  // Blocks: 30 s, or a quarter of the variant's time when that is shorter,
  // so even a short run has four pairs to compare.
  s.block = o.block.value_or(exp.block_seconds.value_or(std::min(Duration(30), s.variant / 4)));
  // Warm-up after each switch: the cooldown, but never longer than a block.
  s.warmup = o.warmup.value_or(exp.warmup_seconds.value_or(std::min(s.cooldown, s.block)));
  s.improve_pct = exp.thresholds.improve_pct.value_or(config.improve_pct());
  s.max_err_delta_pct = exp.thresholds.max_err_delta_pct.value_or(config.max_err_delta_pct());
  s.metric = exp.thresholds.metric.value_or("p50");
  s.abort_err_pct = config.abort_err_pct();
  s.service = !exp.service.empty() || !exp.pid_file.empty() ? exp.service : config.target_service();
  s.pid_file = !exp.service.empty() || !exp.pid_file.empty() ? exp.pid_file : config.target_pid_file();
  s.cgroup_root = config.cgroup_root();
  s.resource_limits.max_cpu_increase_pct =
    exp.thresholds.max_cpu_increase_pct.value_or(config.max_cpu_increase_pct());
  s.resource_limits.max_memory_increase_pct =
    exp.thresholds.max_memory_increase_pct.value_or(config.max_memory_increase_pct());
  s.design = o.design.value_or(exp.design);
  s.strategy = exp.strategy;
  s.looks = plan_blocks(s).looks;
  return s;
}

BlockPlan plan_blocks(const RunSettings& settings)
{
  BlockPlan plan;
  const double ratio = settings.block.count() > 0 ? settings.variant.count() / settings.block.count() : 2;
  plan.pairs = std::max(2, static_cast<int>(std::ceil(ratio - 1e-9)));
  // Even, so the ABBA order ends on the baseline.
  plan.pairs += plan.pairs % 2;
  // A look every 4 pairs (at least 4 pairs a look), up to 4 looks.
  plan.looks = std::clamp(plan.pairs / 4, 1, 4);
  for (int k = 1; k <= plan.looks; ++k) {
    int after = static_cast<int>(std::ceil(static_cast<double>(plan.pairs) * k / plan.looks));
    after += after % 2; // look after complete ABBA quartets
    plan.look_after.push_back(std::min(after, plan.pairs));
  }
  plan.look_after.erase(std::unique(plan.look_after.begin(), plan.look_after.end()), plan.look_after.end());
  plan.looks = static_cast<int>(plan.look_after.size());
  return plan;
}

util::Duration planned_variant_time(const RunSettings& settings)
{
  if (settings.design == Design::sequential) {
    return settings.cooldown + settings.warmup + settings.variant;
  }
  return settings.warmup + 2.0 * plan_blocks(settings).pairs * settings.block;
}

} // namespace smart
