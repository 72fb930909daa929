#include <smart/phone/coach.hpp>

#include <smart/error.hpp>
#include <smart/util/atomic_file.hpp>
#include <smart/util/strings.hpp>
#include <smart/version.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <unistd.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>

namespace smart {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

std::string check_token(std::string token, const std::string& origin)
{
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) {
    token.pop_back();
  }
  for (const char c : token) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      throw UsageError(
        "{}: the coach token contains control characters (it must fit in one HTTP header line)", origin);
    }
  }
  return token;
}

std::optional<CoachToken> token_from_file(const fs::path& file, const std::string& origin, bool required)
{
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    if (required) {
      throw UsageError("{}: token file not found", origin);
    }
    return std::nullopt;
  }
  std::string text;
  try {
    text = util::read_file(file);
  } catch (const util::Failure& e) {
    throw UsageError("{}: cannot read the token file: {}", origin, e.what());
  }
  auto token = check_token(std::move(text), origin);
  if (token.empty()) {
    throw UsageError("{}: the token file is empty", origin);
  }
  CoachToken out{std::move(token), origin, std::nullopt};
  struct stat st {};
  if (::stat(file.c_str(), &st) == 0 && (st.st_mode & 0077) != 0) {
    out.warning = fmt::format("{}: the token file is readable by group or others (mode {:o}); chmod 600 it",
                              origin, st.st_mode & 0777);
  }
  return out;
}

json::value metrics_json(const HostMetrics& host)
{
  json::object out;
  out["cpu_pct"] = host.cpu_pct ? json::value(std::round(*host.cpu_pct * 10) / 10) : json::value(nullptr);
  out["mem_pct"] = host.mem_pct ? json::value(std::round(*host.mem_pct * 10) / 10) : json::value(nullptr);
  if (host.load) {
    out["load"] = json::array{(*host.load)[0], (*host.load)[1], (*host.load)[2]};
  } else {
    out["load"] = nullptr;
  }
  out["uptime_s"] = host.uptime_s ? json::value(std::round(*host.uptime_s)) : json::value(nullptr);
  return out;
}

std::optional<json::value> parse_json(std::string_view body)
{
  boost::system::error_code ec;
  auto value = json::parse(body, ec);
  if (ec) {
    return std::nullopt;
  }
  return value;
}

std::optional<double> number_of(const json::value& value)
{
  if (value.is_double()) {
    return value.get_double();
  }
  if (value.is_int64()) {
    return static_cast<double>(value.get_int64());
  }
  if (value.is_uint64()) {
    return static_cast<double>(value.get_uint64());
  }
  return std::nullopt;
}

std::optional<double> confidence_of(const json::value& value)
{
  auto number = number_of(value);
  if (!number || !std::isfinite(*number) || *number < 0 || *number > 1) {
    return std::nullopt;
  }
  return number;
}

const json::value* find(const json::value& value, std::string_view key)
{
  if (!value.is_object()) {
    return nullptr;
  }
  return value.as_object().if_contains(key);
}

std::string fmt_number(const json::value* value, std::string_view unit)
{
  if (value == nullptr) {
    return "n/a";
  }
  if (auto number = number_of(*value)) {
    return fmt::format("{:.2f}{}", *number, unit);
  }
  return "n/a";
}

std::string fmt_count(const json::value* value)
{
  if (value == nullptr) {
    return "?";
  }
  if (auto number = number_of(*value)) {
    return fmt::format("{:.0f}", *number);
  }
  return "?";
}

