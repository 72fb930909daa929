#pragma once

#include <smart/run/context.hpp>
#include <smart/run/experiment.hpp>
#include <smart/run/settings.hpp>

#include <optional>
#include <string>

// --dry-run's one probe: what the run's first measurement would see, sent
// through smart-measure with the experiment's own response checks, before
// anything is applied. A target that is down or answers wrongly is reported,
// never an error of the dry run itself.

namespace smart {

struct DryRunProbe {
  bool sent = false;                // false: the run measures another way, or no probe could be sent
  bool ok = false;                  // the probe succeeded and passed the checks
  std::optional<int> response_code; // as in the samples CSV (0: no response)
  std::optional<double> latency_ms;
  std::string error; // the row's error token ("connect", "unexpected_status", ...), empty when ok
  std::string text;  // one line for people: "HTTP 200 in 3.1 ms, checks passed"
};

DryRunProbe dry_run_probe(const RunContext& ctx, const Experiment& exp, const RunSettings& settings);

} // namespace smart
