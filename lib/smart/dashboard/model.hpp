#pragma once

#include <smart/util/time.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

// What the dashboard shows, as plain values: loaded from the state directory
// (load.hpp), rendered by pure functions (render.hpp). Every number that a
// file may leave out or set to null is an optional: the page prints "–",
// never a fake 0.

namespace smart::dashboard {

using OptNumber = std::optional<double>;

struct Stats {
  OptNumber n, err_pct, p50_ms, p95_ms, p99_ms, mean_ms;
  // The target service's cost while measured, when the run recorded it
  // (summary.json variants[].resources.{baseline,variant}): CPU
  // milliseconds per request, peak RSS in MiB.
  OptNumber cpu_ms_per_request, rss_peak_mib;
};

struct VariantResult {
  std::string name;
  std::string outcome; // keep | revert | inconclusive | failed | aborted | skipped
  std::vector<std::string> reasons;
  bool borderline = false;
  Stats stats;
  OptNumber improve_pct, err_delta_pct;
  // From <variant>.decision.json (last run only): the statistical rule's
  // estimate of improve_pct with its confidence interval, and the
  // confidence level (0..1) it was computed at (else the one asked for).
  OptNumber estimate_pct, ci_low_pct, ci_high_pct, confidence_level;
  std::string decided_by;
  std::string decision_file, samples_file;
};

// The coach's word: smart-phone's advice on the run report (coach.json,
// "coach" in state.json) and/or smart-run's borderline question ("coach_ask"
// in summary.json; older versions wrote it as "coach" or "coach.ask").
struct Coach {
  std::string advice;
  std::string next_variant;
  OptNumber confidence; // the advice's
  std::string variant, verdict, reason;
  OptNumber ask_confidence;
  std::optional<bool> applied;
};

struct RunSummary {
  std::string run_id;
  std::string experiment;
  std::string description;
  std::string status; // kept | reverted | aborted | failed | revert_failed
  std::string kept_variant = "none";
  std::string reason;
  std::string started_at, finished_at;      // as written (RFC 3339)
  std::optional<util::SystemTime> finished; // parsed finished_at (else updated_at, else run_id)
  OptNumber duration_s;
  std::string host, strategy, design;
  std::string mode;       // run | advise | calibrate (empty: run)
  std::string risk;       // meta.json "risk" (none | durability | availability); empty: unknown
  std::string would_keep; // advise: what a real run would have kept
  Stats baseline;
  std::vector<VariantResult> variants;
  std::optional<Coach> coach;
  std::string json; // history lines: the line as read (valid JSON), for history.json

  // The variant whose p50 the trend shows: the kept one, else the last
  // measured; none for a calibration (A/A) run.
  const VariantResult* chosen() const;
};

// One latency curve of the last run: the CDF of successful samples,
// thinned to at most a few hundred points.
struct LatencyCurve {
  std::string name; // "baseline" or the variant
  std::size_t n_good = 0;
  std::vector<std::pair<double, double>> points; // (latency_ms, fraction 0..1), ascending
};

struct RevertFailed {
  std::string run_id, experiment, variant, message, since, revert_command;
};

// A run in progress: pending.json is present (a variant is applied now).
struct Running {
  std::string run_id, experiment, variant;
  std::string since, expected_end; // as written (RFC 3339); expected_end may be empty
  std::optional<util::SystemTime> since_time, expected_end_time;
};

struct Model {
  std::vector<RunSummary> history;  // oldest first, as in history.jsonl
  std::optional<RunSummary> last;   // the latest run (state.json, else history's last)
  std::vector<LatencyCurve> curves; // of the last run
  std::optional<RevertFailed> revert_failed;
  std::optional<Running> running;    // pending.json
  std::string state_json;            // state.json as read (copied to DASH_DIR), empty when absent
  std::vector<std::string> warnings; // "file:line: why", also shown on the page

  // Each experiment's risk class (meta.json "risk", "none" when absent)
  // from its newest run directory that still has meta.json; an experiment
  // not in the map: unknown.
  std::map<std::string, std::string> risk;
  // The risk class of an experiment as shown: "none", "durability",
  // "availability", or "" when unknown.
  std::string risk_of(const std::string& experiment) const;
};

} // namespace smart::dashboard
