#pragma once

#include <smart/config.hpp>
#include <smart/resource_cost.hpp>
#include <smart/run/experiment.hpp>

#include <optional>
#include <vector>

// The settings of one run and its block plan: how long each phase lasts,
// the design and strategy, the thresholds, and (interleaved) how the
// measurement is cut into baseline/variant block pairs and where the
// planned looks fall.

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
  int looks = 1;        // planned looks per variant (interleaved)
  bool confirm = false; // --confirm: keep unless shown worse (run/confirmation.hpp)
  // The resource guard: whose CPU and memory (a systemd unit's cgroup under
  // cgroup_root, or a pid file's process tree; both empty: not watched).
  std::string service;
  std::filesystem::path pid_file;
  std::filesystem::path cgroup_root = "/sys/fs/cgroup";
  ResourceLimits resource_limits;
};

// "run", "advise" or "calibrate".
std::string_view to_string(RunMode mode);

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
// How long one variant's comparison is planned to take, at most (every
// look taken): cooldown, warm-up and the variant's measurement when
// sequential; warm-up and every baseline/variant block pair when
// interleaved. pending.json's expected_end is now plus this.
util::Duration planned_variant_time(const RunSettings& settings);
// True when pair k (1-based) measures the variant first.
constexpr bool variant_first(int pair)
{
  return pair % 2 == 0;
}

} // namespace smart
