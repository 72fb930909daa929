#include <smart/error.hpp>
#include <smart/run/confirmation.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace smart {

void restrict_to_variant(Experiment& exp, std::string_view name)
{
  const auto it = std::find_if(exp.variants.begin(), exp.variants.end(),
                               [&](const Variant& variant) { return variant.name == name; });
  if (name == "baseline" || it == exp.variants.end()) {
    std::string names;
    for (const auto& variant : exp.variants) {
      names += (names.empty() ? "" : ", ") + variant.name;
    }
    throw UsageError("--confirm: {} has no variant '{}' to confirm (its variants: {})", exp.id, name, names);
  }
  Variant only = *it;
  exp.variants = {std::move(only)};
}

std::optional<std::string> confirm_verdict(Verdict& verdict)
{
  // Not shown worse: the data either shows a gain, shows no worthwhile gain
  // (but no loss), or cannot tell the latency apart. Everything else — a
  // loss, an error increase shown or not bounded, too few samples — reverts.
  static constexpr std::array safe{"no_worthwhile_gain", "latency_uncertain"};
  if (verdict.decision == "keep") {
    return std::nullopt;
  }
  if (std::find(safe.begin(), safe.end(), verdict.decided_by) == safe.end()) {
    return std::nullopt;
  }
  const auto reason = fmt::format("confirmation: not shown worse here ({}); kept", verdict.decided_by);
  verdict.decision = "keep";
  verdict.reasons.push_back(reason);
  return reason;
}

} // namespace smart
