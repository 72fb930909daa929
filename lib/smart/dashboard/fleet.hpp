#pragma once

#include <smart/dashboard/health.hpp>
#include <smart/dashboard/model.hpp>

#include <filesystem>
#include <string>
#include <vector>

// The fleet page: many hosts' state directories on one static page
// (smart-dashboard --fleet DIR...). Each DIR is a host (it holds
// history.jsonl or state.json, or var/ as a BASE_DIR does), or a directory of
// hosts, one subdirectory each (what the report playbook fetches:
// <dir>/<host>/{state.json,history.jsonl,health.json}).
//
// Per host and experiment: the value the host runs (the variant of its last
// keep of that experiment, else baseline), the last verdict, and the host's
// health (its health.json when present, else assessed from its history).
// Outliers: a host that runs another value than the fleet's majority for an
// experiment (at least 3 hosts, a strict majority), or whose last verdict
// failed where most hosts' did not, or whose health is not ok.

namespace smart::dashboard {

struct FleetCell {
  std::string value;   // the variant running, "baseline" when none was kept
  std::string verdict; // the last run's status for this experiment
  std::string run_id;  // of that run
  OptNumber improve_pct;
};

struct FleetHost {
  std::string name;
  std::filesystem::path dir;
  HealthStatus health = HealthStatus::ok;
  std::string health_message;
  std::size_t runs = 0;
  std::string last_run_id;
  std::vector<FleetCell> cells; // one per Fleet::experiments, empty value = never ran it
  std::vector<std::string> warnings;
};

struct FleetOutlier {
  std::string host, experiment, why;
};

struct Fleet {
  std::vector<std::string> experiments; // sorted
  std::vector<FleetHost> hosts;         // sorted by name
  std::vector<std::string> majority;    // per experiment: the value most hosts run ("" when none)
  std::vector<FleetOutlier> outliers;
};

// The host directories named by the arguments; smart::UsageError when an
// argument is not a directory or holds no host.
std::vector<std::filesystem::path> fleet_host_dirs(const std::vector<std::filesystem::path>& args);

Fleet load_fleet(const std::vector<std::filesystem::path>& host_dirs, util::SystemTime now,
                 const HealthPolicy& policy);

std::string render_fleet_html(const Fleet& fleet, util::SystemTime now);
std::string render_fleet_json(const Fleet& fleet, util::SystemTime now);
std::string render_fleet_text(const Fleet& fleet, bool color);

} // namespace smart::dashboard
