#include <smart/cmd/phone_modes.hpp>

#include <smart/cmd/guarded_main.hpp>
#include <smart/error.hpp>
#include <smart/run_store.hpp>
#include <smart/util/atomic_file.hpp>
#include <smart/util/strings.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <cstdio>

namespace smart::cmd::phone_mode {

namespace fs = std::filesystem;
namespace json = boost::json;

Paths paths_of(const Config& config)
{
  Paths paths;
  paths.var_dir = config.var_dir();
  paths.runs_dir = config.runs_dir();
  paths.state_file = config.state_file();
  paths.outbox_dir = state_paths::outbox(paths.var_dir);
  return paths;
}

void note(std::string_view message)
{
  say(fmt::format("{}: {}\n", program_name(), message));
  std::fflush(stderr);
}

json::value read_json(const fs::path& file, std::string_view what)
{
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    throw UsageError("{}: {} not found", file.string(), what);
  }
  boost::system::error_code json_ec;
  auto value = json::parse(util::read_file(file), json_ec);
  if (json_ec) {
    throw UsageError("{}: not valid JSON: {}", file.string(), json_ec.message());
  }
  if (!value.is_object()) {
    throw UsageError("{}: expected a JSON object", file.string());
  }
  return value;
}

std::string message_for(const Delivery& delivery, std::string_view what)
{
  switch (delivery.status) {
  case DeliveryStatus::delivered:
    return fmt::format("{}: delivered", what);
  case DeliveryStatus::unauthorized:
    return fmt::format("{}: the coach refused the token ({}): check COACH_TOKEN, COACH_TOKEN_FILE or the "
                       "coach_token credential, or run smart-phone --register",
                       what, delivery.detail);
  case DeliveryStatus::rejected:
    if (delivery.response && delivery.response->status == 404) {
      return fmt::format("{}: the coach has no such endpoint ({}): is COACH_URL right?", what,
                         delivery.detail);
    }
    if (delivery.response && delivery.response->status >= 300 && delivery.response->status < 400) {
      return fmt::format(
        "{}: the coach redirects ({}); redirects are not followed, set COACH_URL to the final "
        "address",
        what, delivery.detail);
    }
    return fmt::format("{}: the coach rejected it ({}){}", what, delivery.detail,
                       delivery.response && !delivery.response->body.empty()
                         ? ": " + util::printable(delivery.response->body, 200)
                         : std::string());
  case DeliveryStatus::gave_up:
    return fmt::format("{}: coach unreachable: {}", what, delivery.detail);
  }
  return std::string(what);
}

} // namespace smart::cmd::phone_mode
