#include <smart/run/run_progress.hpp>

#include <catch2/catch.hpp>

using namespace smart;
using util::Duration;

namespace {

RunSettings settings_of(Design design, Strategy strategy = Strategy::first_winner)
{
  RunSettings s;
  s.design = design;
  s.strategy = strategy;
  s.baseline = Duration(60);
  s.variant = Duration(60);
  s.cooldown = Duration(10);
  s.warmup = Duration(5);
  s.block = Duration(15);
  return s;
}

} // namespace

TEST_CASE("run progress: the plan counts every block and the longest time of the run")
{
  SECTION("sequential: the baseline, then one phase per variant")
  {
    const auto plan = plan_run(settings_of(Design::sequential), 2);
    CHECK(plan.blocks == 3);
    CHECK(plan.total.count() == Approx(60 + 2 * (10 + 5 + 60)));
  }
  SECTION("interleaved: every block pair of every variant")
  {
    const auto s = settings_of(Design::interleaved);
    const int pairs = plan_blocks(s).pairs;
    const auto plan = plan_run(s, 2);
    CHECK(plan.blocks == 2 * 2 * pairs);
    CHECK(plan.total.count() == Approx(2 * planned_variant_time(s).count()));
  }
  SECTION("strategy best: the confirmation is one more comparison")
  {
    const auto s = settings_of(Design::interleaved, Strategy::best);
    CHECK(plan_run(s, 3).blocks == 2 * 4 * plan_blocks(s).pairs);
    CHECK(plan_run(s, 1).blocks == 2 * plan_blocks(s).pairs);
  }
  SECTION("calibration: the A/A block pairs")
  {
    auto s = settings_of(Design::interleaved);
    s.mode = RunMode::calibrate;
    CHECK(plan_run(s, 2).blocks == 2 * plan_blocks(s).pairs);
  }
}

TEST_CASE("run progress: block k of n and the run's time left, in words")
{
  CHECK(run_progress_text(3, 12, Duration(250)) == " · block 3 of 12 · run 4m10s left");
  CHECK(run_progress_text(13, 12, Duration(-5)) == " · block 12 of 12 · run ends after this block");
  RunProgress progress;
  CHECK(progress.suffix().empty());
  progress.set_plan({4, Duration(3600)});
  progress.next_block();
  CHECK(progress.suffix().rfind(" · block 1 of 4 · run ", 0) == 0);
}

TEST_CASE("run progress: blocks that overran do not make the run read as done")
{
  const RunPlan plan{4, Duration(400)};
  CHECK(run_time_left(plan, 1, Duration(50)).count() == Approx(350));  // on plan
  CHECK(run_time_left(plan, 2, Duration(390)).count() == Approx(200)); // late: two blocks of 100 s ahead
  CHECK(run_time_left(plan, 4, Duration(900)).count() <= 0);           // the last block, late
  CHECK(run_progress_text(4, 4, run_time_left(plan, 4, Duration(900))) ==
        " · block 4 of 4 · run ends after this block");
}
