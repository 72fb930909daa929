// smart-measure's options: which mode they ask for, the response checks
// they give, and whether they go together.
#include <smart/cmd/measure.hpp>

#include <smart/access_log.hpp>
#include <smart/error.hpp>
#include <smart/measure/postgres_probe.hpp>
#include <smart/measure/replay_mix.hpp>
#include <smart/measure/response_check.hpp>
#include <smart/measure/target.hpp>
#include <smart/measure/target_mix.hpp>
#include <smart/util/strings.hpp>

#include <fmt/format.h>

#include <cmath>
#include <filesystem>

namespace smart::cmd {

bool is_load_mode(const MeasureOptions& options)
{
  return options.concurrency.has_value() || options.rate.has_value();
}

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

util::Duration duration_option(std::string_view option, std::string_view text)
{
  const auto parsed = util::parse_duration(text);
  if (!parsed) {
    throw UsageError("--{} '{}': not a duration (examples: 300, 300s, 5m, 250ms)", option,
                     util::printable(text, 60));
  }
  return *parsed;
}

namespace {

// Passive measurement (--access-log) sends nothing: no target, no mix, no load.
void validate_passive(const MeasureOptions& options)
{
  if (!options.url.empty() || options.targets_file || options.replay || is_load_mode(options)) {
    throw UsageError(
      "--access-log measures the traffic already there: no --url, --targets, --replay or load mode");
  }
  const LogFormat format = LogFormat::parse(options.log_format);
  format.require({LogField::status, LogField::request_time}, "passive measurement (--access-log)");
  format.require_time("passive measurement (--access-log)");
}

// The options that shape a request mix (--targets, --replay and their helpers).
void validate_mix_options(const MeasureOptions& options)
{
  if (options.targets_file && options.replay) {
    throw UsageError("--targets and --replay are two ways to give a mix; use one");
  }
  if (!options.replay && (options.keep_query || !options.exclude.empty() || options.top != 20)) {
    throw UsageError("--top, --keep-query and --exclude shape a --replay mix");
  }
  if (options.print_targets && !options.replay && !options.targets_file) {
    throw UsageError("--print-targets needs --replay or --targets");
  }
  if (options.top == 0) {
    throw UsageError("--top must be at least 1");
  }
}

// Load mode's sizes (--concurrency, --rate, --threads); the target's scheme
// is checked on its own (validate_load_mode, validate_load_mix).
void validate_load_sizes(const MeasureOptions& options)
{
  if (options.fresh_connection) {
    throw UsageError("--fresh-connection is for probe mode; load mode keeps its connections alive");
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

// A targets file gives the URLs itself; in load mode they must share an
// origin (validate_load_mix, once the file is read).
void validate_targets_file(const MeasureOptions& options)
{
  if (!options.url.empty()) {
    throw UsageError("--targets gives the URLs; drop --url");
  }
  if (is_load_mode(options)) {
    validate_load_sizes(options);
  }
  (void)LogFormat::parse(options.log_format);
}

// The --url (and with --replay, the base it is): returns the parsed target.
Target validate_url(const MeasureOptions& options)
{
  if (options.url.empty()) {
    throw UsageError(
      options.replay
        ? "--replay needs --url, the base URL the log's paths are requested on"
        : "--url is required (http://, https://, tcp://host:port, redis://host:port, postgres://host/db, "
          "icmp://host or dns://server/name)");
  }
  Target target = parse_target(options.url);
  if (target.scheme == Scheme::postgres) {
    (void)postgres_request(options.url); // libpq takes the URL
  }
  if (options.replay) {
    if (target.scheme != Scheme::http && target.scheme != Scheme::https) {
      throw UsageError("--replay needs an http:// or https:// --url");
    }
    (void)LogFormat::parse(options.log_format);
  }
  return target;
}

// What probe and load mode share: timing, output, TLS, abort guard, checks.
void validate_common(const MeasureOptions& options, const Target& target)
{
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
  const bool no_body =
    target.scheme == Scheme::tcp || target.scheme == Scheme::icmp || target.scheme == Scheme::dns;
  if (no_body && (options.expect_status || options.expect_body || options.expect_min_bytes ||
                  options.expect_same_body)) {
    throw UsageError("--expect-* options apply to http:// and https:// targets only");
  }
}

// Load mode (--concurrency or --rate): an http(s) target and sane sizes.
void validate_load_mode(const MeasureOptions& options, const Target& target)
{
  // --interval is accepted and unused: smart-run passes the experiment's
  // measure_interval_sec whatever the mode.
  if (options.fresh_connection) {
    throw UsageError("--fresh-connection is for probe mode; load mode keeps its connections alive");
  }
  if (target.scheme != Scheme::http && target.scheme != Scheme::https) {
    throw UsageError("load mode needs an http:// or https:// target");
  }
  validate_load_sizes(options);
}

} // namespace

void validate_load_mix(const std::vector<MixTarget>& mix)
{
  const auto origin = [](const Target& target) {
    return fmt::format("{}://{}", to_string(target.scheme), target.authority());
  };
  for (const MixTarget& target : mix) {
    if (target.target.scheme != Scheme::http && target.target.scheme != Scheme::https) {
      throw UsageError("load mode needs http:// or https:// targets: {}",
                       util::printable(target.target.url, 120));
    }
    if (origin(target.target) != origin(mix.front().target)) {
      throw UsageError(
        "load mode takes a mix on one origin (scheme://host:port), whose keep-alive connections "
        "its targets share: {} is not on {}",
        util::printable(target.target.url, 120), origin(mix.front().target));
    }
  }
}

// The checks in this order: the first problem found is the one reported.
void validate(const MeasureOptions& options)
{
  if (options.access_log) {
    validate_passive(options);
    return;
  }
  validate_mix_options(options);
  if (options.targets_file) {
    validate_targets_file(options);
    return;
  }
  const Target target = validate_url(options);
  validate_common(options, target);
  if (!is_load_mode(options)) {
    if (options.threads || options.warmup.count() > 0 || options.sample_every != 1) {
      throw UsageError("--threads, --warmup and --sample-every need load mode (--concurrency or --rate)");
    }
    return;
  }
  validate_load_mode(options, target);
}

} // namespace smart::cmd
