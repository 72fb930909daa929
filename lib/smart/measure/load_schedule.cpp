#include <smart/measure/load_schedule.hpp>

#include <algorithm>

namespace smart {

namespace {

using Clock = LoadSchedule::Clock;

Clock::duration to_clock(util::Duration d)
{
  return std::chrono::duration_cast<Clock::duration>(d);
}

} // namespace

LoadSchedule::LoadSchedule(const Plan& plan, Clock::time_point start)
  : m_concurrency(plan.concurrency), m_threads(std::max(1u, std::min(plan.threads, plan.concurrency))),
    m_rate(plan.rate), m_start(start), m_measure_start(start + to_clock(plan.warmup))
{
  if (plan.duration) {
    m_end = m_measure_start + to_clock(*plan.duration);
  }
}

unsigned LoadSchedule::connections(unsigned thread) const
{
  return m_concurrency / m_threads + (thread < m_concurrency % m_threads ? 1 : 0);
}

Clock::time_point LoadSchedule::due(unsigned thread, std::uint64_t seq) const
{
  const double period_ns = 1e9 * static_cast<double>(m_threads) / *m_rate;
  const double phase_ns = 1e9 * static_cast<double>(thread) / *m_rate;
  const double offset = phase_ns + static_cast<double>(seq) * period_ns;
  return m_start + std::chrono::duration_cast<Clock::duration>(
                     std::chrono::nanoseconds(static_cast<std::chrono::nanoseconds::rep>(offset)));
}

std::uint64_t LoadSchedule::not_sent(unsigned thread, std::uint64_t seq, Clock::time_point now) const
{
  const auto limit = m_end ? std::min(now, *m_end) : now;
  std::uint64_t count = 0;
  while (due(thread, seq) < limit && due(thread, seq) >= m_measure_start) {
    ++count;
    ++seq;
  }
  return count;
}

double LoadSchedule::elapsed_s(Clock::time_point finished) const
{
  const auto measured_end = m_end ? std::min(finished, *m_end) : finished;
  return std::max(0.0, std::chrono::duration<double>(measured_end - m_measure_start).count());
}

} // namespace smart
