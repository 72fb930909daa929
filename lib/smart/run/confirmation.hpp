#pragma once

#include <smart/run/experiment.hpp>
#include <smart/run/sibling_tools.hpp>

#include <optional>
#include <string>
#include <string_view>

// A confirmation run (smart-run --confirm VARIANT): a value already kept on
// another server is applied here and checked against this server's current
// value. The question is no longer "is it shown better?" (asked once, on
// the canary) but "is it safe here?": the value stays unless this server
// shows it worse or cannot tell whether its errors rose.

namespace smart {

// Leaves only the variant named name in exp (the baseline stays the
// baseline). Throws UsageError naming the experiment's variants when there
// is no such variant, or when name is "baseline".
void restrict_to_variant(Experiment& exp, std::string_view name);

// Turns a final verdict into a confirmation's: "keep" when smart-decide did
// not show the variant worse (decided_by all_conditions, no_worthwhile_gain
// or latency_uncertain), unchanged otherwise (errors_rose, latency_worse,
// tail_worse, target_worse, min_samples, errors_uncertain, the abort
// guard). Returns the reason to record when it changed the verdict.
std::optional<std::string> confirm_verdict(Verdict& verdict);

} // namespace smart
