#pragma once

#include <smart/access_log.hpp>
#include <smart/log_follower.hpp>
#include <smart/run/context.hpp>
#include <smart/run/measurement.hpp>
#include <smart/run/passive_measure.hpp>
#include <smart/run/settings.hpp>
#include <smart/samples_csv.hpp>

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>

// Passive measurement in a run: the server's access log, followed from the
// first block to the last, judged by when each request arrived.
//
// A block is a window [start, start + duration) of wall-clock time. After it
// ends the log is followed settle seconds more, so a request that arrived in
// the window and finished a little after it still counts. A request counts
// for the block in force when it ARRIVED (the log's time of the request's end
// less $request_time), never when it was logged: the requests of a warm-up
// after a switch, or that straddle two blocks, fall outside every window and
// are dropped. Malformed lines are counted and skipped, the first one kept
// for the summary.

namespace smart {

class PassiveSource {
public:
  // Follows config.file from its current end. Throws flow::StepFailed when
  // the file is missing or unreadable (before any block is measured).
  explicit PassiveSource(PassiveMeasure config);

  // Measures one block of arm (the variant's label, "<label>.baseline",
  // "baseline"): follows the log for duration plus the settle time and
  // writes the requests that arrived in the window to out (truncated;
  // samples CSV, one row per request, the arrival as its timestamp), as
  // they come. keep_going is asked every 250 ms with the block's rows so
  // far; false ends the window there (abort guard). A signal:
  // flow::Interrupted.
  SampleSet follow_block(const std::string& arm, const std::filesystem::path& out, util::Duration duration,
                         const std::function<bool(const SampleSet&)>& keep_going);

  // The outcome wording when a side of the comparison of label saw fewer
  // than min_rate requests per second over its blocks (or none at all):
  // "inconclusive: too little traffic: ..."; nullopt when both saw enough.
  std::optional<std::string> too_little_traffic(const std::string& label) const;

  // What was read, for summary.json ("passive") and the run log.
  boost::json::object report() const;
  std::string describe() const;

private:
  struct Arm {
    std::uint64_t requests = 0;
    double seconds = 0;
  };
  void read_lines(const std::function<void(const SampleRow&)>& in_window);

  PassiveMeasure m_config;
  LogFormat m_format;
  LogFollower m_follower;
  std::map<std::string, Arm> m_arms;
  std::uint64_t m_lines = 0;
  std::uint64_t m_in_blocks = 0;
  std::uint64_t m_dropped = 0; // arrived outside every block (warm-ups, switches, late)
  std::uint64_t m_malformed = 0;
  std::uint64_t m_first_malformed_line = 0;
  std::string m_first_malformed;
  util::SystemTime m_window_start{};
  util::SystemTime m_window_end{};
};

// A run's measure step when meta.json asks for passive measurement: the
// block of label through source, watched by the abort guard when guard (its
// earlier blocks in prior; ok: the codes that are successes), with a
// progress line on a TTY.
Measured measure_passive(PassiveSource& source, const RunContext& ctx, const RunSettings& settings,
                         const std::string& label, const std::filesystem::path& out, util::Duration duration,
                         bool guard, const SampleSet& prior, const StatusSet& ok);

} // namespace smart
