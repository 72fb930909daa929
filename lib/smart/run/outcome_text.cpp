#include <smart/run/outcome_text.hpp>

#include <fmt/format.h>

#include <cmath>
#include <limits>

namespace smart {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

std::string speed(double pct)
{
  return pct >= 0 ? fmt::format("{:.0f}% faster", pct) : fmt::format("{:.0f}% slower", -pct);
}

// More seconds a side so that an interval half-width now at `width` shrinks to `needed`.
std::string more_seconds(double width, double needed, double seconds_per_side)
{
  if (!(width > 0) || !(needed > 0) || !(seconds_per_side > 0)) {
    return {};
  }
  const double ratio = (width / needed) * (width / needed);
  const double extra = std::ceil(std::max(0.0, ratio - 1) * seconds_per_side);
  return fmt::format(" — about {:.0f} more seconds a side would settle it", std::max(extra, 1.0));
}

} // namespace

std::optional<std::string> inconclusive_account(const DecisionReply& decision, double seconds_per_side)
{
  if (decision.decision != "inconclusive") {
    return std::nullopt;
  }
  const std::string& by = decision.decided_by;
  if (by == "min_samples" || !decision.smart) {
    return std::string("inconclusive: too few successful samples to judge");
  }
  const auto& smart = *decision.smart;
  const double estimate = smart.estimate_improve_pct.value_or(nan);
  const double low = smart.ci_low_pct.value_or(nan);
  const double high = smart.ci_high_pct.value_or(nan);
  const double level = 2 * smart.confidence_used.value_or(0.95) - 1;
  const double min_effect = smart.min_effect_pct.value_or(10);
  std::string text = fmt::format("inconclusive: {}", speed(estimate));
  if (std::isfinite(low) && std::isfinite(high)) {
    text += fmt::format(" ({:.0f}% CI {:.0f}–{:.0f}%)", level * 100, low, high);
  }

  if (by == "errors_uncertain") {
    const double delta = decision.err_delta_pct.value_or(0);
    const double bound = smart.err_delta_high_pct.value_or(nan);
    const double max_err = decision.thresholds.max_err_delta_pct;
    text +=
      fmt::format(" but the error increase is not bounded (up to {:+.2f} pp > {:g} pp)", bound, max_err);
    if (delta < max_err) {
      text += more_seconds(bound - delta, max_err - delta, seconds_per_side);
    } else {
      text += fmt::format(" — the increase seen ({:+.2f} pp) is itself above the limit", delta);
    }
    return text;
  }
  if (estimate >= min_effect && std::isfinite(low)) {
    text += " but the interval still reaches 0";
    text += more_seconds(estimate - low, estimate, seconds_per_side);
    return text;
  }
  if (estimate > 0) {
    return text + fmt::format(", under the {:g}% worth keeping, and not shown below it", min_effect);
  }
  return text + ", not shown either way";
}

std::string nothing_kept_reason(const std::vector<VariantResult>& variants)
{
  for (const auto& v : variants) {
    if (!v.reasons.empty() && v.reasons.front().starts_with("too costly:")) {
      return fmt::format("nothing kept; {}: {}", v.name, v.reasons.front());
    }
  }
  for (const auto& v : variants) {
    if (v.outcome == VariantOutcome::inconclusive && !v.reasons.empty() &&
        v.reasons.front().starts_with("inconclusive:")) {
      return fmt::format("nothing kept; {}: {}", v.name, v.reasons.front());
    }
  }
  return "no variant was better; every variant reverted";
}

} // namespace smart
