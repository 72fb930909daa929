#include <smart/outcome.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace smart::outcome {

namespace {

constexpr std::string_view minus = "\u2212";
constexpr std::string_view infinity = "\u221e";

bool is_mode(std::string_view mode, std::string_view wanted)
{
  return mode == wanted;
}

} // namespace

std::string_view to_string(Tone tone)
{
  switch (tone) {
  case Tone::good:
    return "good";
  case Tone::warn:
    return "warn";
  case Tone::bad:
    return "bad";
  case Tone::neutral:
    break;
  }
  return "neutral";
}

std::string_view run_label(std::string_view status, std::string_view mode)
{
  if (status == "revert_failed")
    return "revert failed";
  if (status == "failed")
    return "failed";
  if (status == "aborted")
    return "aborted";
  if (is_mode(mode, "calibrate"))
    return "calibration (A/A)";
  if (is_mode(mode, "advise"))
    return "advice only";
  if (is_mode(mode, "undo"))
    return "undone";
  if (status == "kept")
    return "kept";
  if (status == "reverted")
    return "reverted";
  return "unknown";
}

Tone run_tone(std::string_view status, std::string_view mode)
{
  if (status == "failed" || status == "revert_failed")
    return Tone::bad;
  if (status == "aborted")
    return Tone::warn;
  if (is_mode(mode, "calibrate") || is_mode(mode, "advise"))
    return Tone::neutral;
  if (status == "kept")
    return Tone::good;
  return Tone::neutral;
}

std::string kept_text(std::string_view status, std::string_view mode, std::string_view kept_variant,
                      std::string_view would_keep, std::string_view failed_variant)
{
  if (status == "revert_failed") {
    return failed_variant.empty()
             ? std::string("nothing known — a revert failed, the server may not be in its baseline state")
             : fmt::format("nothing known — the revert of {} failed, the server may still run it",
                           failed_variant);
  }
  if (status == "failed")
    return "nothing (the run failed; baseline restored)";
  if (status == "aborted")
    return "nothing (the run was aborted; baseline restored)";
  if (is_mode(mode, "calibrate"))
    return "nothing — A/A calibration, the baseline against itself";
  if (is_mode(mode, "advise")) {
    return would_keep.empty() || would_keep == "none"
             ? std::string("nothing — advice only (would have kept nothing)")
             : fmt::format("nothing — advice only (would have kept {})", would_keep);
  }
  if (is_mode(mode, "undo"))
    return "nothing — a kept change undone (smart-run --undo)";
  if (!kept_variant.empty() && kept_variant != "none")
    return std::string(kept_variant);
  return "nothing (baseline restored)";
}

std::string_view verdict_label(std::string_view outcome)
{
  for (const std::string_view known : {"keep", "revert", "inconclusive", "failed", "aborted", "skipped"}) {
    if (outcome == known)
      return known;
  }
  return "?";
}

Tone verdict_tone(std::string_view outcome)
{
  if (outcome == "keep")
    return Tone::good;
  if (outcome == "inconclusive" || outcome == "aborted")
    return Tone::warn;
  if (outcome == "failed")
    return Tone::bad;
  return Tone::neutral;
}

std::string_view verdict_explanation(std::string_view outcome)
{
  if (outcome == "inconclusive")
    return "inconclusive: the data could not tell (too few or too noisy samples)";
  if (outcome == "revert")
    return "reverted: not better by the threshold";
  if (outcome == "failed")
    return "failed: not measured to the end";
  if (outcome == "aborted")
    return "aborted: the run stopped before a verdict";
  if (outcome == "skipped")
    return "skipped: not measured";
  return {};
}

std::string_view verdict_label(std::string_view outcome, std::string_view mode)
{
  if (mode == "calibrate") {
    if (outcome == "keep")
      return "false keep";
    if (outcome == "revert" || outcome == "inconclusive")
      return "no difference";
  }
  return verdict_label(outcome);
}

Tone verdict_tone(std::string_view outcome, std::string_view mode)
{
  if (mode == "calibrate") {
    if (outcome == "keep")
      return Tone::warn;
    if (outcome == "revert" || outcome == "inconclusive")
      return Tone::neutral;
  }
  return verdict_tone(outcome);
}

std::string_view verdict_explanation(std::string_view outcome, std::string_view mode)
{
  if (mode == "calibrate") {
    if (outcome == "keep")
      return "false keep: a difference found between the baseline and itself";
    if (outcome == "revert" || outcome == "inconclusive")
      return "no difference: as expected of the baseline against itself";
  }
  return verdict_explanation(outcome);
}

bool target_unhealthy(std::string_view status, std::string_view reason)
{
  return status == "failed" && reason.starts_with("target unhealthy");
}

std::string too_little_traffic(double baseline_rate, double variant_rate, std::uint64_t baseline_requests,
                               std::uint64_t variant_requests, double min_rate)
{
  const auto rate = [](double r) {
    return r >= 10 ? fmt::format("{:.0f}", r) : r >= 1 ? fmt::format("{:.1f}", r) : fmt::format("{:.2f}", r);
  };
  return fmt::format("inconclusive: too little traffic to judge: {} requests/s seen (baseline {}/s, {} "
                     "requests; variant {}/s, {} requests), at least {:g}/s needed on each side "
                     "(measure.min_rate)",
                     rate(std::min(baseline_rate, variant_rate)), rate(baseline_rate), baseline_requests,
                     rate(variant_rate), variant_requests, min_rate);
}

std::string too_costly(std::string_view what, double change_pct, std::string_view limit_key, double limit_pct)
{
  return fmt::format("too costly: {} {} > {} {:g}%", what, signed_pct(change_pct), limit_key, limit_pct);
}

std::string signed_pct(double value)
{
  if (std::isnan(value)) {
    return "n/a";
  }
  if (std::isinf(value)) {
    return fmt::format("{}{}%", value < 0 ? minus : "+", infinity);
  }
  const std::string digits = fmt::format("{:.1f}", std::abs(value));
  if (digits == "0.0") {
    return "0.0%";
  }
  return fmt::format("{}{}%", value < 0 ? minus : "+", digits);
}

std::string bound(double value)
{
  if (std::isnan(value)) {
    return "n/a";
  }
  if (std::isinf(value)) {
    return fmt::format("{}{}", value < 0 ? minus : "+", infinity);
  }
  const std::string digits = fmt::format("{:.1f}", std::abs(value));
  return digits == "0.0" || value >= 0 ? digits : fmt::format("{}{}", minus, digits);
}

} // namespace smart::outcome
