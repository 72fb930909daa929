#pragma once

#include <smart/cmd/cli.hpp>
#include <smart/run/runner.hpp>

#include <optional>
#include <string>

// smart-run: one experiment end to end (docs/run.md, man smart-run).

namespace smart::cmd {

struct RunOptions {
  std::optional<std::filesystem::path> config;
  std::optional<std::string> experiment; // a directory, a meta.json, or an id in EXPERIMENTS_DIR
  bool next = false;
  bool list = false;
  bool dry_run = false;
  bool json = false;
  bool show_config = false;
  bool clear_revert_failed = false;
  bool recover = false;            // only the recovery of an interrupted run, then stop
  std::optional<std::string> undo; // --undo RUN_ID: revert what that run kept
  bool accept_changes = false;     // step aside: adopt the operator's change
  bool advise = false;
  bool calibrate = false;
  std::optional<std::string> confirm; // --confirm VARIANT: only it, kept unless shown worse
  SettingsOverrides overrides;
};

int run(const RunOptions& options);

} // namespace smart::cmd
