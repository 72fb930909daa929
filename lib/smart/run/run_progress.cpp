#include <smart/run/run_progress.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace smart {

RunPlan plan_run(const RunSettings& settings, std::size_t variant_count)
{
  const int pairs = plan_blocks(settings).pairs;
  if (settings.mode == RunMode::calibrate) {
    return {2 * pairs, settings.warmup + 2.0 * pairs * settings.block};
  }
  // Strategy best screens every variant, then confirms the best afresh.
  const std::size_t comparisons =
    variant_count + (settings.strategy == Strategy::best && variant_count > 1 ? 1U : 0U);
  const double n = static_cast<double>(comparisons);
  if (settings.design == Design::sequential) {
    return {1 + static_cast<int>(comparisons), settings.baseline + n * planned_variant_time(settings)};
  }
  return {2 * pairs * static_cast<int>(comparisons), n * planned_variant_time(settings)};
}

namespace {

// "45s", "4m10s", "1h05m": short enough for a terminal line.
std::string short_time(util::Duration left)
{
  const auto s = static_cast<long long>(std::ceil(left.count()));
  if (s < 60) {
    return fmt::format("{}s", s);
  }
  if (s < 3600) {
    return fmt::format("{}m{:02}s", s / 60, s % 60);
  }
  return fmt::format("{}h{:02}m", s / 3600, s % 3600 / 60);
}

} // namespace

std::string run_progress_text(int block, int blocks, util::Duration left)
{
  const std::string time =
    left.count() >= 1 ? "run " + short_time(left) + " left" : "run ends after this block";
  return fmt::format(" · block {} of {} · {}", std::clamp(block, 1, std::max(blocks, 1)), blocks, time);
}

util::Duration run_time_left(const RunPlan& plan, int block, util::Duration elapsed)
{
  if (plan.blocks <= 0) {
    return plan.total - elapsed;
  }
  // Blocks often take longer than planned (a loaded server, slow commands):
  // the blocks still ahead keep their share of the plan, so the time left
  // never reads as over while blocks remain.
  const int ahead = std::max(0, plan.blocks - block);
  return std::max(plan.total - elapsed, plan.total * (static_cast<double>(ahead) / plan.blocks));
}

void RunProgress::set_plan(const RunPlan& plan)
{
  m_plan = plan;
  m_start = std::chrono::steady_clock::now();
  m_block = 0;
}

std::string RunProgress::suffix() const
{
  if (!m_plan || m_plan->blocks <= 0) {
    return {};
  }
  const util::Duration elapsed = std::chrono::steady_clock::now() - m_start;
  return run_progress_text(m_block, m_plan->blocks, run_time_left(*m_plan, m_block, elapsed));
}

} // namespace smart
