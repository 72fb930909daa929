#pragma once

#include <smart/dashboard/model.hpp>
#include <smart/decision_reply.hpp>

#include <boost/json/object.hpp>

#include <filesystem>
#include <string>
#include <string_view>

// Reads the state directory (docs/formats.md) into a Model. Tolerant: the
// dashboard must show what it can, above all when things went wrong.
// Missing files mean an empty state; a history line that is not a run
// summary is skipped with a warning "FILE:LINE: why"; a corrupt or missing
// run file only loses what it would have shown. Never throws for bad data.

namespace smart::dashboard {

struct StatePaths {
  std::filesystem::path state_file; // STATE_FILE
  std::filesystem::path var_dir;    // VAR_DIR: history.jsonl, revert_failed.json
  std::filesystem::path runs_dir;   // RUNS_DIR
};

Model load_model(const StatePaths& paths);

// Pure parts, for tests.

// A summary.json / history line / state.json object. Wrong-typed fields
// count as absent. where names the source in warnings.
RunSummary parse_run(const boost::json::object& object);

// Adds a decision file's confidence, interval, decided_by, reasons and
// borderline to its variant (what summary.json did not already say).
void merge_decision(VariantResult& variant, const DecisionReply& decision);

// At most max_points points of the CDF of the successful latencies.
LatencyCurve make_curve(std::string name, std::vector<float> good_latencies, std::size_t max_points = 120);

} // namespace smart::dashboard
