#pragma once

#include <boost/json/object.hpp>

#include <cstddef>
#include <optional>
#include <string>

// What a variant costs the target service, as summary.json records it
// (docs/formats.md, "resources") and the resource guard judges it
// (docs/decision.md, "Resource guardrails"). Pure: the figures come from
// smart-run's resource meter; everything here is arithmetic and wording.

namespace smart {

// The service's use of CPU and memory during one measured block.
struct BlockUsage {
  double cpu_s = 0;         // CPU time (user + system) spent during the block
  std::size_t requests = 0; // samples measured in the block (every row, errors too)
  double rss_sum_bytes = 0; // sum of the memory readings (for the mean)
  std::size_t rss_readings = 0;
  double rss_peak_bytes = 0; // the highest reading (or memory.peak)
};

// One arm (the baseline's blocks, or the variant's) summed over its blocks.
struct ArmUsage {
  double cpu_s = 0;
  std::size_t requests = 0;
  double rss_sum_bytes = 0;
  std::size_t rss_readings = 0;
  double rss_peak_bytes = 0;

  void add(const BlockUsage& block);
  // CPU seconds per request; nullopt without requests.
  std::optional<double> cpu_per_request() const;
  // Mean memory over every reading; nullopt without readings.
  std::optional<double> mean_rss_bytes() const;
};

// The limits, in percent of the baseline (MAX_CPU_INCREASE_PCT,
// MAX_MEMORY_INCREASE_PCT; meta.json thresholds.max_cpu_increase_pct,
// thresholds.max_memory_increase_pct).
struct ResourceLimits {
  double max_cpu_increase_pct = 30;
  double max_memory_increase_pct = 30;
  // Below this much CPU time on either arm, CPU per request is too coarse
  // to judge (/proc counts in clock ticks of 10 ms): reported, not guarded.
  double min_cpu_s = 0.5;
};

// The variant against the baseline.
struct ResourceComparison {
  ArmUsage baseline;
  ArmUsage variant;
  std::optional<double> cpu_change_pct;    // CPU per request, variant vs baseline
  bool cpu_judged = false;                 // enough CPU time on both arms for the guard
  std::optional<double> memory_change_pct; // mean memory, variant vs baseline
  std::optional<double> memory_delta_bytes;
  std::optional<std::string> breach; // why the guard reverts, when it does
};

ResourceComparison compare_resources(const ArmUsage& baseline, const ArmUsage& variant,
                                     const ResourceLimits& limits);

// "+12 % CPU per request, +38 MiB" (the memory as the change of the mean);
// "CPU not judged (0.02 s)" stands in for a CPU figure too small to judge;
// empty when nothing was measured.
std::string describe_cost(const ResourceComparison& comparison);

// summary.json's "resources" of a variant (docs/formats.md).
boost::json::object to_json(const ResourceComparison& comparison);

} // namespace smart
