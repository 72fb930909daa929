#pragma once

#include <string>

// Control flow inside a run (thrown by the steps, caught once by the
// Runner); each ends in the revert having run.

namespace smart::flow {

// A signal arrived: stop, revert, record the run as aborted.
struct Interrupted {};
// A step failed (a command, a measurement, a tool): revert, status failed.
struct StepFailed {
  std::string reason;
};
// The revert itself failed: status revert_failed, revert_failed.json.
struct RevertFailed {
  std::string reason;
};

} // namespace smart::flow
