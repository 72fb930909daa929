#include <smart/run/passive_measure.hpp>

#include <smart/access_log.hpp>
#include <smart/error.hpp>
#include <smart/util/strings.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <array>
#include <cmath>

namespace smart {

namespace json = boost::json;

namespace {

constexpr auto passive_keys = std::to_array<std::string_view>(
  {"source", "file", "log_format", "warmup_seconds", "min_rate", "settle_seconds", "comment"});

std::optional<std::string> text_of(const json::object& object, std::string_view key, std::string_view path,
                                   const PassiveIssue& problem)
{
  const auto* value = object.if_contains(key);
  if (!value) {
    return std::nullopt;
  }
  if (!value->is_string() || value->as_string().empty()) {
    problem(path, "expected a non-empty string");
    return std::nullopt;
  }
  return std::string(value->as_string());
}

// Seconds as a number, or a duration string ("5s", "500ms").
std::optional<util::Duration> seconds_of(const json::object& object, std::string_view key,
                                         std::string_view path, const PassiveIssue& problem)
{
  const auto* value = object.if_contains(key);
  if (!value) {
    return std::nullopt;
  }
  std::optional<util::Duration> parsed;
  if (value->is_number() && std::isfinite(value->to_number<double>()) && value->to_number<double>() >= 0) {
    parsed = util::Duration(value->to_number<double>());
  } else if (value->is_string()) {
    parsed = util::parse_duration(std::string_view(value->as_string()));
  }
  if (!parsed) {
    problem(path, "not a duration (seconds as a number, or a string like \"5s\", \"500ms\")");
  }
  return parsed;
}

void check_format(const std::string& text, const PassiveIssue& problem)
{
  try {
    const LogFormat format = LogFormat::parse(text);
    std::string missing;
    for (const LogField field : {LogField::status, LogField::request_time}) {
      if (!format.has(field)) {
        missing += (missing.empty() ? "" : ", ") + variable_name(field);
      }
    }
    if (!format.has_time()) {
      missing += (missing.empty() ? "" : ", ") + std::string("$msec (or $time_iso8601 or $time_local)");
    }
    if (!missing.empty()) {
      problem("measure.log_format",
              fmt::format("the format lacks {}, which passive measurement needs (nginx: include the "
                          "smart-log-format.conf snippet and log with the format named smart)",
                          missing));
    }
  } catch (const UsageError& e) {
    std::string_view why = e.what();
    if (why.starts_with("--log-format: ")) {
      why.remove_prefix(14);
    }
    problem("measure.log_format", why);
  }
}

} // namespace

std::optional<PassiveMeasure> parse_passive_measure(const json::object& object, const PassiveIssue& problem,
                                                    const PassiveIssue& warning)
{
  bool ok = true;
  const PassiveIssue note = [&](std::string_view path, std::string_view why) {
    ok = false;
    problem(path, why);
  };
  for (const auto& [key, value] : object) {
    if (std::find(passive_keys.begin(), passive_keys.end(), std::string_view(key)) == passive_keys.end()) {
      const auto suggestion =
        util::did_you_mean(std::string_view(key), std::span<const std::string_view>(passive_keys));
      warning(fmt::format("measure.{}", util::printable(std::string_view(key), 60)),
              suggestion ? fmt::format("unknown key, ignored (did you mean {}?)", *suggestion)
                         : std::string("unknown key, ignored"));
    }
  }
  PassiveMeasure passive;
  const auto source = text_of(object, "source", "measure.source", note);
  if (!object.if_contains("source")) {
    note("measure.source", "missing (\"access_log\" is the passive source)");
  } else if (source && *source != "access_log") {
    note("measure.source", fmt::format("\"{}\" is not a source smart-run knows (\"access_log\")",
                                       util::printable(*source, 40)));
  }
  if (const auto file = text_of(object, "file", "measure.file", note)) {
    passive.file = *file;
    if (!passive.file.starts_with('/')) {
      note("measure.file", "must be an absolute path (the access log smart-run follows)");
    }
  } else if (!object.if_contains("file")) {
    note("measure.file", "missing (the access log to follow, an absolute path)");
  }
  if (const auto format = text_of(object, "log_format", "measure.log_format", note)) {
    passive.log_format = *format;
  }
  check_format(passive.log_format, note);
  passive.warmup = seconds_of(object, "warmup_seconds", "measure.warmup_seconds", note);
  if (const auto settle = seconds_of(object, "settle_seconds", "measure.settle_seconds", note)) {
    passive.settle = *settle;
  }
  if (const auto* rate = object.if_contains("min_rate")) {
    if (!rate->is_number() || !std::isfinite(rate->to_number<double>()) || rate->to_number<double>() < 0) {
      note("measure.min_rate", "expected a number of requests per second, 0 or more");
    } else {
      passive.min_rate = rate->to_number<double>();
    }
  }
  return ok ? std::optional(passive) : std::nullopt;
}

} // namespace smart
