// smart-measure: probes or loads an http://, https:// or tcp:// target and
// writes the samples CSV. Logic in lib/smart/cmd/measure.cpp.

#include <smart/cmd/cli.hpp>
#include <smart/cmd/guarded_main.hpp>
#include <smart/cmd/measure.hpp>

#include <smart/error.hpp>

#include <unistd.h>

#include <limits>
#include <string>
#include <vector>

namespace po = boost::program_options;

namespace {

constexpr const char* usage = R"(Usage: smart-measure --url URL [--duration D | --count N] [options]
       smart-measure --targets FILE | --url BASE --replay LOG [options]

Measures the latency of a target and writes one samples-CSV row per probe
(timestamp,latency_ms,response_code,error) to standard output or -o FILE,
flushed as measured. Probe mode sends one request every --interval on a fixed
grid over a kept-alive connection; load mode (--concurrency and/or --rate)
drives the target like wrk, one row per request. A failed probe is a row with
response_code 0 and an error (dns, connect, tls, timeout, reset, other, and
for dns:// targets nxdomain, servfail, refused, dns_rcode), never the end of
the run. Durations: 300, 300s, 5m, 250ms.)";

constexpr const char* footer = R"(Targets:
  http://host[:port]/path, https://host[:port]/path (TLS verified against the
  system store or --cacert), tcp://host:port (the time to connect; a connect
  is recorded as response code 200), redis://host[:port][/COMMAND/ARG...],
  postgres://[user@]host[:port][/db][?query=SQL], icmp://host (one echo
  round trip; a ping socket allowed by net.ipv4.ping_group_range, else a raw
  socket with CAP_NET_RAW), dns://server-ip[:port]/name[?type=A][&expect=N]
  (one UDP query; NXDOMAIN, SERVFAIL, REFUSED are errors nxdomain, servfail,
  refused, other RCODEs dns_rcode; fewer than N answers too_small).

Examples:
  smart-measure --url http://127.0.0.1/ --duration 5m --interval 1s -o a.csv
  smart-measure --url https://example.org/ --count 20 --interval 250ms
  smart-measure --url tcp://127.0.0.1:5432 --duration 30s
  smart-measure --url 'dns://127.0.0.1/example.org?type=AAAA' --count 60
  smart-measure --url http://127.0.0.1/ -c 16 --duration 30s --sample-every 10
  smart-measure --url http://127.0.0.1/ --rate 2000 --duration 1m --phases
  smart-measure --targets mix.txt --duration 5m -o mix.csv
  smart-measure --url http://127.0.0.1/ --replay access.log --top 20 -d 5m

The run ends at --duration, after --count samples, at the abort guard, or on
SIGINT/SIGTERM: every finished row is written and the exit status is 130/143.
A summary (count, errors by kind, p50/p90/p99) goes to standard error.

Exit status: 0 done (also when the abort guard stopped it), 1 failure,
2 usage error, 130/143 interrupted. See smart-measure(1) and docs/measure.md.)";

// A whole-number option within [min, max], if given.
template<typename T>
std::optional<T> optional_whole(const po::variables_map& vm, const char* name, T min, T max)
{
  if (vm.count(name)) {
    return static_cast<T>(smart::cmd::whole_number_option(name, vm[name].as<std::string>(), min, max));
  }
  return std::nullopt;
}

std::optional<double> optional_number(const po::variables_map& vm, const char* name, double min, double max)
{
  if (vm.count(name)) {
    return smart::cmd::number_option(name, vm[name].as<std::string>(), min, max);
  }
  return std::nullopt;
}

std::optional<smart::util::Duration> optional_duration(const po::variables_map& vm, const char* name)
{
  if (vm.count(name)) {
    return smart::cmd::duration_option(name, vm[name].as<std::string>());
  }
  return std::nullopt;
}

