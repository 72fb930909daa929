#include <smart/config.hpp>

#include <smart/config_systemd.hpp>

#include <smart/error.hpp>
#include <smart/util/atomic_file.hpp>
#include <smart/util/strings.hpp>

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <set>

namespace smart {

namespace {

enum class Kind { string, path, duration, number, integer };

struct KeySpec {
  std::string_view name;
  std::string_view default_value; // may hold ${REFERENCES}
  Kind kind;
  bool secret = false;
};

// Every key smart knows, in the order defaults are resolved (a default may
// refer to a key above it). The original's keys first.
constexpr std::array key_table{
  KeySpec{"BASELINE_SECONDS", "300", Kind::duration},
  KeySpec{"EXPERIMENT_SECONDS", "300", Kind::duration},
  KeySpec{"COOLDOWN_SECONDS", "60", Kind::duration},
  KeySpec{"IMPROVE_PCT", "10", Kind::number},
  KeySpec{"MAX_ERR_DELTA_PCT", "2", Kind::number},
  KeySpec{"COACH_URL", "", Kind::string},
  KeySpec{"COACH_TOKEN", "", Kind::string, true},
  KeySpec{"BASE_DIR", "/var/lib/smart", Kind::path},
  KeySpec{"VAR_DIR", "${BASE_DIR}/var", Kind::path},
  KeySpec{"DASH_DIR", "${BASE_DIR}/www", Kind::path},
  KeySpec{"STATE_FILE", "${VAR_DIR}/state.json", Kind::path},
  KeySpec{"RUNS_DIR", "${VAR_DIR}/runs", Kind::path},
  KeySpec{"EXPERIMENTS_DIR", "/etc/smart/experiments", Kind::path},
  KeySpec{"RETAIN_DAYS", "30", Kind::integer},
  KeySpec{"RETAIN_RUNS", "500", Kind::integer},
  KeySpec{"COACH_TOKEN_FILE", "", Kind::path},
  KeySpec{"COACH_CA_FILE", "", Kind::path},
  KeySpec{"COACH_MODE", "api", Kind::string},
  KeySpec{"COACH_MODEL", "", Kind::string},
  KeySpec{"COACH_TIMEOUT", "10s", Kind::duration},
  KeySpec{"COACH_MIN_CONFIDENCE", "0.8", Kind::number},
  KeySpec{"COACH_RETRIES", "3", Kind::integer},
  KeySpec{"COACH_RETRY_MAX_WAIT", "60s", Kind::duration},
  KeySpec{"COACH_OUTBOX_MAX", "1000", Kind::integer},
  KeySpec{"COACH_OUTBOX_MAX_AGE", "30d", Kind::duration},
  KeySpec{"ABORT_ERR_PCT", "50", Kind::number},
  // The resource guard (docs/decision.md): whose CPU and memory to watch,
  // and how much more a kept variant may use.
  KeySpec{"TARGET_SERVICE", "", Kind::string},
  KeySpec{"TARGET_PID_FILE", "", Kind::path},
  KeySpec{"CGROUP_ROOT", "/sys/fs/cgroup", Kind::path},
  KeySpec{"MAX_CPU_INCREASE_PCT", "30", Kind::number},
  KeySpec{"MAX_MEMORY_INCREASE_PCT", "30", Kind::number},
  // Alerts (smart-phone --notify, --heartbeat; docs/alerts.md).
  KeySpec{"NOTIFY_URL", "", Kind::string},
  KeySpec{"NOTIFY_FORMAT", "json", Kind::string},
  KeySpec{"NOTIFY_COMMAND", "", Kind::string},
  KeySpec{"NOTIFY_ON_KEEP", "0", Kind::integer},
  // node_exporter's textfile collector directory: smart-dashboard writes
  // smart.prom there when it exists (docs/dashboard.md); empty: not at all.
  KeySpec{"TEXTFILE_DIR", "/var/lib/prometheus/node-exporter", Kind::path},
  // TLS of smart-run's own measurement (smart-measure --cacert / --insecure)
  // for https targets with a private CA or a self-signed certificate.
  KeySpec{"MEASURE_CA_FILE", "", Kind::path},
  KeySpec{"MEASURE_INSECURE", "0", Kind::integer},
  KeySpec{"TIMER_INTERVAL", "30m", Kind::duration},
  KeySpec{"SMART_BIN_DIR", "", Kind::path},
  // Where smart-dashboard finds app.js and style.css to copy into DASH_DIR;
  // empty: ../share/smart/dashboard beside the executable (see cmd/dashboard.cpp).
  KeySpec{"DASH_ASSETS_DIR", "", Kind::path},
  // Variables of the shipped nginx experiments, so setting them here is
  // expected rather than a typo.
  KeySpec{"NGINX_CONF", "/etc/nginx/nginx.conf", Kind::path},
  KeySpec{"NGINX_RELOAD", "nginx -s reload", Kind::string},
  KeySpec{"NGINX_TEST", "nginx -t -q", Kind::string},
  // Where the experiments' helpers live (packaging/nginx-experiment…); empty:
  // next to a source checkout, else /usr/libexec/smart.
  KeySpec{"SMART_LIBEXEC_DIR", "", Kind::path},
  // Risk classes (durability, availability) that `--next` may run besides none.
  KeySpec{"ALLOW_RISK", "", Kind::string},
  // --next: a settled experiment waits this many days; the timer's runs only
  // start inside RUN_WINDOW (local HH:MM-HH:MM; empty: any time).
  KeySpec{"RECHECK_DAYS", "30", Kind::integer},
  KeySpec{"RUN_WINDOW", "", Kind::string},
  // Variables of the shipped Redis experiments.
  KeySpec{"REDIS_HOST", "127.0.0.1", Kind::string},
  KeySpec{"REDIS_PORT", "6379", Kind::integer},
  KeySpec{"REDIS_REWRITE", "0", Kind::integer},
  // Variables of the shipped PostgreSQL experiments: libpq's own names (psql
  // reads them), and the restart of the restart-requiring settings.
  KeySpec{"PGHOST", "/var/run/postgresql", Kind::string},
  KeySpec{"PGPORT", "5432", Kind::integer},
  KeySpec{"PGUSER", "smart", Kind::string},
  KeySpec{"PGDATABASE", "postgres", Kind::string},
  KeySpec{"PG_RESTART", "sudo -n /usr/bin/pg_ctlcluster 15 main restart", Kind::string},
  // Variables of the shipped PHP-FPM experiments: the one pool file they
  // edit, its config test and the graceful reload.
  KeySpec{"PHPFPM_POOL_CONF", "/etc/php/8.2/fpm/pool.d/www.conf", Kind::path},
  KeySpec{"PHPFPM_TEST", "sudo -n /usr/sbin/php-fpm8.2 -t", Kind::string},
  KeySpec{"PHPFPM_RELOAD", "sudo -n /usr/bin/systemctl reload php8.2-fpm", Kind::string},
};

constexpr std::size_t max_value_bytes = 65536;

const KeySpec* find_spec(std::string_view key)
{
  for (const auto& spec : key_table) {
    if (spec.name == key) {
      return &spec;
    }
  }
  return nullptr;
}

bool is_name_char(char c, bool first)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || (!first && c >= '0' && c <= '9');
}

class Parser {
public:
  Parser(std::string_view name, const GetEnv& getenv, const std::map<std::string, std::string>& overrides)
    : m_name(name), m_getenv(getenv), m_overrides(overrides)
  {
  }

