#pragma once

#include <smart/phone/coach_answer.hpp>
#include <smart/phone/coach_settings.hpp>
#include <smart/phone/host_metrics.hpp>
#include <smart/phone/http_client.hpp>
#include <smart/util/time.hpp>

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

// The coach API (COACH_MODE=api; docs/coach.md, docs/coach-api.yaml): the
// requests smart-phone sends and how it reads the answers. Pure functions
// over values.

namespace smart {

// "https://coach/x" + "ask" = "https://coach/x/ask"
std::string join_url(std::string_view base, std::string_view path);

// POST JSON with Content-Type, Accept, Authorization: Bearer (when a token
// is set) and Idempotency-Key (when given).
HttpRequest coach_request(const CoachSettings& settings, std::string url, std::string body,
                          const std::optional<std::string>& idempotency_key);

// The run report: {run_id, state, server_id, host{cpu_pct, mem_pct, load,
// uptime_s}, summary, sent_by, created_at}.
std::string build_run_payload(const std::string& run_id, const boost::json::value& state,
                              const std::string& server_id, const HostMetrics& host,
                              const boost::json::value& summary, util::SystemTime now);

// The coach's answer to a run report: {advice, next_variant, confidence}.
struct Advice {
  std::string advice;
  std::optional<std::string> next_variant;
  std::optional<double> confidence;
};
// nullopt when the body holds no advice (empty, not JSON, no "advice").
std::optional<Advice> parse_advice(std::string_view body);
boost::json::object to_json(const Advice& advice, util::SystemTime received_at);

// api mode: POST {COACH_URL}/ask with {run_id, server_id, variant, decision,
// host}; the answer is {verdict, confidence, reason}.
std::string build_ask_payload(const std::string& run_id, const std::string& variant,
                              const boost::json::value& decision, const std::string& server_id,
                              const HostMetrics& host);
std::optional<CoachAnswer> parse_api_answer(std::string_view body);

} // namespace smart
