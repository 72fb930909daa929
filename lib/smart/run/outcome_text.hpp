#pragma once

#include <smart/run_store.hpp>

#include <smart/decision_reply.hpp>

#include <optional>
#include <string>
#include <vector>

// How a run tells its outcome: what an inconclusive verdict actually found,
// and why nothing was kept. Pure.

namespace smart {

// For an inconclusive smart-decide verdict (its reply), one line
// with the estimate, its interval, what stood in the way and, when more
// data can settle it, about how many more seconds a side would (the
// interval narrows as 1/sqrt(n); seconds_per_side is what this measurement
// took a side):
//   "inconclusive: 25% faster (90% CI 16-33%) but the error increase is not
//    bounded (up to +2.9 pp > 2 pp) — about 290 more seconds a side would
//    settle it"
// nullopt for any other verdict.
std::optional<std::string> inconclusive_account(const DecisionReply& decision, double seconds_per_side);

// The run's reason when nothing was kept: a variant reverted as too costly
// ("nothing kept; workers_4: too costly: memory +45.0% > ..."), else the first inconclusive variant's
// account when there is one (never "no variant was better" when an
// estimate was), else "no variant was better; every variant reverted".
std::string nothing_kept_reason(const std::vector<VariantResult>& variants);

} // namespace smart
