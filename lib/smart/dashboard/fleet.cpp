#include <smart/dashboard/fleet.hpp>

#include <smart/dashboard/load.hpp>
#include <smart/error.hpp>
#include <smart/util/atomic_file.hpp>
#include <smart/util/html.hpp>
#include <smart/util/json_writer.hpp>
#include <smart/util/strings.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace smart::dashboard {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

bool is_host_dir(const fs::path& dir)
{
  std::error_code ec;
  // health.json alone: a host that has not run an experiment yet is still
  // one of the fleet (a report fetched from a freshly rolled-out host).
  return fs::exists(dir / "history.jsonl", ec) || fs::exists(dir / "state.json", ec) ||
         fs::exists(dir / "health.json", ec) || fs::is_directory(dir / "var", ec);
}

std::optional<HealthStatus> parse_health(std::string_view text)
{
  for (const auto status :
       {HealthStatus::ok, HealthStatus::stale, HealthStatus::failing, HealthStatus::revert_failed}) {
    if (to_string(status) == text) {
      return status;
    }
  }
  return std::nullopt;
}

// health.json beside the state (report directories) or in www/ (a BASE_DIR).
std::optional<std::pair<HealthStatus, std::string>> read_health(const fs::path& dir)
{
  for (const auto& file : {dir / "health.json", dir / "www" / "health.json"}) {
    std::error_code ec;
    if (!fs::exists(file, ec)) {
      continue;
    }
    try {
      const auto value = json::parse(util::read_file(file));
      const auto* status = value.as_object().if_contains("status");
      const auto* message = value.as_object().if_contains("message");
      if (status != nullptr && status->is_string()) {
        if (auto parsed = parse_health(status->as_string())) {
          return std::make_pair(*parsed, message != nullptr && message->is_string()
                                           ? std::string(message->as_string())
                                           : std::string());
        }
      }
    } catch (const std::exception&) {
    }
  }
  return std::nullopt;
}

bool failed(std::string_view status)
{
  return is_failure_status(status);
}

// What a host runs per experiment after its history (oldest first): the
// variant of its last keep, else baseline; and its last verdict and run.
std::map<std::string, FleetCell> last_cells(const std::vector<RunSummary>& history)
{
  std::map<std::string, FleetCell> by_experiment;
  for (const auto& run : history) { // oldest first
    if (run.experiment.empty()) {
      continue;
    }
    auto& cell = by_experiment[run.experiment];
    if (cell.value.empty()) {
      cell.value = "baseline";
    }
    if (run.status == "kept" && run.kept_variant != "none" && !run.kept_variant.empty()) {
      cell.value = run.kept_variant;
      const auto* chosen = run.chosen();
      cell.improve_pct = chosen != nullptr ? chosen->improve_pct : std::nullopt;
    }
    cell.verdict = run.status;
    cell.run_id = run.run_id;
  }
  return by_experiment;
}

// A host as read from its directory, its cells by experiment until the
// fleet's experiments are known.
struct LoadedHost {
  FleetHost host;
  std::map<std::string, FleetCell> cells;
};

LoadedHost load_host(const fs::path& dir, util::SystemTime now, const HealthPolicy& policy)
{
  std::error_code ec;
  const fs::path var = fs::is_directory(dir / "var", ec) ? dir / "var" : dir;
  const Model model = load_model(StatePaths{var / "state.json", var, var / "runs"});
  LoadedHost loaded;
  FleetHost& host = loaded.host;
  host.dir = dir;
  host.name = fs::absolute(dir).lexically_normal().filename().string();
  if (host.name.empty()) {
    host.name = dir.string();
  }
  host.runs = model.history.size();
  host.warnings = model.warnings;
  if (model.last) {
    host.last_run_id = model.last->run_id;
  }
  if (auto health = read_health(dir)) {
    host.health = health->first;
    host.health_message = health->second;
  } else {
    const auto assessed = assess_health(model, now, policy);
    host.health = assessed.status;
    host.health_message = assessed.message;
  }
  loaded.cells = last_cells(model.history);
  return loaded;
}

