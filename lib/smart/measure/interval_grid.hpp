#pragma once

#include <chrono>
#include <cstdint>

// Probe scheduling on a fixed grid: probe k is due at start + k * interval.
// A probe that runs past the next slot does not shift the schedule: the
// missed slots are skipped (never squeezed in late), so the rows stay on the
// grid and a slow target yields fewer rows, not a drifting clock. Pure.

namespace smart {

class IntervalGrid {
public:
  using Nanoseconds = std::chrono::nanoseconds;

  explicit IntervalGrid(Nanoseconds interval) : m_interval(interval.count() > 0 ? interval : Nanoseconds(1))
  {
  }

  // The slot index to run after slot done finished elapsed after the start:
  // the first slot after done that is not already in the past.
  std::uint64_t next_slot(std::uint64_t done, Nanoseconds elapsed) const
  {
    const std::uint64_t next = done + 1;
    if (elapsed.count() <= 0) {
      return next;
    }
    const auto e = static_cast<std::uint64_t>(elapsed.count());
    const auto i = static_cast<std::uint64_t>(m_interval.count());
    const std::uint64_t first_not_past = (e + i - 1) / i; // ceil(elapsed / interval)
    return first_not_past > next ? first_not_past : next;
  }

  // When slot k is due, relative to the start.
  Nanoseconds offset(std::uint64_t slot) const
  {
    return Nanoseconds(static_cast<Nanoseconds::rep>(slot) * m_interval.count());
  }

  Nanoseconds interval() const { return m_interval; }

private:
  Nanoseconds m_interval;
};

} // namespace smart
