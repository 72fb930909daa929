#include <smart/cmd/phone_modes.hpp>

#include <smart/cmd/guarded_main.hpp>
#include <smart/error.hpp>
#include <smart/phone/host_metrics.hpp>
#include <smart/phone/http_client.hpp>
#include <smart/phone/notify.hpp>
#include <smart/phone/outbox.hpp>
#include <smart/util/atomic_file.hpp>
#include <smart/util/file_lock.hpp>
#include <smart/util/json_writer.hpp>
#include <smart/util/process.hpp>
#include <smart/util/strings.hpp>
#include <smart/version.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <sys/statvfs.h>

#include <fstream>

// --notify and --heartbeat: alerts to NOTIFY_URL / NOTIFY_COMMAND
// (docs/alerts.md). Alerts go through an outbox of their own, VAR_DIR/notify/
// (the coach's outbox code, so the same guarantees: queued before the first
// attempt, removed only after a 2xx or exit 0, retried by the next
// invocation). A delivered key leaves a marker in VAR_DIR/notify/sent/, so
// asking again about the same run sends nothing twice.

namespace smart::cmd::phone_mode {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

struct NotifySettings {
  std::string url;
  std::string command;
  NotifyFormat format = NotifyFormat::json;
  bool on_keep = false;
  fs::path dir;      // VAR_DIR/notify
  fs::path sent_dir; // VAR_DIR/notify/sent
  OutboxLimits limits;
};

NotifySettings notify_settings(const Config& config)
{
  NotifySettings settings;
  settings.url = config.notify_url();
  settings.command = std::string(util::trim(config.notify_command()));
  const auto& format = config.notify_format();
  const auto parsed = parse_notify_format(format);
  if (!parsed) {
    throw UsageError("NOTIFY_FORMAT: '{}' is not json, slack or discord", util::printable(format, 40));
  }
  settings.format = *parsed;
  settings.on_keep = config.notify_on_keep();
  if (!settings.url.empty() && !util::starts_with(settings.url, "http://") &&
      !util::starts_with(settings.url, "https://")) {
    throw UsageError("NOTIFY_URL: '{}' is not an http:// or https:// URL", util::printable(settings.url, 80));
  }
  settings.dir = config.var_dir() / "notify";
  settings.sent_dir = settings.dir / "sent";
  settings.limits.max_entries = static_cast<std::size_t>(std::max(1L, config.coach_outbox_max()));
  settings.limits.max_age = std::chrono::seconds(static_cast<long>(config.coach_outbox_max_age().count()));
  return settings;
}

std::vector<std::string> words(std::string_view text)
{
  std::vector<std::string> out;
  std::string current;
  for (const char c : text) {
    if (c == ' ' || c == '\t') {
      if (!current.empty()) {
        out.push_back(std::move(current));
        current.clear();
      }
    } else {
      current += c;
    }
  }
  if (!current.empty()) {
    out.push_back(std::move(current));
  }
  return out;
}

std::vector<json::value> read_history(const fs::path& file)
{
  std::vector<json::value> lines;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    boost::system::error_code ec;
    auto value = json::parse(line, ec);
    if (!ec) {
      lines.push_back(std::move(value));
    }
  }
  return lines;
}

// The channel is the key's last part: "<run>.<event>.url" or ".command",
// so each channel delivers (and retries) on its own.
std::string_view channel_of(std::string_view key)
{
  const auto dot = key.rfind('.');
  return dot == std::string_view::npos ? std::string_view() : key.substr(dot + 1);
}

std::string event_key_of(std::string_view key)
{
  const auto dot = key.rfind('.');
  return std::string(dot == std::string_view::npos ? key : key.substr(0, dot));
}

void mark_sent(const NotifySettings& settings, const std::string& key)
{
  std::error_code ec;
  fs::create_directories(settings.sent_dir, ec);
  util::write_file_atomically(settings.sent_dir / key,
                              util::format_rfc3339(std::chrono::system_clock::now()) + "\n", 0600);
}

bool was_sent(const NotifySettings& settings, const std::string& key)
{
  std::error_code ec;
  return fs::exists(settings.sent_dir / key, ec);
}

// Markers older than the outbox's age bound go: an event that old is never
// queued again (smart-run asks about the run it just finished).
void prune_sent(const NotifySettings& settings)
{
  std::error_code ec;
  if (!fs::is_directory(settings.sent_dir, ec)) {
    return;
  }
  const auto now = fs::file_time_type::clock::now();
  for (const auto& item : fs::directory_iterator(settings.sent_dir, ec)) {
    const auto written = item.last_write_time(ec);
    if (!ec && now - written > settings.limits.max_age) {
      fs::remove(item.path(), ec);
    }
  }
}

enum class Outcome { delivered, rejected, config, deferred };