// The experiments any host ran, sorted; each host's cells in their order;
// the hosts sorted by name, cells with them.
void lay_out(Fleet& fleet, std::vector<LoadedHost>& loaded)
{
  std::map<std::string, std::size_t> experiment_index;
  for (const auto& item : loaded) {
    for (const auto& cell : item.cells) {
      experiment_index.emplace(cell.first, 0);
    }
  }
  std::size_t i = 0;
  for (auto& [name, index] : experiment_index) {
    index = i++;
    fleet.experiments.push_back(name);
  }
  for (auto& item : loaded) {
    item.host.cells.resize(fleet.experiments.size());
    for (auto& [name, cell] : item.cells) {
      item.host.cells[experiment_index[name]] = std::move(cell);
    }
    fleet.hosts.push_back(std::move(item.host));
  }
  std::sort(fleet.hosts.begin(), fleet.hosts.end(),
            [](const FleetHost& a, const FleetHost& b) { return a.name < b.name; });
}

// One experiment across the hosts that ran it: the value most run, how many
// ran it, how many of their last runs failed.
struct Tally {
  std::string top;
  std::size_t top_count = 0;
  std::size_t ran = 0;
  std::size_t failures = 0;
};

Tally tally(const Fleet& fleet, std::size_t e)
{
  Tally tally;
  std::map<std::string, std::size_t> values;
  for (const auto& host : fleet.hosts) {
    const auto& cell = host.cells[e];
    if (cell.value.empty()) {
      continue;
    }
    ++tally.ran;
    ++values[cell.value];
    tally.failures += failed(cell.verdict) ? 1U : 0U;
  }
  for (const auto& [value, count] : values) {
    if (count > tally.top_count) {
      tally.top = value;
      tally.top_count = count;
    }
  }
  return tally;
}

void experiment_outliers(Fleet& fleet, std::size_t e, const Tally& t)
{
  for (const auto& host : fleet.hosts) {
    const auto& cell = host.cells[e];
    if (cell.value.empty()) {
      continue;
    }
    if (2 * t.top_count > t.ran && cell.value != t.top) {
      fleet.outliers.push_back(FleetOutlier{
        host.name, fleet.experiments[e],
        fmt::format("runs {} where {} of {} hosts run {}", cell.value, t.top_count, t.ran, t.top)});
    }
    if (failed(cell.verdict) && 2 * t.failures < t.ran) {
      fleet.outliers.push_back(FleetOutlier{host.name, fleet.experiments[e],
                                            fmt::format("last run {} where {} of {} hosts' did not fail",
                                                        cell.verdict, t.ran - t.failures, t.ran)});
    }
  }
}

} // namespace

std::vector<fs::path> fleet_host_dirs(const std::vector<fs::path>& args)
{
  std::vector<fs::path> out;
  for (const auto& arg : args) {
    std::error_code ec;
    if (!fs::is_directory(arg, ec)) {
      throw UsageError("--fleet: {}: not a directory", arg.string());
    }
    if (is_host_dir(arg)) {
      out.push_back(arg);
      continue;
    }
    std::vector<fs::path> children;
    for (const auto& item : fs::directory_iterator(arg, ec)) {
      if (item.is_directory(ec) && is_host_dir(item.path())) {
        children.push_back(item.path());
      }
    }
    if (children.empty()) {
      throw UsageError("--fleet: {}: holds no host state (history.jsonl, state.json, health.json or var/), "
                       "nor a directory that does",
                       arg.string());
    }
    std::sort(children.begin(), children.end());
    out.insert(out.end(), children.begin(), children.end());
  }
  return out;
}

