// smart-decide BASE.csv VAR.csv: keep or revert. See docs/man/smart-decide.1.

#include <smart/cmd/cli.hpp>
#include <smart/cmd/decide.hpp>
#include <smart/cmd/guarded_main.hpp>
#include <smart/error.hpp>

namespace {

constexpr const char* usage = R"(Usage: smart-decide [OPTIONS] BASE.csv VAR.csv

Decides whether a variant's samples beat the baseline's. Either file may be
'-' (standard input). Prints exactly "keep" or "revert" on stdout (or, with
--json, one JSON object), the original decide.sh metrics line and the reasons
on stderr. Exit status: 0 keep, 1 revert (or inconclusive), 2 bad input.

Rules:
  smart (default)  keep only when the improvement is at least the minimum
                   worthwhile effect AND its confidence interval lies above 0
                   (Hodges-Lehmann shift of log latency with a Mann-Whitney
                   interval; paired block medians when both files have a
                   'block' column, so drift cancels), the error-rate increase
                   is bounded at most MAX_ERR_DELTA_PCT (Newcombe interval),
                   and p95/p99 are not worse beyond the tail tolerance.
                   Revert when shown worse; otherwise inconclusive (prints
                   revert; --json says "inconclusive", "borderline": true).
  original         decide.sh's arithmetic: keep iff the metric improved by
                   >= IMPROVE_PCT % and the error rate rose by
                   <= MAX_ERR_DELTA_PCT points (both inclusive, exact decimals).
Both: transport failures (code 0), codes other than 2xx/3xx (and the codes
of --ok-status) and failed response checks (error column unexpected_status,
body_mismatch, too_small) are errors, never latencies; fewer
than --min-samples successful samples on a side never keeps.

CI gate (--no-worse-than PCT, --assert EXPR): prints "pass" or "fail"
instead; exit 0 pass, 1 fail, 2 bad input.

Thresholds: flags > environment (IMPROVE_PCT, MAX_ERR_DELTA_PCT) > smart.conf
(--config, $SMART_CONF, /etc/smart/smart.conf) > defaults 10 and 2.)";

constexpr const char* footer = R"(Examples:
  smart-decide before.csv after.csv || rollback
  smart-measure --url http://127.0.0.1/ --count 60 | smart-decide base.csv -
  smart-decide --rule original --improve-pct 5 base.csv var.csv
  smart-decide --json --look 2/5 base.csv var.csv | jq .decision
  smart-decide --no-worse-than 5 --assert 'p95<200ms' before.csv after.csv

Methods, guarantees and measured error rates: docs/decision.md.)";

namespace po = smart::cmd::po;
using smart::cmd::number_option;

// The options --help lists (the files are positional, in main).
void add_options(po::options_description& desc)
{
  desc.add_options()("json", "print one JSON object (docs/formats.md) instead of keep/revert")(
    "rule", po::value<std::string>()->default_value("smart")->value_name("smart|original"), "decision rule")(
    "metric", po::value<std::string>()->default_value("p50")->value_name("p50|p90|p95|p99|mean"),
    "latency statistic compared")("improve-pct", po::value<std::string>()->value_name("X"),
                                  "required improvement, % (IMPROVE_PCT; default 10)")(
    "max-err-delta-pct", po::value<std::string>()->value_name("X"),
    "largest allowed error-rate increase, points (MAX_ERR_DELTA_PCT; default 2)")(
    "min-samples", po::value<std::string>()->default_value("10")->value_name("N"),
    "successful samples needed on each side")(
    "confidence", po::value<std::string>()->default_value("0.95")->value_name("C"),
    "smart: two-sided level of the latency interval")(
    "err-confidence", po::value<std::string>()->default_value("0.85")->value_name("C"),
    "smart: one-sided level of the bound on the error-rate increase")(
    "min-effect-pct", po::value<std::string>()->value_name("X"),
    "smart: minimum worthwhile improvement, % (default: the improve threshold)")(
    "tail-tolerance-pct", po::value<std::string>()->default_value("10")->value_name("X"),
    "smart: how much worse p95 (and p99 from 200 samples) may be, %")(
    "look", po::value<std::string>()->default_value("1/1")->value_name("K/N"),
    "smart: this is look K of N planned looks (O'Brien-Fleming alpha spending)")(
    "no-worse-than", po::value<std::string>()->value_name("PCT"),
    "CI gate: pass unless the variant is shown slower by more than PCT % (or its errors shown to rise "
    "by more than MAX_ERR_DELTA_PCT)")("no-worse-than-ms",
                                       po::value<std::string>()->default_value("0.5")->value_name("MS"),
                                       "...and by more than MS milliseconds (the noise floor)")(
    "assert", po::value<std::vector<std::string>>()->value_name("EXPR"),
    "CI gate, repeatable: 'p95<200ms', 'errors<1%', 'delta_p50<5%' (docs/ci.md)")(
    "ok-status", po::value<std::string>()->value_name("LIST"),
    "response codes that are successes besides 2xx/3xx, e.g. 401 or 404,410");
}

