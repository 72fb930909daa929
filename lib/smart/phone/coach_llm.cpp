#include <smart/phone/coach_llm.hpp>

#include <smart/phone/coach_json.hpp>
#include <smart/util/json_writer.hpp>
#include <smart/util/strings.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>

namespace smart {

namespace json = boost::json;
using coach_json::find;
using coach_json::number_of;
using coach_json::string_of;

namespace {

std::string fmt_number(std::optional<double> value, std::string_view unit)
{
  return value ? fmt::format("{:.2f}{}", *value, unit) : std::string("n/a");
}

std::string upper_word(std::string_view text)
{
  // Skip markdown and quotes around the word: "**KEEP**", "`REVERT`".
  std::size_t start = 0;
  while (start < text.size() && !std::isalpha(static_cast<unsigned char>(text[start]))) {
    if (!std::strchr("*_`'\"#> \t", text[start])) {
      return {};
    }
    ++start;
  }
  std::string word;
  for (std::size_t i = start; i < text.size() && std::isalpha(static_cast<unsigned char>(text[i])); ++i) {
    word += static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])));
  }
  return word;
}

std::string_view after_label(std::string_view line, std::string_view label)
{
  // "VERDICT: KEEP", "**Verdict:** KEEP" -> "KEEP"
  std::string lowered;
  for (const char c : line) {
    lowered += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  const auto at = lowered.find(label);
  if (at == std::string::npos || lowered.substr(0, at).find_first_not_of("*_#> \t-") != std::string::npos) {
    return {};
  }
  auto rest = line.substr(at + label.size());
  while (!rest.empty() && (rest.front() == '*' || rest.front() == '_' || rest.front() == ':' ||
                           rest.front() == ' ' || rest.front() == '\t')) {
    rest.remove_prefix(1);
  }
  return rest;
}

} // namespace

std::string openai_endpoint(std::string_view url)
{
  std::string base(url);
  while (!base.empty() && base.back() == '/') {
    base.pop_back();
  }
  if (base.ends_with("/chat/completions")) {
    return base;
  }
  if (base.ends_with("/v1")) {
    return base + "/chat/completions";
  }
  return base + "/v1/chat/completions";
}

std::string build_prompt(const std::string& variant, const DecisionReply& decision, const HostMetrics& host)
{
  const std::string metric = decision.metric.empty() ? "p50" : decision.metric;
  std::string upper = decision.verdict;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });

  std::string reasons;
  for (const auto& reason : decision.reasons) {
    reasons += fmt::format("  * {}\n", util::printable(reason, 200));
  }
  std::string resources = "unknown";
  if (host.cpu_pct || host.mem_pct || host.load) {
    resources =
      fmt::format("CPU {}%, memory {}%, load {}", host.cpu_pct ? fmt::format("{:.0f}", *host.cpu_pct) : "?",
                  host.mem_pct ? fmt::format("{:.0f}", *host.mem_pct) : "?",
                  host.load ? fmt::format("{:.2f}", (*host.load)[0]) : "?");
  }

  return fmt::format(
    "You are a server optimization coach. Based on these metrics for the variant \"{variant}\":\n"
    "- Baseline: {b_lat} {metric}, {b_err} errors (n={b_n})\n"
    "- Variant: {v_lat} {metric}, {v_err} errors (n={v_n})\n"
    "- Improvement: {improve}\n"
    "- Error rate change: {err_delta} percentage points\n"
    "- Threshold: {t_improve} minimum improvement, errors may rise at most {t_err} points\n"
    "- Server resources now: {resources}\n"
    "- The statistics call this borderline:\n{reasons}"
    "\n"
    "The system wants to {verdict} this change. Do you agree?\n"
    "Consider: sustained performance, error trends, resource usage. When in doubt, REVERT.\n"
    "Answer in exactly this form:\n"
    "VERDICT: KEEP or REVERT\n"
    "CONFIDENCE: a number from 0 to 1\n"
    "REASON: one sentence\n",
    fmt::arg("variant", util::printable(variant, 64)), fmt::arg("metric", metric),
    fmt::arg("b_lat", fmt_number(decision.baseline.metric_ms(metric), "ms")),
    fmt::arg("b_err", fmt_number(decision.baseline.err_pct, "%")), fmt::arg("b_n", decision.baseline.n),
    fmt::arg("v_lat", fmt_number(decision.variant.metric_ms(metric), "ms")),
    fmt::arg("v_err", fmt_number(decision.variant.err_pct, "%")), fmt::arg("v_n", decision.variant.n),
    fmt::arg("improve", fmt_number(decision.improve_pct, "%")),
    fmt::arg("err_delta", fmt_number(decision.err_delta_pct, "")),
    fmt::arg("t_improve", fmt_number(decision.thresholds.improve_pct, "%")),
    fmt::arg("t_err", fmt_number(decision.thresholds.max_err_delta_pct, "")),
    fmt::arg("resources", resources),
    fmt::arg("reasons", reasons.empty() ? "  * (no reasons given)\n" : reasons), fmt::arg("verdict", upper));
}

