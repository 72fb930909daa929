#include <smart/measure/load_recorder.hpp>

namespace smart {

LoadRecorder::LoadRecorder(const Output& output, LoadCounters& counters, SampleTally& tally,
                           Clock::time_point now)
  : m_output(output), m_counters(counters), m_tally(tally), m_formatter(output.columns),
    m_next_flush(now + flush_every)
{
}

void LoadRecorder::record(Clock::time_point begin, double latency_ms, int code, ProbeError error,
                          const Phases& phases, std::string_view target, const StatusSet* ok)
{
  if (ok != nullptr) {
    m_tally.add(latency_ms, code, error, *ok);
  } else {
    m_tally.add(latency_ms, code, error);
  }
  m_counters.requests.fetch_add(1, std::memory_order_relaxed);
  if (code == 0 || error != ProbeError::none) {
    m_counters.errors.fetch_add(1, std::memory_order_relaxed);
  }
  if (m_recorded++ % m_output.sample_every == 0) {
    Sample sample;
    sample.timestamp = util::SystemTime(std::chrono::duration_cast<util::SystemTime::duration>(
      begin.time_since_epoch() + m_output.wall_offset));
    sample.latency_ms = latency_ms;
    sample.response_code = code;
    sample.error = error;
    sample.phases = phases;
    m_formatter.append(m_rows, sample, target);
  }
}

void LoadRecorder::maybe_flush(Clock::time_point now)
{
  if (now >= m_next_flush || m_rows.size() >= flush_bytes) {
    flush();
    m_next_flush = now + flush_every;
  }
}

void LoadRecorder::flush()
{
  if (!m_rows.empty()) {
    m_output.sink->write(m_rows);
    m_rows.clear();
  }
}

} // namespace smart
