#pragma once

#include <smart/util/process.hpp>

// The seam around run_process: code that starts child processes takes a
// ProcessRunner, so a test can hand it a fake that records the specs and
// answers with chosen results instead of starting real processes.
// Generic: knows nothing of smart.

namespace smart::util {

class ProcessRunner {
public:
  virtual ~ProcessRunner() = default;
  virtual ProcessResult run(const ProcessSpec& spec) = 0;
  // True when the program at path can be started (a tool is installed).
  virtual bool executable(const std::filesystem::path& path) = 0;
};

// Runs real processes (run_process, access(2)).
class SystemProcessRunner final : public ProcessRunner {
public:
  ProcessResult run(const ProcessSpec& spec) override;
  bool executable(const std::filesystem::path& path) override;
};

// One shared SystemProcessRunner.
ProcessRunner& system_process_runner();

} // namespace smart::util