  // Resolves a reference as a later stage would see it.
  std::optional<std::string> lookup(const std::string& key, int depth)
  {
    if (auto it = m_overrides.find(key); it != m_overrides.end()) {
      return it->second;
    }
    if (auto env = m_getenv(key)) {
      return env;
    }
    if (auto it = m_assigned.find(key); it != m_assigned.end()) {
      return it->second.value;
    }
    // A key's own assignment refers to its value before that line, as in a
    // shell: BASE_DIR="${BASE_DIR:-/opt/smart}" means /opt/smart, not our default.
    if (const auto* spec = find_spec(key); spec && depth < 16 && key != m_current_key) {
      return expand(spec->default_value, depth + 1, "default");
    }
    return std::nullopt;
  }

  // Expands $NAME, ${NAME}, ${NAME:-default}, ${NAME-default}. A value may
  // not grow past max_value_bytes: each line can double the one before
  // ("B=$A$A", "C=$B$B" ...), so without a bound a few hundred bytes of
  // configuration would cost gigabytes.
  std::string expand(std::string_view text, int depth, std::string_view where)
  {
    std::string out;
    const auto check_size = [&] {
      if (out.size() > max_value_bytes) {
        throw UsageError("{}: value longer than {} bytes after expanding references", where, max_value_bytes);
      }
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      if (c != '$' || i + 1 >= text.size()) {
        out += c;
        continue;
      }
      if (text[i + 1] == '{') {
        const auto close = text.find('}', i + 2);
        if (close == std::string_view::npos) {
          throw UsageError("{}: unterminated ${{ in value", where);
        }
        const auto inner = text.substr(i + 2, close - i - 2);
        std::size_t name_end = 0;
        while (name_end < inner.size() && is_name_char(inner[name_end], name_end == 0)) {
          ++name_end;
        }
        if (name_end == 0) {
          throw UsageError("{}: bad reference ${{{}}}", where, inner);
        }
        const std::string ref(inner.substr(0, name_end));
        auto rest = inner.substr(name_end);
        auto value = lookup(ref, depth);
        if (rest.empty()) {
          out += value.value_or("");
        } else if (util::starts_with(rest, ":-")) {
          out += (value && !value->empty()) ? *value : expand(rest.substr(2), depth + 1, where);
        } else if (util::starts_with(rest, "-")) {
          out += value ? *value : expand(rest.substr(1), depth + 1, where);
        } else {
          throw UsageError("{}: unsupported reference ${{{}}} (use ${{NAME}} or ${{NAME:-default}})", where,
                           inner);
        }
        check_size();
        i = close;
      } else if (is_name_char(text[i + 1], true)) {
        std::size_t end = i + 1;
        while (end < text.size() && is_name_char(text[end], end == i + 1)) {
          ++end;
        }
        out += lookup(std::string(text.substr(i + 1, end - i - 1)), depth).value_or("");
        check_size();
        i = end - 1;
      } else {
        out += c;
      }
    }
    return out;
  }

