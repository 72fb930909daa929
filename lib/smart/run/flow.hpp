#pragma once

#include <string>
#include <utility>

// Control flow inside a run (thrown by the steps, caught once by the
// Runner); each ends in the revert having run.

namespace smart::flow {

// A signal arrived: stop, revert, record the run as aborted.
struct Interrupted {};
// A step failed (a command, a measurement, a tool): revert, status failed.
struct StepFailed {
  explicit StepFailed(std::string why, std::string variant_why = {})
    : reason(std::move(why)), variant_reason(std::move(variant_why))
  {
  }
  std::string reason;
  // When set: the variant being tried failed with this (e.g. "apply exit 1").
  std::string variant_reason;
};
// The revert itself failed: status revert_failed, revert_failed.json.
struct RevertFailed {
  std::string reason;
};

} // namespace smart::flow