Fleet load_fleet(const std::vector<fs::path>& host_dirs, util::SystemTime now, const HealthPolicy& policy)
{
  std::vector<LoadedHost> loaded;
  for (const auto& dir : host_dirs) {
    loaded.push_back(load_host(dir, now, policy));
  }
  Fleet fleet;
  lay_out(fleet, loaded);
  fleet.majority.resize(fleet.experiments.size());
  for (std::size_t e = 0; e < fleet.experiments.size(); ++e) {
    const Tally t = tally(fleet, e);
    fleet.majority[e] = t.top;
    if (t.ran >= 3) {
      experiment_outliers(fleet, e, t);
    }
  }
  for (const auto& host : fleet.hosts) {
    if (host.health != HealthStatus::ok) {
      fleet.outliers.push_back(FleetOutlier{
        host.name, "", fmt::format("health {}: {}", to_string(host.health), host.health_message)});
    }
  }
  return fleet;
}

namespace {

constexpr std::string_view fleet_csp =
  "default-src 'self'; script-src 'self'; style-src 'self'; "
  "img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

void esc(std::string& out, std::string_view text)
{
  util::append_html_escaped(out, text);
}

std::string pct(OptNumber value)
{
  return value ? fmt::format("{:+.1f}%", *value) : std::string("–");
}

} // namespace

