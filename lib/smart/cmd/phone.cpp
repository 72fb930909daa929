#include <smart/cmd/phone.hpp>

#include <smart/cmd/guarded_main.hpp>
#include <smart/config.hpp>
#include <smart/error.hpp>
#include <smart/phone/coach.hpp>
#include <smart/phone/host_metrics.hpp>
#include <smart/phone/outbox.hpp>
#include <smart/phone/retry.hpp>
#include <smart/run_store.hpp>
#include <smart/util/atomic_file.hpp>
#include <smart/util/file_lock.hpp>
#include <smart/util/random.hpp>
#include <smart/util/sha256.hpp>
#include <smart/util/strings.hpp>
#include <smart/version.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <unistd.h>
#include <sys/stat.h>

#include <thread>

namespace smart::cmd {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

struct Paths {
  fs::path var_dir;
  fs::path runs_dir;
  fs::path state_file;
  fs::path outbox_dir;
};

Paths paths_of(const Config& config)
{
  Paths paths;
  paths.var_dir = config.path("VAR_DIR");
  paths.runs_dir = config.path("RUNS_DIR");
  paths.state_file = config.path("STATE_FILE");
  paths.outbox_dir = state_paths::outbox(paths.var_dir);
  return paths;
}

void note(std::string_view message)
{
  say(fmt::format("{}: {}\n", program_name(), message));
  std::fflush(stderr);
}

json::value read_json(const fs::path& file, std::string_view what)
{
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    throw UsageError("{}: {} not found", file.string(), what);
  }
  boost::system::error_code json_ec;
  auto value = json::parse(util::read_file(file), json_ec);
  if (json_ec) {
    throw UsageError("{}: not valid JSON: {}", file.string(), json_ec.message());
  }
  if (!value.is_object()) {
    throw UsageError("{}: expected a JSON object", file.string());
  }
  return value;
}

std::string message_for(const Delivery& delivery, std::string_view what)
{
  switch (delivery.status) {
  case DeliveryStatus::delivered:
    return fmt::format("{}: delivered", what);
  case DeliveryStatus::unauthorized:
    return fmt::format("{}: the coach refused the token ({}): check COACH_TOKEN, COACH_TOKEN_FILE or the "
                       "coach_token credential, or run smart-phone --register",
                       what, delivery.detail);
  case DeliveryStatus::rejected:
    if (delivery.response && delivery.response->status == 404) {
      return fmt::format("{}: the coach has no such endpoint ({}): is COACH_URL right?", what,
                         delivery.detail);
    }
    if (delivery.response && delivery.response->status >= 300 && delivery.response->status < 400) {
      return fmt::format(
        "{}: the coach redirects ({}); redirects are not followed, set COACH_URL to the final "
        "address",
        what, delivery.detail);
    }
    return fmt::format("{}: the coach rejected it ({}){}", what, delivery.detail,
                       delivery.response && !delivery.response->body.empty()
                         ? ": " + util::printable(delivery.response->body, 200)
                         : std::string());
  case DeliveryStatus::gave_up:
    return fmt::format("{}: coach unreachable: {}", what, delivery.detail);
  }
  return std::string(what);
}

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
    util::write_file_atomically(state_paths::coach_advice(run_dir), json::serialize(advice_json) + "\n");
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
  util::write_file_atomically(paths.state_file, json::serialize(state) + "\n");
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
  limits.max_entries = static_cast<std::size_t>(std::max(1L, config.integer("COACH_OUTBOX_MAX")));
  limits.max_age = std::chrono::seconds(static_cast<long>(config.duration("COACH_OUTBOX_MAX_AGE").count()));
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

