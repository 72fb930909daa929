#pragma once

#include <smart/config.hpp>
#include <smart/run/run_log.hpp>
#include <smart/run_store.hpp>
#include <smart/util/process_runner.hpp>

#include <filesystem>
#include <optional>

// What a run works with once smart-run holds the lock: the configuration,
// the state directory, where the sibling tools are, the log, and the seam
// through which every child process is started.

namespace smart {

struct RunContext {
  const Config& config;
  std::optional<std::filesystem::path> config_file; // passed on to sibling tools
  const RunStore& store;
  std::filesystem::path bin_dir; // smart-measure, smart-decide, smart-phone ...
  RunLog& log;
  util::ProcessRunner& processes;
};

} // namespace smart