std::string render_fleet_html(const Fleet& fleet, util::SystemTime now)
{
  std::string out;
  out.reserve(256 + fleet.hosts.size() * (fleet.experiments.size() * 160 + 200));
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"";
  esc(out, fleet_csp);
  out += "\">\n<meta name=\"color-scheme\" content=\"light dark\">\n<meta name=\"referrer\" "
         "content=\"no-referrer\">\n";
  out += fmt::format("<title>smart fleet: {} hosts, {} outliers</title>\n", fleet.hosts.size(),
                     fleet.outliers.size());
  out += "<link rel=\"stylesheet\" href=\"style.css\">\n</head>\n<body class=\"fleet\" data-generated-at=\"";
  esc(out, util::format_rfc3339(now));
  out += "\">\n<header class=\"top\"><h1>smart</h1><span class=\"subtitle\">fleet</span></header>\n<main>\n";
  out += fmt::format("<section class=\"card\"><h2>Outliers ({})</h2>\n", fleet.outliers.size());
  if (fleet.outliers.empty()) {
    out += "<p>Every host runs what the fleet runs, and is healthy.</p>\n";
  } else {
    out += "<table class=\"outliers\"><thead><tr><th>host</th><th>experiment</th><th>why</th></tr></thead>"
           "<tbody>\n";
    for (const auto& outlier : fleet.outliers) {
      out += "<tr><td>";
      esc(out, outlier.host);
      out += "</td><td>";
      esc(out, outlier.experiment.empty() ? std::string_view("–") : std::string_view(outlier.experiment));
      out += "</td><td>";
      esc(out, outlier.why);
      out += "</td></tr>\n";
    }
    out += "</tbody></table>\n";
  }
  out += "</section>\n";
  out += fmt::format("<section class=\"card\"><h2>Hosts × experiments ({} × {})</h2>\n", fleet.hosts.size(),
                     fleet.experiments.size());
  out += "<div class=\"table-wrap\"><table class=\"fleet-matrix\"><thead><tr><th>host</th><th>health</th>"
         "<th>runs</th>";
  for (std::size_t e = 0; e < fleet.experiments.size(); ++e) {
    out += "<th>";
    esc(out, fleet.experiments[e]);
    out += "<br><small>fleet: ";
    esc(out, fleet.majority[e].empty() ? std::string_view("–") : std::string_view(fleet.majority[e]));
    out += "</small></th>";
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& host : fleet.hosts) {
    out += "<tr><th scope=\"row\">";
    esc(out, host.name);
    out += "</th><td class=\"health-";
    out += to_string(host.health);
    out += "\" title=\"";
    esc(out, host.health_message);
    out += "\">";
    out += to_string(host.health);
    out += fmt::format("</td><td>{}</td>", host.runs);
    for (std::size_t e = 0; e < host.cells.size(); ++e) {
      const auto& cell = host.cells[e];
      if (cell.value.empty()) {
        out += "<td>–</td>";
        continue;
      }
      out += cell.value != fleet.majority[e] ? "<td class=\"differs\">" : "<td>";
      esc(out, cell.value);
      out += "<br><small class=\"status-";
      esc(out, cell.verdict);
      out += "\">";
      esc(out, cell.verdict);
      if (cell.improve_pct) {
        out += " ";
        out += pct(cell.improve_pct);
      }
      out += "</small></td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody></table></div></section>\n</main>\n</body>\n</html>\n";
  return out;
}

std::string render_fleet_json(const Fleet& fleet, util::SystemTime now)
{
  json::object root;
  root["generated_at"] = util::format_rfc3339(now);
  json::array experiments;
  for (std::size_t e = 0; e < fleet.experiments.size(); ++e) {
    experiments.push_back(json::object{{"id", fleet.experiments[e]}, {"majority", fleet.majority[e]}});
  }
  root["experiments"] = std::move(experiments);
  json::array hosts;
  for (const auto& host : fleet.hosts) {
    json::object cells;
    for (std::size_t e = 0; e < host.cells.size(); ++e) {
      const auto& cell = host.cells[e];
      if (cell.value.empty()) {
        continue;
      }
      cells[fleet.experiments[e]] = json::object{
        {"value", cell.value},
        {"verdict", cell.verdict},
        {"run_id", cell.run_id},
        {"improve_pct", cell.improve_pct ? json::value(*cell.improve_pct) : json::value(nullptr)}};
    }
    hosts.push_back(json::object{{"host", host.name},
                                 {"health", to_string(host.health)},
                                 {"health_message", host.health_message},
                                 {"runs", host.runs},
                                 {"last_run_id", host.last_run_id},
                                 {"experiments", std::move(cells)}});
  }
  root["hosts"] = std::move(hosts);
  json::array outliers;
  for (const auto& outlier : fleet.outliers) {
    outliers.push_back(json::object{
      {"host", outlier.host},
      {"experiment", outlier.experiment.empty() ? json::value(nullptr) : json::value(outlier.experiment)},
      {"why", outlier.why}});
  }
  root["outliers"] = std::move(outliers);
  return util::write_json(root) + "\n";
}

std::string render_fleet_text(const Fleet& fleet, bool color)
{
  const auto paint = [&](std::string_view code, const std::string& text) {
    return color ? fmt::format("\x1b[{}m{}\x1b[0m", code, text) : text;
  };
  std::string out = fmt::format("fleet: {} hosts, {} experiments, {} outliers\n", fleet.hosts.size(),
                                fleet.experiments.size(), fleet.outliers.size());
  for (const auto& host : fleet.hosts) {
    const std::string health(to_string(host.health));
    out += fmt::format("{:<24} {:<14}", util::printable(host.name, 24),
                       host.health == HealthStatus::ok ? health : paint("1;31", health));
    for (std::size_t e = 0; e < host.cells.size(); ++e) {
      const auto& cell = host.cells[e];
      if (cell.value.empty()) {
        continue;
      }
      const std::string item =
        fmt::format("{}={} ({})", util::printable(fleet.experiments[e], 40), util::printable(cell.value, 40),
                    util::printable(cell.verdict, 20));
      out += " " + (cell.value != fleet.majority[e] ? paint("33", item) : item);
    }
    out += "\n";
  }
  for (const auto& outlier : fleet.outliers) {
    out += fmt::format("outlier {} {}: {}\n", util::printable(outlier.host, 60),
                       util::printable(outlier.experiment.empty() ? "-" : outlier.experiment, 60),
                       util::printable(outlier.why, 300));
  }
  return out;
}

} // namespace smart::dashboard
