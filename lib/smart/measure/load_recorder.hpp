#pragma once

#include <smart/measure/sample_tally.hpp>
#include <smart/measure/sample_writer.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

// What a load worker does with a finished request: add it to the worker's
// tally and to the run's progress counters, and format one samples-CSV row
// per sample_every recorded requests into a batch that reaches the sink
// every 100 ms or 64 KiB, whichever comes first. Time is passed in, never
// read here (but for the first flush deadline, taken at construction).

namespace smart {

// The progress counters every worker adds to; read by the calling thread.
struct LoadCounters {
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> errors{0}; // transport failures and failed checks
};

class LoadRecorder {
public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds flush_every{100};
  static constexpr std::size_t flush_bytes = 64 * 1024;

  struct Output {
    SampleSink* sink = nullptr;
    SampleColumns columns;
    std::uint64_t sample_every = 1;
    // system_clock - steady_clock: turns a request's steady begin into the
    // row's wall-clock timestamp.
    std::chrono::nanoseconds wall_offset{0};
  };

  LoadRecorder(const Output& output, LoadCounters& counters, SampleTally& tally,
               Clock::time_point now = Clock::now());

  // One finished, recorded request: begin is its latency origin, target the
  // row's target column (a mix), ok the codes its checks took as successes
  // (none: the tally's own).
  void record(Clock::time_point begin, double latency_ms, int code, ProbeError error, const Phases& phases,
              std::string_view target = {}, const StatusSet* ok = nullptr);

  // Writes the batch when it is due (flush_every after the last, or flush_bytes).
  void maybe_flush(Clock::time_point now);
  void flush();

  bool has_rows() const { return !m_rows.empty(); }
  Clock::time_point next_flush() const { return m_next_flush; }

private:
  Output m_output;
  LoadCounters& m_counters;
  SampleTally& m_tally;
  RowFormatter m_formatter;
  std::string m_rows;
  std::uint64_t m_recorded = 0;
  Clock::time_point m_next_flush;
};

} // namespace smart
