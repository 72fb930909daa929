#pragma once

#include <smart/config.hpp>
#include <smart/phone/retry.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

// Where and how smart-phone reaches the coach: the COACH_* settings of
// smart.conf and the token (docs/coach.md). load_coach_token reads the token
// file; everything else works on values.

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

// text with every occurrence of secret replaced, for anything written to a
// log or a run file (a hostile coach could echo the token back).
std::string redact(std::string text, std::string_view secret);

} // namespace smart
