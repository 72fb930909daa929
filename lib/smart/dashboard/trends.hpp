#pragma once

#include <smart/dashboard/model.hpp>

#include <string>
#include <vector>

// The history grouped for the trend views ("did the win hold?"): per
// experiment its last runs, and per variant its results across those runs.
// Pure; shared by the page and `smart-dashboard --text`.

namespace smart::dashboard {

struct VariantHistory {
  std::string name;
  // The runs that measured this variant, oldest first, with its result there.
  std::vector<std::pair<const RunSummary*, const VariantResult*>> results;
  std::size_t kept = 0; // runs that kept it (real runs only, not advice or calibration)
};

struct ExperimentTrend {
  std::string experiment;
  std::vector<const RunSummary*> runs;  // oldest first, the last max_runs
  std::vector<VariantHistory> variants; // in order of first appearance
};

// Experiments most recently run first; each with its last max_runs runs.
std::vector<ExperimentTrend> experiment_trends(const std::vector<RunSummary>& history, std::size_t max_runs);

// Whether a kept win held, in words: "never kept in 3 runs", "kept in its
// last run, 2 of 5", "kept 1 of 4, not in its last run".
std::string held_phrase(const VariantHistory& variant);

// The signed latency change of one result, as the tables show it ("−12.0%",
// negative = faster), "–" when not measured.
std::string change_text(const VariantResult& result);

// The metric of what the server ran after each run: the kept variant's
// after a keep, else the baseline's (every run of every experiment); none
// after a failed revert, when what the server runs is not known.
OptNumber server_p50_after(const RunSummary& run);
OptNumber server_err_after(const RunSummary& run);

} // namespace smart::dashboard
