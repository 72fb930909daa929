#include <smart/cmd/cli.hpp>
#include <smart/cmd/guarded_main.hpp>
#include <smart/cmd/phone.hpp>
#include <smart/error.hpp>
#include <smart/util/units.hpp>

namespace {

constexpr const char* usage = R"(Usage: smart-phone [--config FILE] [RUN_ID]
       smart-phone [--config FILE] --flush
       smart-phone [--config FILE] --ask --run-dir DIR --variant V
       smart-phone [--config FILE] --register [--force]
       smart-phone [--config FILE] --notify [--flush] [RUN_ID]
       smart-phone [--config FILE] --heartbeat

Reports a finished run to the coach (COACH_URL) and asks it about borderline
verdicts. The run's payload (state, summary, host name and load) is queued in
VAR_DIR/outbox first, then the outbox is sent oldest first; a payload leaves
the outbox only after the coach answered 2xx. Transient failures (timeouts,
refused connections, 5xx, 429) are retried with exponential backoff and
jitter, honouring Retry-After. A payload the coach rejects for good (a 4xx
other than 401/403/404/408/429) moves to VAR_DIR/outbox/rejected/ and is not
sent again; move it back into the outbox and run --flush to resend it.

RUN_ID defaults to the latest run in STATE_FILE. The coach's advice
({advice, next_variant, confidence}) is stored in runs/RUN_ID/coach.json
and, while RUN_ID is the latest run, merged into state.json as "coach".

--notify queues the run's alerts (revert failed, two failed runs in a row,
target unhealthy, a keep with NOTIFY_ON_KEEP=1) in VAR_DIR/notify and sends
them to NOTIFY_URL (NOTIFY_FORMAT=json|slack|discord) and NOTIFY_COMMAND,
each run and event once. --heartbeat posts CPU, memory, disk, load, uptime
and health to NOTIFY_URL and writes VAR_DIR/heartbeat.json (docs/alerts.md).

--ask prints {"verdict":"keep|revert","confidence":0..1,"reason":"..."}
and exits 0 when the coach answered within COACH_TIMEOUT. COACH_MODE=openai
asks an OpenAI-compatible chat-completions endpoint (llama.cpp, Ollama)
instead of the coach API. The exchange is written to stderr (smart-run logs
it in DIR/coach-exchange.log); --ask writes no file.

The token comes from COACH_TOKEN (environment), COACH_TOKEN_FILE, or the
systemd credential coach_token -- never from the command line.)";

constexpr const char* footer = R"(Configuration keys: COACH_URL COACH_MODE (api|openai) COACH_MODEL
  COACH_TOKEN_FILE COACH_CA_FILE COACH_TIMEOUT (default 10s) COACH_RETRIES (3)
  COACH_RETRY_MAX_WAIT (60s) COACH_OUTBOX_MAX (1000) COACH_OUTBOX_MAX_AGE (30d)

Exit status:
  0   delivered (or nothing to send); --ask: the coach answered
  1   the coach rejected a payload (4xx; see outbox/rejected/), or --ask
      got no usable answer
  2   usage or configuration error, or the coach refused the token (401/403)
  75  deferred: payloads wait in the outbox for the next run

See smart-phone(1), docs/coach.md and docs/coach-api.yaml.)";

} // namespace

int main(int argc, char** argv)
{
  return smart::cmd::guarded_main("smart-phone", [&] {
    namespace po = smart::cmd::po;
    po::options_description desc("Options");
    desc.add_options()("flush", "only send what waits in the outbox")(
      "notify", "send the alerts of RUN_ID (default: the latest run) to NOTIFY_URL / NOTIFY_COMMAND")(
      "heartbeat", "send host metrics and health to NOTIFY_URL")("ask",
                                                                 "ask the coach about a borderline verdict")(
      "run-dir", po::value<std::string>()->value_name("DIR"), "with --ask: the run directory")(
      "variant", po::value<std::string>()->value_name("V"), "with --ask: the variant (DIR/V.decision.json)")(
      "register", "claim workflow: register this host and store the API key")(
      "force", "with --register: replace an existing API key file")(
      "poll-interval", po::value<std::string>()->value_name("D")->default_value("5s"),
      "with --register: how often to check the claim")(
      "wait", po::value<std::string>()->value_name("D")->default_value("15m"),
      "with --register: how long to wait for the claim");
    smart::cmd::add_common_options(desc);
    po::options_description hidden;
    hidden.add_options()("run-id", po::value<std::string>());
    po::options_description all;
    all.add(desc).add(hidden);
    po::positional_options_description positional;
    positional.add("run-id", 1);

    const auto vm = smart::cmd::parse_command_line(argc, argv, all, positional);
    smart::cmd::PhoneOptions options;
    options.common = smart::cmd::common_options(vm);
    if (smart::cmd::print_help_or_version(options.common, "smart-phone", usage, desc, footer)) {
      return 0;
    }
    if (vm.count("run-id")) {
      options.run_id = vm["run-id"].as<std::string>();
    }
    options.flush_only = vm.count("flush") > 0;
    options.ask = vm.count("ask") > 0;
    if (vm.count("run-dir")) {
      options.run_dir = vm["run-dir"].as<std::string>();
    }
    if (vm.count("variant")) {
      options.variant = vm["variant"].as<std::string>();
    }
    options.register_host = vm.count("register") > 0;
    options.notify = vm.count("notify") > 0;
    options.heartbeat = vm.count("heartbeat") > 0;
    options.force = vm.count("force") > 0;
    const auto duration = [&](const char* name) {
      const auto text = vm[name].as<std::string>();
      const auto value = smart::util::parse_duration(text);
      if (!value || value->count() <= 0) {
        throw smart::UsageError("--{}: invalid duration '{}'", name, text);
      }
      return *value;
    };
    options.poll_interval = duration("poll-interval");
    options.register_wait = duration("wait");
    if (!options.ask && (vm.count("run-dir") || vm.count("variant"))) {
      throw smart::UsageError("--run-dir and --variant go with --ask");
    }
    return smart::cmd::phone(options);
  });
}