  void parse_line(std::string_view raw, std::size_t line_number)
  {
    const std::string where = fmt::format("{}:{}", m_name, line_number);
    auto line = util::trim(raw);
    if (line.empty() || line.front() == '#') {
      return;
    }
    if (util::starts_with(line, "export ") || util::starts_with(line, "export\t")) {
      line = util::trim(line.substr(7));
    }
    std::size_t eq = 0;
    while (eq < line.size() && is_name_char(line[eq], eq == 0)) {
      ++eq;
    }
    if (eq == 0 || eq >= line.size() || line[eq] != '=') {
      throw UsageError("{}: expected KEY=VALUE, found '{}'", where, util::printable(line, 60));
    }
    const std::string key(line.substr(0, eq));
    std::string_view rest = line.substr(eq + 1);
    m_current_key = key;

    // Value: a sequence of quoted and unquoted pieces up to white space.
    std::string value;
    std::size_t i = 0;
    while (i < rest.size() && rest[i] != ' ' && rest[i] != '\t') {
      const char c = rest[i];
      if (c == '"') {
        std::string piece;
        ++i;
        bool closed = false;
        while (i < rest.size()) {
          if (rest[i] == '\\' && i + 1 < rest.size() &&
              (rest[i + 1] == '"' || rest[i + 1] == '\\' || rest[i + 1] == '`')) {
            piece += rest[i + 1];
            i += 2;
          } else if (rest[i] == '\\' && i + 1 < rest.size() && rest[i + 1] == '$') {
            piece += "$$"; // kept literal through expansion below
            i += 2;
          } else if (rest[i] == '"') {
            closed = true;
            ++i;
            break;
          } else {
            piece += rest[i++];
          }
        }
        if (!closed) {
          throw UsageError("{}: unterminated double quote", where);
        }
        value += expand_keeping_escapes(piece, where);
      } else if (c == '\'') {
        const auto close = rest.find('\'', i + 1);
        if (close == std::string_view::npos) {
          throw UsageError("{}: unterminated single quote", where);
        }
        value += rest.substr(i + 1, close - i - 1);
        i = close + 1;
      } else {
        std::size_t end = i;
        while (end < rest.size() && rest[end] != ' ' && rest[end] != '\t' && rest[end] != '"' &&
               rest[end] != '\'') {
          ++end;
        }
        value += expand(rest.substr(i, end - i), 0, where);
        i = end;
      }
      if (value.size() > max_value_bytes) {
        throw UsageError("{}: value longer than {} bytes after expanding references", where, max_value_bytes);
      }
    }
    const auto trailing = util::trim(rest.substr(i));
    if (!trailing.empty() && trailing.front() != '#') {
      throw UsageError("{}: unexpected text after the value of {}: '{}' (quote values with spaces)", where,
                       key, util::printable(trailing, 40));
    }
    m_assigned[key] = ConfigValue{value, Origin::file, m_name, line_number, ""};
    m_current_key.clear();
  }

