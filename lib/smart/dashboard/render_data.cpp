#include <smart/dashboard/render.hpp>
#include <smart/outcome.hpp>
#include <smart/util/json_writer.hpp>
#include <smart/util/units.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <map>

namespace smart::dashboard {

namespace json = boost::json;

std::string kept_phrase(const Model& model, const RunSummary& run)
{
  std::string failed_variant;
  if (run.status == "revert_failed" && model.revert_failed &&
      (model.revert_failed->run_id.empty() || model.revert_failed->run_id == run.run_id)) {
    failed_variant = model.revert_failed->variant;
  }
  return outcome::kept_text(run.status, run.mode, run.kept_variant, run.would_keep, failed_variant);
}

std::string running_phrase(const Running& running, util::SystemTime now)
{
  std::string out = fmt::format("{}: {} applied", running.experiment.empty() ? "?" : running.experiment,
                                running.variant.empty() ? "a variant" : running.variant);
  if (running.since_time) {
    const util::Duration ago = now - *running.since_time;
    out += fmt::format(" since {} ({} ago)", util::format_rfc3339(*running.since_time),
                       format_age(ago < util::Duration::zero() ? util::Duration::zero() : ago));
  }
  if (running.expected_end_time) {
    const util::Duration left = *running.expected_end_time - now;
    out += fmt::format(", expected to end {} ({})", util::format_rfc3339(*running.expected_end_time),
                       left > util::Duration::zero() ? "in " + format_age(left) : "overdue");
  } else {
    out += ", end not recorded";
  }
  return out;
}

std::string render_health_json(const Model& model, const RenderContext& context)
{
  const auto& health = context.health;
  json::object object;
  object["status"] = to_string(health.status);
  object["last_run_at"] =
    health.last_run_at ? json::value(util::format_rfc3339(*health.last_run_at)) : json::value();
  object["consecutive_failures"] = health.consecutive_failures;
  object["message"] = health.message;
  object["last_run_id"] = model.last ? json::value(model.last->run_id) : json::value();
  object["last_status"] = model.last ? json::value(model.last->status) : json::value();
  object["last_outcome"] =
    model.last ? json::value(outcome::run_label(model.last->status, model.last->mode)) : json::value();
  if (model.running) {
    const auto& running = *model.running;
    object["running"] = json::object{
      {"run_id", running.run_id},
      {"experiment", running.experiment},
      {"variant", running.variant},
      {"since", running.since_time ? json::value(util::format_rfc3339(*running.since_time)) : json::value()},
      {"expected_end", running.expected_end_time
                         ? json::value(util::format_rfc3339(*running.expected_end_time))
                         : json::value()}};
  } else {
    object["running"] = nullptr;
  }
  object["stale_after_s"] = static_cast<std::int64_t>(std::llround(health.stale_after.count()));
  object["generated_at"] = util::format_rfc3339(context.now);
  return util::write_json(object) + "\n";
}

std::string render_history_json(const Model& model)
{
  std::size_t size = 8;
  for (const auto& run : model.history) {
    size += run.json.size() + 2;
  }
  std::string out;
  out.reserve(size);
  out += "[";
  bool first = true;
  for (const auto& run : model.history) {
    out += first ? "\n" : ",\n";
    first = false;
    out += run.json;
  }
  out += "\n]\n";
  return out;
}

namespace {

// A label value in the exposition format: \ " and newline escaped.
std::string label_value(std::string_view text)
{
  std::string out;
  for (const char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

struct Prom {
  std::string out;
  void family(std::string_view name, std::string_view type, std::string_view help)
  {
    fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  }
  void sample(std::string_view name, std::string_view labels, double value)
  {
    fmt::format_to(std::back_inserter(out), "{}{}{}{} {}\n", name, labels.empty() ? "" : "{", labels,
                   labels.empty() ? "" : "}", util::format_number(value));
  }
};

constexpr std::array run_statuses{"kept", "reverted", "aborted", "failed", "revert_failed"};
constexpr std::array outcomes{"keep", "revert", "inconclusive", "failed", "aborted", "skipped"};

// The loop itself: when, how healthy, failures in a row.
void health_metrics(Prom& prom, const RenderContext& context)
{
  const auto& health = context.health;
  prom.family("smart_dashboard_generated_timestamp_seconds", "gauge",
              "When smart-dashboard last rendered these metrics, in Unix seconds.");
  prom.sample("smart_dashboard_generated_timestamp_seconds", "",
              std::chrono::duration<double>(context.now.time_since_epoch()).count());

  prom.family("smart_last_run_timestamp_seconds", "gauge", "When the last run finished, in Unix seconds.");
  if (health.last_run_at) {
    prom.sample("smart_last_run_timestamp_seconds", "",
                std::chrono::duration<double>(health.last_run_at->time_since_epoch()).count());
  }

  prom.family("smart_health", "gauge",
              "1 for the current health status of the self-tuning loop, 0 for the others.");
  for (const auto status :
       {HealthStatus::ok, HealthStatus::stale, HealthStatus::failing, HealthStatus::revert_failed}) {
    prom.sample("smart_health", fmt::format("status=\"{}\"", to_string(status)),
                status == health.status ? 1 : 0);
  }
  prom.family("smart_revert_failed", "gauge",
              "1 when a revert failed and the server may not be in its baseline state.");
  prom.sample("smart_revert_failed", "", health.status == HealthStatus::revert_failed ? 1 : 0);
  prom.family("smart_consecutive_failures", "gauge",
              "Runs in a row that failed, were aborted or could not revert.");
  prom.sample("smart_consecutive_failures", "", health.consecutive_failures);
}

// Per experiment, its latest run: p50 and error ratio by role, and whether it kept.
void experiment_metrics(Prom& prom, const Model& model)
{
  // Its latest run in history (or the last run).
  std::map<std::string, const RunSummary*> latest;
  for (const auto& run : model.history) {
    latest[run.experiment] = &run;
  }
  if (model.last) {
    latest[model.last->experiment] = &*model.last;
  }
  // role="baseline" and role="chosen" of each experiment's latest run.
  auto per_role = [&](std::string_view name, OptNumber Stats::*field, double divisor) {
    for (const auto& [experiment, run] : latest) {
      const auto* chosen = run->chosen();
      const std::pair<std::string_view, OptNumber> roles[] = {
        {"baseline", run->baseline.*field}, {"chosen", chosen ? chosen->stats.*field : std::nullopt}};
      for (const auto& [role, value] : roles) {
        if (value) {
          prom.sample(name, fmt::format("experiment=\"{}\",role=\"{}\"", label_value(experiment), role),
                      *value / divisor);
        }
      }
    }
  };
  prom.family("smart_experiment_p50_seconds", "gauge",
              "p50 latency of the experiment's last run: role=baseline, or role=chosen (the kept variant, "
              "else the last measured).");
  per_role("smart_experiment_p50_seconds", &Stats::p50_ms, 1000);
  prom.family("smart_experiment_error_ratio", "gauge",
              "Share of failed requests (0-1) in the experiment's last run, by role as above.");
  per_role("smart_experiment_error_ratio", &Stats::err_pct, 100);
  prom.family("smart_experiment_kept", "gauge", "1 when the experiment's last run kept a variant.");
  for (const auto& [experiment, run] : latest) {
    prom.sample("smart_experiment_kept", fmt::format("experiment=\"{}\"", label_value(experiment)),
                run->kept_variant != "none" ? 1 : 0);
  }
}

// Counters over the retained history (pruning by RETAIN_* shows as a reset).
void history_counters(Prom& prom, const Model& model)
{
  std::map<std::string, double> by_outcome;
  std::map<std::string, double> by_status;
  for (const auto* outcome : outcomes) {
    by_outcome[outcome] = 0;
  }
  for (const auto* status : run_statuses) {
    by_status[status] = 0;
  }
  double failures = 0;
  for (const auto& run : model.history) {
    for (const auto& variant : run.variants) {
      by_outcome[by_outcome.count(variant.outcome) ? variant.outcome : "other"] += 1;
    }
    by_status[by_status.count(run.status) ? run.status : "other"] += 1;
    failures += is_failure_status(run.status) ? 1 : 0;
  }
  prom.family("smart_decisions_total", "counter", "Variant verdicts in the retained history, by outcome.");
  for (const auto& [outcome, count] : by_outcome) {
    prom.sample("smart_decisions_total", fmt::format("outcome=\"{}\"", outcome), count);
  }
  prom.family("smart_runs_total", "counter", "Runs in the retained history, by status.");
  for (const auto& [status, count] : by_status) {
    prom.sample("smart_runs_total", fmt::format("status=\"{}\"", status), count);
  }
  prom.family("smart_run_failures_total", "counter",
              "Runs in the retained history that failed, were aborted or could not revert.");
  prom.sample("smart_run_failures_total", "", failures);
}

} // namespace

std::string render_metrics_prom(const Model& model, const RenderContext& context)
{
  Prom prom;
  health_metrics(prom, context);
  experiment_metrics(prom, model);
  history_counters(prom, model);
  return std::move(prom.out);
}

} // namespace smart::dashboard
