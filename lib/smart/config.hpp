#pragma once

#include <smart/util/units.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// smart.conf (docs/run.md, "smart.conf"; docs/formats.md).
//
// KEY=VALUE lines, '#' comments (also after a value, after white space),
// optional "export", single or double quotes, ${VAR} and ${VAR:-default}
// references. The original file parses as is and doubles as a systemd
// EnvironmentFile. Precedence: command line > environment > file > default;
// a reference inside the file sees the effective value (so BASE_DIR from the
// environment moves DASH_DIR="${BASE_DIR}/www" too, which the original's
// plain `source` could not do).
//
// Errors (a bad line, a bad value) are all collected, each naming FILE:LINE,
// or "(environment) KEY" / "(command line) KEY", then thrown together as one
// smart::UsageError (one problem a line) -- unless Check::collect asks for
// the Config anyway (--show-config marks the bad values). Unknown keys are
// kept (they reach experiment commands' environment) and produce a warning
// with a "did you mean" suggestion, and so does every line that systemd's
// EnvironmentFile= would read differently (config_systemd.hpp).

namespace smart {

enum class Origin { default_value, file, environment, command_line };

struct ConfigValue {
  std::string value;
  Origin origin = Origin::default_value;
  std::string file; // with Origin::file
  std::size_t line = 0;
  std::string problem; // why the value is invalid; empty when it is fine
};

// Whether problems throw (the default) or are kept in Config::problems().
enum class Check { strict, collect };

// Looks up a process environment variable; a seam so parsing stays pure.
using GetEnv = std::function<std::optional<std::string>(const std::string&)>;
GetEnv process_environment();

class Config {
public:
  // Pure: content is the file's text (empty when there is no file), name how
  // messages call it.
  static Config parse(std::string_view content, std::string_view name, const GetEnv& getenv,
                      const std::map<std::string, std::string>& overrides = {}, Check check = Check::strict);

  // The tool's configuration: explicit_file (--config) must exist; otherwise
  // $SMART_CONF, else /etc/smart/smart.conf, which may be missing. A file
  // that exists but cannot be read is a smart::UsageError (exit 2), whatever
  // check says.
  static Config load(const std::optional<std::filesystem::path>& explicit_file,
                     const std::map<std::string, std::string>& overrides = {},
                     const GetEnv& getenv = process_environment(), Check check = Check::strict);

  // Known keys always have a value (their default at least). Throws
  // smart::Error for a key that was never declared in the key table.
  const std::string& get(std::string_view key) const;
  double number(std::string_view key) const;
  long integer(std::string_view key) const;
  util::Duration duration(std::string_view key) const;
  std::filesystem::path path(std::string_view key) const;
  bool has(std::string_view key) const;

  // Typed accessors, one per key the tools read: a mistyped key is a compile
  // error, not an empty value at run time. Each returns the value as the
  // key table validated it at load; describe(KEY) says where it came from.
  // paths
  std::filesystem::path var_dir() const;
  std::filesystem::path runs_dir() const;
  std::filesystem::path state_file() const;
  std::filesystem::path dash_dir() const;
  std::filesystem::path experiments_dir() const;
  std::filesystem::path smart_bin_dir() const;
  std::filesystem::path textfile_dir() const;
  std::filesystem::path dash_assets_dir() const;
  std::filesystem::path target_pid_file() const;
  std::filesystem::path cgroup_root() const;
  // text
  const std::string& allow_risk() const;
  const std::string& run_window() const;
  const std::string& notify_url() const;
  const std::string& notify_command() const;
  const std::string& notify_format() const;
  const std::string& coach_token_file() const;
  const std::string& coach_token() const;
  const std::string& coach_url() const;
  const std::string& coach_mode() const;
  const std::string& coach_model() const;
  const std::string& coach_ca_file() const;
  const std::string& measure_ca_file() const;
  const std::string& target_service() const;
  // integers
  long recheck_days() const;
  long coach_outbox_max() const;
  long retain_days() const;
  long retain_runs() const;
  long coach_retries() const;
  // numbers
  double improve_pct() const;
  double max_err_delta_pct() const;
  double abort_err_pct() const;
  double max_cpu_increase_pct() const;
  double max_memory_increase_pct() const;
  double coach_min_confidence() const;
  // durations
  util::Duration timer_interval() const;
  util::Duration coach_timeout() const;
  util::Duration coach_outbox_max_age() const;
  util::Duration baseline_seconds() const;
  util::Duration experiment_seconds() const;
  util::Duration cooldown_seconds() const;
  util::Duration coach_retry_max_wait() const;
  // switches (0 or 1)
  bool notify_on_keep() const;
  bool measure_insecure() const;

  const std::map<std::string, ConfigValue, std::less<>>& values() const { return m_values; }
  const std::vector<std::string>& warnings() const { return m_warnings; }
  // With Check::collect: every problem found (the lines first, then the
  // values key by key); empty when the
  // configuration is valid.
  const std::vector<std::string>& problems() const { return m_problems; }
  const std::string& source_name() const { return m_source_name; }

  // "(environment) BASE_DIR = /tmp/x", secrets shown as "(set)".
  std::string describe(std::string_view key) const;

  // Every value as NAME=VALUE for experiment commands, secrets left out.
  std::map<std::string, std::string> exported() const;

  static bool is_known_key(std::string_view key);
  static bool is_secret_key(std::string_view key);
  static std::vector<std::string_view> known_keys();

private:
  std::map<std::string, ConfigValue, std::less<>> m_values;
  std::vector<std::string> m_warnings;
  std::vector<std::string> m_problems;
  std::string m_source_name;
};

std::string_view to_string(Origin origin);

} // namespace smart
