#pragma once

#include <smart/decision_reply.hpp>
#include <smart/samples_csv.hpp>
#include <smart/stats.hpp>

#include <boost/json/object.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// smart-decide's verdict on a baseline and a variant sample set. Pure: values
// in, a Decision out (docs/decision.md describes the methods).
//
// rule original: keep iff the metric improved by at least improve_pct AND
//   the error rate rose by at most max_err_delta_pct points (both inclusive,
//   compared exactly in decimal), with at least min_samples successful
//   samples a side.
// rule smart (default): keep only when the improvement is at least the
//   minimum worthwhile effect, its confidence interval lies above zero, the
//   error-rate increase is bounded below max_err_delta_pct and the tail is not
//   worse beyond a tolerance; revert when shown worse; inconclusive otherwise
//   (stdout says revert, borderline = true).

namespace smart {

enum class Rule { smart, original };
enum class Metric { p50, p90, p95, p99, mean };
enum class Verdict { keep, revert, inconclusive };

std::string_view to_string(Rule rule);
std::string_view to_string(Metric metric);
std::string_view to_string(Verdict verdict);
std::optional<Rule> rule_from_string(std::string_view text);
std::optional<Metric> metric_from_string(std::string_view text);

// A decimal number held exactly, in millionths ("9.99" -> 9990000), so that
// exactly 10 % keeps and 9.99 % does not, whatever binary floating point
// would make of those numbers.
struct Decimal {
  std::int64_t micros = 0;
  double value() const { return static_cast<double>(micros) / 1e6; }
  std::string text() const;
};
// Parses "10", "9.99", "-2", "+0.5" (at most 6 decimals, |x| < 1e9).
// nullopt when text is not such a number.
std::optional<Decimal> parse_decimal(std::string_view text);

// What the decision needs of one side, compactly (~4 bytes per successful
// sample, 8 with blocks): built row by row while a file streams past, or
// from a SampleSet.
struct ArmSamples {
  std::vector<float> good_ms;            // successful samples' latencies, file order
  std::vector<std::uint32_t> good_block; // their blocks (only when has_blocks)
  bool has_blocks = false;
  StatusSet ok; // the codes that are successes (set before add)
  std::size_t n = 0;
  std::size_t n_errors = 0;
  std::size_t n_transport = 0;
  std::size_t n_http_5xx = 0;
  std::array<std::size_t, probe_error_count> by_error{}; // the other errors by kind

  // Counts the row; classify_sample (with ok) says whether it is an error.
  void add(const ParsedSample& row);
  static ArmSamples from(const SampleSet& samples, const StatusSet& ok = {});
};

struct DecideOptions {
  Rule rule = Rule::smart;
  Metric metric = Metric::p50;
  Decimal improve_pct{10'000'000};
  Decimal max_err_delta_pct{2'000'000};
  std::size_t min_samples = 10;
  double confidence = 0.95;             // two-sided level of the latency interval
  double err_confidence = 0.85;         // one-sided level of the error-rate bound
  std::optional<double> min_effect_pct; // smart: minimum worthwhile effect; default improve_pct
  double tail_tolerance_pct = 10;       // smart: p95/p99 may be at most this much worse
  StatusSet ok_status;                  // the response codes that are successes
  unsigned look = 1;                    // this look, of looks planned (group-sequential)
  unsigned looks = 1;
  std::string baseline_name = "baseline";
  std::string variant_name = "variant";
};

// Statistical details of the smart rule (absent with rule original).
struct SmartAnalysis {
  std::string method;      // "hodges-lehmann", "paired-blocks", "quantile-order-statistics"
  double estimate_pct = 0; // improvement estimate, % (positive = variant faster)
  double ci_low_pct = 0;   // interval on the improvement, % (may be +-inf)
  double ci_high_pct = 0;
  double confidence_used = 0;    // after the look adjustment
  double err_delta_low_pct = 0;  // interval on the error-rate change, points
  double err_delta_high_pct = 0; // upper bound at err_confidence_used (one-sided)
  double err_confidence_used = 0;
  double p95_change_pct = 0;     // (variant - baseline) / baseline on p95; NaN if unknown
  double p99_change_pct = 0;     // NaN when a side has fewer than 200 good samples
  double p95_change_low_pct = 0; // lower bounds of those changes: "tail worse" needs
  double p99_change_low_pct = 0; // the bound above the tolerance
  double min_effect_pct = 0;
  std::size_t blocks = 0;               // pairs of blocks with paired-blocks
  std::size_t latency_samples_used = 0; // per side, after thinning of very large inputs
};

struct Decision {
  Verdict decision = Verdict::revert;
  // Inconclusive in the gray zone only: the estimate reaches the minimum
  // effect, the error increase is bounded, the tails pass; only the interval
  // still reaches 0 (what a coach may be asked about).
  bool borderline = false;
  Rule rule = Rule::smart;
  Metric metric = Metric::p50;
  SampleSummary baseline;
  SampleSummary variant;
  double base_metric_ms = 0; // the chosen metric; NaN when no good sample
  double var_metric_ms = 0;
  double improve_pct = 0;   // (base - var) / base * 100; NaN when undefined
  double err_delta_pct = 0; // var err_pct - base err_pct, points
  DecideOptions options;
  std::vector<std::string> reasons;
  std::string decided_by;
  std::optional<SmartAnalysis> smart;

  // What stdout says: inconclusive is revert.
  Verdict verdict() const { return decision == Verdict::keep ? Verdict::keep : Verdict::revert; }
};

Decision decide(const SampleSet& baseline, const SampleSet& variant, const DecideOptions& options);
// Same on compact sides (latencies must be non-negative, as the parser
// guarantees).
Decision decide(ArmSamples& baseline, ArmSamples& variant, const DecideOptions& options);

// The reply of docs/formats.md ("smart-decide --json"), numbers rounded
// as printed; to_json is to_json(reply_of(decision)).
DecisionReply reply_of(const Decision& decision);
boost::json::object to_json(const Decision& decision);

// The original decide.sh's stderr line:
// "baseline_p50_ms=17 variant_p50_ms=14.5 improve_pct=14.71 baseline_err=0.00 variant_err=0.00
// err_delta=0.00"
std::string metrics_line(const Decision& decision);

} // namespace smart
