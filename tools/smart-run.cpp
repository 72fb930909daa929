#include <smart/cmd/guarded_main.hpp>
#include <smart/cmd/run.hpp>
#include <smart/error.hpp>
#include <smart/util/units.hpp>

namespace {

constexpr const char* usage = R"(Usage: smart-run [OPTIONS] [EXPERIMENT]

Runs one experiment end to end on this server: measures the baseline, applies
each variant, measures it, asks smart-decide, keeps a winner or reverts, and
records everything under the state directory. Safe under every fault: a
failure, a timeout, an abort-guard trip or a signal ends in the revert having
run; a run killed outright is reverted by the next one (pending.json).

EXPERIMENT is a directory with a meta.json, a meta.json file, or an id under
EXPERIMENTS_DIR.

Exit status: 0 run done (kept or reverted), 1 run failed (reverted),
2 usage/configuration/experiment error (nothing changed), 3 REVERT FAILED (the
server may not be in its baseline state; later runs refuse until
--clear-revert-failed), 75 another run holds the lock, 130/143 interrupted
(after reverting).)";

constexpr const char* footer = R"(Examples:
  smart-run --list
  smart-run --dry-run 002_nginx_keepalive
  smart-run --config ./smart.conf --variant-seconds 3s --cooldown-seconds 0 \\
    002_nginx_keepalive
  smart-run --next                      # what the timer runs
  smart-run --calibrate 002_nginx_keepalive
  smart-run --recover                   # after a crash: revert, run nothing
  smart-run --undo 20261122T232318Z     # take back what that run kept
  smart-run --clear-revert-failed       # after fixing the server by hand

See smart-run(1) and docs/run.md.)";

std::optional<smart::util::Duration> duration_option(const smart::cmd::po::variables_map& vm,
                                                     const char* name)
{
  if (!vm.count(name)) {
    return std::nullopt;
  }
  const auto& text = vm[name].as<std::string>();
  auto parsed = smart::util::parse_duration(text);
  if (!parsed) {
    throw smart::UsageError("--{}: invalid duration '{}' (examples: 300, 300s, 5m, 250ms)", name, text);
  }
  return parsed;
}

} // namespace

int main(int argc, char** argv)
{
  return smart::cmd::guarded_main("smart-run", [&] {
    namespace po = smart::cmd::po;
    po::options_description desc("Options");
    desc.add_options()(
      "next",
      "run the enabled experiment not run for longest (ties: higher priority first) — the timer's choice")(
      "list", "list the experiments with their last outcome")(
      "dry-run", "validate and print the plan, send one probe of the target; apply nothing")(
      "json", "print the run's summary.json (or the plan, the list) on stdout")(
      "show-config", "print every configuration value with its origin")(
      "clear-revert-failed", "after a failed revert (exit 3) and a manual fix: allow runs again")(
      "recover", "only revert what an interrupted run left applied (pending.json), then stop")(
      "undo", po::value<std::string>()->value_name("RUN_ID"),
      "revert what run RUN_ID kept, with the values it replaced; recorded in history")(
      "accept-changes", "adopt a change made outside smart to the files EXPERIMENT manages")(
      "advise", "run fully but always revert; report what would have been kept")(
      "confirm", po::value<std::string>()->value_name("VARIANT"),
      "apply only VARIANT (kept elsewhere) and keep it unless this server shows it worse")(
      "calibrate",
      "A/A: measure the baseline against itself; report noise, false keeps and the budget needed")(
      "design", po::value<std::string>()->value_name("D"),
      "interleaved (default) or sequential (the original order)")("baseline-seconds",
                                                                  po::value<std::string>()->value_name("D"),
                                                                  "baseline measurement (sequential design)")(
      "variant-seconds", po::value<std::string>()->value_name("D"), "measurement per variant")(
      "cooldown-seconds", po::value<std::string>()->value_name("D"), "pause after apply (sequential design)")(
      "block-seconds", po::value<std::string>()->value_name("D"),
      "block length (interleaved design)")("warmup-seconds", po::value<std::string>()->value_name("D"),
                                           "discarded after each switch (interleaved)")(
      "timeout-seconds", po::value<std::string>()->value_name("D"), "per command (apply, check, revert)")(
      "experiment", po::value<std::string>()->value_name("EXPERIMENT"), "the experiment (positional)");
    smart::cmd::add_common_options(desc);
    po::positional_options_description positional;
    positional.add("experiment", 1);
    const auto vm = smart::cmd::parse_command_line(argc, argv, desc, positional);
    const auto common = smart::cmd::common_options(vm);
    if (smart::cmd::print_help_or_version(common, "smart-run", usage, desc, footer)) {
      return 0;
    }
    smart::cmd::RunOptions options;
    options.config = common.config;
    if (vm.count("experiment")) {
      options.experiment = vm["experiment"].as<std::string>();
    }
    options.next = vm.count("next") > 0;
    options.list = vm.count("list") > 0;
    options.dry_run = vm.count("dry-run") > 0;
    options.json = vm.count("json") > 0;
    options.show_config = vm.count("show-config") > 0;
    options.clear_revert_failed = vm.count("clear-revert-failed") > 0;
    options.recover = vm.count("recover") > 0;
    if (vm.count("undo")) {
      options.undo = vm["undo"].as<std::string>();
    }
    options.accept_changes = vm.count("accept-changes") > 0;
    options.advise = vm.count("advise") > 0;
    options.calibrate = vm.count("calibrate") > 0;
    if (vm.count("confirm")) {
      options.confirm = vm["confirm"].as<std::string>();
    }
    options.overrides.baseline = duration_option(vm, "baseline-seconds");
    options.overrides.variant = duration_option(vm, "variant-seconds");
    options.overrides.cooldown = duration_option(vm, "cooldown-seconds");
    options.overrides.block = duration_option(vm, "block-seconds");
    options.overrides.warmup = duration_option(vm, "warmup-seconds");
    options.overrides.timeout = duration_option(vm, "timeout-seconds");
    if (vm.count("design")) {
      const auto& design = vm["design"].as<std::string>();
      if (design == "interleaved") {
        options.overrides.design = smart::Design::interleaved;
      } else if (design == "sequential") {
        options.overrides.design = smart::Design::sequential;
      } else {
        throw smart::UsageError("--design: '{}' is not interleaved or sequential", design);
      }
    }
    return smart::cmd::run(options);
  });
}
