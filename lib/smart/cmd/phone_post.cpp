#include <smart/cmd/phone_modes.hpp>

#include <smart/cmd/guarded_main.hpp>
#include <smart/error.hpp>
#include <smart/phone/coach_api.hpp>
#include <smart/phone/host_metrics.hpp>
#include <smart/phone/outbox.hpp>
#include <smart/run_store.hpp>
#include <smart/util/atomic_file.hpp>
#include <smart/util/file_lock.hpp>
#include <smart/util/json_writer.hpp>
#include <smart/util/strings.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <unistd.h>

#include <memory>

namespace smart::cmd::phone_mode {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

// Takes the state lock unless our parent (smart-run, which calls us after a
// run) holds it; nullopt when someone else holds it.
std::optional<std::unique_ptr<util::FileLock>> state_lock(const Paths& paths)
{
  std::error_code ec;
  if (!fs::is_directory(paths.var_dir, ec)) {
    return std::unique_ptr<util::FileLock>();
  }
  auto lock = std::make_unique<util::FileLock>(paths.var_dir / "smart.lock");
  if (lock->try_acquire()) {
    return lock;
  }
  if (lock->holder_pid() == ::getppid()) {
    return std::unique_ptr<util::FileLock>();
  }
  return std::nullopt;
}

// The advice is smart-phone's record: runs/<id>/coach.json, and "coach" in
// state.json while that run is the latest. (smart-run writes summary.json,
// history.jsonl and the rest of state.json, with its borderline question as
// "coach_ask"; neither tool rewrites the other's record.)
void store_advice(const Paths& paths, const std::string& run_id, const Advice& advice)
{
  const auto now = std::chrono::system_clock::now();
  const json::object advice_json = to_json(advice, now);
  const fs::path run_dir = paths.runs_dir / run_id;
  std::error_code ec;
  if (fs::is_directory(run_dir, ec)) {
    util::write_file_atomically(state_paths::coach_advice(run_dir), util::write_json(advice_json) + "\n");
  }
  if (!fs::exists(paths.state_file, ec)) {
    return;
  }
  // state.json is smart-run's file too: merged only under its lock.
  auto lock = state_lock(paths);
  if (!lock) {
    warn(fmt::format("{}: locked by another smart process; the advice for {} is in coach.json only",
                     (paths.var_dir / "smart.lock").string(), run_id));
    return;
  }
  boost::system::error_code json_ec;
  auto state = json::parse(util::read_file(paths.state_file), json_ec);
  if (json_ec || !state.is_object()) {
    warn(fmt::format("{}: not a JSON object; advice not merged into it", paths.state_file.string()));
    return;
  }
  auto& object = state.as_object();
  const auto* id = object.if_contains("run_id");
  if (id == nullptr || !id->is_string() || id->as_string() != run_id) {
    return; // state.json already describes a newer run
  }
  json::object coach_field = advice_json;
  coach_field.erase("received_at");
  object["coach"] = std::move(coach_field);
  util::write_file_atomically(paths.state_file, util::write_json(state) + "\n");
}

enum class FlushResult { all_delivered, deferred, unauthorized, rejected };

struct FlushCounts {
  int delivered = 0;
  int dead_lettered = 0; // rejected for good: moved to outbox/rejected/
};

// smart-run gives its after-run hooks 60 s; stopping before that leaves a
// clean outbox and an honest exit 75 instead of a kill in mid-request (which
// would lose nothing either: the payload is queued before it is sent).
constexpr Seconds flush_budget{45};

// Sends the outbox oldest first. Stops at the first entry the coach cannot
// take now (unreachable, a bad token, a wrong COACH_URL: the rest would fail
// the same way; the entry stays). An entry the coach rejects for good (a 4xx
// about the payload: rejects_payload) goes to the dead letters, never to be
// sent again by itself, and the flush goes on.
FlushResult flush(Outbox& outbox, const CoachSettings& settings, const Paths& paths, HttpClient& client,
                  FlushCounts& counts)
{
  const auto start = std::chrono::steady_clock::now();
  const std::string token = settings.token ? settings.token->value : std::string();
  auto entries = outbox.entries(std::chrono::system_clock::now());
  for (auto& entry : entries) {
    const Seconds used = std::chrono::steady_clock::now() - start;
    if (used >= flush_budget) {
      warn(fmt::format("spent {:.0f}s sending; the rest waits for the next invocation", used.count()));
      return FlushResult::deferred;
    }
    RetryPolicy policy = settings.retry;
    policy.deadline = flush_budget - used;
    auto request = coach_request(settings, settings.url, entry.payload, entry.key);
    const Delivery delivery = send_with_retries(client, request, policy);
    if (delivery.status == DeliveryStatus::delivered) {
      outbox.remove(entry);
      ++counts.delivered;
      note(fmt::format("run {}: delivered to the coach (HTTP {}, {} attempt{})", entry.key,
                       delivery.response->status, delivery.attempts, delivery.attempts == 1 ? "" : "s"));
      if (auto advice = parse_advice(delivery.response->body)) {
        advice->advice = redact(advice->advice, token);
        store_advice(paths, entry.key, *advice);
      }
      continue;
    }
    const std::string message = redact(message_for(delivery, fmt::format("run {}", entry.key)), token);
    if (delivery.status == DeliveryStatus::rejected && delivery.response &&
        rejects_payload(delivery.response->status)) {
      ++entry.attempts;
      const auto dead_letter =
        outbox.reject(entry, delivery.response->status, redact(delivery.response->body, token),
                      std::chrono::system_clock::now());
      if (dead_letter) {
        ++counts.dead_lettered;
        warn(fmt::format("{}; moved to {} and not sent again: to resend it, move it back into {}/ and run "
                         "smart-phone --flush",
                         message, dead_letter->string(), paths.outbox_dir.string()));
      } else {
        warn(fmt::format("{}; a newer report of that run was queued meanwhile and stays in the outbox",
                         message));
      }
      continue;
    }
    outbox.record_attempt(entry);
    warn(message + "; kept in the outbox");
    switch (delivery.status) {
    case DeliveryStatus::unauthorized:
      return FlushResult::unauthorized;
    case DeliveryStatus::rejected:
      return FlushResult::rejected; // COACH_URL or the way to it: fix, then --flush
    default:
      return FlushResult::deferred;
    }
  }
  return counts.dead_lettered > 0 ? FlushResult::rejected : FlushResult::all_delivered;
}

OutboxLimits outbox_limits(const Config& config)
{
  OutboxLimits limits;
  limits.max_entries = static_cast<std::size_t>(std::max(1L, config.coach_outbox_max()));
  limits.max_age = std::chrono::seconds(static_cast<long>(config.coach_outbox_max_age().count()));
  return limits;
}

std::string latest_run_id(const Paths& paths)
{
  const auto state = read_json(paths.state_file, "state file (no RUN_ID given)");
  const auto* id = state.as_object().if_contains("run_id");
  if (id == nullptr || !id->is_string()) {
    throw UsageError("{}: no run_id", paths.state_file.string());
  }
  return std::string(id->as_string());
}

} // namespace

