#include <smart/cmd/measure.hpp>

#include <smart/cmd/guarded_main.hpp>
#include <smart/config.hpp>
#include <smart/error.hpp>
#include <smart/log_follower.hpp>
#include <smart/measure/interval_grid.hpp>
#include <smart/measure/load_generator.hpp>
#include <smart/measure/postgres_probe.hpp>
#include <smart/measure/probe.hpp>
#include <smart/measure/replay_mix.hpp>
#include <smart/measure/response_check.hpp>
#include <smart/measure/sample_tally.hpp>
#include <smart/measure/sample_writer.hpp>
#include <smart/measure/target.hpp>
#include <smart/measure/target_mix.hpp>
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
  columns.target = options.targets_file.has_value() || options.replay.has_value();
  return columns;
}

struct Outcome {
  SampleTally tally;
  std::string abort_message;
  double elapsed_s = 0;
  std::uint64_t not_sent = 0; // open loop: due, never sent before the end
};

// One prober (one kept-alive connection) per target of the mix, made before
// any output: a prober that cannot be made (no ICMP socket allowed) leaves
// nothing behind.
std::vector<std::unique_ptr<Prober>> make_probers(const MeasureOptions& options,
                                                  const std::vector<MixTarget>& mix)
{
  const ResponseChecks global = checks_of(options);
  std::vector<std::unique_ptr<Prober>> probers;
  for (const MixTarget& target : mix) {
    const bool needs_body = checks_for(target, global).needs_body();
    ProbeOptions probe_options;
    probe_options.timeout = options.timeout;
    probe_options.insecure = options.insecure;
    probe_options.cacert = options.cacert;
    probe_options.fresh_connection = options.fresh_connection;
    probe_options.stop_requested = &stop_requested;
    probe_options.method = target.method;
    probe_options.headers = target.headers;
    probe_options.keep_body = needs_body ? ResponseChecks::max_body_bytes : 0;
    probers.push_back(make_prober(target.target, probe_options));
  }
  return probers;
}

// No response checks on what carries no response to check.
bool checks_apply(Scheme scheme)
{
  return scheme != Scheme::tcp && scheme != Scheme::icmp && scheme != Scheme::dns;
}

