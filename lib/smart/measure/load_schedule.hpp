#pragma once

#include <smart/util/units.hpp>

#include <chrono>
#include <cstdint>
#include <optional>

// The plan of a load run, as pure arithmetic on steady-clock time points:
// how many worker threads, how many connections each, when the measured part
// begins and ends, and in the open loop (a rate) when each request is due.
//
// Open loop: request n of the whole run is due at start + n / rate. Thread i
// of T takes requests i, i + T, i + 2T, ..., so its k-th request is due at
// start + (i + k T) / rate and the threads together keep the rate. Requests
// due during the warmup are sent but not recorded.

namespace smart {

class LoadSchedule {
public:
  using Clock = std::chrono::steady_clock;

  struct Plan {
    unsigned concurrency = 16;
    unsigned threads = 1;
    std::optional<double> rate;             // requests per second; none: closed loop
    util::Duration warmup{0.0};             // before the measured part
    std::optional<util::Duration> duration; // of the measured part; none: no end
  };

  LoadSchedule(const Plan& plan, Clock::time_point start);

  // The worker threads: threads, at least 1 and at most one per connection.
  unsigned threads() const { return m_threads; }
  // The connections of thread i: the concurrency spread as evenly as
  // possible, the first threads taking one more.
  unsigned connections(unsigned thread) const;

  bool open_loop() const { return m_rate.has_value(); }
  Clock::time_point start() const { return m_start; }
  Clock::time_point measure_start() const { return m_measure_start; }
  std::optional<Clock::time_point> end() const { return m_end; }
  // Whether a request that began (or was due) at t is a measurement.
  bool recorded(Clock::time_point t) const { return t >= m_measure_start; }

  // Open loop only: when the seq-th request of thread i is due.
  Clock::time_point due(unsigned thread, std::uint64_t seq) const;
  // Open loop only: the requests of thread i from seq on that were due in
  // the measured part before min(now, end) and so will never be sent once
  // the thread stops issuing at now.
  std::uint64_t not_sent(unsigned thread, std::uint64_t seq, Clock::time_point now) const;

  // Seconds measured when the run finished at finished (the end at most).
  double elapsed_s(Clock::time_point finished) const;

private:
  unsigned m_concurrency;
  unsigned m_threads;
  std::optional<double> m_rate;
  Clock::time_point m_start;
  Clock::time_point m_measure_start;
  std::optional<Clock::time_point> m_end;
};

} // namespace smart
