#pragma once

#include <smart/run/context.hpp>
#include <smart/run/experiment.hpp>
#include <smart/run/settings.hpp>

// smart-run --dry-run (run_dry.cpp): what the run would do, as text or as
// JSON on stdout, after one probe of the target; nothing is applied. run()
// in run.cpp finds the experiment and resolves its settings.

namespace smart::cmd {

int print_dry_run(const RunContext& ctx, const Experiment& exp, const RunSettings& settings, bool as_json);

} // namespace smart::cmd
