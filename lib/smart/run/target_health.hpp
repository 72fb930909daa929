#pragma once

#include <smart/run/experiment.hpp>
#include <smart/samples_csv.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

// The experiment's response checks as smart-run hands them on, and the
// baseline health rule. Pure.

namespace smart {

// smart-measure's --expect-* arguments; expect_same_body keeps the reference
// hash in run_dir/body.sha256, which the baseline's first measurement sets.
std::vector<std::string> measure_check_args(const ResponseExpectations& expect,
                                            const std::filesystem::path& run_dir);

// A request mix whose targets give their own expect_status: the codes
// smart-decide counts as successes are the union of the experiment's
// (2xx/3xx without one) and every target's. The rows smart-measure flagged
// keep their per-target verdict only where the union does not list the code.
ResponseExpectations with_target_codes(const ResponseExpectations& expect, const std::vector<MixEntry>& mix);

// smart-decide's --ok-status for expect_status (empty without one).
std::vector<std::string> decide_check_args(const ResponseExpectations& expect);

// The codes smart-measure was told are successes.
StatusSet expected_status(const ResponseExpectations& expect);

// A baseline whose samples are all errors, or more than half of them, says
// the target is unhealthy before any variant is tried: the reason
// ("target unhealthy: 30 of 30 baseline samples failed (connect 30)"), or
// nullopt when it is healthy enough to compare against.
std::optional<std::string> unhealthy_baseline(const SampleSet& samples, const ResponseExpectations& expect);

} // namespace smart
