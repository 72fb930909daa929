#include <smart/cmd/dashboard.hpp>
#include <smart/cmd/guarded_main.hpp>

namespace {

constexpr std::string_view usage = R"(Usage: smart-dashboard [--config FILE] [--out DIR]
       smart-dashboard --text
       smart-dashboard --fleet DIR... [--out DIR | --text]

Renders smart's dashboard from the state directory (state.json, history.jsonl
and the run directories under RUNS_DIR) into DASH_DIR:

  index.html     the last run's story, latency CDF, trends, history, health
  health.json    {"status": ok|stale|failing|revert_failed, "last_run_at",
                 "consecutive_failures", ...} for monitors
  metrics.prom   Prometheus text format for node_exporter's textfile collector
  history.json   every run summary, oldest first
  state.json     a copy of the latest state
  app.js, style.css   copied from DASH_ASSETS_DIR (default
                 ../share/smart/dashboard beside this program)
  runs           a symbolic link to RUNS_DIR

Every file is replaced atomically. smart-run calls this after each run.
With --text, prints the same status for a terminal and writes nothing.

--fleet DIR... renders one page for many hosts: each DIR is a host's state
directory (history.jsonl, state.json, or a BASE_DIR with var/) or a
directory of them, one per host. index.html (hosts x experiments: the value
each host runs, its last verdict, health; outliers), fleet.json and
style.css go to --out (default DASH_DIR/fleet); --text prints it.)";

constexpr std::string_view footer = R"(Configuration keys used: STATE_FILE, VAR_DIR, RUNS_DIR, DASH_DIR,
DASH_ASSETS_DIR, TIMER_INTERVAL (stale after twice this).
Colour with --text only on a terminal; NO_COLOR disables it.

Exit status: 0 rendered (unreadable state files are warnings), 1 DASH_DIR could
not be written, 2 bad usage or configuration.
See smart-dashboard(1) and docs/dashboard.md.)";

} // namespace

int main(int argc, char** argv)
{
  return smart::cmd::guarded_main("smart-dashboard", [&] {
    namespace po = smart::cmd::po;
    po::options_description desc("Options");
    smart::cmd::add_common_options(desc);
    desc.add_options()("text", "print the status for a terminal instead of writing files")(
      "out,o", po::value<std::string>()->value_name("DIR"), "write into DIR instead of DASH_DIR")(
      "fleet", po::value<std::vector<std::string>>()->multitoken()->value_name("DIR..."),
      "one page for many hosts' state directories (or directories of them)");
    const auto vm = smart::cmd::parse_command_line(argc, argv, desc);
    smart::cmd::DashboardOptions options;
    options.common = smart::cmd::common_options(vm);
    if (smart::cmd::print_help_or_version(options.common, "smart-dashboard", usage, desc, footer)) {
      return 0;
    }
    options.text = vm.count("text") > 0;
    if (vm.count("out")) {
      options.out = vm["out"].as<std::string>();
    }
    if (vm.count("fleet")) {
      for (const auto& dir : vm["fleet"].as<std::vector<std::string>>()) {
        options.fleet.emplace_back(dir);
      }
    }
    return smart::cmd::dashboard(options);
  });
}
