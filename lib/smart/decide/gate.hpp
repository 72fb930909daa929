#pragma once

#include <smart/decide/decision.hpp>

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// smart-decide as a CI gate: "is the new build no worse than the old one,
// and within absolute limits?" rather than "is it better?". Pure: a Decision
// and the gate's options in, pass or fail with reasons out
// (docs/ci.md, docs/decision.md "The CI gate").
//
// --no-worse-than PCT (non-inferiority, needs the smart rule): fail when the
//   latency interval lies wholly below -PCT (the variant shown slower by more
//   than PCT %, and by more than no_worse_than_ms on the baseline's metric),
//   or when the error-rate increase's lower bound is above
//   max_err_delta_pct (shown to rise by more than allowed), or when the
//   variant has too few successful samples to judge.
// --assert EXPR: METRIC OP NUMBER[UNIT], e.g. "p95<200ms", "errors<1%",
//   "delta_p50<5%". METRIC: p50 p90 p95 p99 mean max (the variant's, ms),
//   errors (the variant's error rate, %), delta_<p50|p90|p95|p99|mean|max>
//   ((variant - baseline) / baseline, %: positive is slower), delta_errors
//   (variant - baseline error rate, points). OP: < <= > >=. UNIT: ms or s
//   for latencies (default ms), % for the others (optional). A metric that
//   cannot be computed (no successful sample) fails its assertion.

namespace smart {

struct Assertion {
  std::string text; // as given
  std::string metric;
  std::string op;
  double limit = 0; // in ms, % or points
};

// nullopt and why, for a bad expression.
struct AssertionParse {
  std::optional<Assertion> assertion;
  std::string error;
};
AssertionParse parse_assertion(std::string_view text);

struct GateOptions {
  std::optional<double> no_worse_than_pct;
  // ...and by more than this many milliseconds on the metric: below a
  // millisecond, loopback and scheduler noise moves latencies by tens of
  // percent between two runs of the same build.
  double no_worse_than_ms = 0.5;
  std::vector<Assertion> assertions;
  bool active() const { return no_worse_than_pct.has_value() || !assertions.empty(); }
};

struct GateResult {
  bool pass = true;
  std::vector<std::string> failures; // each names the rule or assertion with its figures
  std::vector<std::string> notes;    // what passed, with figures
};

GateResult evaluate_gate(const Decision& decision, const GateOptions& options);

// {"pass": true, "no_worse_than_pct": 5 | null, "assertions": ["p95<200ms"],
//  "failures": [...], "notes": [...]}
boost::json::object to_json(const GateResult& result, const GateOptions& options);

} // namespace smart