Outcome run_probes(const MeasureOptions& options, const std::vector<MixTarget>& mix,
                   std::vector<std::unique_ptr<Prober>>& probers, SampleSink& sink)
{
  const ResponseChecks global = checks_of(options);
  // Each target's checks: the global ones, but where its line gives its own.
  std::vector<ResponseChecks> checks;
  std::vector<double> weights;
  for (const MixTarget& target : mix) {
    checks.push_back(checks_for(target, global));
    checks.back().load_reference();
    weights.push_back(target.weight);
  }
  MixPicker picker(weights);

  const IntervalGrid grid(
    std::chrono::duration_cast<std::chrono::nanoseconds>(options.interval.value_or(util::Duration(1.0))));
  const std::optional<std::chrono::nanoseconds> duration =
    options.duration ? std::optional(std::chrono::duration_cast<std::chrono::nanoseconds>(*options.duration))
                     : std::nullopt;
  const AbortGuard guard{options.abort_err_pct, options.abort_after.value_or(10)};
  RowFormatter formatter(columns_of(options));
  ProgressLine progress(options.progress);
  Outcome outcome;
  outcome.tally = SampleTally(global.status);
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
    const std::size_t pick = picker.next();
    const auto timestamp = std::chrono::system_clock::now();
    ProbeResult result = probers[pick]->probe();
    if (result.interrupted) {
      break; // a stop signal cut it short: not a measurement
    }
    if (result.response_code != 0 && checks_apply(mix[pick].target.scheme)) {
      result.error = checks[pick].check(result.response_code, result.body, result.body_bytes);
    }
    line.clear();
    formatter.append(line,
                     Sample{timestamp, result.latency_ms, result.response_code, result.error, result.phases},
                     mix[pick].target.url);
    sink.write(line);
    outcome.tally.add(result.latency_ms, result.response_code, result.error, checks[pick].status);
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

Outcome run_load_mode(const MeasureOptions& options, const std::vector<MixTarget>& mix, SampleSink& sink)
{
  LoadOptions load;
  load.target = mix.front().target;
  if (columns_of(options).target) {
    load.mix = mix; // every target on load.target's origin (LoadGenerator checks)
  }
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

// Passive: each new line of the log becomes a row; latency is nginx's
// $request_time, the timestamp when the request arrived (the log's time is
// when it ended: $request_time is taken off).
Outcome run_passive(const MeasureOptions& options, LogFollower& follower, SampleSink& sink,
                    std::uint64_t& malformed, std::uint64_t& first_malformed)
{
  const LogFormat format = LogFormat::parse(options.log_format);
  RowFormatter formatter(columns_of(options));
  Outcome outcome;
  LogEntry entry;
  std::string rows;
  std::uint64_t line_number = 0; // lines read since the start
  const auto start = steady::now();
  const auto poll_every = std::chrono::milliseconds(100);
  const auto on_line = [&](std::string_view line) {
    if (line.empty()) {
      return;
    }
    ++line_number;
    if (options.count && outcome.tally.count() >= *options.count) {
      return;
    }
    if (!format.parse(line, entry) || !entry.request_time_s || !entry.time_ms) {
      ++malformed;
      if (first_malformed == 0) {
        first_malformed = line_number;
        say(fmt::format("{}: {}: malformed line skipped: {}\n", tool, *options.access_log,
                        util::printable(line, 200)));
      }
      return;
    }
    const double latency_ms = *entry.request_time_s * 1000.0;
    const auto arrived = util::SystemTime(std::chrono::milliseconds(*entry.time_ms)) -
                         std::chrono::microseconds(static_cast<std::int64_t>(latency_ms * 1000.0));
    formatter.append(rows, Sample{std::chrono::time_point_cast<util::SystemTime::duration>(arrived),
                                  latency_ms,
                                  entry.status,
                                  ProbeError::none,
                                  {}});
    outcome.tally.add(latency_ms, entry.status, ProbeError::none);
  };
  while (true) {
    follower.read(on_line);
    if (!rows.empty()) {
      sink.write(rows);
      rows.clear();
    }
    if (options.count && outcome.tally.count() >= *options.count) {
      break;
    }
    const auto elapsed = steady::now() - start;
    if (options.duration && elapsed >= *options.duration) {
      break;
    }
    if (!wait_until(steady::now() + poll_every, util::signals::fd())) {
      break;
    }
  }
  outcome.elapsed_s = std::chrono::duration<double>(steady::now() - start).count();
  return outcome;
}

// The mix to measure: the targets file, the replayed log's paths on the
// --url base, or --url alone (weight 1).
std::vector<MixTarget> build_mix(const MeasureOptions& options)
{
  if (options.targets_file) {
    return read_targets_file(*options.targets_file);
  }
  if (!options.replay) {
    MixTarget single;
    single.target = parse_target(options.url);
    return {single};
  }
  const Target base = parse_target(options.url);
  const LogFormat format = LogFormat::parse(options.log_format);
  ReplayOptions replay;
  replay.top = options.top;
  replay.query = options.keep_query ? QueryString::keep : QueryString::strip;
  replay.exclude = options.exclude;
  const ReplayMix built = read_replay_mix(*options.replay, format, replay);
  std::uint64_t kept = 0;
  std::uint64_t replayable = 0;
  std::vector<MixTarget> mix;
  for (const WeightedPath& path : built.paths) {
    MixTarget target;
    target.target =
      parse_target(fmt::format("{}://{}{}", to_string(base.scheme), base.authority(), path.path));
    target.weight = static_cast<double>(path.count);
    mix.push_back(std::move(target));
    kept += path.count;
  }
  replayable = built.lines - built.malformed - built.other_methods - built.excluded;
  std::string summary =
    fmt::format("replay {}: {} lines, {} GET/HEAD requests on {} paths; the top {} carry {:.1f}%",
                util::printable(*options.replay), built.lines, replayable, built.distinct, mix.size(),
                replayable > 0 ? 100.0 * static_cast<double>(kept) / static_cast<double>(replayable) : 0.0);
  if (built.other_methods > 0) {
    summary += fmt::format("; {} other requests (POST, PUT...) never replayed", built.other_methods);
  }
  if (built.excluded > 0) {
    summary += fmt::format("; {} excluded", built.excluded);
  }
  if (built.malformed > 0) {
    summary += fmt::format("; {} malformed lines skipped (the first: line {})", built.malformed,
                           built.first_malformed_line);
  }
  say(fmt::format("{}: {}\n", tool, summary));
  if (mix.empty()) {
    throw UsageError("--replay {}: no GET or HEAD request in the log (format '{}')",
                     util::printable(*options.replay), util::printable(format.text(), 120));
  }
  return mix;
}

} // namespace

bool progress_wanted(bool stderr_tty, bool stdout_tty, std::string_view output)
{
  return stderr_tty && !(stdout_tty && output == "-");
}

int measure(const MeasureOptions& options)
{
  validate(options);
  (void)Config::load(options.config); // a named --config must exist and parse
  if (options.access_log) {
    util::signals::install();
    // Following from here on, before the CSV header appears: a caller that
    // waits for the header knows every later request will be seen.
    LogFollower follower(*options.access_log);
    SampleSink sink(options.output, columns_of(options), options.append ? Append::yes : Append::no);
    std::uint64_t malformed = 0;
    std::uint64_t first_malformed = 0;
    const Outcome outcome = run_passive(options, follower, sink, malformed, first_malformed);
    std::string line = outcome.tally.describe();
    line += fmt::format(", {:.1f} req/s seen",
                        outcome.elapsed_s > 0 ? static_cast<double>(outcome.tally.count()) / outcome.elapsed_s
                                              : 0.0);
    if (malformed > 0) {
      line += fmt::format(", {} malformed lines skipped (the first: line {} since the start)", malformed,
                          first_malformed);
    }
    say(fmt::format("{}: {}\n", tool, line));
    const int number = util::signals::received();
    return number != 0 ? 128 + number : 0;
  }
  const std::vector<MixTarget> mix = build_mix(options);
  if (is_load_mode(options)) {
    validate_load_mix(mix);
  }
  if (options.print_targets) {
    std::string text = "# URL WEIGHT [-X METHOD] [-H 'Name: value']... [--expect-* VALUE]...\n";
    for (const MixTarget& target : mix) {
      text += format_target_line(target) + "\n";
    }
    fmt::print("{}", text);
    std::fflush(stdout);
    return 0;
  }
  std::vector<std::unique_ptr<Prober>> probers;
  if (!is_load_mode(options)) {
    probers = make_probers(options, mix);
  }
  util::signals::install(); // SIGINT/SIGTERM/SIGHUP: stop cleanly, rows written
  SampleSink sink(options.output, columns_of(options), options.append ? Append::yes : Append::no);

  const Outcome outcome =
    is_load_mode(options) ? run_load_mode(options, mix, sink) : run_probes(options, mix, probers, sink);

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
