#pragma once

#include <smart/run/context.hpp>
#include <smart/run/experiment.hpp>
#include <smart/run_store.hpp>

#include <filesystem>
#include <string>
#include <string_view>

// Recovery of a run that died while a variant was applied: smart-run finds
// pending.json at start and reverts first, before anything else.

namespace smart {

// Reverts what pending.json names (the revert, then the check, of the
// experiment snapshot in the run directory) and records the interrupted run
// as aborted. Returns false when the revert failed (recorded in
// revert_failed.json, status revert_failed).
bool recover_pending(const RunContext& ctx, const Pending& pending);

struct RevertOutcome {
  bool ok = false;
  std::string why; // the failed command's description
};

// The revert, then the check, of EXP for PENDING's variant, with
// SMART_RUN_DIR = RUN_DIR (where the run that applied it stored what it
// replaced). Their logs are RUN_DIR/revert.<variant>.<WHY>.log and
// check.<variant>.<WHY>.log. Never interrupted by a signal.
RevertOutcome revert_recorded(const RunContext& ctx, const Pending& pending, const Experiment& exp,
                              const std::filesystem::path& run_dir, std::string_view why);

} // namespace smart
