#include <smart/run/experiment.hpp>

#include <smart/error.hpp>
#include <smart/samples_csv.hpp>
#include <smart/util/atomic_file.hpp>
#include <smart/util/json_writer.hpp>
#include <smart/util/strings.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

namespace smart {

namespace json = boost::json;

namespace {

constexpr auto top_keys = std::to_array<std::string_view>({
  "id",
  "description",
  "variants",
  "revert",
  "target_url",
  "measure_interval_sec",
  "apply",
  "check",
  "measure",
  "targets",
  "baseline_seconds",
  "variant_seconds",
  "cooldown_seconds",
  "timeout_seconds",
  "thresholds",
  "strategy",
  "load",
  "enabled",
  "priority",
  "design",
  "block_seconds",
  "warmup_seconds",
  "manages",
  "comment",
  "risk",
  "helps_when",
  "risks",
  "restarts",
  "expect_status",
  "expect_body",
  "expect_min_bytes",
  "expect_same_body",
  "service",
  "pid_file",
});
constexpr auto variant_keys = std::to_array<std::string_view>({"name", "apply", "description", "comment"});
constexpr auto threshold_keys = std::to_array<std::string_view>(
  {"improve_pct", "max_err_delta_pct", "metric", "max_cpu_increase_pct", "max_memory_increase_pct"});
constexpr auto load_keys = std::to_array<std::string_view>({"concurrency", "rate"});
constexpr auto metrics = std::to_array<std::string_view>({"p50", "p90", "p95", "p99", "mean"});

std::string shown(const json::value& value)
{
  return util::printable(util::write_json(value), 80);
}

std::string_view kind_of(const json::value& value)
{
  switch (value.kind()) {
  case json::kind::null:
    return "null";
  case json::kind::bool_:
    return "a boolean";
  case json::kind::int64:
  case json::kind::uint64:
  case json::kind::double_:
    return "a number";
  case json::kind::string:
    return "a string";
  case json::kind::array:
    return "an array";
  case json::kind::object:
    return "an object";
  }
  return "?";
}

// Collects problems with their JSON path; the parse goes on after each one.
class Validator {
public:
  explicit Validator(std::string name) : m_name(std::move(name)) {}

  void problem(std::string_view path, std::string_view why)
  {
    m_problems.push_back(fmt::format("{}: {}: {}", m_name, path, why));
  }
  void warning(std::string_view path, std::string_view why)
  {
    m_warnings.push_back(fmt::format("{}: {}: {}", m_name, path, why));
  }

  template<std::size_t N>
  void unknown_keys(const json::object& object, const std::array<std::string_view, N>& known,
                    std::string_view prefix)
  {
    for (const auto& [key, value] : object) {
      if (std::find(known.begin(), known.end(), std::string_view(key)) != known.end()) {
        continue;
      }
      const std::string path =
        prefix.empty() ? std::string(key) : fmt::format("{}.{}", prefix, std::string_view(key));
      const auto suggestion =
        util::did_you_mean(std::string_view(key), std::span<const std::string_view>(known));
      warning(util::printable(path, 80),
              suggestion ? fmt::format("unknown key, ignored (did you mean {}?)", *suggestion)
                         : std::string("unknown key, ignored"));
    }
  }

  std::optional<std::string> string(const json::value* value, std::string_view path, bool required)
  {
    if (!value) {
      if (required) {
        problem(path, "missing (a string is required)");
      }
      return std::nullopt;
    }
    if (!value->is_string()) {
      problem(path, fmt::format("expected a string, found {} {}", kind_of(*value), shown(*value)));
      return std::nullopt;
    }
    return std::string(value->as_string());
  }

  std::optional<double> number(const json::value* value, std::string_view path, double min,
                               bool min_exclusive)
  {
    if (!value) {
      return std::nullopt;
    }
    if (!value->is_number()) {
      problem(path, fmt::format("expected a number, found {} {}", kind_of(*value), shown(*value)));
      return std::nullopt;
    }
    const double number = value->to_number<double>();
    if (!std::isfinite(number) || number < min || (min_exclusive && number == min)) {
      problem(path, fmt::format("{} is out of range (must be {} {})", shown(*value),
                                min_exclusive ? ">" : ">=", min));
      return std::nullopt;
    }
    return number;
  }

