#include <smart/phone/coach_settings.hpp>

#include <smart/error.hpp>
#include <smart/util/atomic_file.hpp>
#include <smart/util/strings.hpp>

#include <fmt/format.h>

#include <unistd.h>
#include <sys/stat.h>

#include <algorithm>

namespace smart {

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

} // namespace

std::optional<CoachToken> load_coach_token(const Config& config, const GetEnv& getenv)
{
  if (const auto& value = config.coach_token(); !value.empty()) {
    const auto& entry = config.values().find("COACH_TOKEN")->second;
    const std::string origin = entry.origin == Origin::file
                                 ? fmt::format("{}:{}: COACH_TOKEN", entry.file, entry.line)
                                 : std::string("(environment) COACH_TOKEN");
    auto token = check_token(value, origin);
    if (!token.empty()) {
      return CoachToken{std::move(token), origin, std::nullopt};
    }
  }
  if (const auto& file = config.coach_token_file(); !file.empty()) {
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
  settings.url = config.coach_url();
  if (!settings.url.empty() && !util::starts_with(settings.url, "http://") &&
      !util::starts_with(settings.url, "https://")) {
    throw UsageError("{}: COACH_URL must start with http:// or https://", config.describe("COACH_URL"));
  }
  const auto& mode = config.coach_mode();
  if (mode == "api" || mode.empty()) {
    settings.mode = CoachMode::api;
  } else if (mode == "openai") {
    settings.mode = CoachMode::openai;
  } else {
    throw UsageError("{}: unknown COACH_MODE (expected api or openai)", config.describe("COACH_MODE"));
  }
  settings.model = config.coach_model();
  if (load_token == LoadToken::yes) {
    settings.token = load_coach_token(config, getenv);
  }
  settings.ca_file = config.coach_ca_file();
  if (!settings.ca_file.empty() && !fs::exists(settings.ca_file)) {
    throw UsageError("{}: CA file not found", config.describe("COACH_CA_FILE"));
  }
  settings.timeout = Seconds(config.coach_timeout().count());
  if (settings.timeout.count() <= 0) {
    throw UsageError("{}: must be more than 0", config.describe("COACH_TIMEOUT"));
  }
  settings.retry.max_attempts = static_cast<int>(std::min(config.coach_retries(), 20L)) + 1;
  settings.retry.max_retry_after = Seconds(config.coach_retry_max_wait().count());
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
