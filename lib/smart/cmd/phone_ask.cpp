#include <smart/cmd/phone_modes.hpp>

#include <smart/cmd/guarded_main.hpp>
#include <smart/error.hpp>
#include <smart/phone/coach_api.hpp>
#include <smart/phone/coach_llm.hpp>
#include <smart/phone/host_metrics.hpp>
#include <smart/util/json_writer.hpp>
#include <smart/util/strings.hpp>
#include <smart/util/time.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <cstdio>

namespace smart::cmd::phone_mode {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

// The borderline exchange goes to stderr: smart-run, which owns the run
// directory, appends it to DIR/coach-exchange.log; --ask writes no file.
void log_exchange(const std::string& text)
{
  fmt::print(stderr, "{}\n", text);
  std::fflush(stderr);
}

} // namespace

int ask(CoachSettings settings, const PhoneOptions& options)
{
  if (options.run_dir.empty() || options.variant.empty()) {
    throw UsageError("--ask needs --run-dir DIR and --variant V");
  }
  if (!util::is_safe_name(options.variant)) {
    throw UsageError("bad variant name '{}'", util::printable(options.variant, 80));
  }
  const fs::path decision_file = options.run_dir / (options.variant + ".decision.json");
  const auto decision = read_json(decision_file, "decision");
  if (settings.url.empty()) {
    throw UsageError("no coach configured: COACH_URL is empty");
  }
  const std::string run_id = fs::absolute(options.run_dir).lexically_normal().filename().string();
  const std::string token = settings.token ? settings.token->value : std::string();
  const auto host = sample_host_metrics(std::chrono::milliseconds(100));

  HttpRequest request;
  std::string prompt;
  if (settings.mode == CoachMode::openai) {
    prompt = build_prompt(options.variant, decision_reply_from_json(decision.as_object()), host);
    request = coach_request(settings, openai_endpoint(settings.url),
                            build_openai_request(settings.model, prompt), std::nullopt);
  } else {
    request = coach_request(settings, join_url(settings.url, "ask"),
                            build_ask_payload(run_id, options.variant, decision, host_name(), host),
                            fmt::format("{}.{}.ask", run_id, options.variant));
  }
  // COACH_TIMEOUT bounds the whole question, retries included.
  settings.retry.deadline = settings.timeout;
  settings.retry.max_delay = std::min(settings.retry.max_delay, settings.timeout / 4);
  settings.retry.base_delay = std::min(settings.retry.base_delay, settings.timeout / 10);

  log_exchange(fmt::format("=== {} ask {} mode={} url={}\n--- request:\n{}",
                           util::format_rfc3339(std::chrono::system_clock::now()), options.variant,
                           settings.mode == CoachMode::openai ? "openai" : "api", request.url,
                           redact(prompt.empty() ? request.body : prompt, token)));

  auto client = make_curl_client();
  const Delivery delivery = send_with_retries(*client, request, settings.retry);
  std::string body = delivery.response ? delivery.response->body : std::string();
  if (body.size() > 8192) {
    body = body.substr(0, 8192) + "...(truncated)";
  }
  log_exchange(redact(fmt::format("--- response: {} ({} attempt{})\n{}", delivery.detail, delivery.attempts,
                                  delivery.attempts == 1 ? "" : "s", body),
                      token));

  const auto fail = [&](const std::string& why, ExitCode code) -> int {
    log_exchange(fmt::format("--- no answer: {} => revert", why));
    throw Error(redact(why, token) + " (no coach answer: revert)", code);
  };
  if (delivery.status != DeliveryStatus::delivered) {
    return fail(message_for(delivery, "coach question"),
                delivery.status == DeliveryStatus::unauthorized ? ExitCode::usage : ExitCode::failed);
  }
  std::optional<CoachAnswer> answer;
  if (settings.mode == CoachMode::openai) {
    const auto content = openai_content(delivery.response->body);
    if (!content) {
      return fail("the model's response is not a chat completion", ExitCode::failed);
    }
    answer = parse_model_answer(*content);
    if (!answer) {
      return fail(
        fmt::format("the model answered neither KEEP nor REVERT: '{}'", util::printable(*content, 120)),
        ExitCode::failed);
    }
  } else {
    answer = parse_api_answer(delivery.response->body);
    if (!answer) {
      return fail("the coach's answer is not {verdict: keep|revert, confidence: 0..1, reason}",
                  ExitCode::failed);
    }
  }
  answer->reason = redact(answer->reason, token);
  const std::string line = util::write_json(to_json(*answer));
  log_exchange("--- answer: " + line);
  fmt::print("{}\n", line);
  return to_int(ExitCode::ok);
}

} // namespace smart::cmd::phone_mode