  std::optional<long> integer(const json::value* value, std::string_view path, long min)
  {
    if (!value) {
      return std::nullopt;
    }
    if (!value->is_int64() && !value->is_uint64() &&
        !(value->is_double() && std::trunc(value->as_double()) == value->as_double())) {
      problem(path, fmt::format("expected a whole number, found {} {}", kind_of(*value), shown(*value)));
      return std::nullopt;
    }
    const double number = value->to_number<double>();
    if (number < static_cast<double>(min) || number > 1e9) {
      problem(path, fmt::format("{} is out of range (must be >= {})", shown(*value), min));
      return std::nullopt;
    }
    return static_cast<long>(number);
  }

  // A number of seconds (300, 0.5) or a duration string ("5m", "250ms").
  std::optional<util::Duration> duration(const json::value* value, std::string_view path, bool allow_zero)
  {
    if (!value) {
      return std::nullopt;
    }
    std::optional<util::Duration> parsed;
    if (value->is_number()) {
      const double seconds = value->to_number<double>();
      if (std::isfinite(seconds) && seconds >= 0) {
        parsed = util::Duration(seconds);
      }
    } else if (value->is_string()) {
      parsed = util::parse_duration(std::string_view(value->as_string()));
    }
    if (!parsed) {
      problem(path,
              fmt::format(
                "{} is not a duration (seconds as a number, or a string like \"300s\", \"5m\", \"250ms\")",
                shown(*value)));
      return std::nullopt;
    }
    if (!allow_zero && parsed->count() <= 0) {
      problem(path, fmt::format("{} must be more than zero", shown(*value)));
      return std::nullopt;
    }
    return parsed;
  }

  std::optional<Command> command(const json::value* value, std::string_view path, bool required)
  {
    if (!value) {
      if (required) {
        problem(path, "missing (a command is required: a string for /bin/sh -c, or an argv array)");
      }
      return std::nullopt;
    }
    Command command;
    if (value->is_string()) {
      command.shell = true;
      command.script = std::string(value->as_string());
      if (util::trim(command.script).empty()) {
        problem(path, "empty command");
        return std::nullopt;
      }
      return command;
    }
    if (value->is_array()) {
      command.shell = false;
      const auto& array = value->as_array();
      if (array.empty()) {
        problem(path, "empty argv array");
        return std::nullopt;
      }
      bool ok = true;
      for (std::size_t i = 0; i < array.size(); ++i) {
        const auto item_path = fmt::format("{}[{}]", path, i);
        if (!array[i].is_string()) {
          problem(item_path,
                  fmt::format("expected a string, found {} {}", kind_of(array[i]), shown(array[i])));
          ok = false;
        } else if (array[i].as_string().find('\0') != json::string::npos) {
          problem(item_path, "contains a NUL character");
          ok = false;
        } else {
          command.argv.emplace_back(array[i].as_string());
        }
      }
      if (ok && command.argv[0].empty()) {
        problem(fmt::format("{}[0]", path), "empty program name");
        ok = false;
      }
      return ok ? std::optional<Command>(command) : std::nullopt;
    }
    problem(path, fmt::format("expected a command (a string or an array of strings), found {} {}",
                              kind_of(*value), shown(*value)));
    return std::nullopt;
  }

  std::optional<std::string> name(const json::value* value, std::string_view path)
  {
    auto text = string(value, path, true);
    if (text && !util::is_safe_name(*text)) {
      problem(path,
              fmt::format("\"{}\" is not a valid name ([A-Za-z0-9._-]{{1,64}})", util::printable(*text, 80)));
      return std::nullopt;
    }
    return text;
  }

