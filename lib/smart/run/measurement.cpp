#include <smart/run/measurement.hpp>

#include <smart/run/flow.hpp>
#include <smart/stats.hpp>
#include <smart/util/failure.hpp>
#include <smart/util/signals.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace smart {

using util::Duration;
namespace signals = util::signals;

namespace {

void show_progress(RunLog& log, const std::string& what, Duration left, Duration total)
{
  if (!log.tty()) {
    return;
  }
  const double done = total.count() > 0 ? 1.0 - left.count() / total.count() : 1.0;
  const int width = 20;
  const int filled = std::clamp(static_cast<int>(done * width), 0, width);
  log.progress(fmt::format("[{}{}] {}: {:.0f}s left", std::string(static_cast<std::size_t>(filled), '#'),
                           std::string(static_cast<std::size_t>(width - filled), '-'), what,
                           std::ceil(left.count())));
}

} // namespace

std::string guard_trip(const RunSettings& s, const StatusSet& ok, const SampleSet& samples,
                       const SampleSet& prior)
{
  std::size_t n = samples.size() + prior.size();
  std::size_t errors = 0;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    errors += samples.is_error(i, ok) ? 1U : 0U;
  }
  for (std::size_t i = 0; i < prior.size(); ++i) {
    errors += prior.is_error(i, ok) ? 1U : 0U;
  }
  if (n < s.abort_after || n == 0) {
    return {};
  }
  const double pct = 100.0 * static_cast<double>(errors) / static_cast<double>(n);
  if (pct <= s.abort_err_pct) {
    return {};
  }
  return fmt::format("{:.1f}% errors in {} samples > ABORT_ERR_PCT {:g}%", pct, n, s.abort_err_pct);
}

Measured measure_phase(const RunContext& ctx, const SiblingTools& tools, const RunSettings& settings,
                       const std::string& label, const std::filesystem::path& out, Duration duration,
                       std::optional<int> block, bool guard, const SampleSet& prior, const StatusSet& ok)
{
  if (signals::received()) {
    throw flow::Interrupted{};
  }
  auto spec = tools.measure_spec(label, out, duration, block, guard);
  ctx.log.run_progress().next_block();
  Measured measured;
  const auto start = std::chrono::steady_clock::now();
  spec.watch = [&]() {
    const Duration elapsed = std::chrono::steady_clock::now() - start;
    show_progress(ctx.log, fmt::format("measuring {}", label), std::max(Duration(0), duration - elapsed),
                  duration);
    if (guard) {
      measured.guard_reason = guard_trip(settings, ok, read_complete_samples(out), prior);
      return measured.guard_reason.empty();
    }
    return true;
  };
  spec.watch_interval = Duration(0.25);
  const auto result = ctx.processes.run(spec);
  ctx.log.clear_progress();
  if (result.end == util::ProcessEnd::interrupted) {
    throw flow::Interrupted{};
  }
  if (result.end != util::ProcessEnd::stopped && !result.ok()) {
    throw flow::StepFailed{fmt::format("measurement of {} {}; see {}", label, result.describe(),
                                       spec.log_file.filename().string())};
  }
  try {
    measured.samples = read_samples(out);
  } catch (const util::Failure& e) {
    throw flow::StepFailed{fmt::format("measurement of {}: unreadable samples: {}", label, e.what())};
  }
  if (measured.samples.size() == 0) {
    throw flow::StepFailed{fmt::format("measurement of {}: no samples", label)};
  }
  // smart-measure's own guard may have stopped it; check the CSV ourselves too.
  if (guard && measured.guard_reason.empty()) {
    measured.guard_reason = guard_trip(settings, ok, measured.samples, prior);
  }
  return measured;
}

StatsBrief brief_of(const SampleSet& samples)
{
  const auto summary = summarize(samples);
  StatsBrief brief;
  brief.n = summary.n;
  brief.err_pct = summary.err_pct;
  if (summary.n_good > 0) {
    brief.p50_ms = summary.p50_ms;
    brief.p95_ms = summary.p95_ms;
    brief.p99_ms = summary.p99_ms;
    brief.mean_ms = summary.mean_ms;
  }
  return brief;
}

std::string describe(const StatsBrief& brief)
{
  return fmt::format("{} samples, p50 {}, errors {:.2f}%", brief.n,
                     brief.p50_ms ? fmt::format("{:.3f} ms", *brief.p50_ms) : std::string("n/a"),
                     brief.err_pct);
}

void wait_for(RunLog& log, Duration duration, const std::string& what)
{
  const auto start = std::chrono::steady_clock::now();
  while (true) {
    const Duration elapsed = std::chrono::steady_clock::now() - start;
    const Duration left = duration - elapsed;
    if (left.count() <= 0) {
      break;
    }
    show_progress(log, what, left, duration);
    if (!signals::sleep_for(std::min(left, Duration(0.5)))) {
      throw flow::Interrupted{};
    }
  }
  log.clear_progress();
}

} // namespace smart
