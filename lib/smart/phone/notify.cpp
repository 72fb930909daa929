#include <smart/phone/notify.hpp>

#include <smart/outcome.hpp>
#include <smart/util/json_writer.hpp>
#include <smart/util/strings.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

namespace smart {

namespace json = boost::json;

std::optional<NotifyFormat> parse_notify_format(std::string_view text)
{
  if (text == "json") {
    return NotifyFormat::json;
  }
  if (text == "slack") {
    return NotifyFormat::slack;
  }
  if (text == "discord") {
    return NotifyFormat::discord;
  }
  return std::nullopt;
}

namespace {

std::string string_at(const json::value& value, std::string_view name)
{
  if (!value.is_object()) {
    return {};
  }
  const auto* member = value.as_object().if_contains(name);
  return member != nullptr && member->is_string() ? std::string(member->as_string()) : std::string();
}

bool is_failure(std::string_view status)
{
  return status == "failed" || status == "aborted" || status == "revert_failed";
}

} // namespace

std::vector<NotifyEvent> run_events(const json::value& summary, const std::vector<json::value>& history,
                                    bool on_keep)
{
  NotifyEvent base;
  base.run_id = string_at(summary, "run_id");
  base.experiment = string_at(summary, "experiment");
  base.status = string_at(summary, "status");
  base.kept_variant = string_at(summary, "kept_variant");
  base.reason = string_at(summary, "reason");
  std::vector<NotifyEvent> events;
  const auto add = [&](std::string_view name) {
    NotifyEvent event = base;
    event.event = std::string(name);
    event.key = fmt::format("{}.{}", base.run_id, name);
    events.push_back(std::move(event));
  };
  if (base.run_id.empty()) {
    return events;
  }
  if (base.status == "revert_failed") {
    add("revert_failed");
  }
  if (is_failure(base.status)) {
    // The run before this one: the last history line with another run id,
    // before this run's own line.
    std::string previous;
    bool seen_self = false;
    for (auto it = history.rbegin(); it != history.rend(); ++it) {
      const auto id = string_at(*it, "run_id");
      if (id.empty()) {
        continue;
      }
      if (id == base.run_id) {
        seen_self = true;
        continue;
      }
      if (!seen_self && id > base.run_id) {
        continue; // a later run
      }
      previous = string_at(*it, "status");
      break;
    }
    if (is_failure(previous)) {
      add("failed_twice");
    }
  }
  if (base.status == "aborted" || outcome::target_unhealthy(base.status, base.reason)) {
    add("unhealthy");
  }
  if (on_keep && base.status == "kept") {
    add("kept");
  }
  return events;
}

std::string notify_text(const NotifyEvent& event, std::string_view host)
{
  std::string what;
  if (event.event == "revert_failed") {
    what =
      fmt::format("the revert of {} FAILED: the server may not be in its baseline state", event.experiment);
  } else if (event.event == "failed_twice") {
    what = fmt::format("two runs in a row failed (last: {}, {})", event.experiment, event.status);
  } else if (event.event == "unhealthy") {
    what = fmt::format("the target was unhealthy during {} ({})", event.experiment,
                       event.status == "aborted" ? "run aborted" : "no variant was tried");
  } else if (event.event == "kept") {
    what = fmt::format("{} kept {}", event.experiment, event.kept_variant);
  } else {
    what = event.event;
  }
  return util::printable(fmt::format("smart on {}: {} (run {}): {}", host, what, event.run_id, event.reason),
                         1900);
}

std::string notify_payload(NotifyFormat format, const NotifyEvent& event, std::string_view host,
                           std::string_view at)
{
  const std::string text = notify_text(event, host);
  switch (format) {
  case NotifyFormat::slack:
    return util::write_json(json::object{{"text", text}});
  case NotifyFormat::discord:
    return util::write_json(json::object{{"content", text}});
  case NotifyFormat::json:
    break;
  }
  return util::write_json(json::object{
    {"event", event.event},
    {"key", event.key},
    {"host", host},
    {"run_id", event.run_id},
    {"experiment", event.experiment},
    {"status", event.status},
    {"kept_variant", event.kept_variant},
    {"reason", event.reason},
    {"text", text},
    {"at", at},
  });
}

std::string heartbeat_payload(NotifyFormat format, const json::object& document)
{
  if (format == NotifyFormat::json) {
    return util::write_json(document);
  }
  const auto number = [&](std::string_view name) -> std::string {
    const auto* value = document.if_contains(name);
    if (value == nullptr || !value->is_number()) {
      return "–";
    }
    return fmt::format("{:.0f}", value->to_number<double>());
  };
  const json::value whole = document;
  const auto* health = document.if_contains("health");
  const std::string status = health != nullptr ? string_at(*health, "status") : std::string();
  const std::string text = fmt::format("smart heartbeat from {}: cpu {}%, memory {}%, disk {}%, health {}",
                                       string_at(whole, "host"), number("cpu_pct"), number("mem_pct"),
                                       number("disk_pct"), status.empty() ? "unknown" : status);
  return util::write_json(format == NotifyFormat::slack ? json::object{{"text", text}}
                                                        : json::object{{"content", text}});
}

} // namespace smart