Outcome deliver(const NotifySettings& settings, const OutboxEntry& entry, std::string& detail)
{
  const std::string event_key = event_key_of(entry.key);
  if (channel_of(entry.key) == "command") {
    if (settings.command.empty()) {
      detail = "NOTIFY_COMMAND is empty now";
      return Outcome::config;
    }
    util::ProcessSpec spec;
    spec.argv = words(settings.command);
    spec.env = util::current_environment();
    spec.env["SMART_NOTIFY_KEY"] = event_key;
    spec.env["SMART_NOTIFY_PAYLOAD"] = entry.payload;
    spec.timeout = std::chrono::duration<double>(20);
    spec.interruptible = util::Interruptible::no;
    const auto result = util::run_process(spec);
    detail = result.describe();
    return result.ok() ? Outcome::delivered : Outcome::deferred;
  }
  if (settings.url.empty()) {
    detail = "NOTIFY_URL is empty now";
    return Outcome::config;
  }
  HttpRequest request;
  request.url = settings.url;
  request.headers = {{"Content-Type", "application/json"},
                     {"Idempotency-Key", event_key},
                     {"User-Agent", fmt::format("smart-phone/{}", smart::version)}};
  request.body = entry.payload;
  request.total_timeout = Seconds(10);
  RetryPolicy policy;
  policy.max_attempts = 3;
  policy.max_delay = Seconds(5);
  policy.deadline = Seconds(30);
  auto client = make_curl_client();
  const Delivery delivery = send_with_retries(*client, request, policy);
  detail = delivery.detail;
  switch (delivery.status) {
  case DeliveryStatus::delivered:
    return Outcome::delivered;
  case DeliveryStatus::unauthorized:
    return Outcome::config;
  case DeliveryStatus::rejected:
    return delivery.response && rejects_payload(delivery.response->status) ? Outcome::rejected
                                                                           : Outcome::config;
  case DeliveryStatus::gave_up:
    break;
  }
  return Outcome::deferred;
}

} // namespace

namespace {

// The run asked about: RUN_ID, or the state file's run_id; a safe name.
std::string run_id_of(const Paths& paths, const PhoneOptions& options)
{
  std::string run_id;
  if (options.run_id) {
    run_id = *options.run_id;
  } else {
    const auto state = read_json(paths.state_file, "state file (no RUN_ID given)");
    const auto* id = state.as_object().if_contains("run_id");
    if (id == nullptr || !id->is_string()) {
      throw UsageError("{}: no run_id", paths.state_file.string());
    }
    run_id = std::string(id->as_string());
  }
  if (!util::is_safe_name(run_id) || run_id.size() > 40) {
    throw UsageError("bad run id '{}' (expected [A-Za-z0-9._-]{{1,40}})", util::printable(run_id, 80));
  }
  return run_id;
}

// Queues the run's alerts, one per event and configured channel, unless sent
// or queued already.
void queue_alerts(const NotifySettings& settings, const Paths& paths, const PhoneOptions& options,
                  Outbox& outbox, util::SystemTime now)
{
  const std::string run_id = run_id_of(paths, options);
  const auto summary = read_json(paths.runs_dir / run_id / "summary.json", "run summary");
  const auto history = read_history(paths.var_dir / "history.jsonl");
  const std::string host = host_name();
  for (const auto& event : run_events(summary, history, settings.on_keep)) {
    const std::string body = notify_payload(settings.format, event, host, util::format_rfc3339(now));
    for (const auto* channel : {"url", "command"}) {
      if ((channel == std::string_view("url") ? settings.url : settings.command).empty()) {
        continue;
      }
      const std::string key = fmt::format("{}.{}", event.key, channel);
      std::error_code ec;
      if (was_sent(settings, key) || fs::exists(settings.dir / (key + ".json"), ec)) {
        continue; // told already, or waiting to be told: once per run and event
      }
      outbox.put(key,
                 channel == std::string_view("url")
                   ? body
                   : notify_payload(NotifyFormat::json, event, host, util::format_rfc3339(now)),
                 now);
      note(fmt::format("alert queued: {} ({})", event.event, key));
    }
  }
}

// Sends what the outbox holds (the caller holds its lock); stops at the
// first delivery deferred.
int send_queued(const NotifySettings& settings, Outbox& outbox, util::SystemTime now)
{
  int delivered = 0;
  bool config_problem = false;
  for (auto& entry : outbox.entries(now)) {
    if (was_sent(settings, entry.key)) {
      outbox.remove(entry); // delivered before a crash between marker and removal
      continue;
    }
    std::string detail;
    switch (deliver(settings, entry, detail)) {
    case Outcome::delivered:
      mark_sent(settings, entry.key);
      outbox.remove(entry);
      ++delivered;
      continue;
    case Outcome::rejected:
      outbox.reject(entry, 400, detail, now);
      warn(fmt::format("alert {}: refused by {} ({}); moved to {}", entry.key, settings.url, detail,
                       outbox.rejected_dir().string()));
      continue;
    case Outcome::config:
      outbox.record_attempt(entry);
      warn(fmt::format("alert {}: not sent ({}); check NOTIFY_URL / NOTIFY_COMMAND; kept in {}", entry.key,
                       detail, settings.dir.string()));
      config_problem = true;
      continue;
    case Outcome::deferred:
      outbox.record_attempt(entry);
      warn(fmt::format("alert {}: not delivered ({}); kept in {} for the next attempt", entry.key, detail,
                       settings.dir.string()));
      return to_int(ExitCode::busy);
    }
  }
  if (delivered > 0) {
    note(fmt::format("{} alert{} delivered", delivered, delivered == 1 ? "" : "s"));
  }
  return config_problem ? to_int(ExitCode::usage) : to_int(ExitCode::ok);
}

} // namespace

