#include <smart/run/dry_run_probe.hpp>

#include <smart/error.hpp>
#include <smart/run/sibling_tools.hpp>
#include <smart/run/target_health.hpp>
#include <smart/samples_csv.hpp>
#include <smart/util/atomic_file.hpp>
#include <smart/util/strings.hpp>

#include <fmt/format.h>

#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

namespace smart {

namespace fs = std::filesystem;

namespace {

// A private directory for the probe's CSV and log, removed on every path.
class ScratchDir {
public:
  ScratchDir()
  {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = fs::path(tmp && *tmp ? tmp : "/tmp") / "smart-dry-run.XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw Error(fmt::format("cannot make a directory for --dry-run's probe under {}",
                              fs::path(pattern).parent_path().string()));
    }
    m_path = pattern;
  }
  ~ScratchDir()
  {
    std::error_code ec;
    fs::remove_all(m_path, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return m_path; }

private:
  fs::path m_path;
};

// The last non-empty line of a tool's log: why it stopped.
std::string last_line(const fs::path& file)
{
  std::error_code ec;
  if (file.empty() || !fs::exists(file, ec)) {
    return {};
  }
  std::string text;
  try {
    text = util::read_file(file);
  } catch (const std::exception&) {
    return {};
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.pop_back();
  }
  const auto start = text.rfind('\n');
  return util::printable(start == std::string::npos ? text : text.substr(start + 1), 200);
}

std::string describe(const DryRunProbe& probe)
{
  const auto time = fmt::format("{:.1f} ms", probe.latency_ms.value_or(0));
  if (probe.ok) {
    return fmt::format("HTTP {} in {}, checks passed", probe.response_code.value_or(0), time);
  }
  if (probe.response_code.value_or(0) == 0) {
    return fmt::format("no answer: {} after {} (is the target up?)", probe.error, time);
  }
  return fmt::format("HTTP {} in {}: counts as an error ({})", *probe.response_code, time, probe.error);
}

} // namespace

DryRunProbe dry_run_probe(const RunContext& ctx, const Experiment& exp, const RunSettings& settings)
{
  DryRunProbe probe;
  if (!exp.measure.empty()) {
    probe.text = "none sent (the experiment measures with its own command)";
    return probe;
  }
  if (exp.passive) {
    probe.text = "none sent (measured passively from the access log)";
    return probe;
  }
  const ScratchDir dir;
  const auto out = dir.path() / "probe.csv";
  util::ProcessSpec spec;
  try {
    const SiblingTools tools(ctx, exp, settings, "dry-run", dir.path());
    spec = tools.measure_spec("dry-run", out, util::Duration(1.0), std::nullopt, false);
  } catch (const std::exception& e) {
    probe.text = fmt::format("none sent ({})", e.what());
    return probe;
  }
  // One probe, not a duration; and never load: one request says enough.
  auto& argv = spec.argv;
  if (const auto it = std::find(argv.begin(), argv.end(), "--duration");
      it != argv.end() && it + 1 != argv.end()) {
    *it = "--count";
    *(it + 1) = "1";
  }
  for (const char* flag : {"--concurrency", "--rate"}) {
    if (const auto it = std::find(argv.begin(), argv.end(), flag); it != argv.end() && it + 1 != argv.end()) {
      argv.erase(it, it + 2);
    }
  }
  const auto result = ctx.processes.run(spec);
  SampleSet rows;
  std::error_code ec;
  if (fs::exists(out, ec)) {
    try {
      rows = read_samples(out);
    } catch (const std::exception&) {
      rows = SampleSet{};
    }
  }
  if (rows.size() == 0) {
    probe.text = fmt::format("none measured (smart-measure: {}{}{})", result.describe(),
                             last_line(spec.log_file).empty() ? "" : ": ", last_line(spec.log_file));
    return probe;
  }
  probe.sent = true;
  probe.response_code = rows.response_code[0];
  probe.latency_ms = std::round(static_cast<double>(rows.latency_ms[0]) * 1000) / 1000; // the CSV's µs
  const auto kind = classify_sample(rows.response_code[0], rows.error[0], expected_status(exp.expect));
  probe.ok = kind == ProbeError::none;
  probe.error = probe.ok ? "" : std::string(to_token(kind));
  probe.text = describe(probe);
  return probe;
}

} // namespace smart
