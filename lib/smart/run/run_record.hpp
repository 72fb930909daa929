#pragma once

#include <smart/run/context.hpp>
#include <smart/run/experiment.hpp>
#include <smart/run/settings.hpp>
#include <smart/run/sibling_tools.hpp>
#include <smart/run_store.hpp>

#include <filesystem>
#include <string>

// How a run is recorded at its start and its end: the banner in the run
// log, then summary.json, state.json, history.jsonl, the fingerprint of the
// managed files, retention, and the after-run hooks (smart-phone,
// smart-dashboard).

namespace smart {

// The banner: run id, experiment, directory, design and durations.
void log_run_start(RunLog& log, const RunSummary& summary, const Experiment& exp, const RunSettings& settings,
                   const std::filesystem::path& run_dir);

// Everything a finished run leaves behind, in order; the hooks never fail it.
// MANAGED_BEFORE: the fingerprint of the files EXP manages when the run
// began (before anything was applied).
void record_run_end(const RunContext& ctx, const SiblingTools& tools, const Experiment& exp,
                    const RunSummary& summary, const std::filesystem::path& run_dir,
                    const std::string& managed_before);

} // namespace smart
