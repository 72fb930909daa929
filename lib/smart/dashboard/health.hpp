#pragma once

#include <smart/dashboard/model.hpp>
#include <smart/util/units.hpp>

#include <optional>
#include <string>
#include <string_view>

// The health of the self-tuning loop, for people (the page's banner) and
// monitors (health.json, metrics.prom). Pure: the clock is an argument.
//
// In order of precedence:
//   revert_failed  revert_failed.json is present, or the last run ended so:
//                  the server may not be in its baseline state;
//   failing        the last failing_after or more runs in a row ended
//                  failed, aborted or revert_failed;
//   stale          the last run finished more than 2 x TIMER_INTERVAL ago;
//   ok             otherwise, including before the first run (there is
//                  nothing overdue yet; last_run_at is null).

namespace smart::dashboard {

enum class HealthStatus { ok, stale, failing, revert_failed };

std::string_view to_string(HealthStatus status);

struct HealthPolicy {
  util::Duration timer_interval{1800};
  int failing_after = 2;
};

struct Health {
  HealthStatus status = HealthStatus::ok;
  std::optional<util::SystemTime> last_run_at;
  int consecutive_failures = 0;
  std::string message; // one sentence for people
  util::Duration stale_after{3600};
};

// A run that counts as a failure for the "failing" status.
bool is_failure_status(std::string_view status);

Health assess_health(const Model& model, util::SystemTime now, const HealthPolicy& policy);

// "42 s", "12 min", "3 h 5 min", "2 days": an age for people.
std::string format_age(util::Duration age);

} // namespace smart::dashboard
