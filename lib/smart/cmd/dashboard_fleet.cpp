#include <smart/cmd/dashboard.hpp>

#include <smart/cmd/guarded_main.hpp>
#include <smart/config.hpp>
#include <smart/dashboard/fleet.hpp>
#include <smart/error.hpp>
#include <smart/util/atomic_file.hpp>

#include <fmt/format.h>

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>

namespace smart::cmd {

namespace fs = std::filesystem;

int fleet_dashboard(const DashboardOptions& options)
{
  const Config config = Config::load(options.common.config);
  for (const auto& warning : config.warnings()) {
    warn(warning);
  }
  if (options.text && options.out) {
    throw UsageError("--fleet: --text writes nothing; drop --out");
  }
  const auto dirs = dashboard::fleet_host_dirs(options.fleet);
  const auto now = std::chrono::system_clock::now();
  const dashboard::HealthPolicy policy{config.timer_interval(), 2};
  const auto fleet = dashboard::load_fleet(dirs, now, policy);
  for (const auto& host : fleet.hosts) {
    for (const auto& warning : host.warnings) {
      warn(fmt::format("{}: {}", host.name, warning));
    }
  }
  if (options.text) {
    std::cout << dashboard::render_fleet_text(fleet, use_color()) << std::flush;
    return to_int(ExitCode::ok);
  }
  const fs::path out = options.out ? *options.out : config.dash_dir() / "fleet";
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) {
    throw Error("cannot create {}: {}", out.string(), ec.message());
  }
  try {
    util::write_file_atomically(out / "style.css", util::read_file(assets_dir(config) / "style.css"));
  } catch (const util::Failure& e) {
    warn(fmt::format("{} (set DASH_ASSETS_DIR); the page works without it but looks plain", e.what()));
  }
  util::write_file_atomically(out / "fleet.json", dashboard::render_fleet_json(fleet, now));
  util::write_file_atomically(out / "index.html", dashboard::render_fleet_html(fleet, now));
  return to_int(ExitCode::ok);
}

} // namespace smart::cmd
