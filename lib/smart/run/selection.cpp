#include <smart/error.hpp>
#include <smart/run/selection.hpp>
#include <smart/util/strings.hpp>

#include <fmt/format.h>

namespace smart {

std::set<Risk> parse_allowed_risks(std::string_view text)
{
  std::set<Risk> allowed;
  std::string word;
  auto flush = [&]() {
    if (word.empty()) {
      return;
    }
    const auto risk = parse_risk(word);
    if (!risk) {
      throw UsageError("ALLOW_RISK: '{}' is not a risk class (durability, availability or none)",
                       util::printable(word, 40));
    }
    allowed.insert(*risk);
    word.clear();
  };
  for (const char c : text) {
    if (c == ',' || c == ' ' || c == '\t') {
      flush();
    } else {
      word += c;
    }
  }
  flush();
  allowed.insert(Risk::none);
  return allowed;
}

std::optional<std::string> next_refusal(const Experiment& exp, const std::set<Risk>& allowed)
{
  if (!allowed.count(exp.risk)) {
    return fmt::format("risk class {} is not allowed (ALLOW_RISK={} in smart.conf lets --next run it)",
                       risk_name(exp.risk), risk_name(exp.risk));
  }
  return std::nullopt;
}

} // namespace smart
