#pragma once

#include <smart/cmd/cli.hpp>
#include <smart/config.hpp>

#include <filesystem>
#include <optional>
#include <vector>

// smart-dashboard: renders DASH_DIR from the state directory, or prints the
// status for a terminal (--text).

namespace smart::cmd {

struct DashboardOptions {
  CommonOptions common;
  bool text = false;                        // print the terminal summary, write nothing
  std::optional<std::filesystem::path> out; // overrides DASH_DIR
  std::vector<std::filesystem::path> fleet; // --fleet DIR...: the fleet page instead
};

// Returns the exit code: 0 rendered (warnings about bad state files are
// printed, not fatal); 2 bad configuration; 1 DASH_DIR could not be written.
int dashboard(const DashboardOptions& options);

// Where the page's assets (style.css, app.js) are: DASH_ASSETS_DIR, else
// ../share/smart/dashboard beside this executable, else the configured
// install prefix's.
std::filesystem::path assets_dir(const Config& config);

// Colour for the terminal: stdout is a TTY, TERM is not dumb, NO_COLOR unset.
bool use_color();

// --fleet: index.html, fleet.json and style.css into --out (else DASH_DIR/fleet),
// or the fleet for a terminal with --text (dashboard_fleet.cpp).
int fleet_dashboard(const DashboardOptions& options);

} // namespace smart::cmd