// The "Probe mode" options: the target, timing, output, TLS and the abort guard.
void add_probe_options(po::options_description& probe)
{
  probe.add_options()("url,u", po::value<std::string>()->value_name("URL"),
                      "target: http(s)://, tcp://, redis://, postgres://, icmp:// or dns:// (required)")(
    "duration,d", po::value<std::string>()->value_name("D"), "stop after D (no new probe starts after it)")(
    "interval,i", po::value<std::string>()->value_name("I"),
    "one probe every I on a fixed grid (default 1s; ignored in load mode)")(
    "count,n", po::value<std::string>()->value_name("N"),
    "stop after N samples")("timeout,t", po::value<std::string>()->value_name("T")->default_value("5s"),
                            "per probe or request, connect included")(
    "output,o", po::value<std::string>()->value_name("FILE")->default_value("-"),
    "write the CSV to FILE (- = stdout)")("append",
                                          "append to -o FILE; the header only if the file is new or empty")(
    "insecure,k", "https: do not verify the certificate")(
    "cacert", po::value<std::string>()->value_name("FILE"), "https: trust the CA certificates in FILE")(
    "fresh-connection", "new connection (DNS, connect, TLS) every probe, like one curl per probe")(
    "block", po::value<std::string>()->value_name("N"),
    "add a 'block' column = N to every row")("phases", "add dns_ms,connect_ms,tls_ms,ttfb_ms columns")(
    "abort-err-pct", po::value<std::string>()->value_name("P"),
    "stop early (exit 0) once errors exceed P %...")("abort-after", po::value<std::string>()->value_name("N"),
                                                     "...of at least N samples (default 10)");
}

// The response checks (--expect-*): parsed, not listed in --help's groups.
void add_check_options(po::options_description& checks)
{
  checks.add_options()("expect-status", po::value<std::string>()->value_name("LIST"),
                       "codes that are successes, e.g. 200-299,401 (default 200-399)")(
    "expect-body", po::value<std::string>()->value_name("TEXT"),
    "the body must contain TEXT; /RE/ searches a regular expression")(
    "expect-min-bytes", po::value<std::string>()->value_name("N"), "the body must have at least N bytes")(
    "expect-same-body", po::value<std::string>()->value_name("FILE"),
    "the body's SHA-256 must equal the one in FILE (a missing FILE takes the first body's)");
}

// The "Load mode" options.
void add_load_options(po::options_description& load)
{
  load.add_options()(
    "concurrency,c", po::value<std::string>()->value_name("C"),
    "closed loop on C keep-alive connections (with --rate: the connections used, default 16)")(
    "rate,r", po::value<std::string>()->value_name("R"),
    "open loop: R requests/s, latency from the intended send time")(
    "threads", po::value<std::string>()->value_name("T"), "event-loop threads (default 1)")(
    "warmup", po::value<std::string>()->value_name("D")->default_value("0"), "load for D first, unrecorded")(
    "sample-every", po::value<std::string>()->value_name("N")->default_value("1"),
    "write one row per N requests (all count in the summary)");
}

// The "Request mix" options: a targets file, a replayed log, passive measurement.
void add_mix_options(po::options_description& mix)
{
  mix.add_options()(
    "targets", po::value<std::string>()->value_name("FILE"),
    "measure several URLs: 'URL [WEIGHT] [-X METHOD] [-H 'Name: value'] [--expect-* V]' a line "
    "(a line's own check replaces the global one of its kind); load mode: one origin")(
    "replay", po::value<std::string>()->value_name("LOG"),
    "measure the most requested GET/HEAD paths of an access log, on the --url base")(
    "log-format", po::value<std::string>()->value_name("FMT")->default_value("combined"),
    "the nginx log_format string of LOG ('combined' and 'smart' by name)")(
    "top", po::value<std::string>()->value_name("N")->default_value("20"),
    "--replay: keep the N most requested paths")("keep-query",
                                                 "--replay: keep query strings (a path per query)")(
    "strip-query", "--replay: drop query strings (the default)")(
    "exclude", po::value<std::vector<std::string>>()->value_name("PATTERN")->multitoken(),
    "--replay: never request paths matching these shell patterns (/admin/*)")(
    "print-targets", "print the mix as a --targets file and exit")(
    "access-log", po::value<std::string>()->value_name("FILE"),
    "passive: follow a live access log (tail -F), a row per request from $request_time");
}

