#pragma once

#include <smart/run/context.hpp>
#include <smart/run/experiment.hpp>

#include <filesystem>
#include <string>

// smart-run --undo RUN_ID: restore what a kept run changed, with the values
// that run stored when it applied its variant, and record it in history.

namespace smart {

struct UndoPlan {
  std::string run_id;  // the kept run
  std::string variant; // what it kept
  std::filesystem::path run_dir;
  Experiment exp; // the snapshot the run used
};

// Checks that RUN_ID can be undone and says what it would do: a run in
// history that kept a variant (not advice, not a calibration), the last of
// its experiment to keep one and not undone already, whose run directory
// (with the values it replaced) still exists. Throws smart::UsageError
// (exit 2, nothing changed) naming what is missing.
UndoPlan plan_undo(const RunContext& ctx, const std::string& run_id);

// Runs the experiment's revert and check for the kept variant with
// SMART_RUN_DIR = the kept run's directory, under pending.json (a kill
// mid-way is recovered by the next run), and records a run of mode "undo"
// (status reverted, or revert_failed with revert_failed.json and the
// alarm). Returns the exit code: 0, or 3 when the revert failed.
int undo_run(const RunContext& ctx, const UndoPlan& plan);

} // namespace smart
