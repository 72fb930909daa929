#include <smart/cmd/dashboard.hpp>

#include <smart/cmd/guarded_main.hpp>
#include <smart/config.hpp>
#include <smart/dashboard/health.hpp>
#include <smart/dashboard/load.hpp>
#include <smart/dashboard/render.hpp>
#include <smart/error.hpp>
#include <smart/util/atomic_file.hpp>

#include <fmt/format.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <system_error>

#ifndef SMART_DATADIR
#define SMART_DATADIR "/usr/share"
#endif

namespace smart::cmd {

namespace fs = std::filesystem;

// Beside the executable: /usr/bin -> /usr/share, /usr/local/bin ->
// /usr/local/share, whatever prefix the package used.
fs::path assets_dir(const Config& config)
{
  if (!config.dash_assets_dir().empty()) {
    return config.dash_assets_dir();
  }
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path beside = self.parent_path().parent_path() / "share" / "smart" / "dashboard";
    if (fs::is_directory(beside, ec)) {
      return beside;
    }
  }
  return fs::path(SMART_DATADIR) / "smart" / "dashboard";
}

bool use_color()
{
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) {
    return false;
  }
  const char* term = std::getenv("TERM");
  if (term && std::string_view(term) == "dumb") {
    return false;
  }
  return ::isatty(STDOUT_FILENO) == 1;
}

namespace {

constexpr std::array asset_files{"app.js", "style.css"};

// Replaces path with content unless it already holds exactly that (so an
// unchanged asset keeps its mtime and caches stay valid).
void write_if_changed(const fs::path& path, std::string_view content)
{
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) {
    try {
      if (util::read_file(path) == content) {
        return;
      }
    } catch (const util::Failure&) {
      // unreadable: replace it
    }
  }
  util::write_file_atomically(path, content);
}

void copy_assets(const fs::path& assets_dir, const fs::path& dash_dir)
{
  for (const auto* name : asset_files) {
    const fs::path source = assets_dir / name;
    std::string content;
    try {
      content = util::read_file(source);
    } catch (const util::Failure& e) {
      warn(fmt::format("{} (set DASH_ASSETS_DIR); the page works without it but looks plain", e.what()));
      continue;
    }
    write_if_changed(dash_dir / name, content);
  }
}

// DASH_DIR/runs -> RUNS_DIR, so the web server serves the run files. Replaced
// atomically when it points elsewhere; a real directory there is left alone.
void link_runs(const fs::path& runs_dir, const fs::path& dash_dir)
{
  const fs::path link = dash_dir / "runs";
  const fs::path target = fs::absolute(runs_dir);
  std::error_code ec;
  const auto status = fs::symlink_status(link, ec);
  if (!ec && fs::exists(status)) {
    if (!fs::is_symlink(status)) {
      warn(fmt::format("{} exists and is not a symbolic link; run files are not linked", link.string()));
      return;
    }
    if (fs::read_symlink(link, ec) == target && !ec) {
      return;
    }
  }
  const fs::path tmp = dash_dir / fmt::format(".runs.tmp.{}", ::getpid());
  fs::remove(tmp, ec);
  fs::create_directory_symlink(target, tmp, ec);
  if (!ec) {
    fs::rename(tmp, link, ec);
  }
  if (ec) {
    fs::remove(tmp);
    warn(fmt::format("cannot link {} to {}: {}", link.string(), target.string(), ec.message()));
  }
}

// node_exporter's textfile collector reads TEXTFILE_DIR/*.prom: the same
// metrics as smart.prom, written atomically (a temp file in that directory,
// then a rename, so a scrape never sees half a file). A directory that does
// not exist means no node_exporter here: nothing written, no warning.
void write_textfile(const Config& config, const std::string& metrics)
{
  if (config.textfile_dir().empty()) {
    return;
  }
  const fs::path dir = config.textfile_dir();
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return;
  }
  try {
    util::write_file_atomically(dir / "smart.prom", metrics, 0644);
  } catch (const util::Failure& e) {
    warn(fmt::format("TEXTFILE_DIR: {} (node_exporter will not see smart's metrics)", e.what()));
  }
}

} // namespace

int dashboard(const DashboardOptions& options)
{
  if (!options.fleet.empty()) {
    return fleet_dashboard(options);
  }
  const Config config = Config::load(options.common.config);
  for (const auto& warning : config.warnings()) {
    warn(warning);
  }
  const dashboard::StatePaths paths{config.state_file(), config.var_dir(), config.runs_dir()};
  const dashboard::HealthPolicy policy{config.timer_interval(), 2};

  const auto model = dashboard::load_model(paths);
  for (const auto& warning : model.warnings) {
    warn(warning);
  }
  dashboard::RenderContext context;
  context.now = std::chrono::system_clock::now();
  context.health = dashboard::assess_health(model, context.now, policy);

  if (options.text) {
    std::cout << dashboard::render_text(model, context, use_color()) << std::flush;
    return to_int(ExitCode::ok);
  }

  const fs::path dash_dir = options.out ? *options.out : config.dash_dir();
  std::error_code ec;
  fs::create_directories(dash_dir, ec);
  if (ec) {
    throw Error("cannot create {}: {}", dash_dir.string(), ec.message());
  }
  copy_assets(assets_dir(config), dash_dir);
  link_runs(paths.runs_dir, dash_dir);

  // Data files first, the page last: a reader that sees the new page finds
  // the data it refers to.
  util::write_file_atomically(dash_dir / "health.json", dashboard::render_health_json(model, context));
  const std::string metrics = dashboard::render_metrics_prom(model, context);
  util::write_file_atomically(dash_dir / "metrics.prom", metrics);
  write_textfile(config, metrics);
  util::write_file_atomically(dash_dir / "history.json", dashboard::render_history_json(model));
  if (!model.state_json.empty()) {
    util::write_file_atomically(dash_dir / "state.json", model.state_json + "\n");
  }
  util::write_file_atomically(dash_dir / "index.html", dashboard::render_index_html(model, context));
  return to_int(ExitCode::ok);
}

} // namespace smart::cmd
