#include <smart/cmd/measure.hpp>

#include <smart/cmd/guarded_main.hpp>
#include <smart/config.hpp>
#include <smart/error.hpp>
#include <smart/measure/interval_grid.hpp>
#include <smart/measure/load_generator.hpp>
#include <smart/measure/probe.hpp>
#include <smart/measure/response_check.hpp>
#include <smart/measure/sample_tally.hpp>
#include <smart/measure/sample_writer.hpp>
#include <smart/measure/target.hpp>
#include <smart/util/signals.hpp>
#include <smart/util/strings.hpp>

#include <fmt/format.h>

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace smart::cmd {

namespace {

using steady = std::chrono::steady_clock;

constexpr std::string_view tool = "smart-measure";

bool stop_requested()
{
  return util::signals::received() != 0;
}

// Sleeps until due, or until a stop signal makes stop_fd readable (false).
bool wait_until(steady::time_point due, int stop_fd)
{
  while (true) {
    if (stop_requested()) {
      return false;
    }
    const auto left = due - steady::now();
    if (left <= steady::duration::zero()) {
      return true;
    }
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
    timespec ts{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
    pollfd pfd{stop_fd, POLLIN, 0};
    ::ppoll(&pfd, 1, &ts, nullptr);
  }
}

struct AbortGuard {
  std::optional<double> err_pct;
  std::uint64_t after = 10;

  // The message when the run must stop, empty otherwise.
  std::string check(const SampleTally& tally) const
  {
    if (!err_pct || tally.count() < after || tally.err_pct() <= *err_pct) {
      return {};
    }
    return fmt::format("abort guard: {:.2f}% errors after {} samples is above {}%; stopping early",
                       tally.err_pct(), tally.count(), *err_pct);
  }
};

class ProgressLine {
public:
  explicit ProgressLine(bool enabled) : m_enabled(enabled) {}
  void show(const std::string& text)
  {
    if (m_enabled) {
      say(fmt::format("\r\033[K{}", text));
      std::fflush(stderr);
      m_shown = true;
    }
  }
  void clear()
  {
    if (m_shown) {
      say(fmt::format("\r\033[K"));
      std::fflush(stderr);
      m_shown = false;
    }
  }

private:
  bool m_enabled;
  bool m_shown = false;
};

SampleColumns columns_of(const MeasureOptions& options)
{
  SampleColumns columns;
  columns.block = options.block;
  columns.phases = options.phases;
  return columns;
}

bool is_load_mode(const MeasureOptions& options)
{
  return options.concurrency.has_value() || options.rate.has_value();
}

struct Outcome {
  SampleTally tally;
  std::string abort_message;
  double elapsed_s = 0;
  std::uint64_t not_sent = 0; // open loop: due, never sent before the end
};

ResponseChecks checks_of(const MeasureOptions& options)
{
  ResponseChecks checks;
  if (options.expect_status) {
    const auto set = StatusSet::parse(*options.expect_status);
    if (!set) {
      throw UsageError("--expect-status '{}': expected codes and ranges such as 200-299,401 (100-599)",
                       util::printable(*options.expect_status, 60));
    }
    checks.status = *set;
  }
  if (options.expect_body) {
    if (options.expect_body->empty()) {
      throw UsageError("--expect-body must not be empty");
    }
    checks.set_expect_body(*options.expect_body);
  }
  checks.min_bytes = options.expect_min_bytes;
  checks.same_body_file = options.expect_same_body;
  return checks;
}

Outcome run_probes(const MeasureOptions& options, const Target& target, SampleSink& sink)
{
  ResponseChecks checks = checks_of(options);
  checks.load_reference();
  ProbeOptions probe_options;
  probe_options.timeout = options.timeout;
  probe_options.insecure = options.insecure;
  probe_options.cacert = options.cacert;
  probe_options.fresh_connection = options.fresh_connection;
  probe_options.stop_requested = &stop_requested;
  probe_options.keep_body = checks.needs_body() ? ResponseChecks::max_body_bytes : 0;
  const auto prober = make_prober(target, probe_options);

  const IntervalGrid grid(
    std::chrono::duration_cast<std::chrono::nanoseconds>(options.interval.value_or(util::Duration(1.0))));
  const std::optional<std::chrono::nanoseconds> duration =
    options.duration ? std::optional(std::chrono::duration_cast<std::chrono::nanoseconds>(*options.duration))
                     : std::nullopt;
  const AbortGuard guard{options.abort_err_pct, options.abort_after.value_or(10)};
  RowFormatter formatter(columns_of(options));
  ProgressLine progress(options.progress);
  Outcome outcome;
  outcome.tally = SampleTally(checks.status);
  std::string line;

  const auto start = steady::now();
  std::uint64_t slot = 0;
  while (true) {
    if (options.count && outcome.tally.count() >= *options.count) {
      break;
    }
    if (duration && grid.offset(slot) >= *duration) {
      break;
    }
    if (!wait_until(start + grid.offset(slot), util::signals::fd())) {
      break;
    }
    const auto timestamp = std::chrono::system_clock::now();
    ProbeResult result = prober->probe();
    if (result.interrupted) {
      break; // a stop signal cut it short: not a measurement
    }
    if (result.response_code != 0 && target.scheme != Scheme::tcp) {
      result.error = checks.check(result.response_code, result.body, result.body_bytes);
    }
    line.clear();
    formatter.append(line,
                     Sample{timestamp, result.latency_ms, result.response_code, result.error, result.phases});
    sink.write(line);
    outcome.tally.add(result.latency_ms, result.response_code, result.error);
    progress.show(
      fmt::format("{} probes, {} errors, last {:.3f} ms {}{}", outcome.tally.count(), outcome.tally.errors(),
                  result.latency_ms, result.response_code,
                  result.error == ProbeError::none ? "" : " " + std::string(to_token(result.error))));
    outcome.abort_message = guard.check(outcome.tally);
    if (!outcome.abort_message.empty()) {
      break;
    }
    slot = grid.next_slot(slot, std::chrono::duration_cast<std::chrono::nanoseconds>(steady::now() - start));
  }
  progress.clear();
  outcome.elapsed_s = std::chrono::duration<double>(steady::now() - start).count();
  return outcome;
}

Outcome run_load_mode(const MeasureOptions& options, const Target& target, SampleSink& sink)
{
  LoadOptions load;
  load.target = target;
  load.concurrency = options.concurrency.value_or(16);
  load.rate = options.rate;
  load.threads = options.threads.value_or(1);
  load.duration = options.duration;
  load.warmup = options.warmup;
  load.timeout = options.timeout;
  load.count = options.count;
  load.sample_every = options.sample_every;
  load.columns = columns_of(options);
  load.stop_fd = util::signals::fd();
  load.insecure = options.insecure;
  load.cacert = options.cacert;
  load.checks = checks_of(options);

  const AbortGuard guard{options.abort_err_pct, options.abort_after.value_or(10)};
  ProgressLine progress(options.progress);
  Outcome outcome;
  LoadGenerator generator(load, sink);
  const LoadResult result = generator.run([&](const LoadProgress& p) {
    progress.show(fmt::format("{} requests, {} errors, {:.0f} req/s", p.requests, p.errors, p.rate_per_s));
    if (guard.err_pct && p.requests >= guard.after && p.requests > 0) {
      const double pct = static_cast<double>(p.errors) * 100.0 / static_cast<double>(p.requests);
      if (pct > *guard.err_pct) {
        outcome.abort_message =
          fmt::format("abort guard: {:.2f}% errors after {} samples is above {}%; stopping early", pct,
                      p.requests, *guard.err_pct);
        return false;
      }
    }
    return true;
  });
  progress.clear();
  outcome.tally = result.tally;
  outcome.elapsed_s = result.elapsed_s;
  outcome.not_sent = result.not_sent;
  return outcome;
}

} // namespace

util::Duration duration_option(std::string_view option, std::string_view text)
{
  const auto parsed = util::parse_duration(text);
  if (!parsed) {
    throw UsageError("--{} '{}': not a duration (examples: 300, 300s, 5m, 250ms)", option,
                     util::printable(text, 60));
  }
  return *parsed;
}

void validate(const MeasureOptions& options)
{
  if (options.url.empty()) {
    throw UsageError("--url is required (http://, https:// or tcp://host:port)");
  }
  const Target target = parse_target(options.url);
  if (options.interval && options.interval->count() <= 0) {
    throw UsageError("--interval must be more than 0");
  }
  if (options.timeout.count() <= 0) {
    throw UsageError("--timeout must be more than 0");
  }
  if (options.duration && options.duration->count() <= 0) {
    throw UsageError("--duration must be more than 0");
  }
  if (options.count && *options.count == 0) {
    throw UsageError("--count must be at least 1");
  }
  if (options.append && options.output == "-") {
    throw UsageError("--append needs -o FILE (standard output cannot be appended to)");
  }
  if (options.cacert) {
    if (::access(options.cacert->c_str(), R_OK) != 0) {
      throw UsageError("--cacert {}: {}", util::printable(options.cacert->string()), std::strerror(errno));
    }
  }
  if ((options.insecure || options.cacert) && target.scheme != Scheme::https) {
    throw UsageError("--insecure and --cacert apply to https:// targets only");
  }
  if (options.abort_err_pct &&
      (*options.abort_err_pct < 0 || *options.abort_err_pct > 100 || std::isnan(*options.abort_err_pct))) {
    throw UsageError("--abort-err-pct must be between 0 and 100");
  }
  if (options.abort_after && !options.abort_err_pct) {
    throw UsageError("--abort-after needs --abort-err-pct");
  }
  if (options.sample_every == 0) {
    throw UsageError("--sample-every must be at least 1");
  }
  (void)checks_of(options); // the --expect-* values parse
  if (target.scheme == Scheme::tcp && (options.expect_status || options.expect_body ||
                                       options.expect_min_bytes || options.expect_same_body)) {
    throw UsageError("--expect-* options apply to http:// and https:// targets only");
  }
  if (!is_load_mode(options)) {
    if (options.threads || options.warmup.count() > 0 || options.sample_every != 1) {
      throw UsageError("--threads, --warmup and --sample-every need load mode (--concurrency or --rate)");
    }
    return;
  }
  // --interval is accepted and unused: smart-run passes the experiment's
  // measure_interval_sec whatever the mode.
  if (options.fresh_connection) {
    throw UsageError("--fresh-connection is for probe mode; load mode keeps its connections alive");
  }
  if (target.scheme == Scheme::tcp) {
    throw UsageError("load mode needs an http:// or https:// target");
  }
  if (options.concurrency && (*options.concurrency < 1 || *options.concurrency > 10000)) {
    throw UsageError("--concurrency must be between 1 and 10000");
  }
  if (options.rate && !(*options.rate > 0 && *options.rate <= 10'000'000)) {
    throw UsageError("--rate must be more than 0 (requests per second)");
  }
  const unsigned connections = options.concurrency.value_or(16);
  if (options.threads && (*options.threads < 1 || *options.threads > connections)) {
    throw UsageError("--threads must be between 1 and the number of connections ({})", connections);
  }
}

int measure(const MeasureOptions& options)
{
  validate(options);
  (void)Config::load(options.config); // a named --config must exist and parse
  const Target target = parse_target(options.url);
  util::signals::install(); // SIGINT/SIGTERM/SIGHUP: stop cleanly, rows written
  SampleSink sink(options.output, columns_of(options), options.append ? Append::yes : Append::no);

  const Outcome outcome =
    is_load_mode(options) ? run_load_mode(options, target, sink) : run_probes(options, target, sink);

  std::string line = outcome.tally.describe();
  if (outcome.not_sent > 0) {
    // Every connection was busy until the end: the server could not keep up
    // with the rate, and these requests have no latency to report.
    line += fmt::format(", {} due requests never sent", outcome.not_sent);
  }
  if (is_load_mode(options) && outcome.elapsed_s > 0) {
    line += fmt::format(", {:.0f} req/s", static_cast<double>(outcome.tally.count()) / outcome.elapsed_s);
  }
  if (!outcome.abort_message.empty()) {
    say(fmt::format("{}: {}\n", tool, outcome.abort_message));
  }
  if (const int number = util::signals::received(); number != 0) {
    say(fmt::format("{}: interrupted by {}; {}\n", tool, ::strsignal(number), line));
    return 128 + number; // 130 SIGINT, 143 SIGTERM
  }
  say(fmt::format("{}: {}\n", tool, line));
  return 0;
}

} // namespace smart::cmd