int post(const Config& config, const CoachSettings& settings, const PhoneOptions& options)
{
  const Paths paths = paths_of(config);
  refuse_foreign_state_as_root(paths.var_dir, "smart-phone");
  Outbox outbox(paths.outbox_dir, outbox_limits(config), [](const std::string& message) { warn(message); });
  outbox.check_dir();

  if (!options.flush_only) {
    const std::string run_id = options.run_id ? *options.run_id : latest_run_id(paths);
    if (!util::is_safe_name(run_id)) {
      throw UsageError("bad run id '{}' (expected [A-Za-z0-9._-]{{1,64}})", util::printable(run_id, 80));
    }
    const auto summary = read_json(state_paths::summary(paths.runs_dir / run_id), "run summary");
    json::value state = nullptr;
    std::error_code ec;
    if (fs::exists(paths.state_file, ec)) {
      state = read_json(paths.state_file, "state file");
    }
    const auto payload = build_run_payload(run_id, state, host_name(), sample_host_metrics(), summary,
                                           std::chrono::system_clock::now());
    // Write-ahead: queued before the first attempt, so a crash or a kill in
    // the middle of sending loses nothing.
    outbox.put(run_id, payload, std::chrono::system_clock::now());
  }

  std::error_code ec;
  if (!fs::is_directory(paths.outbox_dir, ec)) {
    note("outbox empty: nothing to send");
    return to_int(ExitCode::ok);
  }
  // One flusher at a time, or two processes would send the same entries.
  util::FileLock lock(paths.outbox_dir / ".lock");
  if (!lock.try_acquire()) {
    const auto holder = lock.holder_pid();
    note(fmt::format("another smart-phone{} is sending the outbox; payload queued",
                     holder ? fmt::format(" (pid {})", *holder) : std::string()));
    return to_int(ExitCode::busy);
  }
  auto client = make_curl_client();
  FlushCounts counts;
  const FlushResult result = flush(outbox, settings, paths, *client, counts);
  const auto now = std::chrono::system_clock::now();
  const auto left = outbox.entries(now).size();
  if (const auto dead = outbox.rejected_count(now); dead > static_cast<std::size_t>(counts.dead_lettered)) {
    note(fmt::format("{} payload{} the coach rejected wait{} in {} for a human (docs/coach.md, \"Rejected "
                     "payloads\")",
                     dead, dead == 1 ? "" : "s", dead == 1 ? "s" : "", outbox.rejected_dir().string()));
  }
  const auto plural = [](auto n) { return n == 1 ? "" : "s"; };
  switch (result) {
  case FlushResult::all_delivered:
    if (options.flush_only) {
      note(fmt::format("outbox flushed: {} delivered", counts.delivered));
    }
    return to_int(ExitCode::ok);
  case FlushResult::deferred:
    note(fmt::format("{} delivered, {} waiting in {} for the next attempt", counts.delivered, left,
                     paths.outbox_dir.string()));
    return to_int(ExitCode::busy);
  case FlushResult::unauthorized:
    throw UsageError("coach authentication failed; {} payload{} waiting in {}", left, plural(left),
                     paths.outbox_dir.string());
  case FlushResult::rejected:
    if (counts.dead_lettered > 0) {
      throw Error("the coach rejected {} payload{} (moved to {}); {} delivered, {} waiting in {}",
                  counts.dead_lettered, plural(counts.dead_lettered), outbox.rejected_dir().string(),
                  counts.delivered, left, paths.outbox_dir.string());
    }
    throw Error("the coach did not take the payloads (see above); {} waiting in {}", left,
                paths.outbox_dir.string());
  }
  return to_int(ExitCode::failed);
}

} // namespace smart::cmd::phone_mode
