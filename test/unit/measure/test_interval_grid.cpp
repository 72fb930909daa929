#include <smart/measure/interval_grid.hpp>

#include <catch2/catch.hpp>

using smart::IntervalGrid;
using namespace std::chrono_literals;

TEST_CASE("IntervalGrid: a fast probe waits for the next slot")
{
  const IntervalGrid grid(1s);
  // Probe 0 finished 3 ms after the start: probe 1 is due at 1 s.
  CHECK(grid.next_slot(0, 3ms) == 1);
  CHECK(grid.offset(1) == 1s);
  // Probe 4 finished at 4.2 s: slot 5 (5 s).
  CHECK(grid.next_slot(4, 4200ms) == 5);
}

TEST_CASE("IntervalGrid: a slow probe skips slots instead of shifting the schedule")
{
  const IntervalGrid grid(1s);
  // Probe 0 took 2.5 s: slots 1 and 2 are past; the next is slot 3 at 3 s,
  // on the grid, not at 3.5 s.
  CHECK(grid.next_slot(0, 2500ms) == 3);
  CHECK(grid.offset(3) == 3s);
  // Finishing exactly on a slot runs that slot.
  CHECK(grid.next_slot(0, 2s) == 2);
}

TEST_CASE("IntervalGrid: sub-millisecond intervals")
{
  const IntervalGrid grid(250us);
  CHECK(grid.offset(4) == 1ms);
  CHECK(grid.next_slot(10, 2600us) == 11);
  CHECK(grid.next_slot(10, 3001us) == 13);
}
