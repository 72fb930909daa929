#include <smart/run/outcome_text.hpp>

#include <fmt/format.h>

#include <cmath>
#include <limits>

namespace smart {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

double number_at(const boost::json::object& object, std::string_view key, double fallback = nan)
{
  const auto* value = object.if_contains(key);
  return value && value->is_number() ? value->to_number<double>() : fallback;
}

const boost::json::object* object_at(const boost::json::object& object, std::string_view key)
{
  const auto* value = object.if_contains(key);
  return value && value->is_object() ? &value->as_object() : nullptr;
}

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

std::optional<std::string> inconclusive_account(const boost::json::object& decision, double seconds_per_side)
{
  const auto* verdict = decision.if_contains("decision");
  if (!verdict || !verdict->is_string() || verdict->as_string() != "inconclusive") {
    return std::nullopt;
  }
  const auto* by_value = decision.if_contains("decided_by");
  const std::string by = by_value && by_value->is_string() ? std::string(by_value->as_string()) : "";
  const auto* smart = object_at(decision, "smart");
  if (by == "min_samples" || smart == nullptr) {
    return std::string("inconclusive: too few successful samples to judge");
  }
  const double estimate = number_at(*smart, "estimate_improve_pct");
  double low = nan;
  double high = nan;
  if (const auto* ci = smart->if_contains("ci_improve_pct");
      ci && ci->is_array() && ci->as_array().size() == 2) {
    const auto& a = ci->as_array();
    low = a[0].is_number() ? a[0].to_number<double>() : nan;
    high = a[1].is_number() ? a[1].to_number<double>() : nan;
  }
  const double level = 2 * number_at(*smart, "confidence_used", 0.95) - 1;
  const double min_effect = number_at(*smart, "min_effect_pct", 10);
  std::string text = fmt::format("inconclusive: {}", speed(estimate));
  if (std::isfinite(low) && std::isfinite(high)) {
    text += fmt::format(" ({:.0f}% CI {:.0f}–{:.0f}%)", level * 100, low, high);
  }

  if (by == "errors_uncertain") {
    const double delta = number_at(decision, "err_delta_pct", 0);
    const double bound = number_at(*smart, "err_delta_high_pct");
    double max_err = 2;
    if (const auto* t = object_at(decision, "thresholds")) {
      max_err = number_at(*t, "max_err_delta_pct", 2);
    }
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
    if (v.outcome == "inconclusive" && !v.reasons.empty() && v.reasons.front().starts_with("inconclusive:")) {
      return fmt::format("nothing kept; {}: {}", v.name, v.reasons.front());
    }
  }
  return "no variant was better; every variant reverted";
}

} // namespace smart
