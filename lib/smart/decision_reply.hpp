#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// smart-decide's reply: the object `smart-decide --json` prints and
// smart-run keeps as runs/<id>/<variant>.decision.json (docs/formats.md).
// The one type that writes and reads it: smart-decide fills it, smart-run,
// smart-phone and smart-dashboard read it back with from_json.
//
// Numbers are kept as written (smart-decide rounds them before it fills the
// reply); an absent number is null in JSON (NaN, or an unbounded interval
// side). The per-target and gate objects smart-decide may add are not part
// of this reply (their writers add them next to it).

namespace smart {

struct DecisionReply {
  using Number = std::optional<double>; // null: unknown or unbounded

  struct Side {
    std::string file;
    std::uint64_t n = 0;
    std::uint64_t n_good = 0;
    std::uint64_t n_errors = 0;
    // "http_5xx", then one count per CSV error token, in the order written.
    std::vector<std::pair<std::string, std::uint64_t>> errors;
    Number err_pct, p50_ms, p90_ms, p95_ms, p99_ms, mean_ms, min_ms, max_ms;
    // The metric named "p50" ... "mean"; null for another name.
    Number metric_ms(std::string_view metric) const;
    bool operator==(const Side&) const = default;
  };

  struct Thresholds {
    double improve_pct = 10;
    double max_err_delta_pct = 2;
    std::uint64_t min_samples = 10;
    double confidence = 0.95;
    std::string ok_status;
    // The smart rule only.
    std::optional<double> err_confidence, min_effect_pct, tail_tolerance_pct;
    bool operator==(const Thresholds&) const = default;
  };

  // The smart rule's estimates and intervals (docs/decision.md, "JSON").
  struct Smart {
    std::string method;
    Number estimate_improve_pct;
    Number ci_low_pct, ci_high_pct; // "ci_improve_pct": [low, high]; null: unbounded
    Number confidence_used;
    Number err_delta_low_pct, err_delta_high_pct, err_confidence_used;
    Number p95_change_pct, p99_change_pct, p95_change_low_pct, p99_change_low_pct;
    Number min_effect_pct;
    std::uint64_t blocks = 0;
    std::uint64_t samples_used = 0;
    bool operator==(const Smart&) const = default;
  };

  std::string decision = "revert"; // keep, revert or inconclusive
  std::string verdict = "revert";  // what stdout said: keep or revert
  bool borderline = false;
  std::string rule;   // original or smart
  std::string metric; // p50 p90 p95 p99 mean
  Side baseline;
  Side variant;
  Number improve_pct;
  Number err_delta_pct;
  Thresholds thresholds;
  std::vector<std::string> reasons;
  std::string decided_by;
  unsigned look = 1; // "look": {"k": look, "n": looks}
  unsigned looks = 1;
  std::optional<Smart> smart;

  bool operator==(const DecisionReply&) const = default;
};

boost::json::object to_json(const DecisionReply& reply);

// Reads a reply. Lenient, as every reader of a file another version may
// have written must be: a member that is absent or of another type keeps
// its default (decision "revert"), unknown members are ignored.
DecisionReply decision_reply_from_json(const boost::json::object& object);

} // namespace smart
