#include <smart/cmd/phone.hpp>

#include <smart/cmd/guarded_main.hpp>
#include <smart/cmd/phone_modes.hpp>
#include <smart/config.hpp>
#include <smart/error.hpp>
#include <smart/phone/coach_settings.hpp>

namespace smart::cmd {

int phone(const PhoneOptions& options)
{
  const auto config = Config::load(options.common.config);
  for (const auto& warning : config.warnings()) {
    warn(warning);
  }
  if (options.notify || options.heartbeat) {
    if (options.notify && options.heartbeat) {
      throw UsageError("--notify and --heartbeat are exclusive");
    }
    if (options.ask || options.register_host) {
      throw UsageError("--notify and --heartbeat go without --ask and --register");
    }
    if (options.heartbeat && (options.run_id || options.flush_only)) {
      throw UsageError("--heartbeat takes no RUN_ID and no --flush");
    }
    return options.notify ? phone_mode::notify(config, options) : phone_mode::heartbeat(config, options);
  }
  const auto getenv = process_environment();
  const int modes = int(options.ask) + int(options.register_host) + int(options.flush_only);
  if (modes > 1) {
    throw UsageError("--ask, --register and --flush are exclusive");
  }
  if (modes > 0 && options.run_id) {
    throw UsageError("RUN_ID goes with posting a run, not with --ask, --register or --flush");
  }
  auto settings = coach_settings(config, getenv, options.register_host ? LoadToken::no : LoadToken::yes);
  if (settings.token && settings.token->warning) {
    warn(*settings.token->warning);
  }
  if (settings.token) {
    if (auto warning = cleartext_warning(settings.url)) {
      warn(*warning);
    }
  }
  if (options.ask) {
    return phone_mode::ask(settings, options);
  }
  if (options.register_host) {
    return phone_mode::register_host(config, settings, options);
  }
  if (settings.url.empty()) {
    phone_mode::note("no coach configured (COACH_URL is empty): nothing sent");
    return to_int(ExitCode::ok);
  }
  if (settings.mode == CoachMode::openai) {
    phone_mode::note("COACH_MODE=openai: a local model takes no run reports; nothing sent");
    return to_int(ExitCode::ok);
  }
  return phone_mode::post(config, settings, options);
}

} // namespace smart::cmd