std::string string_of(const json::value* value, std::string_view fallback)
{
  if (value != nullptr && value->is_string()) {
    return util::printable(value->as_string(), 300);
  }
  return std::string(fallback);
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

std::optional<CoachToken> load_coach_token(const Config& config, const GetEnv& getenv)
{
  if (const auto& value = config.get("COACH_TOKEN"); !value.empty()) {
    const auto& entry = config.values().find("COACH_TOKEN")->second;
    const std::string origin = entry.origin == Origin::file
                                 ? fmt::format("{}:{}: COACH_TOKEN", entry.file, entry.line)
                                 : std::string("(environment) COACH_TOKEN");
    auto token = check_token(value, origin);
    if (!token.empty()) {
      return CoachToken{std::move(token), origin, std::nullopt};
    }
  }
  if (const auto& file = config.get("COACH_TOKEN_FILE"); !file.empty()) {
    return token_from_file(file, fmt::format("COACH_TOKEN_FILE {}", file), true);
  }
  if (auto dir = getenv("CREDENTIALS_DIRECTORY"); dir && !dir->empty()) {
    const fs::path file = fs::path(*dir) / "coach_token";
    if (auto token = token_from_file(file, fmt::format("systemd credential {}", file.string()), false)) {
      return token;
    }
  }
  if (::access(default_token_file, R_OK) == 0) {
    return token_from_file(default_token_file, fmt::format("{}", default_token_file), false);
  }
  return std::nullopt;
}

CoachSettings coach_settings(const Config& config, const GetEnv& getenv, LoadToken load_token)
{
  CoachSettings settings;
  settings.url = config.get("COACH_URL");
  if (!settings.url.empty() && !util::starts_with(settings.url, "http://") &&
      !util::starts_with(settings.url, "https://")) {
    throw UsageError("{}: COACH_URL must start with http:// or https://", config.describe("COACH_URL"));
  }
  const auto& mode = config.get("COACH_MODE");
  if (mode == "api" || mode.empty()) {
    settings.mode = CoachMode::api;
  } else if (mode == "openai") {
    settings.mode = CoachMode::openai;
  } else {
    throw UsageError("{}: unknown COACH_MODE (expected api or openai)", config.describe("COACH_MODE"));
  }
  settings.model = config.get("COACH_MODEL");
  if (load_token == LoadToken::yes) {
    settings.token = load_coach_token(config, getenv);
  }
  settings.ca_file = config.get("COACH_CA_FILE");
  if (!settings.ca_file.empty() && !fs::exists(settings.ca_file)) {
    throw UsageError("{}: CA file not found", config.describe("COACH_CA_FILE"));
  }
  settings.timeout = Seconds(config.duration("COACH_TIMEOUT").count());
  if (settings.timeout.count() <= 0) {
    throw UsageError("{}: must be more than 0", config.describe("COACH_TIMEOUT"));
  }
  settings.retry.max_attempts = static_cast<int>(std::min(config.integer("COACH_RETRIES"), 20L)) + 1;
  settings.retry.max_retry_after = Seconds(config.duration("COACH_RETRY_MAX_WAIT").count());
  return settings;
}

std::optional<std::string> cleartext_warning(std::string_view url)
{
  if (!util::starts_with(url, "http://")) {
    return std::nullopt;
  }
  auto rest = url.substr(7);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    rest = rest.substr(at + 1);
  }
  std::string_view host = rest;
  if (util::starts_with(host, "[")) {
    host = host.substr(1, host.find(']') == std::string_view::npos ? host.size() - 1 : host.find(']') - 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  if (host == "localhost" || host == "::1" || util::starts_with(host, "127.")) {
    return std::nullopt;
  }
  return fmt::format(
    "COACH_URL is plain http:// to {}: the token and the reports cross the network unencrypted "
    "(use https://)",
    util::printable(host, 100));
}

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
  payload["host"] = metrics_json(host);
  payload["summary"] = summary;
  payload["sent_by"] = fmt::format("smart-phone {}", smart::version);
  payload["created_at"] = util::format_rfc3339(now);
  return json::serialize(payload);
}

std::optional<Advice> parse_advice(std::string_view body)
{
  const auto value = parse_json(body);
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

json::object to_json(const CoachAnswer& answer)
{
  json::object out;
  out["verdict"] = answer.verdict;
  out["confidence"] = answer.confidence;
  out["reason"] = answer.reason;
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
  payload["host"] = metrics_json(host);
  payload["sent_by"] = fmt::format("smart-phone {}", smart::version);
  return json::serialize(payload);
}

std::optional<CoachAnswer> parse_api_answer(std::string_view body)
{
  const auto value = parse_json(body);
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

std::string build_prompt(const std::string& variant, const json::value& decision, const HostMetrics& host)
{
  const std::string metric = string_of(find(decision, "metric"), "p50");
  const std::string key = metric + "_ms";
  const auto* baseline = find(decision, "baseline");
  const auto* var = find(decision, "variant");
  const auto* thresholds = find(decision, "thresholds");
  const std::string verdict = string_of(find(decision, "verdict"), "revert");
  std::string upper = verdict;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });

  std::string reasons;
  if (const auto* list = find(decision, "reasons"); list && list->is_array()) {
    for (const auto& reason : list->as_array()) {
      if (reason.is_string()) {
        reasons += fmt::format("  * {}\n", util::printable(reason.as_string(), 200));
      }
    }
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
    fmt::arg("b_lat", fmt_number(find(baseline ? *baseline : json::value(), key), "ms")),
    fmt::arg("b_err", fmt_number(find(baseline ? *baseline : json::value(), "err_pct"), "%")),
    fmt::arg("b_n", fmt_count(find(baseline ? *baseline : json::value(), "n"))),
    fmt::arg("v_lat", fmt_number(find(var ? *var : json::value(), key), "ms")),
    fmt::arg("v_err", fmt_number(find(var ? *var : json::value(), "err_pct"), "%")),
    fmt::arg("v_n", fmt_count(find(var ? *var : json::value(), "n"))),
    fmt::arg("improve", fmt_number(find(decision, "improve_pct"), "%")),
    fmt::arg("err_delta", fmt_number(find(decision, "err_delta_pct"), "")),
    fmt::arg("t_improve", fmt_number(find(thresholds ? *thresholds : json::value(), "improve_pct"), "%")),
    fmt::arg("t_err", fmt_number(find(thresholds ? *thresholds : json::value(), "max_err_delta_pct"), "")),
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
  return json::serialize(request);
}

std::optional<std::string> openai_content(std::string_view body)
{
  const auto value = parse_json(body);
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

std::string redact(std::string text, std::string_view secret)
{
  if (secret.empty()) {
    return text;
  }
  std::size_t at = 0;
  while ((at = text.find(secret, at)) != std::string::npos) {
    text.replace(at, secret.size(), "[redacted]");
    at += 10;
  }
  return text;
}

} // namespace smart
