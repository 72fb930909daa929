#pragma once

#include <smart/run/commands.hpp>
#include <smart/run/context.hpp>
#include <smart/run/experiment.hpp>
#include <smart/run/fingerprint.hpp>
#include <smart/run/recovery.hpp>
#include <smart/run/settings.hpp>
#include <smart/run_store.hpp>

#include <filesystem>
#include <optional>
#include <string>

// One experiment end to end: the state machine smart-run drives after it
// holds the lock, recovered any pending revert and validated the
// experiment — baseline, each variant applied, measured, decided, kept or
// reverted, and the run's ending recorded.
//
// Safety: pending.json names the variant before it is applied and goes away
// only once it is reverted or kept; every failure, timeout, abort-guard trip
// or signal ends in the revert having run; a failed revert is recorded in
// revert_failed.json and the run ends with status revert_failed (exit 3).

namespace smart {

// Runs exp; returns the finished summary (already written to summary.json,
// state.json and history.jsonl). Never throws for a failure of the
// experiment itself: that is a status. Every child process is started
// through ctx.processes.
RunSummary run_experiment(const RunContext& ctx, const Experiment& exp, const RunSettings& settings);

// The exit code a finished run maps to.
int exit_code_for(const RunSummary& summary);

} // namespace smart