int post(const Config& config, const CoachSettings& settings, const PhoneOptions& options)
{
  const Paths paths = paths_of(config);
  Outbox outbox(paths.outbox_dir, outbox_limits(config), [](const std::string& message) { warn(message); });

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

// The borderline exchange goes to stderr: smart-run, which owns the run
// directory, appends it to DIR/coach-exchange.log; --ask writes no file.
void log_exchange(const std::string& text)
{
  fmt::print(stderr, "{}\n", text);
  std::fflush(stderr);
}

int ask(CoachSettings settings, const PhoneOptions& options)
{
  if (options.run_dir.empty() || options.variant.empty()) {
    throw UsageError("--ask needs --run-dir DIR and --variant V");
  }
  if (!util::is_safe_name(options.variant)) {
    throw UsageError("bad variant name '{}'", util::printable(options.variant, 80));
  }
  const fs::path decision_file = options.run_dir / (options.variant + ".decision.json");
  const auto decision = read_json(decision_file, "decision");
  if (settings.url.empty()) {
    throw UsageError("no coach configured: COACH_URL is empty");
  }
  const std::string run_id = fs::absolute(options.run_dir).lexically_normal().filename().string();
  const std::string token = settings.token ? settings.token->value : std::string();
  const auto host = sample_host_metrics(std::chrono::milliseconds(100));

  HttpRequest request;
  std::string prompt;
  if (settings.mode == CoachMode::openai) {
    prompt = build_prompt(options.variant, decision, host);
    request = coach_request(settings, openai_endpoint(settings.url),
                            build_openai_request(settings.model, prompt), std::nullopt);
  } else {
    request = coach_request(settings, join_url(settings.url, "ask"),
                            build_ask_payload(run_id, options.variant, decision, host_name(), host),
                            fmt::format("{}.{}.ask", run_id, options.variant));
  }
  // COACH_TIMEOUT bounds the whole question, retries included.
  settings.retry.deadline = settings.timeout;
  settings.retry.max_delay = std::min(settings.retry.max_delay, settings.timeout / 4);
  settings.retry.base_delay = std::min(settings.retry.base_delay, settings.timeout / 10);

  log_exchange(fmt::format("=== {} ask {} mode={} url={}\n--- request:\n{}",
                           util::format_rfc3339(std::chrono::system_clock::now()), options.variant,
                           settings.mode == CoachMode::openai ? "openai" : "api", request.url,
                           redact(prompt.empty() ? request.body : prompt, token)));

  auto client = make_curl_client();
  const Delivery delivery = send_with_retries(*client, request, settings.retry);
  std::string body = delivery.response ? delivery.response->body : std::string();
  if (body.size() > 8192) {
    body = body.substr(0, 8192) + "...(truncated)";
  }
  log_exchange(redact(fmt::format("--- response: {} ({} attempt{})\n{}", delivery.detail, delivery.attempts,
                                  delivery.attempts == 1 ? "" : "s", body),
                      token));

  const auto fail = [&](const std::string& why, ExitCode code) -> int {
    log_exchange(fmt::format("--- no answer: {} => revert", why));
    throw Error(redact(why, token) + " (no coach answer: revert)", code);
  };
  if (delivery.status != DeliveryStatus::delivered) {
    return fail(message_for(delivery, "coach question"),
                delivery.status == DeliveryStatus::unauthorized ? ExitCode::usage : ExitCode::failed);
  }
  std::optional<CoachAnswer> answer;
  if (settings.mode == CoachMode::openai) {
    const auto content = openai_content(delivery.response->body);
    if (!content) {
      return fail("the model's response is not a chat completion", ExitCode::failed);
    }
    answer = parse_model_answer(*content);
    if (!answer) {
      return fail(
        fmt::format("the model answered neither KEEP nor REVERT: '{}'", util::printable(*content, 120)),
        ExitCode::failed);
    }
  } else {
    answer = parse_api_answer(delivery.response->body);
    if (!answer) {
      return fail("the coach's answer is not {verdict: keep|revert, confidence: 0..1, reason}",
                  ExitCode::failed);
    }
  }
  answer->reason = redact(answer->reason, token);
  const std::string line = json::serialize(to_json(*answer));
  log_exchange("--- answer: " + line);
  fmt::print("{}\n", line);
  return to_int(ExitCode::ok);
}

int register_host(const Config& config, CoachSettings settings, const PhoneOptions& options)
{
  if (settings.url.empty()) {
    throw UsageError("no coach configured: COACH_URL is empty");
  }
  if (settings.mode != CoachMode::api) {
    throw UsageError("--register works with COACH_MODE=api only");
  }
  const std::string configured = config.get("COACH_TOKEN_FILE");
  const fs::path key_file = configured.empty() ? fs::path(default_token_file) : fs::path(configured);
  std::error_code ec;
  if (fs::exists(key_file, ec) && !options.force) {
    throw UsageError("{}: already exists (this host is registered); use --force to register again",
                     key_file.string());
  }
  const fs::path key_dir = key_file.parent_path().empty() ? fs::path(".") : key_file.parent_path();
  if (configured.empty() && !fs::is_directory(key_dir, ec)) {
    // /etc/credstore: root-only, as systemd expects it.
    fs::create_directories(key_dir, ec);
    ::chmod(key_dir.c_str(), 0700);
  }
  if (!fs::is_directory(key_dir, ec)) {
    throw UsageError("{}: the directory for the API key does not exist", key_file.string());
  }
  if (::access(key_dir.c_str(), W_OK) != 0) {
    throw UsageError("{}: cannot write there (run --register as root, or set COACH_TOKEN_FILE)",
                     key_file.string());
  }

  const std::string claim_token = util::to_hex(util::random_bytes(16));
  const std::string token_hash = util::sha256_hex(claim_token);
  json::object body;
  body["token_hash"] = token_hash;
  body["hostname"] = host_name();
  body["version"] = smart::version;
  auto client = make_curl_client();
  const auto request =
    coach_request(settings, join_url(settings.url, "claims"), json::serialize(body), token_hash);
  const Delivery delivery = send_with_retries(*client, request, settings.retry);
  if (delivery.status != DeliveryStatus::delivered) {
    throw Error(message_for(delivery, "registration"));
  }

  // Shown once, to the operator, on the terminal; never stored.
  fmt::print("Claim this server on the coach with this token (shown once):\n\n    {}\n\n"
             "Waiting up to {:.0f}s for the claim...\n",
             claim_token, options.register_wait.count());
  std::fflush(stdout);

  const auto deadline =
    std::chrono::steady_clock::now() +
    std::chrono::duration_cast<std::chrono::steady_clock::duration>(options.register_wait);
  HttpRequest poll =
    coach_request(settings, join_url(settings.url, "claims/" + token_hash), "", std::nullopt);
  poll.method = "GET";
  while (true) {
    const HttpResult result = client->send(poll);
    if (const auto* response = std::get_if<HttpResponse>(&result)) {
      if (response->status == 200) {
        boost::system::error_code json_ec;
        const auto value = json::parse(response->body, json_ec);
        const auto* key =
          (!json_ec && value.is_object()) ? value.as_object().if_contains("api_key") : nullptr;
        if (key != nullptr && key->is_string() && !key->as_string().empty()) {
          const std::string api_key(key->as_string());
          if (api_key.find_first_of("\r\n") != std::string::npos) {
            throw Error("the coach sent an API key with line breaks; not stored");
          }
          util::write_file_atomically(key_file, api_key + "\n", 0600);
          note(fmt::format("claimed: API key stored in {} (mode 0600)", key_file.string()));
          if (configured.empty()) {
            note("smart-run.service passes it to smart-phone (LoadCredential=coach_token)");
          } else {
            note(
              fmt::format("the service reads it through LoadCredential=coach_token:{} (or COACH_TOKEN_FILE, "
                          "when the smart user may read it)",
                          key_file.string()));
          }
          return to_int(ExitCode::ok);
        }
      } else if (response->status == 401 || response->status == 403 || response->status == 410) {
        throw Error("the claim was refused or expired (HTTP {}); run --register again", response->status);
      } else if (response->status != 202 && response->status != 404 &&
                 !is_retryable_status(response->status)) {
        throw Error("unexpected answer while waiting for the claim: HTTP {}", response->status);
      }
    }
    if (std::chrono::steady_clock::now() + options.poll_interval > deadline) {
      throw Error("the server was not claimed within {:.0f}s; run --register again",
                  options.register_wait.count());
    }
    std::this_thread::sleep_for(options.poll_interval);
  }
}

} // namespace

