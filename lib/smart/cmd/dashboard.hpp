#pragma once

#include <smart/cmd/cli.hpp>

#include <filesystem>
#include <optional>

// smart-dashboard: renders DASH_DIR from the state directory, or prints the
// status for a terminal (--text).

namespace smart::cmd {

struct DashboardOptions {
  CommonOptions common;
  bool text = false;                        // print the terminal summary, write nothing
  std::optional<std::filesystem::path> out; // overrides DASH_DIR
};

// Returns the exit code: 0 rendered (warnings about bad state files are
// printed, not fatal); 2 bad configuration; 1 DASH_DIR could not be written.
int dashboard(const DashboardOptions& options);

} // namespace smart::cmd