// How the two sides are compared: the rule, the statistic and its levels.
void read_rule_options(const po::variables_map& vm, smart::DecideOptions& o)
{
  const auto rule = smart::rule_from_string(vm["rule"].as<std::string>());
  if (!rule) {
    throw smart::UsageError("--rule '{}': expected smart or original", vm["rule"].as<std::string>());
  }
  o.rule = *rule;
  const auto metric = smart::metric_from_string(vm["metric"].as<std::string>());
  if (!metric) {
    throw smart::UsageError("--metric '{}': expected p50, p90, p95, p99 or mean",
                            vm["metric"].as<std::string>());
  }
  o.metric = *metric;
  const auto text = [&](const char* name) { return vm[name].as<std::string>(); };
  o.min_samples = smart::cmd::whole_number_option("min-samples", text("min-samples"), 1, 1'000'000'000);
  o.confidence = number_option("confidence", text("confidence"), 0, 1);
  o.err_confidence = number_option("err-confidence", text("err-confidence"), 0, 1);
  if (!(o.confidence > 0 && o.confidence < 1) || !(o.err_confidence > 0 && o.err_confidence < 1)) {
    throw smart::UsageError("--confidence and --err-confidence must be between 0 and 1 (exclusive)");
  }
  if (vm.count("min-effect-pct")) {
    o.min_effect_pct = number_option("min-effect-pct", text("min-effect-pct"), 0, 100);
  }
  o.tail_tolerance_pct = number_option("tail-tolerance-pct", text("tail-tolerance-pct"), 0, 1000);
}

// The CI gate: --no-worse-than and --assert.
void read_gate_options(const po::variables_map& vm, smart::GateOptions& gate)
{
  const auto text = [&](const char* name) { return vm[name].as<std::string>(); };
  if (vm.count("no-worse-than")) {
    gate.no_worse_than_pct = number_option("no-worse-than", text("no-worse-than"), 0, 1000);
    gate.no_worse_than_ms = number_option("no-worse-than-ms", text("no-worse-than-ms"), 0, 1e6);
  }
  if (vm.count("assert")) {
    for (const auto& expression : vm["assert"].as<std::vector<std::string>>()) {
      auto parsed = smart::parse_assertion(expression);
      if (!parsed.assertion) {
        throw smart::UsageError("--assert '{}': {}", expression, parsed.error);
      }
      gate.assertions.push_back(std::move(*parsed.assertion));
    }
  }
}

// What counts as a success, and which of the planned looks this is.
void read_ok_status_and_look(const po::variables_map& vm, smart::DecideOptions& options)
{
  if (vm.count("ok-status")) {
    const auto ok = smart::StatusSet::default_and(vm["ok-status"].as<std::string>());
    if (!ok) {
      throw smart::UsageError("--ok-status '{}': expected codes and ranges such as 200-299,401 (100-599)",
                              vm["ok-status"].as<std::string>());
    }
    options.ok_status = *ok;
  }
  const auto [k, n] = smart::cmd::parse_look(vm["look"].as<std::string>());
  options.look = k;
  options.looks = n;
}

// The command from the parsed options, read in the order they are checked.
smart::cmd::DecideCommand command_of(const po::variables_map& vm, const smart::cmd::CommonOptions& common,
                                     const std::vector<std::string>& files)
{
  smart::cmd::DecideCommand command;
  command.baseline_path = files[0];
  command.variant_path = files[1];
  command.json = vm.count("json") > 0;
  command.config = common.config;
  if (vm.count("improve-pct")) {
    command.threshold_flags["IMPROVE_PCT"] = vm["improve-pct"].as<std::string>();
  }
  if (vm.count("max-err-delta-pct")) {
    command.threshold_flags["MAX_ERR_DELTA_PCT"] = vm["max-err-delta-pct"].as<std::string>();
  }
  read_rule_options(vm, command.options);
  read_gate_options(vm, command.gate);
  read_ok_status_and_look(vm, command.options);
  return command;
}

} // namespace

int main(int argc, char** argv)
{
  return smart::cmd::guarded_main("smart-decide", [&] {
    po::options_description desc("Options");
    add_options(desc);
    smart::cmd::add_common_options(desc);
    po::options_description hidden;
    hidden.add_options()("files", po::value<std::vector<std::string>>(), "BASE.csv VAR.csv");
    po::options_description all;
    all.add(desc).add(hidden);
    po::positional_options_description positional;
    positional.add("files", -1);

    const auto vm = smart::cmd::parse_command_line(argc, argv, all, positional);
    const auto common = smart::cmd::common_options(vm);
    if (smart::cmd::print_help_or_version(common, "smart-decide", usage, desc, footer)) {
      return 0;
    }
    const auto files =
      vm.count("files") ? vm["files"].as<std::vector<std::string>>() : std::vector<std::string>{};
    if (files.size() != 2) {
      throw smart::UsageError("expected two files, BASE.csv and VAR.csv (got {}); try --help", files.size());
    }
    return smart::cmd::decide(command_of(vm, common, files));
  });
}