  const std::vector<std::string>& problems() const { return m_problems; }
  std::vector<std::string>& warnings() { return m_warnings; }

private:
  std::string m_name;
  std::vector<std::string> m_problems;
  std::vector<std::string> m_warnings;
};

const json::value* member(const json::object& object, std::string_view key)
{
  return object.if_contains(key);
}

// "line L, column C" of byte offset in text.
std::string position_of(std::string_view text, std::size_t offset)
{
  std::size_t line = 1;
  std::size_t column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return fmt::format("line {}, column {}", line, column);
}

} // namespace

std::vector<std::string> Command::to_argv() const
{
  if (shell) {
    return {"/bin/sh", "-c", script};
  }
  return argv;
}

std::string Command::display() const
{
  if (shell) {
    return util::printable(script, 300);
  }
  std::string out = "[";
  for (std::size_t i = 0; i < argv.size(); ++i) {
    out += fmt::format("{}\"{}\"", i ? ", " : "", util::printable(argv[i], 100));
  }
  return out + "]";
}

std::string_view to_string(Strategy strategy)
{
  return strategy == Strategy::best ? "best" : "first-winner";
}

std::string_view to_string(Design design)
{
  return design == Design::sequential ? "sequential" : "interleaved";
}

ExperimentError::ExperimentError(std::vector<std::string> problems) : m_problems(std::move(problems))
{
  for (std::size_t i = 0; i < m_problems.size(); ++i) {
    m_what += (i ? "\n" : "") + m_problems[i];
  }
}

Experiment parse_experiment(std::string_view text, std::string_view name, const std::filesystem::path& dir)
{
  Validator v{std::string(name)};
  json::stream_parser parser;
  boost::system::error_code ec;
  const std::size_t consumed = parser.write(text.data(), text.size(), ec);
  if (!ec) {
    parser.finish(ec);
  }
  if (ec) {
    throw ExperimentError(
      {fmt::format("{}: {}: invalid JSON: {}", name, position_of(text, consumed), ec.message())});
  }
  const json::value root = parser.release();
  if (!root.is_object()) {
    throw ExperimentError(
      {fmt::format("{}: the top level must be a JSON object, found {}", name, kind_of(root))});
  }
  const auto& object = root.as_object();
  v.unknown_keys(object, top_keys, "");

  Experiment exp;
  exp.dir = dir;
  if (auto id = v.name(member(object, "id"), "id")) {
    exp.id = *id;
  }
  exp.description = v.string(member(object, "description"), "description", false).value_or("");

  // Variants: the one named "baseline" is the baseline, the rest are tried.
  std::set<std::string> seen;
  bool has_baseline = false;
  if (const auto* variants = member(object, "variants"); !variants) {
    v.problem("variants", "missing (an array of {\"name\", \"apply\"} objects is required)");
  } else if (!variants->is_array()) {
    v.problem("variants", fmt::format("expected an array, found {}", kind_of(*variants)));
  } else {
    const auto& array = variants->as_array();
    for (std::size_t i = 0; i < array.size(); ++i) {
      const auto path = fmt::format("variants[{}]", i);
      if (!array[i].is_object()) {
        v.problem(path,
                  fmt::format("expected an object {{\"name\", \"apply\"}}, found {}", kind_of(array[i])));
        continue;
      }
      const auto& item = array[i].as_object();
      v.unknown_keys(item, variant_keys, path);
      const auto variant_name = v.name(member(item, "name"), path + ".name");
      const auto apply = v.command(member(item, "apply"), path + ".apply", variant_name != "baseline");
      const auto description = v.string(member(item, "description"), path + ".description", false);
      if (!variant_name) {
        continue;
      }
      if (!seen.insert(*variant_name).second) {
        v.problem(path + ".name", fmt::format("duplicate variant name \"{}\"", *variant_name));
        continue;
      }
      if (*variant_name == "baseline") {
        has_baseline = true;
        exp.baseline_apply = apply.value_or(Command{});
        continue;
      }
      if (apply) {
        exp.variants.push_back(Variant{*variant_name, description.value_or(""), *apply});
      }
    }
    if (exp.variants.empty() && v.problems().empty()) {
      v.problem("variants", "no variant to try besides \"baseline\"");
    }
  }
  if (const auto* apply = member(object, "apply")) {
    // A top-level apply is the baseline's (for experiments without a "baseline" variant).
    if (has_baseline) {
      v.problem("apply", "both a top-level apply and a \"baseline\" variant; keep one");
    } else if (auto command = v.command(apply, "apply", false)) {
      exp.baseline_apply = *command;
    }
  }

  if (auto revert = v.command(member(object, "revert"), "revert", true)) {
    exp.revert = *revert;
  }
  if (auto check = v.command(member(object, "check"), "check", false)) {
    exp.check = *check;
  }
  if (const auto* passive = member(object, "measure"); passive && passive->is_object()) {
    exp.passive = parse_passive_measure(
      passive->as_object(), [&](std::string_view path, std::string_view why) { v.problem(path, why); },
      [&](std::string_view path, std::string_view why) { v.warning(path, why); });
  } else if (auto measure = v.command(member(object, "measure"), "measure", false)) {
    exp.measure = *measure;
  }

  if (const auto* targets = member(object, "targets")) {
    exp.targets =
      parse_mix(*targets, [&](std::string_view path, std::string_view why) { v.problem(path, why); });
    if (member(object, "target_url")) {
      v.problem("targets", "both targets and target_url; the targets give the URLs");
    } else if (!exp.targets.empty()) {
      exp.target_url = exp.targets.front().url; // for logs and $SMART_TARGET_URL
    }
    if (member(object, "load") || member(object, "measure")) {
      v.problem("targets", "a mix is measured by smart-measure's probes: no load, no measure");
    }
  }
  const auto url = v.string(member(object, "target_url"), "target_url",
                            exp.measure.empty() && !member(object, "measure") && !member(object, "targets"));
  if (url) {
    exp.target_url = *url;
    const bool known_scheme = util::starts_with(*url, "http://") || util::starts_with(*url, "https://") ||
                              util::starts_with(*url, "tcp://") || util::starts_with(*url, "redis://") ||
                              util::starts_with(*url, "postgres://") ||
                              util::starts_with(*url, "postgresql://");
    if (!known_scheme) {
      v.problem("target_url",
                fmt::format("\"{}\" is not an http://, https://, tcp://, redis:// or postgres:// URL",
                            util::printable(*url, 80)));
    } else if (url->find_first_of(" \t\r\n") != std::string::npos) {
      v.problem("target_url", "contains white space");
    }
  }
  if (auto interval = v.duration(member(object, "measure_interval_sec"), "measure_interval_sec", false)) {
    exp.measure_interval = *interval;
  }
  exp.baseline_seconds = v.duration(member(object, "baseline_seconds"), "baseline_seconds", false);
  exp.variant_seconds = v.duration(member(object, "variant_seconds"), "variant_seconds", false);
  exp.cooldown_seconds = v.duration(member(object, "cooldown_seconds"), "cooldown_seconds", true);
  if (auto timeout = v.duration(member(object, "timeout_seconds"), "timeout_seconds", false)) {
    exp.timeout = *timeout;
  }
  exp.block_seconds = v.duration(member(object, "block_seconds"), "block_seconds", false);
  exp.warmup_seconds = v.duration(member(object, "warmup_seconds"), "warmup_seconds", true);
  if (exp.passive && exp.passive->warmup) {
    if (exp.warmup_seconds) {
      v.problem("measure.warmup_seconds", "warmup_seconds is given twice (here and at the top); keep one");
    }
    exp.warmup_seconds = exp.passive->warmup;
  }

  if (const auto* thresholds = member(object, "thresholds")) {
    if (!thresholds->is_object()) {
      v.problem("thresholds", fmt::format("expected an object, found {}", kind_of(*thresholds)));
    } else {
      const auto& t = thresholds->as_object();
      v.unknown_keys(t, threshold_keys, "thresholds");
      exp.thresholds.improve_pct = v.number(member(t, "improve_pct"), "thresholds.improve_pct", 0, false);
      exp.thresholds.max_err_delta_pct =
        v.number(member(t, "max_err_delta_pct"), "thresholds.max_err_delta_pct", 0, false);
      exp.thresholds.max_cpu_increase_pct =
        v.number(member(t, "max_cpu_increase_pct"), "thresholds.max_cpu_increase_pct", 0, false);
      exp.thresholds.max_memory_increase_pct =
        v.number(member(t, "max_memory_increase_pct"), "thresholds.max_memory_increase_pct", 0, false);
      if (auto metric = v.string(member(t, "metric"), "thresholds.metric", false)) {
        if (std::find(metrics.begin(), metrics.end(), *metric) == metrics.end()) {
          v.problem("thresholds.metric", fmt::format("\"{}\" is not one of p50, p90, p95, p99, mean",
                                                     util::printable(*metric, 40)));
        } else {
          exp.thresholds.metric = *metric;
        }
      }
    }
  }
  if (auto strategy = v.string(member(object, "strategy"), "strategy", false)) {
    if (*strategy == "first-winner") {
      exp.strategy = Strategy::first_winner;
    } else if (*strategy == "best") {
      exp.strategy = Strategy::best;
    } else {
      v.problem("strategy",
                fmt::format("\"{}\" is not first-winner or best", util::printable(*strategy, 40)));
    }
  }
  if (auto design = v.string(member(object, "design"), "design", false)) {
    if (*design == "interleaved") {
      exp.design = Design::interleaved;
    } else if (*design == "sequential") {
      exp.design = Design::sequential;
    } else {
      v.problem("design",
                fmt::format("\"{}\" is not interleaved or sequential", util::printable(*design, 40)));
    }
  }
  if (const auto* load = member(object, "load")) {
    if (!load->is_object()) {
      v.problem("load",
                fmt::format("expected an object {{\"concurrency\", \"rate\"}}, found {}", kind_of(*load)));
    } else {
      const auto& l = load->as_object();
      v.unknown_keys(l, load_keys, "load");
      Load parsed;
      parsed.concurrency = v.integer(member(l, "concurrency"), "load.concurrency", 1);
      parsed.rate = v.number(member(l, "rate"), "load.rate", 0, true);
      exp.load = parsed;
    }
  }
  // Response checks, handed to smart-measure (and the status list to smart-decide).
  if (auto status = v.string(member(object, "expect_status"), "expect_status", false)) {
    if (!StatusSet::parse(*status)) {
      v.problem("expect_status", fmt::format("\"{}\" is not a list of codes and ranges such as 200-299,401",
                                             util::printable(*status, 40)));
    } else {
      exp.expect.status = *status;
    }
  }
  if (auto body = v.string(member(object, "expect_body"), "expect_body", false)) {
    if (body->empty()) {
      v.problem("expect_body", "must not be empty");
    } else {
      exp.expect.body = *body;
    }
  }
  if (auto bytes = v.integer(member(object, "expect_min_bytes"), "expect_min_bytes", 0)) {
    exp.expect.min_bytes = *bytes;
  }
  if (const auto* same = member(object, "expect_same_body")) {
    if (!same->is_bool()) {
      v.problem("expect_same_body",
                fmt::format("expected true or false, found {} {}", kind_of(*same), shown(*same)));
    } else {
      exp.expect.same_body = same->as_bool();
    }
  }
  if (const auto* enabled = member(object, "enabled")) {
    if (!enabled->is_bool()) {
      v.problem("enabled",
                fmt::format("expected true or false, found {} {}", kind_of(*enabled), shown(*enabled)));
    } else {
      exp.enabled = enabled->as_bool();
    }
  }
  if (const auto* priority = member(object, "priority")) {
    if (auto value = v.integer(priority, "priority", -1000000)) {
      exp.priority = *value;
    }
  }
  if (const auto* risk = member(object, "risk")) {
    if (auto value = v.string(risk, "risk", true)) {
      if (auto parsed = parse_risk(*value)) {
        exp.risk = *parsed;
      } else {
        v.problem("risk",
                  fmt::format("'{}' is not none, durability or availability", util::printable(*value, 40)));
      }
    }
  }
  exp.helps_when = v.string(member(object, "helps_when"), "helps_when", false).value_or("");
  exp.service = v.string(member(object, "service"), "service", false).value_or("");
  exp.pid_file = v.string(member(object, "pid_file"), "pid_file", false).value_or("");
  exp.risks = v.string(member(object, "risks"), "risks", false).value_or("");
  if (const auto* manages = member(object, "manages")) {
    if (!manages->is_array()) {
      v.problem("manages", fmt::format("expected an array of file paths, found {}", kind_of(*manages)));
    } else {
      const auto& array = manages->as_array();
      for (std::size_t i = 0; i < array.size(); ++i) {
        if (auto path = v.string(&array[i], fmt::format("manages[{}]", i), true)) {
          if (path->empty()) {
            v.problem(fmt::format("manages[{}]", i), "empty path");
          } else {
            exp.manages.emplace_back(*path);
          }
        }
      }
    }
  }

  if (!v.problems().empty()) {
    throw ExperimentError(v.problems());
  }
  exp.warnings = std::move(v.warnings());
  return exp;
}

std::optional<Risk> parse_risk(std::string_view text)
{
  if (text == "none") {
    return Risk::none;
  }
  if (text == "durability") {
    return Risk::durability;
  }
  if (text == "availability") {
    return Risk::availability;
  }
  return std::nullopt;
}

std::string_view risk_name(Risk risk)
{
  switch (risk) {
  case Risk::durability:
    return "durability";
  case Risk::availability:
    return "availability";
  case Risk::none:
    break;
  }
  return "none";
}

Experiment load_experiment(const std::filesystem::path& dir_or_file)
{
  std::error_code ec;
  std::filesystem::path meta = dir_or_file;
  if (std::filesystem::is_directory(dir_or_file, ec)) {
    meta = dir_or_file / "meta.json";
  }
  if (!std::filesystem::exists(meta, ec)) {
    throw UsageError("{}: experiment not found (no meta.json)", meta.string());
  }
  const auto dir = std::filesystem::absolute(meta.parent_path().empty() ? "." : meta.parent_path(), ec);
  auto exp = parse_experiment(util::read_file(meta), meta.string(), dir.lexically_normal());
  exp.meta_path = std::filesystem::absolute(meta, ec);
  return exp;
}

std::vector<std::filesystem::path> list_experiment_dirs(const std::filesystem::path& experiments_dir)
{
  std::vector<std::filesystem::path> dirs;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(experiments_dir, ec)) {
    if (entry.is_directory(ec) && std::filesystem::exists(entry.path() / "meta.json", ec)) {
      dirs.push_back(entry.path());
    }
  }
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

} // namespace smart