// The values of the options, group by group, in the order they are checked.
void read_probe_options(const po::variables_map& vm, smart::cmd::MeasureOptions& options)
{
  options.url = vm.count("url") ? vm["url"].as<std::string>() : std::string();
  options.duration = optional_duration(vm, "duration");
  options.interval = optional_duration(vm, "interval");
  options.count = optional_whole<std::uint64_t>(vm, "count", 1, std::numeric_limits<std::uint64_t>::max());
  options.timeout = smart::cmd::duration_option("timeout", vm["timeout"].as<std::string>());
  options.output = vm["output"].as<std::string>();
  options.append = vm.count("append") > 0;
  options.insecure = vm.count("insecure") > 0;
  if (vm.count("cacert")) {
    options.cacert = vm["cacert"].as<std::string>();
  }
  options.fresh_connection = vm.count("fresh-connection") > 0;
  options.block = optional_whole<std::uint32_t>(vm, "block", 0, std::numeric_limits<std::uint32_t>::max());
  options.phases = vm.count("phases") > 0;
  options.abort_err_pct = optional_number(vm, "abort-err-pct", 0, 100);
  options.abort_after =
    optional_whole<std::uint64_t>(vm, "abort-after", 1, std::numeric_limits<std::uint64_t>::max());
  options.config = smart::cmd::common_options(vm).config;
}

void read_load_options(const po::variables_map& vm, smart::cmd::MeasureOptions& options)
{
  options.concurrency = optional_whole<unsigned>(vm, "concurrency", 1, 10000);
  options.rate = optional_number(vm, "rate", 0, 10'000'000);
  options.threads = optional_whole<unsigned>(vm, "threads", 1, 10000);
  options.warmup = smart::cmd::duration_option("warmup", vm["warmup"].as<std::string>());
  options.sample_every =
    smart::cmd::whole_number_option("sample-every", vm["sample-every"].as<std::string>(), 1);
}

void read_mix_options(const po::variables_map& vm, smart::cmd::MeasureOptions& options)
{
  if (vm.count("targets")) {
    options.targets_file = vm["targets"].as<std::string>();
  }
  if (vm.count("replay")) {
    options.replay = vm["replay"].as<std::string>();
  }
  options.log_format = vm["log-format"].as<std::string>();
  options.top = smart::cmd::whole_number_option("top", vm["top"].as<std::string>(), 1, 1'000'000);
  options.keep_query = vm.count("keep-query") > 0;
  if (options.keep_query && vm.count("strip-query") > 0) {
    throw smart::UsageError("--keep-query and --strip-query contradict each other");
  }
  if (vm.count("exclude")) {
    options.exclude = vm["exclude"].as<std::vector<std::string>>();
  }
  options.print_targets = vm.count("print-targets") > 0;
  if (vm.count("access-log")) {
    options.access_log = vm["access-log"].as<std::string>();
  }
}

void read_check_options(const po::variables_map& vm, smart::cmd::MeasureOptions& options)
{
  if (vm.count("expect-status")) {
    options.expect_status = vm["expect-status"].as<std::string>();
  }
  if (vm.count("expect-body")) {
    options.expect_body = vm["expect-body"].as<std::string>();
  }
  options.expect_min_bytes =
    optional_whole<std::uint64_t>(vm, "expect-min-bytes", 0, std::numeric_limits<std::uint64_t>::max());
  if (vm.count("expect-same-body")) {
    options.expect_same_body = vm["expect-same-body"].as<std::string>();
  }
}

smart::cmd::MeasureOptions options_of(const po::variables_map& vm)
{
  smart::cmd::MeasureOptions options;
  read_probe_options(vm, options);
  read_load_options(vm, options);
  read_mix_options(vm, options);
  read_check_options(vm, options);
  options.progress =
    smart::cmd::progress_wanted(::isatty(STDERR_FILENO) == 1, ::isatty(STDOUT_FILENO) == 1, options.output);
  return options;
}

int run(int argc, char** argv)
{
  po::options_description probe("Probe mode");
  add_probe_options(probe);
  po::options_description checks("Response checks (a failed check is an error row)");
  add_check_options(checks);
  po::options_description load("Load mode");
  add_load_options(load);
  po::options_description mix("Request mix");
  add_mix_options(mix);
  po::options_description common("General");
  smart::cmd::add_common_options(common);
  po::options_description all;
  all.add(probe).add(checks).add(load).add(mix).add(common);

  const auto vm = smart::cmd::parse_command_line(argc, argv, all);
  if (smart::cmd::print_help_or_version(
        smart::cmd::common_options(vm), "smart-measure", usage,
        {{"Probe mode", &probe}, {"Load mode", &load}, {"Request mix", &mix}, {"General", &common}},
        footer)) {
    return 0;
  }
  return smart::cmd::measure(options_of(vm));
}

} // namespace

int main(int argc, char** argv)
{
  return smart::cmd::guarded_main("smart-measure", [&] { return run(argc, argv); });
}
