#pragma once

#include <smart/measure/response_check.hpp>
#include <smart/measure/target.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// A request mix: several targets, each with a weight, a method and headers.
//
// The targets file has one target a line:
//   URL [WEIGHT] [-X METHOD] [-H 'Name: value']... [--expect-status LIST]
//       [--expect-body TEXT|/RE/] [--expect-min-bytes N]
// WEIGHT is a positive number (default 1); words may be quoted with ' or "
// (quoted parts of one word join: 'it'"'"'s' is it's);
// '#' starts a comment; blank lines are skipped. Every problem in the file is
// reported at once, as "FILE:LINE: why" (smart::UsageError, exit 2).

namespace smart {

struct MixTarget {
  Target target;
  double weight = 1;
  std::string method = "GET";
  std::vector<std::string> headers; // "Name: value"
  // The target's own response checks, as the --expect-* options take them:
  // each replaces the global check of its kind for this target only.
  std::optional<std::string> expect_status; // "200-299,401"
  std::optional<std::string> expect_body;   // text, or /RE/
  std::optional<std::uint64_t> expect_min_bytes;
};

std::vector<MixTarget> parse_targets_file(std::string_view content, std::string_view name);
std::vector<MixTarget> read_targets_file(const std::string& path);

// The line parse_targets_file() reads back (URL, weight, method, headers,
// checks).
std::string format_target_line(const MixTarget& target);

// The checks of one target: global, with each check the target gives
// replacing the global one of its kind (status, body, min bytes).
// --expect-same-body stays global. Throws smart::UsageError for a bad value.
ResponseChecks checks_for(const MixTarget& target, const ResponseChecks& global);

// Deterministic weighted choice (smooth weighted round robin, as nginx's
// upstream balancer): over any window of sum(weights) picks, each target is
// picked in proportion to its weight, spread out rather than in runs.
class MixPicker {
public:
  explicit MixPicker(const std::vector<double>& weights);
  std::size_t next();

private:
  std::vector<double> m_weights;
  std::vector<double> m_current;
  double m_total = 0;
};

} // namespace smart
