#pragma once

#include <smart/run/settings.hpp>
#include <smart/util/units.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

// The whole run's progress on a terminal: which measurement block of how
// many, and how long the run has left by its plan. The plan is the longest
// the run can take (every look taken, every variant compared); a run that
// keeps early or stops at an early look ends sooner.

namespace smart {

struct RunPlan {
  int blocks = 0;       // measurement phases: the sequential baseline, each block of each variant
  util::Duration total; // planned duration of everything from the first measurement on
};

// The plan of a run of variant_count variants by its settings; calibrate: the
// A/A run (baseline blocks against baseline blocks).
RunPlan plan_run(const RunSettings& settings, std::size_t variant_count);

// " · block 3 of 12 · run 4m10s left" (the block clamped to the plan;
// "run ends after this block" when less than a second is left).
std::string run_progress_text(int block, int blocks, util::Duration left);

// The run's time left in block (1-based, started) after elapsed: the plan's,
// but never less than the planned share of the blocks still ahead.
util::Duration run_time_left(const RunPlan& plan, int block, util::Duration elapsed);

// Counts the blocks of a run as they start and the time since the plan was
// set; suffix() is run_progress_text for now ("" before a plan), the time
// left being the plan's, but never less than the planned share of the
// blocks still ahead (blocks that overran do not make it read as done).
class RunProgress {
public:
  void set_plan(const RunPlan& plan);
  void next_block() { ++m_block; }
  std::string suffix() const;

private:
  std::optional<RunPlan> m_plan;
  std::chrono::steady_clock::time_point m_start;
  int m_block = 0;
};

} // namespace smart