std::string build_openai_request(const std::string& model, const std::string& prompt)
{
  json::object request;
  if (!model.empty()) {
    request["model"] = model;
  }
  request["messages"] = json::array{
    json::object{
      {"role", "system"},
      {"content", "You review performance experiments on a production server. Be brief and exact."}},
    json::object{{"role", "user"}, {"content", prompt}},
  };
  request["temperature"] = 0;
  request["max_tokens"] = 200;
  request["stream"] = false;
  return util::write_json(request);
}

std::optional<std::string> openai_content(std::string_view body)
{
  const auto value = coach_json::parse(body);
  if (!value) {
    return std::nullopt;
  }
  const auto* choices = find(*value, "choices");
  if (choices == nullptr || !choices->is_array() || choices->as_array().empty()) {
    return std::nullopt;
  }
  const auto& first = choices->as_array()[0];
  if (const auto* message = find(first, "message")) {
    if (const auto* content = find(*message, "content"); content && content->is_string()) {
      return std::string(content->as_string());
    }
  }
  if (const auto* text = find(first, "text"); text && text->is_string()) { // legacy completions
    return std::string(text->as_string());
  }
  return std::nullopt;
}

std::optional<CoachAnswer> parse_model_answer(std::string_view text)
{
  std::optional<std::string> verdict;
  std::optional<double> confidence;
  std::string reason;
  bool first_line = true;
  for (auto line : util::split(text, '\n')) {
    line = util::trim(line);
    if (line.empty()) {
      continue;
    }
    if (auto rest = after_label(line, "verdict"); !rest.empty()) {
      const auto word = upper_word(rest);
      if (!verdict && (word == "KEEP" || word == "REVERT")) {
        verdict = word;
      }
    } else if (auto rest2 = after_label(line, "confidence"); !rest2.empty()) {
      double number = 0;
      std::string digits;
      for (const char c : rest2) {
        if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
          digits += c;
        } else {
          break;
        }
      }
      const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
      if (ec == std::errc() && ptr == digits.data() + digits.size() && !digits.empty()) {
        const bool percent = rest2.size() > digits.size() && rest2[digits.size()] == '%';
        if (percent || number > 1) {
          number /= 100;
        }
        if (number >= 0 && number <= 1) {
          confidence = number;
        }
      }
    } else if (auto rest3 = after_label(line, "reason"); !rest3.empty()) {
      reason = util::printable(rest3, 300);
    } else if (first_line) {
      const auto word = upper_word(line);
      if (word == "KEEP" || word == "REVERT") {
        verdict = word;
        const auto after = line.find_first_of(".:,-");
        if (reason.empty() && after != std::string_view::npos) {
          reason = util::printable(util::trim(line.substr(after + 1)), 300);
        }
      }
    }
    first_line = false;
  }
  if (!verdict) {
    return std::nullopt;
  }
  CoachAnswer answer;
  answer.verdict = *verdict == "KEEP" ? "keep" : "revert";
  answer.confidence = confidence.value_or(0.0);
  answer.reason = reason.empty() ? "(no reason given)" : reason;
  return answer;
}

} // namespace smart