  std::string expand_keeping_escapes(const std::string& piece, std::string_view where)
  {
    // "\$" inside double quotes is a literal dollar: split on the marker.
    std::string out;
    std::size_t start = 0;
    while (true) {
      const auto pos = piece.find("$$", start);
      out += expand(
        std::string_view(piece).substr(start, pos == std::string::npos ? std::string::npos : pos - start), 0,
        where);
      if (pos == std::string::npos) {
        return out;
      }
      out += '$';
      start = pos + 2;
    }
  }

  std::map<std::string, ConfigValue>& assigned() { return m_assigned; }

private:
  std::string m_name;
  const GetEnv& m_getenv;
  const std::map<std::string, std::string>& m_overrides;
  std::map<std::string, ConfigValue> m_assigned;
  std::string m_current_key;
};

void validate(const KeySpec& spec, const ConfigValue& value)
{
  const std::string where = value.origin == Origin::file
                              ? fmt::format("{}:{}: {}", value.file, value.line, spec.name)
                              : fmt::format("({}) {}", to_string(value.origin), spec.name);
  const std::string& text = value.value;
  switch (spec.kind) {
  case Kind::duration:
    if (!util::parse_duration(text)) {
      throw UsageError("{}: invalid duration '{}' (examples: 300, 300s, 5m, 250ms; at most {:g}s)", where,
                       util::printable(text, 40), util::max_duration_seconds);
    }
    break;
  case Kind::number: {
    double number = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(number) ||
        number < 0) {
      throw UsageError("{}: invalid number '{}' (expected a non-negative decimal)", where,
                       util::printable(text, 40));
    }
    break;
  }
  case Kind::integer: {
    long number = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || number < 0) {
      throw UsageError("{}: invalid whole number '{}'", where, util::printable(text, 40));
    }
    break;
  }
  case Kind::string:
  case Kind::path:
    break;
  }
}

} // namespace

std::string_view to_string(Origin origin)
{
  switch (origin) {
  case Origin::default_value:
    return "default";
  case Origin::file:
    return "file";
  case Origin::environment:
    return "environment";
  case Origin::command_line:
    return "command line";
  }
  return "?";
}

GetEnv process_environment()
{
  return [](const std::string& name) -> std::optional<std::string> {
    if (const char* value = std::getenv(name.c_str())) {
      return std::string(value);
    }
    return std::nullopt;
  };
}

Config Config::parse(std::string_view content, std::string_view name, const GetEnv& getenv,
                     const std::map<std::string, std::string>& overrides, Check check)
{
  Config config;
  config.m_source_name = std::string(name);
  for (const auto& [key, value] : overrides) {
    if (!find_spec(key)) {
      config.m_problems.push_back(fmt::format("(command line) unknown configuration key {}", key));
    }
  }
  Parser parser(name, getenv, overrides);
  std::size_t line_number = 0;
  for (auto line : util::split(content, '\n')) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    try {
      parser.parse_line(line, line_number);
    } catch (const UsageError& e) {
      config.m_problems.emplace_back(e.what()); // and on to the next line: report them all
    }
  }
  config.m_warnings = systemd_differences(content, name);

  std::vector<std::string_view> names;
  for (const auto& spec : key_table) {
    names.push_back(spec.name);
  }
  for (const auto& [key, value] : parser.assigned()) {
    if (!find_spec(key)) {
      const auto suggestion = util::did_you_mean(key, names);
      config.m_warnings.push_back(
        suggestion
          ? fmt::format("{}:{}: unknown key {} (did you mean {}?)", value.file, value.line, key, *suggestion)
          : fmt::format("{}:{}: unknown key {} (passed to experiment commands only)", value.file, value.line,
                        key));
      config.m_values[key] = value;
    }
  }
  for (const auto& spec : key_table) {
    const std::string key(spec.name);
    ConfigValue value;
    if (auto it = overrides.find(key); it != overrides.end()) {
      value = ConfigValue{it->second, Origin::command_line, "", 0, ""};
    } else if (auto env = getenv(key)) {
      value = ConfigValue{*env, Origin::environment, "", 0, ""};
    } else if (auto it2 = parser.assigned().find(key); it2 != parser.assigned().end()) {
      value = it2->second;
    } else {
      try {
        value = ConfigValue{parser.expand(spec.default_value, 0, fmt::format("default of {}", key)),
                            Origin::default_value, "", 0, ""};
      } catch (const UsageError& e) {
        value = ConfigValue{std::string(spec.default_value), Origin::default_value, "", 0, e.what()};
      }
    }
    if (value.problem.empty()) {
      try {
        validate(spec, value);
      } catch (const UsageError& e) {
        value.problem = e.what();
      }
    }
    if (!value.problem.empty()) {
      config.m_problems.push_back(value.problem);
    }
    config.m_values[key] = std::move(value);
  }
  if (check == Check::strict && !config.m_problems.empty()) {
    std::string all;
    for (const auto& problem : config.m_problems) {
      all += (all.empty() ? "" : "\n") + problem;
    }
    throw UsageError(all);
  }
  return config;
}

