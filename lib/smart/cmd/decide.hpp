#pragma once

#include <smart/decide/decision.hpp>
#include <smart/decide/gate.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <string>

// smart-decide: reads two samples files and prints the verdict
// (docs/man/smart-decide.1, docs/decision.md).

namespace smart::cmd {

struct DecideCommand {
  std::string baseline_path; // "-" = standard input
  std::string variant_path;
  bool json = false;
  std::optional<std::filesystem::path> config;
  // Thresholds given on the command line (IMPROVE_PCT, MAX_ERR_DELTA_PCT):
  // they beat the environment, which beats smart.conf, which beats defaults.
  std::map<std::string, std::string> threshold_flags;
  DecideOptions options; // everything else, already from the command line
  GateOptions gate;      // --no-worse-than, --assert: the CI gate (pass/fail)
};

// "K/N" with 1 <= K <= N <= 1000; throws UsageError.
std::pair<unsigned, unsigned> parse_look(const std::string& text);

// Runs the command; returns the exit code (0 keep, 1 revert; as a gate 0
// pass, 1 fail).
int decide(DecideCommand command);

} // namespace smart::cmd
