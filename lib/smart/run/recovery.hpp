#pragma once

#include <smart/run/context.hpp>
#include <smart/run_store.hpp>

// Recovery of a run that died while a variant was applied: smart-run finds
// pending.json at start and reverts first, before anything else.

namespace smart {

// Reverts what pending.json names (the revert, then the check, of the
// experiment snapshot in the run directory) and records the interrupted run
// as aborted. Returns false when the revert failed (recorded in
// revert_failed.json, status revert_failed).
bool recover_pending(const RunContext& ctx, const Pending& pending);

} // namespace smart