Config Config::load(const std::optional<std::filesystem::path>& explicit_file,
                    const std::map<std::string, std::string>& overrides, const GetEnv& getenv, Check check)
{
  std::filesystem::path file;
  bool required = true;
  if (explicit_file) {
    file = *explicit_file;
  } else if (auto env = getenv("SMART_CONF"); env && !env->empty()) {
    file = *env;
  } else {
    file = "/etc/smart/smart.conf";
    required = false;
  }
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    if (required) {
      throw UsageError("{}: configuration file not found", file.string());
    }
    return parse("", "(no configuration file)", getenv, overrides, check);
  }
  if (std::filesystem::is_directory(file, ec)) {
    throw UsageError("{}: is a directory, not a configuration file", file.string());
  }
  std::string content;
  try {
    content = util::read_file(file);
  } catch (const util::Failure& e) {
    throw UsageError(e.what()); // "failed to read FILE: Permission denied", exit 2
  }
  return parse(content, file.string(), getenv, overrides, check);
}

const std::string& Config::get(std::string_view key) const
{
  const auto it = m_values.find(key);
  if (it == m_values.end()) {
    throw Error("internal error: configuration key {} is not declared", key);
  }
  return it->second.value;
}

bool Config::has(std::string_view key) const
{
  const auto it = m_values.find(key);
  return it != m_values.end() && !it->second.value.empty();
}

double Config::number(std::string_view key) const
{
  const auto& text = get(key);
  double number = 0;
  std::from_chars(text.data(), text.data() + text.size(), number);
  return number;
}

long Config::integer(std::string_view key) const
{
  const auto& text = get(key);
  long number = 0;
  std::from_chars(text.data(), text.data() + text.size(), number);
  return number;
}

util::Duration Config::duration(std::string_view key) const
{
  return util::parse_duration(get(key)).value_or(util::Duration(0));
}

std::filesystem::path Config::path(std::string_view key) const
{
  return std::filesystem::path(get(key));
}

std::string Config::describe(std::string_view key) const
{
  const auto it = m_values.find(key);
  if (it == m_values.end()) {
    return fmt::format("{} is not set", key);
  }
  const auto& v = it->second;
  const std::string origin =
    v.origin == Origin::file ? fmt::format("{}:{}", v.file, v.line) : std::string(to_string(v.origin));
  const std::string shown = is_secret_key(key) ? (v.value.empty() ? "(empty)" : "(set, hidden)")
                                               : fmt::format("\"{}\"", util::printable(v.value, 500));
  return fmt::format("({}) {} = {}", origin, key, shown);
}

std::map<std::string, std::string> Config::exported() const
{
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : m_values) {
    if (!is_secret_key(key)) {
      out[key] = value.value;
    }
  }
  return out;
}

bool Config::is_known_key(std::string_view key)
{
  return find_spec(key) != nullptr;
}

bool Config::is_secret_key(std::string_view key)
{
  const auto* spec = find_spec(key);
  return spec && spec->secret;
}

std::vector<std::string_view> Config::known_keys()
{
  std::vector<std::string_view> names;
  for (const auto& spec : key_table) {
    names.push_back(spec.name);
  }
  return names;
}

} // namespace smart
