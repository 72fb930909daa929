#pragma once

#include <smart/config.hpp>
#include <smart/run/experiment.hpp>
#include <smart/run/run_log.hpp>
#include <smart/run_store.hpp>

#include <filesystem>
#include <optional>
#include <string>

// One experiment end to end: the
// orchestration smart-run drives after it holds the lock, recovered any
// pending revert and validated the experiment.
//
// Safety: pending.json names the variant before it is applied and goes away
// only once it is reverted or kept; every failure, timeout, abort-guard trip
// or signal ends in the revert having run; a failed revert is recorded in
// revert_failed.json and the run ends with status revert_failed (exit 3).

namespace smart {

enum class RunMode { run, advise, calibrate };

// Effective settings: command line > meta.json > smart.conf > default.
struct RunSettings {
  util::Duration baseline{300.0};
  util::Duration variant{300.0};
  util::Duration cooldown{60.0};
  util::Duration block{30.0};
  util::Duration warmup{30.0};
  util::Duration timeout{120.0};
  double improve_pct = 10;
  double max_err_delta_pct = 2;
  std::string metric = "p50";
  double abort_err_pct = 50;
  std::size_t abort_after = 10;
  double confidence = 0.95;
  Design design = Design::interleaved;
  Strategy strategy = Strategy::first_winner;
  RunMode mode = RunMode::run;
  int looks = 1; // planned looks per variant (interleaved)
};

// Overrides from the command line.
struct SettingsOverrides {
  std::optional<util::Duration> baseline, variant, cooldown, block, warmup, timeout;
  std::optional<Design> design;
};

RunSettings resolve_settings(const Experiment& exp, const Config& config, const SettingsOverrides& overrides);

// The blocks of an interleaved comparison: pairs, each baseline then variant
// or variant then baseline (ABBA order, so a steady drift cancels in the
// paired differences), and where the planned looks fall.
struct BlockPlan {
  int pairs = 2;
  int looks = 1;
  std::vector<int> look_after; // pair counts after which to look
};
BlockPlan plan_blocks(const RunSettings& settings);
// True when pair k (1-based) measures the variant first.
constexpr bool variant_first(int pair)
{
  return pair % 2 == 0;
}

struct RunContext {
  const Config& config;
  std::optional<std::filesystem::path> config_file; // passed on to sibling tools
  const RunStore& store;
  std::filesystem::path bin_dir; // smart-measure, smart-decide, smart-phone ...
  RunLog& log;
};

// Runs exp; returns the finished summary (already written to summary.json,
// state.json and history.jsonl). Never throws for a failure of the
// experiment itself: that is a status.
RunSummary run_experiment(const RunContext& ctx, const Experiment& exp, const RunSettings& settings);

// Reverts what pending.json names and records the interrupted run as
// aborted. Returns false when the revert failed (recorded in
// revert_failed.json).
bool recover_pending(const RunContext& ctx, const Pending& pending);

// The exit code a finished run maps to.
int exit_code_for(const RunSummary& summary);

// The fingerprint (size and hash) of the files an experiment manages ("" when
// none). A path may name configuration values: "${NGINX_CONF}".
std::string fingerprint(const Experiment& exp, const Config& config);

// The environment experiment commands get: ours without secrets, smart.conf's
// values, then SMART_EXPERIMENT SMART_VARIANT SMART_RUN_ID SMART_RUN_DIR SMART_OUTPUT.
std::map<std::string, std::string> command_environment(const Config& config, const std::string& experiment,
                                                       const std::string& variant, const std::string& run_id,
                                                       const std::filesystem::path& run_dir,
                                                       const std::filesystem::path& output);

} // namespace smart
