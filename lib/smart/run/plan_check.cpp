#include <smart/run/plan_check.hpp>

#include <smart/inference.hpp>

#include <fmt/format.h>

#include <cmath>
#include <vector>

namespace smart {

namespace {

// Successful samples a side smart-decide needs at the least (--min-samples).
constexpr double min_samples = 10;

} // namespace

PlanCheck check_plan(const RunSettings& s, std::size_t variants, std::optional<double> probe_interval_s)
{
  PlanCheck check;
  const double n_variants = static_cast<double>(variants);
  // strategy best confirms the winner afresh: one more variant's worth.
  const double measured = n_variants + (s.strategy == Strategy::best && variants > 1 ? 1 : 0);
  if (s.design == Design::sequential) {
    check.seconds_per_variant = s.cooldown.count() + s.variant.count();
    check.total_seconds = s.baseline.count() + measured * check.seconds_per_variant;
    if (probe_interval_s && *probe_interval_s > 0 && s.variant.count() / *probe_interval_s < min_samples) {
      check.cannot_keep =
        fmt::format("{:g} s a variant at one probe every {:g} s gives fewer than {:g} samples",
                    s.variant.count(), *probe_interval_s, min_samples);
    }
    return check;
  }
  const auto plan = plan_blocks(s);
  // Every block is measured; a warm-up follows each switch (about one per pair, and the first apply).
  check.seconds_per_variant = 2.0 * plan.pairs * s.block.count() + (plan.pairs + 1) * s.warmup.count();
  check.total_seconds = measured * check.seconds_per_variant;
  // The best data there can be: every pair's variant block faster. If even
  // that leaves the interval reaching 0 at the last look, no run can keep.
  std::vector<double> best(static_cast<std::size_t>(plan.pairs));
  for (std::size_t i = 0; i < best.size(); ++i) {
    best[i] = 1.0 + 0.01 * static_cast<double>(i);
  }
  const double alpha = inference::look_alpha(1 - s.confidence, static_cast<unsigned>(plan.looks),
                                             static_cast<unsigned>(plan.looks));
  const auto shift = inference::hodges_lehmann_paired(best, 1 - 2 * alpha);
  if (!(shift.interval.low > 0)) {
    int needed = plan.pairs;
    for (int pairs = plan.pairs + 2; pairs <= 64; pairs += 2) {
      std::vector<double> more(static_cast<std::size_t>(pairs), 1.0);
      for (std::size_t i = 0; i < more.size(); ++i) {
        more[i] += 0.01 * static_cast<double>(i);
      }
      if (inference::hodges_lehmann_paired(more, 1 - 2 * alpha).interval.low > 0) {
        needed = pairs;
        break;
      }
    }
    check.cannot_keep =
      fmt::format("{} block pairs cannot show a gain at confidence {:g} (the rule needs at least "
                  "{}: raise variant_seconds to {:g} s or shorten block_seconds)",
                  plan.pairs, s.confidence, needed, needed * s.block.count());
  }
  return check;
}

} // namespace smart
