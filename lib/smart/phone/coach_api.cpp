#include <smart/phone/coach_api.hpp>

#include <smart/phone/coach_json.hpp>
#include <smart/util/json_writer.hpp>
#include <smart/version.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>

namespace smart {

namespace json = boost::json;
using coach_json::confidence_of;
using coach_json::find;
using coach_json::host_json;
using coach_json::string_of;

std::string join_url(std::string_view base, std::string_view path)
{
  std::string out(base);
  while (!out.empty() && out.back() == '/') {
    out.pop_back();
  }
  return out + "/" + std::string(path);
}

HttpRequest coach_request(const CoachSettings& settings, std::string url, std::string body,
                          const std::optional<std::string>& idempotency_key)
{
  HttpRequest request;
  request.method = "POST";
  request.url = std::move(url);
  request.body = std::move(body);
  request.headers.emplace_back("Content-Type", "application/json");
  request.headers.emplace_back("Accept", "application/json");
  if (settings.token) {
    request.headers.emplace_back("Authorization", "Bearer " + settings.token->value);
  }
  if (idempotency_key) {
    request.headers.emplace_back("Idempotency-Key", *idempotency_key);
  }
  request.total_timeout = settings.timeout;
  request.connect_timeout = std::min(settings.timeout, Seconds(5));
  request.ca_file = settings.ca_file;
  return request;
}

std::string build_run_payload(const std::string& run_id, const json::value& state,
                              const std::string& server_id, const HostMetrics& host,
                              const json::value& summary, util::SystemTime now)
{
  json::object payload;
  payload["run_id"] = run_id;
  payload["state"] = state;
  payload["server_id"] = server_id;
  payload["host"] = host_json(host);
  payload["summary"] = summary;
  payload["sent_by"] = fmt::format("smart-phone {}", smart::version);
  payload["created_at"] = util::format_rfc3339(now);
  return util::write_json(payload);
}

std::optional<Advice> parse_advice(std::string_view body)
{
  const auto value = coach_json::parse(body);
  if (!value) {
    return std::nullopt;
  }
  const auto* advice = find(*value, "advice");
  if (advice == nullptr || !advice->is_string()) {
    return std::nullopt;
  }
  Advice out;
  out.advice = std::string(advice->as_string());
  if (const auto* next = find(*value, "next_variant"); next && next->is_string()) {
    out.next_variant = std::string(next->as_string());
  }
  if (const auto* confidence = find(*value, "confidence")) {
    out.confidence = confidence_of(*confidence);
  }
  return out;
}

json::object to_json(const Advice& advice, util::SystemTime received_at)
{
  json::object out;
  out["advice"] = advice.advice;
  out["next_variant"] = advice.next_variant ? json::value(*advice.next_variant) : json::value(nullptr);
  out["confidence"] = advice.confidence ? json::value(*advice.confidence) : json::value(nullptr);
  out["received_at"] = util::format_rfc3339(received_at);
  return out;
}

std::string build_ask_payload(const std::string& run_id, const std::string& variant,
                              const json::value& decision, const std::string& server_id,
                              const HostMetrics& host)
{
  json::object payload;
  payload["run_id"] = run_id;
  payload["server_id"] = server_id;
  payload["variant"] = variant;
  payload["decision"] = decision;
  payload["host"] = host_json(host);
  payload["sent_by"] = fmt::format("smart-phone {}", smart::version);
  return util::write_json(payload);
}

std::optional<CoachAnswer> parse_api_answer(std::string_view body)
{
  const auto value = coach_json::parse(body);
  if (!value) {
    return std::nullopt;
  }
  const auto* verdict = find(*value, "verdict");
  const auto* confidence = find(*value, "confidence");
  if (verdict == nullptr || !verdict->is_string() || confidence == nullptr) {
    return std::nullopt;
  }
  CoachAnswer answer;
  answer.verdict = std::string(verdict->as_string());
  if (answer.verdict != "keep" && answer.verdict != "revert") {
    return std::nullopt;
  }
  const auto number = confidence_of(*confidence);
  if (!number) {
    return std::nullopt;
  }
  answer.confidence = *number;
  answer.reason = string_of(find(*value, "reason"), "");
  return answer;
}

} // namespace smart
