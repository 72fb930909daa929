#include <smart/dashboard/health.hpp>

#include <smart/outcome.hpp>

#include <fmt/format.h>

#include <cmath>

namespace smart::dashboard {

std::string_view to_string(HealthStatus status)
{
  switch (status) {
  case HealthStatus::ok:
    return "ok";
  case HealthStatus::stale:
    return "stale";
  case HealthStatus::failing:
    return "failing";
  case HealthStatus::revert_failed:
    return "revert_failed";
  }
  return "ok";
}

bool is_failure_status(std::string_view status)
{
  return status == "failed" || status == "aborted" || status == "revert_failed";
}

std::string format_age(util::Duration age)
{
  // In doubles throughout: a duration read from a file may be any finite
  // number, far beyond what a long holds.
  const double s = std::max(0.0, age.count());
  if (s < 90) {
    return fmt::format("{:.0f} s", s);
  }
  const double minutes = std::floor(s / 60);
  if (minutes < 90) {
    return fmt::format("{:.0f} min", minutes);
  }
  const double hours = std::floor(minutes / 60);
  if (hours < 48) {
    const double rest = minutes - hours * 60;
    return rest > 0 ? fmt::format("{:.0f} h {:.0f} min", hours, rest) : fmt::format("{:.0f} h", hours);
  }
  return fmt::format("{:.0f} days", std::floor(hours / 24));
}

Health assess_health(const Model& model, util::SystemTime now, const HealthPolicy& policy)
{
  Health health;
  health.stale_after = policy.timer_interval * 2;

  // The runs in order; state.json's run may be newer than history's last line.
  std::vector<const RunSummary*> runs;
  runs.reserve(model.history.size() + 1);
  for (const auto& run : model.history) {
    runs.push_back(&run);
  }
  if (model.last && (runs.empty() || runs.back()->run_id != model.last->run_id)) {
    runs.push_back(&*model.last);
  }
  for (auto it = runs.rbegin(); it != runs.rend() && is_failure_status((*it)->status); ++it) {
    ++health.consecutive_failures;
  }
  if (model.last) {
    health.last_run_at = model.last->finished;
  }

  const bool revert_failed = model.revert_failed || (model.last && model.last->status == "revert_failed");
  if (revert_failed) {
    health.status = HealthStatus::revert_failed;
    health.message = "A revert failed: the server may not be in its baseline state. "
                     "smart-run refuses to start until it is cleared (smart-run --clear-revert-failed).";
    return health;
  }
  // A target that failed its baseline is broken now, whatever came before:
  // no experiment can run until it answers again.
  if (model.last && outcome::target_unhealthy(model.last->status, model.last->reason)) {
    health.status = HealthStatus::failing;
    health.message = "The target is unhealthy: the last run stopped at its baseline.";
    return health;
  }
  if (health.consecutive_failures >= policy.failing_after) {
    health.status = HealthStatus::failing;
    health.message = fmt::format("The last {} runs failed.", health.consecutive_failures);
    return health;
  }
  if (!model.last) {
    health.message = "No run yet.";
    return health;
  }
  if (!health.last_run_at) {
    health.status = HealthStatus::stale;
    health.message = "The last run has no valid finish time.";
    return health;
  }
  const util::Duration age = now - *health.last_run_at;
  if (age > health.stale_after) {
    health.status = HealthStatus::stale;
    health.message = fmt::format("No run for {} (the timer runs every {}): is smart-run.timer active?",
                                 format_age(age), util::format_duration(policy.timer_interval));
    return health;
  }
  health.message = fmt::format("Last run {} ago.", format_age(age));
  return health;
}

} // namespace smart::dashboard
