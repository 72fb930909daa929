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

std::vector<std::string> safety_notes(const Experiment& exp)
{
  std::vector<std::string> notes;
  if (exp.check.empty()) {
    notes.emplace_back("no check command: a change that breaks the server is noticed only by the measurement "
                       "(give \"check\": a config test or a ping)");
  }
  for (const auto& v : exp.variants) {
    if (v.apply.shell && v.apply.script != "true" && !v.apply.empty()) {
      notes.push_back(fmt::format("variant {}: apply is a shell string; an argv array ([\"/bin/sh\", "
                                  "\"script.sh\", \"apply\", \"VALUE\"]) leaves no quoting to get wrong",
                                  v.name));
    }
  }
  if (exp.revert.shell && exp.revert.script != "true") {
    notes.emplace_back("revert is a shell string; an argv array leaves no quoting to get wrong");
  }
  if (exp.risk != Risk::none && exp.risks.empty()) {
    notes.push_back(
      fmt::format("risk class {} but no \"risks\" text saying what can be lost", risk_name(exp.risk)));
  }
  if (exp.helps_when.empty()) {
    notes.emplace_back(
      "no \"helps_when\": say when the change helps, so an administrator can judge a verdict");
  }
  if (exp.risks.empty() && exp.risk == Risk::none) {
    notes.emplace_back(
      "no \"risks\": say what a bad variant costs (and set \"risk\" when it is more than speed)");
  }
  if (exp.timeout.count() > 300) {
    notes.push_back(
      fmt::format("timeout_seconds {:g}: a hung apply or revert keeps the server changed that long",
                  exp.timeout.count()));
  }
  return notes;
}

} // namespace smart