int notify(const Config& config, const PhoneOptions& options)
{
  const NotifySettings settings = notify_settings(config);
  if (settings.url.empty() && settings.command.empty()) {
    note("no alerts configured (NOTIFY_URL and NOTIFY_COMMAND are empty): nothing sent");
    return to_int(ExitCode::ok);
  }
  const Paths paths = paths_of(config);
  Outbox outbox(settings.dir, settings.limits, [](const std::string& message) { warn(message); });
  const auto now = std::chrono::system_clock::now();

  if (!options.flush_only) {
    queue_alerts(settings, paths, options, outbox, now);
  }

  std::error_code ec;
  if (!fs::is_directory(settings.dir, ec)) {
    return to_int(ExitCode::ok);
  }
  util::FileLock lock(settings.dir / ".lock");
  if (!lock.try_acquire()) {
    note("another smart-phone is sending the alerts; they stay queued");
    return to_int(ExitCode::busy);
  }
  prune_sent(settings);
  return send_queued(settings, outbox, now);
}

int heartbeat(const Config& config, const PhoneOptions& options)
{
  (void)options;
  const NotifySettings settings = notify_settings(config);
  const Paths paths = paths_of(config);
  const auto metrics = sample_host_metrics();
  json::object document;
  document["event"] = "heartbeat";
  document["host"] = host_name();
  document["at"] = util::format_rfc3339(std::chrono::system_clock::now());
  document["version"] = smart::version;
  const auto optional = [](const std::optional<double>& value) -> json::value {
    return value ? json::value(*value) : json::value(nullptr);
  };
  document["cpu_pct"] = optional(metrics.cpu_pct);
  document["mem_pct"] = optional(metrics.mem_pct);
  document["load"] = metrics.load
                       ? json::value(json::array{(*metrics.load)[0], (*metrics.load)[1], (*metrics.load)[2]})
                       : json::value(nullptr);
  document["uptime_s"] = optional(metrics.uptime_s);
  struct statvfs fs_stats {};
  std::error_code ec;
  const fs::path disk = fs::is_directory(paths.var_dir, ec) ? paths.var_dir : fs::path("/");
  if (::statvfs(disk.c_str(), &fs_stats) == 0 && fs_stats.f_blocks > 0) {
    const double total = double(fs_stats.f_blocks) * double(fs_stats.f_frsize);
    const double avail = double(fs_stats.f_bavail) * double(fs_stats.f_frsize);
    document["disk_pct"] = 100.0 * (total - avail) / total;
    document["disk_free_bytes"] = avail;
  } else {
    document["disk_pct"] = nullptr;
    document["disk_free_bytes"] = nullptr;
  }
  document["health"] = nullptr;
  const fs::path health_file = config.dash_dir() / "health.json";
  if (fs::exists(health_file, ec)) {
    boost::system::error_code json_ec;
    auto health = json::parse(util::read_file(health_file), json_ec);
    if (!json_ec && health.is_object()) {
      document["health"] = std::move(health);
    }
  }
  // The last heartbeat stays beside the state, for a fleet report.
  if (fs::is_directory(paths.var_dir, ec)) {
    util::write_file_atomically(paths.var_dir / "heartbeat.json", util::write_json(document) + "\n");
  }
  if (settings.url.empty()) {
    note("NOTIFY_URL is empty: heartbeat written to heartbeat.json only");
    return to_int(ExitCode::ok);
  }
  // No outbox: a late heartbeat says nothing; the next one follows soon.
  HttpRequest request;
  request.url = settings.url;
  request.headers = {{"Content-Type", "application/json"},
                     {"User-Agent", fmt::format("smart-phone/{}", smart::version)}};
  request.body = heartbeat_payload(settings.format, document);
  request.total_timeout = Seconds(10);
  RetryPolicy policy;
  policy.max_attempts = 2;
  policy.max_delay = Seconds(2);
  policy.deadline = Seconds(15);
  auto client = make_curl_client();
  const Delivery delivery = send_with_retries(*client, request, policy);
  if (delivery.status != DeliveryStatus::delivered) {
    warn(fmt::format("heartbeat not delivered: {}", delivery.detail));
    return to_int(ExitCode::busy);
  }
  return to_int(ExitCode::ok);
}

} // namespace smart::cmd::phone_mode