int phone(const PhoneOptions& options)
{
  const auto config = Config::load(options.common.config);
  for (const auto& warning : config.warnings()) {
    warn(warning);
  }
  const auto getenv = process_environment();
  const int modes = int(options.ask) + int(options.register_host) + int(options.flush_only);
  if (modes > 1) {
    throw UsageError("--ask, --register and --flush are exclusive");
  }
  if (modes > 0 && options.run_id) {
    throw UsageError("RUN_ID goes with posting a run, not with --ask, --register or --flush");
  }
  auto settings = coach_settings(config, getenv, options.register_host ? LoadToken::no : LoadToken::yes);
  if (settings.token && settings.token->warning) {
    warn(*settings.token->warning);
  }
  if (settings.token) {
    if (auto warning = cleartext_warning(settings.url)) {
      warn(*warning);
    }
  }
  if (options.ask) {
    return ask(settings, options);
  }
  if (options.register_host) {
    return register_host(config, settings, options);
  }
  if (settings.url.empty()) {
    note("no coach configured (COACH_URL is empty): nothing sent");
    return to_int(ExitCode::ok);
  }
  if (settings.mode == CoachMode::openai) {
    note("COACH_MODE=openai: a local model takes no run reports; nothing sent");
    return to_int(ExitCode::ok);
  }
  return post(config, settings, options);
}

} // namespace smart::cmd
