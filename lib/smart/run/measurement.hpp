#pragma once

#include <smart/run/context.hpp>
#include <smart/run/settings.hpp>
#include <smart/run/sibling_tools.hpp>
#include <smart/run_store.hpp>
#include <smart/samples_csv.hpp>

#include <filesystem>
#include <optional>
#include <string>

// Measuring one phase or block of a run, watched by the abort guard, and
// the waits between them (cooldown, warm-up); both draw a progress bar on a
// TTY. Failures throw flow::Interrupted or flow::StepFailed.

namespace smart {

// The abort guard: why to stop a variant when the error rate over samples
// and prior (its earlier blocks) passes ABORT_ERR_PCT after at least
// ABORT_AFTER samples; "" while it holds.
// ok: the response codes that are successes (the experiment's expect_status).
std::string guard_trip(const RunSettings& settings, const StatusSet& ok, const SampleSet& samples,
                       const SampleSet& prior);

struct Measured {
  SampleSet samples;
  std::string guard_reason; // "" unless the abort guard tripped
};

// Measures label into out for duration (a block number when interleaved).
// With guard, the abort guard watches the samples as they come (prior ones
// included) and stops the measurement early; ok says which codes are
// successes.
Measured measure_phase(const RunContext& ctx, const SiblingTools& tools, const RunSettings& settings,
                       const std::string& label, const std::filesystem::path& out, util::Duration duration,
                       std::optional<int> block, bool guard, const SampleSet& prior, const StatusSet& ok);

// The brief statistics summary.json carries for samples.
StatsBrief brief_of(const SampleSet& samples);
// "120 samples, p50 1.250 ms, errors 0.00%" ("n/a" without a latency).
std::string describe(const StatsBrief& brief);

// Waits for duration (a signal cuts it short: flow::Interrupted).
void wait_for(RunLog& log, util::Duration duration, const std::string& what);

} // namespace smart
