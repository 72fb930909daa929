#pragma once

#include <smart/config.hpp>
#include <smart/run/context.hpp>
#include <smart/run/experiment.hpp>
#include <smart/util/process.hpp>

#include <filesystem>
#include <map>
#include <string>

// How an experiment's own commands (apply, check, revert, measure) are
// started, by a run and by the recovery of an interrupted one alike: where
// they run, what environment they get, where their output goes.

namespace smart {

// The environment experiment commands get: ours without secrets, smart.conf's
// values, then SMART_EXPERIMENT SMART_VARIANT SMART_RUN_ID SMART_RUN_DIR SMART_OUTPUT.
std::map<std::string, std::string> command_environment(const Config& config, const std::string& experiment,
                                                       const std::string& variant, const std::string& run_id,
                                                       const std::filesystem::path& run_dir,
                                                       const std::filesystem::path& output);

// The environment the sibling tools get: ours (secrets included: smart-phone
// needs its token) plus smart.conf's values.
std::map<std::string, std::string> tool_environment(const Config& config);

// Where an experiment's commands run.
struct CommandSite {
  const Config& config;
  std::string experiment;
  std::filesystem::path experiment_dir; // their working directory
  std::string run_id;
  std::filesystem::path run_dir; // their logs go here
};

// The spec of one command for variant (SMART_VARIANT), its stdout and stderr
// appended to run_dir/log_name.
util::ProcessSpec command_spec(const CommandSite& site, const Command& command, const std::string& variant,
                               const std::string& log_name, util::Duration timeout,
                               util::Interruptible interruptible, const std::filesystem::path& output = {});

// A run's apply, check and revert steps, each logged in the run log and to
// <phase>.<variant>.log in the run directory. While a variant is pending,
// each step's process group is recorded in pending.json before it runs.
class ExperimentCommands {
public:
  ExperimentCommands(const RunContext& ctx, const Experiment& exp, util::Duration timeout, std::string run_id,
                     std::filesystem::path run_dir);

  // The experiment's baseline_apply, then its check. Throws flow::Interrupted
  // or flow::StepFailed.
  void apply_baseline() const;
  // variant's apply, then the check. Throws flow::Interrupted or
  // flow::StepFailed (with the variant's own reason).
  void apply(const Variant& variant) const;
  // The revert for variant, then the check (as "<variant>.reverted"); never
  // interrupted: a revert runs to its end or its timeout. Throws
  // flow::RevertFailed.
  void revert(const std::string& variant) const;

private:
  util::ProcessResult run(const Command& command, const std::string& phase, const std::string& variant,
                          util::Interruptible interruptible) const;
  void check(const std::string& variant) const;
  // Records the group of a command just started in pending.json (before it
  // runs), when this run has a variant pending.
  void record_group(int pgid) const;

  const RunContext& m_ctx;
  const Experiment& m_exp;
  util::Duration m_timeout;
  std::string m_id;
  std::filesystem::path m_dir;
};

} // namespace smart
