#pragma once

#include <cstdint>
#include <string>
#include <string_view>

// How a run's outcome and a variant's verdict read to people: one wording
// for every place that shows them (the dashboard page, `smart-dashboard
// --text`, smart-run's stdout), and one formatting of signed percentages and
// infinities. The words come from summary.json's "status", "mode" and
// "outcome" (docs/formats.md); nothing here changes what the files say.

namespace smart::outcome {

// The tone a renderer colours an outcome in: good (green), neutral, warn
// (amber), bad (red).
enum class Tone { good, neutral, warn, bad };
std::string_view to_string(Tone tone);

// A run as a whole, from summary.json's status and mode ("run" when empty):
// "kept", "reverted", "aborted", "failed", "revert failed", "calibration
// (A/A)", "advice only". A calibration or advice-only run is never
// "reverted": it was never meant to keep anything.
std::string_view run_label(std::string_view status, std::string_view mode);
Tone run_tone(std::string_view status, std::string_view mode);

// What the server runs after the run, as one phrase:
//   kept          "workers_2"
//   reverted      "nothing (baseline restored)"
//   revert_failed "nothing — the revert of workers_2 failed, the server may still run it"
//   calibrate     "nothing — A/A calibration, the baseline against itself"
//   advise        "nothing — advice only (would have kept workers_2)"
//   failed        "nothing (the run failed; baseline restored)"
//   aborted       "nothing (the run was aborted; baseline restored)"
// failed_variant names the variant whose revert failed, when known.
std::string kept_text(std::string_view status, std::string_view mode, std::string_view kept_variant,
                      std::string_view would_keep, std::string_view failed_variant);

// A variant's verdict: "keep", "revert", "inconclusive", "failed",
// "aborted", "skipped"; unknown or empty as "?".
std::string_view verdict_label(std::string_view outcome);
Tone verdict_tone(std::string_view outcome);
// Why a measured change was not kept, for a reader who sees a good number
// next to a revert: "inconclusive: the data could not tell (too few or too
// noisy samples)", "reverted: below the threshold"; empty for keep.
std::string_view verdict_explanation(std::string_view outcome);

// The same three for a variant of a run in MODE ("run", "advise",
// "calibrate"; empty: run). In a calibration (A/A) run the "variant" is the
// baseline measured again and nothing was applied, so its verdicts read as
// what they mean there: "no difference" (revert, inconclusive: as it
// should be) and "false keep" (keep: a difference that is not there);
// failed, aborted and skipped as in any run.
std::string_view verdict_label(std::string_view outcome, std::string_view mode);
Tone verdict_tone(std::string_view outcome, std::string_view mode);
std::string_view verdict_explanation(std::string_view outcome, std::string_view mode);

// A run that stopped at its baseline because the target failed (status
// "failed", reason "target unhealthy: ..."): read by the health check and the
// alerts alike, so both tell the same run the same way.
bool target_unhealthy(std::string_view status, std::string_view reason);

// Passive measurement saw too little traffic to judge (requests per second
// of each side over its blocks, and their counts; min_rate: what is
// required): "inconclusive: too little traffic to judge: 0.4 requests/s
// seen (baseline 0.5/s, 12 requests; variant 0.4/s, 10 requests), at least
// 2/s needed on each side (measure.min_rate)".
std::string too_little_traffic(double baseline_rate, double variant_rate, std::uint64_t baseline_requests,
                               std::uint64_t variant_requests, double min_rate);

// Why a variant that won on speed is reverted for its cost, the reason the
// resource guard gives: "too costly: memory +45.0% > MAX_MEMORY_INCREASE_PCT
// 30%". what names the resource ("memory", "CPU per request").
std::string too_costly(std::string_view what, double change_pct, std::string_view limit_key,
                       double limit_pct);

// A signed percentage: "+2.0%", "−6.7%" (U+2212), "0.0%", "−∞%", "+∞%".
std::string signed_pct(double value);
// An interval bound: "13.2", "−4.0", "−∞", "+∞".
std::string bound(double value);

} // namespace smart::outcome
