#include <smart/measure/load_schedule.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

using smart::LoadSchedule;
using namespace std::chrono_literals;
using Clock = LoadSchedule::Clock;

namespace {

const Clock::time_point t0{std::chrono::hours(1000)};

LoadSchedule::Plan plan(unsigned concurrency, unsigned threads, std::optional<double> rate = {})
{
  LoadSchedule::Plan p;
  p.concurrency = concurrency;
  p.threads = threads;
  p.rate = rate;
  return p;
}

} // namespace

TEST_CASE("LoadSchedule: connections spread over the threads, the first ones taking the rest")
{
  const LoadSchedule schedule(plan(10, 4), t0);
  CHECK(schedule.threads() == 4);
  CHECK(schedule.connections(0) == 3);
  CHECK(schedule.connections(1) == 3);
  CHECK(schedule.connections(2) == 2);
  CHECK(schedule.connections(3) == 2);
  // Never more threads than connections, never none.
  CHECK(LoadSchedule(plan(2, 8), t0).threads() == 2);
  CHECK(LoadSchedule(plan(5, 0), t0).threads() == 1);
}

TEST_CASE("LoadSchedule: the threads' due times together are start + n / rate")
{
  const LoadSchedule schedule(plan(6, 3, 1000.0), t0);
  REQUIRE(schedule.open_loop());
  std::vector<Clock::duration> dues;
  for (unsigned thread = 0; thread < 3; ++thread) {
    for (std::uint64_t seq = 0; seq < 4; ++seq) {
      dues.push_back(schedule.due(thread, seq) - t0);
    }
  }
  std::sort(dues.begin(), dues.end());
  for (std::size_t n = 0; n < dues.size(); ++n) {
    CHECK(dues[n] == std::chrono::milliseconds(n));
  }
  // Thread 1's third request: request 1 + 2 * 3 = 7 of the run.
  CHECK(schedule.due(1, 2) - t0 == 7ms);
  CHECK_FALSE(LoadSchedule(plan(6, 3), t0).open_loop());
}

TEST_CASE("LoadSchedule: warmup and duration bound the measured part")
{
  auto p = plan(1, 1, 10.0);
  p.warmup = smart::util::Duration(0.5);
  p.duration = smart::util::Duration(2.0);
  const LoadSchedule schedule(p, t0);
  CHECK(schedule.measure_start() - t0 == 500ms);
  REQUIRE(schedule.end());
  CHECK(*schedule.end() - t0 == 2500ms);
  CHECK_FALSE(schedule.recorded(t0 + 499ms));
  CHECK(schedule.recorded(t0 + 500ms));
  // Finished late: the measured time stops at the end; early: at finished.
  CHECK(schedule.elapsed_s(t0 + 9s) == Approx(2.0));
  CHECK(schedule.elapsed_s(t0 + 1500ms) == Approx(1.0));
  CHECK(schedule.elapsed_s(t0 + 100ms) == 0.0);
  CHECK(LoadSchedule(plan(1, 1), t0).elapsed_s(t0 + 3s) == Approx(3.0));
}

TEST_CASE("LoadSchedule: not_sent counts the measured requests due before the end that never went out")
{
  auto p = plan(1, 1, 10.0); // one every 100 ms
  p.warmup = smart::util::Duration(0.5);
  p.duration = smart::util::Duration(1.0);
  const LoadSchedule schedule(p, t0);
  // Request 7 (700 ms) was next when the run ended at 1.5 s: 7..14 were due.
  CHECK(schedule.not_sent(0, 7, t0 + 1500ms) == 8);
  // Stopped at 1 s: only up to 900 ms.
  CHECK(schedule.not_sent(0, 7, t0 + 1000ms) == 3);
  // After the end: still only what was due before the end.
  CHECK(schedule.not_sent(0, 7, t0 + 10s) == 8);
  // Next due still in the warmup: nothing measured was missed.
  CHECK(schedule.not_sent(0, 2, t0 + 1500ms) == 0);
}
