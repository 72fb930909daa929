#pragma once

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Alerts: what a finished run is worth telling a human about, and the
// payload that tells it. Pure: the run's summary and the history are
// arguments; sending goes through the outbox (cmd/phone_notify.cpp).
//
// Events, each at most once per run (the key "<run id>.<event>" is the
// outbox entry and the Idempotency-Key):
//   revert_failed  the run's status is revert_failed
//   failed_twice   this run and the one before it both ended failed,
//                  aborted or revert_failed
//   unhealthy      the run was aborted: the target's error rate passed
//                  ABORT_ERR_PCT under a variant
//   kept           a variant was kept (only with NOTIFY_ON_KEEP=1)

namespace smart {

enum class NotifyFormat { json, slack, discord };

// "json", "slack" or "discord"; nullopt otherwise.
std::optional<NotifyFormat> parse_notify_format(std::string_view text);

struct NotifyEvent {
  std::string key;   // "<run id>.<event>"
  std::string event; // revert_failed, failed_twice, unhealthy, kept
  std::string run_id;
  std::string experiment;
  std::string status;
  std::string kept_variant;
  std::string reason;
};

// The events of the run `summary` (a summary.json object). `history` is
// history.jsonl's lines, oldest first (this run's line included when it is
// there; lines that are not objects are ignored).
std::vector<NotifyEvent> run_events(const boost::json::value& summary,
                                    const std::vector<boost::json::value>& history, bool on_keep);

// One line for a human: "web-1: revert of 001_nginx_workers FAILED in run ...".
std::string notify_text(const NotifyEvent& event, std::string_view host);

// The body posted to NOTIFY_URL:
//   json:    {"event", "key", "host", "run_id", "experiment", "status",
//             "kept_variant", "reason", "text", "at"}
//   slack:   {"text": "..."}           (an incoming webhook)
//   discord: {"content": "..."}        (a webhook, at most 2000 characters)
std::string notify_payload(NotifyFormat format, const NotifyEvent& event, std::string_view host,
                           std::string_view at);

// The heartbeat body in `format`: `document` (host metrics and health, a
// JSON object) as is for json, a one-line summary for slack and discord.
std::string heartbeat_payload(NotifyFormat format, const boost::json::object& document);

} // namespace smart
