// meta.json: every problem is collected with its JSON path, then reported
// together; each group of keys has its own step below, in the order the
// problems are listed.
#include <smart/run/experiment.hpp>
#include <smart/run/meta_validator.hpp>

#include <smart/error.hpp>
#include <smart/samples_csv.hpp>
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

using meta::kind_of;
using meta::shown;
using meta::Validator;

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

// The document itself: a syntax error names its line and column.
json::value read_document(std::string_view text, std::string_view name)
{
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
  return root;
}

// Variants: the one named "baseline" is the baseline, the rest are tried.
// Says whether a "baseline" variant was given.
bool parse_variants(Validator& v, const json::object& object, Experiment& exp)
{
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
  return has_baseline;
}

// The baseline's apply, revert, check and the measure command (or passive
// measurement).
void parse_commands(Validator& v, const json::object& object, Experiment& exp, bool has_baseline)
{
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
}

// What is measured: a mix of targets or one target URL.
void parse_targets(Validator& v, const json::object& object, Experiment& exp)
{
  if (const auto* targets = member(object, "targets")) {
    exp.targets =
      parse_mix(*targets, [&](std::string_view path, std::string_view why) { v.problem(path, why); });
    if (member(object, "target_url")) {
      v.problem("targets", "both targets and target_url; the targets give the URLs");
    } else if (!exp.targets.empty()) {
      exp.target_url = exp.targets.front().url; // for logs and $SMART_TARGET_URL
    }
    if (member(object, "measure")) {
      v.problem("targets", "a mix is measured by smart-measure's requests (probes or load): no measure");
    }
    if (member(object, "load")) {
      check_load_mix(exp.targets, [&](std::string_view path, std::string_view why) { v.problem(path, why); });
    }
  }
  const auto url = v.string(member(object, "target_url"), "target_url",
                            exp.measure.empty() && !member(object, "measure") && !member(object, "targets"));
  if (url) {
    exp.target_url = *url;
    const bool known_scheme = util::starts_with(*url, "http://") || util::starts_with(*url, "https://") ||
                              util::starts_with(*url, "tcp://") || util::starts_with(*url, "redis://") ||
                              util::starts_with(*url, "postgres://") ||
                              util::starts_with(*url, "postgresql://") ||
                              util::starts_with(*url, "icmp://") || util::starts_with(*url, "dns://");
    if (!known_scheme) {
      v.problem("target_url",
                fmt::format("\"{}\" is not an http://, https://, tcp://, redis://, postgres://, icmp:// or "
                            "dns:// URL",
                            util::printable(*url, 80)));
    } else if (url->find_first_of(" \t\r\n") != std::string::npos) {
      v.problem("target_url", "contains white space");
    }
  }
}

// Durations of the phases and blocks.
void parse_timings(Validator& v, const json::object& object, Experiment& exp)
{
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
}

void parse_thresholds(Validator& v, const json::object& object, Experiment& exp)
{
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
}

// How the variants are tried: strategy, design and load.
void parse_plan(Validator& v, const json::object& object, Experiment& exp)
{
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
}

// Response checks, handed to smart-measure (and the status list to smart-decide).
void parse_expect(Validator& v, const json::object& object, Experiment& exp)
{
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
}

// When and how carefully the experiment runs, and what it touches.
void parse_scheduling(Validator& v, const json::object& object, Experiment& exp)
{
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
}

} // namespace

Experiment parse_experiment(std::string_view text, std::string_view name, const std::filesystem::path& dir)
{
  Validator v{std::string(name)};
  const json::value root = read_document(text, name);
  const auto& object = root.as_object();
  v.unknown_keys(object, top_keys, "");

  Experiment exp;
  exp.dir = dir;
  if (auto id = v.name(member(object, "id"), "id")) {
    exp.id = *id;
  }
  exp.description = v.string(member(object, "description"), "description", false).value_or("");
  const bool has_baseline = parse_variants(v, object, exp);
  parse_commands(v, object, exp, has_baseline);
  parse_targets(v, object, exp);
  parse_timings(v, object, exp);
  parse_thresholds(v, object, exp);
  parse_plan(v, object, exp);
  parse_expect(v, object, exp);
  parse_scheduling(v, object, exp);

  if (!v.problems().empty()) {
    throw ExperimentError(v.problems());
  }
  exp.warnings = std::move(v.warnings());
  return exp;
}

} // namespace smart
