#include <smart/error.hpp>
#include <smart/run/selection.hpp>
#include <smart/util/strings.hpp>
#include <smart/util/time.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstdio>

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

namespace {

std::string text_of(const boost::json::object& o, std::string_view key)
{
  if (const auto* v = o.if_contains(key); v && v->is_string()) {
    return std::string(v->as_string());
  }
  return {};
}

int minutes_of(std::string_view hhmm, std::string_view window)
{
  int h = 0;
  int m = 0;
  if (hhmm.size() != 5 || hhmm[2] != ':' || std::sscanf(std::string(hhmm).c_str(), "%2d:%2d", &h, &m) != 2 ||
      h < 0 || h > 23 || m < 0 || m > 59) {
    throw UsageError("RUN_WINDOW '{}': expected HH:MM-HH:MM (local time, e.g. 02:00-05:00)",
                     util::printable(window, 40));
  }
  return h * 60 + m;
}

} // namespace

std::optional<std::string> lifecycle_refusal(const std::vector<boost::json::object>& runs,
                                             const std::string& now_utc, long recheck_days,
                                             std::string_view managed_now)
{
  if (runs.empty()) {
    return std::nullopt;
  }
  const auto& last = runs.back();
  if (runs.size() >= 2 && text_of(last, "status") == "failed" &&
      text_of(runs[runs.size() - 2], "status") == "failed") {
    return fmt::format("paused: its last two runs ({}, {}) failed; run it by name to re-enable it",
                       text_of(runs[runs.size() - 2], "run_id"), text_of(last, "run_id"));
  }
  const auto status = text_of(last, "status");
  if (text_of(last, "mode") == "undo" && status == "reverted") {
    const auto started = util::parse_rfc3339(text_of(last, "started_at"));
    const auto now = util::parse_rfc3339(now_utc);
    if (started && now && *now - *started < std::chrono::hours(24) * recheck_days) {
      return fmt::format("settled: run {} undid run {} (smart-run --undo); rechecked {} day(s) after it "
                         "(RECHECK_DAYS={})",
                         text_of(last, "run_id"), text_of(last, "undid"), recheck_days, recheck_days);
    }
    return std::nullopt;
  }
  if (text_of(last, "mode") == "advise" || (status != "kept" && status != "reverted")) {
    return std::nullopt;
  }
  if (status == "reverted") {
    const auto* variants = last.if_contains("variants");
    if (!variants || !variants->is_array() || variants->as_array().empty()) {
      return std::nullopt;
    }
    for (const auto& v : variants->as_array()) {
      if (!v.is_object() || text_of(v.as_object(), "outcome") != "revert") {
        return std::nullopt; // inconclusive: worth another run
      }
    }
  }
  if (const auto recorded = text_of(last, "managed_fingerprint");
      !managed_now.empty() && !recorded.empty() && recorded != managed_now) {
    return std::nullopt; // the files changed since it settled: a new baseline to try
  }
  const auto started = util::parse_rfc3339(text_of(last, "started_at"));
  const auto now = util::parse_rfc3339(now_utc);
  if (!started || !now || *now - *started >= std::chrono::hours(24) * recheck_days) {
    return std::nullopt;
  }
  return fmt::format("settled: run {} {} ({}); rechecked {} day(s) after it (RECHECK_DAYS={})",
                     text_of(last, "run_id"), status,
                     status == "kept" ? "kept " + text_of(last, "kept_variant") : "every variant worse",
                     recheck_days, recheck_days);
}

bool in_run_window(std::string_view window, int minutes)
{
  if (window.empty()) {
    return true;
  }
  const auto dash = window.find('-');
  if (dash == std::string_view::npos) {
    throw UsageError("RUN_WINDOW '{}': expected HH:MM-HH:MM (local time, e.g. 02:00-05:00)",
                     util::printable(window, 40));
  }
  const int from = minutes_of(window.substr(0, dash), window);
  const int to = minutes_of(window.substr(dash + 1), window);
  if (from == to) {
    return true;
  }
  return from < to ? (minutes >= from && minutes < to) : (minutes >= from || minutes < to);
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
