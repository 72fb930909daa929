#include <smart/run/experiment.hpp>

#include <smart/error.hpp>
#include <smart/util/atomic_file.hpp>
#include <smart/util/strings.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace smart {

std::vector<std::string> Command::to_argv() const
{
  if (shell) {
    return {"/bin/sh", "-c", script};
  }
  return argv;
}

std::string Command::display() const
{
  if (shell) {
    return util::printable(script, 300);
  }
  std::string out = "[";
  for (std::size_t i = 0; i < argv.size(); ++i) {
    out += fmt::format("{}\"{}\"", i ? ", " : "", util::printable(argv[i], 100));
  }
  return out + "]";
}

std::string_view to_string(Strategy strategy)
{
  return strategy == Strategy::best ? "best" : "first-winner";
}

std::string_view to_string(Design design)
{
  return design == Design::sequential ? "sequential" : "interleaved";
}

ExperimentError::ExperimentError(std::vector<std::string> problems) : m_problems(std::move(problems))
{
  for (std::size_t i = 0; i < m_problems.size(); ++i) {
    m_what += (i ? "\n" : "") + m_problems[i];
  }
}

std::optional<Risk> parse_risk(std::string_view text)
{
  if (text == "none") {
    return Risk::none;
  }
  if (text == "durability") {
    return Risk::durability;
  }
  if (text == "availability") {
    return Risk::availability;
  }
  return std::nullopt;
}

std::string_view risk_name(Risk risk)
{
  switch (risk) {
  case Risk::durability:
    return "durability";
  case Risk::availability:
    return "availability";
  case Risk::none:
    break;
  }
  return "none";
}

Experiment load_experiment(const std::filesystem::path& dir_or_file)
{
  std::error_code ec;
  std::filesystem::path meta = dir_or_file;
  if (std::filesystem::is_directory(dir_or_file, ec)) {
    meta = dir_or_file / "meta.json";
  }
  if (!std::filesystem::exists(meta, ec)) {
    throw UsageError("{}: experiment not found (no meta.json)", meta.string());
  }
  const auto dir = std::filesystem::absolute(meta.parent_path().empty() ? "." : meta.parent_path(), ec);
  auto exp = parse_experiment(util::read_file(meta), meta.string(), dir.lexically_normal());
  exp.meta_path = std::filesystem::absolute(meta, ec);
  return exp;
}

std::vector<std::filesystem::path> list_experiment_dirs(const std::filesystem::path& experiments_dir)
{
  std::vector<std::filesystem::path> dirs;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(experiments_dir, ec)) {
    if (entry.is_directory(ec) && std::filesystem::exists(entry.path() / "meta.json", ec)) {
      dirs.push_back(entry.path());
    }
  }
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

} // namespace smart
