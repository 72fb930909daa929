#include <smart/run/passive_source.hpp>

#include <smart/outcome.hpp>
#include <smart/run/flow.hpp>
#include <smart/util/atomic_file.hpp>
#include <smart/util/failure.hpp>
#include <smart/util/signals.hpp>
#include <smart/util/strings.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace smart {

namespace json = boost::json;
namespace fs = std::filesystem;
using util::Duration;

namespace {

// The log must be there and readable before the first block: a path typo
// found after the variant was applied would waste the run.
std::string readable_log(const std::string& path)
{
  if (::access(path.c_str(), R_OK) != 0) {
    throw flow::StepFailed{fmt::format("measure.file {}: {}; passive measurement needs the access log", path,
                                       std::strerror(errno))};
  }
  return path;
}

} // namespace

PassiveSource::PassiveSource(PassiveMeasure config)
  : m_config(std::move(config)), m_format(LogFormat::parse(m_config.log_format)),
    m_follower(readable_log(m_config.file))
{
}

void PassiveSource::read_lines(const std::function<void(const SampleRow&)>& in_window)
{
  LogEntry entry;
  m_follower.read([&](std::string_view line) {
    if (line.empty()) {
      return;
    }
    ++m_lines;
    if (!m_format.parse(line, entry) || !entry.request_time_s || !entry.time_ms) {
      ++m_malformed;
      if (m_first_malformed_line == 0) {
        m_first_malformed_line = m_lines;
        m_first_malformed = util::printable(line, 200);
      }
      return;
    }
    const double latency_ms = *entry.request_time_s * 1000.0;
    const auto ended = util::SystemTime(std::chrono::milliseconds(*entry.time_ms));
    const auto arrived = ended - std::chrono::duration_cast<util::SystemTime::duration>(
                                   std::chrono::duration<double, std::milli>(latency_ms));
    if (arrived < m_window_start || arrived >= m_window_end) {
      ++m_dropped;
      return;
    }
    ++m_in_blocks;
    in_window(SampleRow{arrived, latency_ms, entry.status, ProbeError::none});
  });
}

SampleSet PassiveSource::follow_block(const std::string& arm, const fs::path& out, Duration duration,
                                      const std::function<bool(const SampleSet&)>& keep_going)
{
  // Lines logged before the window (the warm-up's requests) are read and
  // dropped first, so they cannot count against this block.
  m_window_start = util::SystemTime::max();
  m_window_end = util::SystemTime::min();
  read_lines([](const SampleRow&) {});

  util::write_file_atomically(out, std::string(samples_header) + "\n");
  std::FILE* file = std::fopen(out.c_str(), "a");
  if (!file) {
    throw flow::StepFailed{fmt::format("cannot write {}: {}", out.string(), std::strerror(errno))};
  }
  SampleSet samples;
  std::uint64_t requests = 0;
  const auto write_row = [&](const SampleRow& row) {
    const std::string text = format_sample_row(row) + "\n";
    std::fwrite(text.data(), 1, text.size(), file);
    samples.push_back(static_cast<float>(row.latency_ms), static_cast<std::uint16_t>(row.response_code),
                      row.error);
    ++requests;
  };
  const auto start = std::chrono::system_clock::now();
  m_window_start = start;
  m_window_end = start + std::chrono::duration_cast<util::SystemTime::duration>(duration);
  const auto steady_start = std::chrono::steady_clock::now();
  const auto settle_end = steady_start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                           duration + m_config.settle);
  bool interrupted = false;
  while (true) {
    read_lines(write_row);
    std::fflush(file);
    const auto now = std::chrono::steady_clock::now();
    if (now >= settle_end) {
      break;
    }
    if (std::chrono::system_clock::now() < m_window_end && !keep_going(samples)) {
      // Stopped early: the window ends now; what arrived before still counts.
      m_window_end = std::chrono::system_clock::now();
      read_lines(write_row);
      break;
    }
    if (!util::signals::sleep_for(std::min(Duration(0.25), Duration(settle_end - now)))) {
      interrupted = true;
      break;
    }
  }
  std::fclose(file);
  const Duration seconds = std::min(m_window_end, std::chrono::system_clock::now()) - start;
  auto& tally = m_arms[arm];
  tally.requests += requests;
  tally.seconds += std::max(0.0, seconds.count());
  // Later lines belong to no block until the next one starts.
  m_window_start = util::SystemTime::max();
  m_window_end = util::SystemTime::min();
  if (interrupted) {
    throw flow::Interrupted{};
  }
  return samples;
}

std::optional<std::string> PassiveSource::too_little_traffic(const std::string& label) const
{
  const auto variant = m_arms.find(label);
  auto baseline = m_arms.find(label + ".baseline");
  if (baseline == m_arms.end()) {
    baseline = m_arms.find("baseline");
  }
  if (variant == m_arms.end() || baseline == m_arms.end()) {
    return std::nullopt;
  }
  const auto rate = [](const Arm& arm) {
    return arm.seconds > 0 ? static_cast<double>(arm.requests) / arm.seconds : 0.0;
  };
  const double base_rate = rate(baseline->second);
  const double var_rate = rate(variant->second);
  if (std::min(base_rate, var_rate) >= m_config.min_rate && baseline->second.requests > 0 &&
      variant->second.requests > 0) {
    return std::nullopt;
  }
  return outcome::too_little_traffic(base_rate, var_rate, baseline->second.requests, variant->second.requests,
                                     m_config.min_rate);
}

json::object PassiveSource::report() const
{
  json::object out{{"source", "access_log"},
                   {"file", m_config.file},
                   {"lines", m_lines},
                   {"requests_in_blocks", m_in_blocks},
                   {"dropped_outside_blocks", m_dropped},
                   {"malformed_lines", m_malformed}};
  if (m_malformed > 0) {
    out["first_malformed_line"] = m_first_malformed_line;
    out["first_malformed"] = m_first_malformed;
  }
  return out;
}

std::string PassiveSource::describe() const
{
  std::string text = fmt::format("passive: {} lines read from {}: {} requests in blocks, {} dropped "
                                 "(arrived in a warm-up, a switch or after a block)",
                                 m_lines, m_config.file, m_in_blocks, m_dropped);
  if (m_malformed > 0) {
    text += fmt::format("; {} malformed lines skipped (the first, line {} since the run started: {})",
                        m_malformed, m_first_malformed_line, m_first_malformed);
  }
  return text;
}

Measured measure_passive(PassiveSource& source, const RunContext& ctx, const RunSettings& settings,
                         const std::string& label, const fs::path& out, Duration duration, bool guard,
                         const SampleSet& prior, const StatusSet& ok)
{
  if (util::signals::received()) {
    throw flow::Interrupted{};
  }
  Measured measured;
  const auto start = std::chrono::steady_clock::now();
  measured.samples = source.follow_block(label, out, duration, [&](const SampleSet& so_far) {
    if (ctx.log.tty()) {
      const Duration left = duration - Duration(std::chrono::steady_clock::now() - start);
      ctx.log.progress(fmt::format("following the access log for {}: {} requests, {:.0f}s left", label,
                                   so_far.size(), std::max(0.0, std::ceil(left.count()))));
    }
    if (guard) {
      measured.guard_reason = guard_trip(settings, ok, so_far, prior);
    }
    return measured.guard_reason.empty();
  });
  ctx.log.clear_progress();
  if (guard && measured.guard_reason.empty()) {
    measured.guard_reason = guard_trip(settings, ok, measured.samples, prior);
  }
  return measured;
}

} // namespace smart
