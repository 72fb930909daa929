#pragma once

#include <smart/cmd/phone.hpp>
#include <smart/config.hpp>
#include <smart/phone/coach_settings.hpp>
#include <smart/phone/retry.hpp>

#include <boost/json/value.hpp>

#include <filesystem>
#include <string>
#include <string_view>

// smart-phone's three modes, one file each (phone_post.cpp, phone_ask.cpp,
// phone_register.cpp), and the little they share. phone() in phone.cpp picks
// the mode.

namespace smart::cmd::phone_mode {

struct Paths {
  std::filesystem::path var_dir;
  std::filesystem::path runs_dir;
  std::filesystem::path state_file;
  std::filesystem::path outbox_dir;
};
Paths paths_of(const Config& config);

// "smart-phone: message" on stderr, flushed.
void note(std::string_view message);

// A JSON object from file; smart::UsageError naming the file when it is
// missing ("<file>: <what> not found"), not JSON or not an object.
boost::json::value read_json(const std::filesystem::path& file, std::string_view what);

// One line saying what became of a delivery of <what>, with the likely fix.
std::string message_for(const Delivery& delivery, std::string_view what);

// Queue the run's report (unless --flush), then send the outbox. Exit codes
// in phone.hpp.
int post(const Config& config, const CoachSettings& settings, const PhoneOptions& options);

// --ask: one borderline question; the answer as one JSON line on stdout.
int ask(CoachSettings settings, const PhoneOptions& options);

// --register: the claim workflow; stores the API key 0600.
int register_host(const Config& config, CoachSettings settings, const PhoneOptions& options);

// --notify [RUN_ID]: queue the run's alerts (revert failed, two failures in
// a row, target unhealthy, optionally a keep) and send the alert outbox to
// NOTIFY_URL / NOTIFY_COMMAND (phone_notify.cpp).
int notify(const Config& config, const PhoneOptions& options);

// --heartbeat: host metrics and health to NOTIFY_URL, and VAR_DIR/heartbeat.json.
int heartbeat(const Config& config, const PhoneOptions& options);

} // namespace smart::cmd::phone_mode
