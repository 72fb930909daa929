// Config's typed accessors (config.hpp): each reads its key through the
// generic getters, so the key table in config.cpp stays the one place that
// says a key's type, default and check.
#include <smart/config.hpp>

namespace smart {

std::filesystem::path Config::var_dir() const
{
  return path("VAR_DIR");
}

std::filesystem::path Config::runs_dir() const
{
  return path("RUNS_DIR");
}

std::filesystem::path Config::state_file() const
{
  return path("STATE_FILE");
}

std::filesystem::path Config::dash_dir() const
{
  return path("DASH_DIR");
}

std::filesystem::path Config::experiments_dir() const
{
  return path("EXPERIMENTS_DIR");
}

std::filesystem::path Config::smart_bin_dir() const
{
  return path("SMART_BIN_DIR");
}

std::filesystem::path Config::textfile_dir() const
{
  return path("TEXTFILE_DIR");
}

std::filesystem::path Config::dash_assets_dir() const
{
  return path("DASH_ASSETS_DIR");
}

std::filesystem::path Config::target_pid_file() const
{
  return path("TARGET_PID_FILE");
}

std::filesystem::path Config::cgroup_root() const
{
  return path("CGROUP_ROOT");
}

const std::string& Config::allow_risk() const
{
  return get("ALLOW_RISK");
}

const std::string& Config::run_window() const
{
  return get("RUN_WINDOW");
}

const std::string& Config::notify_url() const
{
  return get("NOTIFY_URL");
}

const std::string& Config::notify_command() const
{
  return get("NOTIFY_COMMAND");
}

const std::string& Config::notify_format() const
{
  return get("NOTIFY_FORMAT");
}

const std::string& Config::coach_token_file() const
{
  return get("COACH_TOKEN_FILE");
}

const std::string& Config::coach_token() const
{
  return get("COACH_TOKEN");
}

const std::string& Config::coach_url() const
{
  return get("COACH_URL");
}

const std::string& Config::coach_mode() const
{
  return get("COACH_MODE");
}

const std::string& Config::coach_model() const
{
  return get("COACH_MODEL");
}

const std::string& Config::coach_ca_file() const
{
  return get("COACH_CA_FILE");
}

const std::string& Config::measure_ca_file() const
{
  return get("MEASURE_CA_FILE");
}

const std::string& Config::target_service() const
{
  return get("TARGET_SERVICE");
}

long Config::recheck_days() const
{
  return integer("RECHECK_DAYS");
}

long Config::coach_outbox_max() const
{
  return integer("COACH_OUTBOX_MAX");
}

long Config::retain_days() const
{
  return integer("RETAIN_DAYS");
}

long Config::retain_runs() const
{
  return integer("RETAIN_RUNS");
}

long Config::coach_retries() const
{
  return integer("COACH_RETRIES");
}

double Config::improve_pct() const
{
  return number("IMPROVE_PCT");
}

double Config::max_err_delta_pct() const
{
  return number("MAX_ERR_DELTA_PCT");
}

double Config::abort_err_pct() const
{
  return number("ABORT_ERR_PCT");
}

double Config::max_cpu_increase_pct() const
{
  return number("MAX_CPU_INCREASE_PCT");
}

double Config::max_memory_increase_pct() const
{
  return number("MAX_MEMORY_INCREASE_PCT");
}

double Config::coach_min_confidence() const
{
  return number("COACH_MIN_CONFIDENCE");
}

util::Duration Config::timer_interval() const
{
  return duration("TIMER_INTERVAL");
}

util::Duration Config::coach_timeout() const
{
  return duration("COACH_TIMEOUT");
}

util::Duration Config::coach_outbox_max_age() const
{
  return duration("COACH_OUTBOX_MAX_AGE");
}

util::Duration Config::baseline_seconds() const
{
  return duration("BASELINE_SECONDS");
}

util::Duration Config::experiment_seconds() const
{
  return duration("EXPERIMENT_SECONDS");
}

util::Duration Config::cooldown_seconds() const
{
  return duration("COOLDOWN_SECONDS");
}

util::Duration Config::coach_retry_max_wait() const
{
  return duration("COACH_RETRY_MAX_WAIT");
}

bool Config::notify_on_keep() const
{
  return integer("NOTIFY_ON_KEEP") != 0;
}

bool Config::measure_insecure() const
{
  return number("MEASURE_INSECURE") != 0;
}

} // namespace smart
