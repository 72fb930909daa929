#pragma once

#include <smart/config.hpp>
#include <smart/phone/host_metrics.hpp>
#include <smart/phone/http_client.hpp>
#include <smart/phone/retry.hpp>
#include <smart/util/time.hpp>

#include <boost/json/value.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

// The coach protocol (docs/coach.md, docs/coach-api.yaml): what smart-phone
// sends and how it reads the answers. Pure functions over values, except
// load_coach_token, which reads the token file.

namespace smart {

enum class CoachMode { api, openai };

struct CoachToken {
  std::string value;                  // never printed, never logged, never on a command line
  std::string origin;                 // "COACH_TOKEN", "COACH_TOKEN_FILE /etc/smart/key", ...
  std::optional<std::string> warning; // e.g. a token file others may read
};

// The token, from (first found) COACH_TOKEN (environment or smart.conf),
// the file COACH_TOKEN_FILE, $CREDENTIALS_DIRECTORY/coach_token (systemd
// LoadCredential=), or default_token_file when this process may read it (an
// operator running smart-phone by hand as root). nullopt when none is set. A named file that cannot be
// read, or a token with control characters (it goes into an HTTP header),
// throws smart::UsageError without showing the token.
std::optional<CoachToken> load_coach_token(const Config& config, const GetEnv& getenv);

// Where --register stores the API key when COACH_TOKEN_FILE is not set: the
// system credential store, where the service's `LoadCredential=coach_token`
// finds it (systemd.exec(5)).
inline constexpr const char* default_token_file = "/etc/credstore/coach_token";

struct CoachSettings {
  std::string url;
  CoachMode mode = CoachMode::api;
  std::string model;
  std::optional<CoachToken> token;
  std::filesystem::path ca_file;
  Seconds timeout{10};
  RetryPolicy retry;
};

enum class LoadToken { yes, no };

// Reads the COACH_* keys (and the token, unless told not to: --register
// works before there is one); throws smart::UsageError for a bad
// COACH_MODE or a COACH_URL that is not http(s)://.
CoachSettings coach_settings(const Config& config, const GetEnv& getenv,
                             LoadToken load_token = LoadToken::yes);

// A warning when url is plain http:// to a host other than the loopback (the
// token would cross the network in clear text); nullopt otherwise.
std::optional<std::string> cleartext_warning(std::string_view url);

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

// The answer to a borderline question.
struct CoachAnswer {
  std::string verdict; // keep | revert
  double confidence = 0;
  std::string reason;
};
boost::json::object to_json(const CoachAnswer& answer);

// api mode: POST {COACH_URL}/ask with {run_id, server_id, variant, decision,
// host}; the answer is {verdict, confidence, reason}.
std::string build_ask_payload(const std::string& run_id, const std::string& variant,
                              const boost::json::value& decision, const std::string& server_id,
                              const HostMetrics& host);
std::optional<CoachAnswer> parse_api_answer(std::string_view body);

// openai mode: an OpenAI-compatible chat completion (llama.cpp server,
// Ollama, vLLM...). COACH_URL is the base ("http://127.0.0.1:8080" or
// ".../v1") or the full ".../chat/completions" endpoint.
std::string openai_endpoint(std::string_view url);
// The prompt of seeds/002 "Local AI Coaching": the metrics, the thresholds,
// the proposed verdict, and the answer format we parse.
std::string build_prompt(const std::string& variant, const boost::json::value& decision,
                         const HostMetrics& host);
std::string build_openai_request(const std::string& model, const std::string& prompt);
// The model's text from a chat-completion response; nullopt when absent.
std::optional<std::string> openai_content(std::string_view body);
// KEEP or REVERT (first word, or a "VERDICT:" line), an optional
// "CONFIDENCE: x" (0..1 or a percentage) and "REASON: ..."; nullopt for any
// other answer (which means revert). Missing confidence is 0.
std::optional<CoachAnswer> parse_model_answer(std::string_view text);

// text with every occurrence of secret replaced, for anything written to a
// log or a run file (a hostile coach could echo the token back).
std::string redact(std::string text, std::string_view secret);

} // namespace smart
