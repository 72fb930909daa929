#include <smart/decide/per_target.hpp>

#include <catch2/catch.hpp>

using namespace smart;

namespace {

// n rows of target t around ms (a little spread so intervals exist).
void fill(TargetArms& arms, ArmSamples& all, const std::string& t, double ms, int n)
{
  for (int i = 0; i < n; ++i) {
    ParsedSample row;
    row.latency_ms = static_cast<float>(ms * (1.0 + 0.01 * (i % 10)));
    row.response_code = 200;
    row.target = t;
    arms.add(row);
    all.add(row);
  }
}

} // namespace

TEST_CASE("per target: a page that got much slower turns the mix's keep into a revert")
{
  TargetArms base_t;
  TargetArms var_t;
  ArmSamples base;
  ArmSamples var;
  // Nine tenths of the traffic twice as fast; a fast page twice as slow,
  // still faster than the rest: neither the median nor the tail of the
  // whole mix shows it.
  fill(base_t, base, "http://h/", 10, 900);
  fill(var_t, var, "http://h/", 5, 900);
  fill(base_t, base, "http://h/slow", 2, 100);
  fill(var_t, var, "http://h/slow", 4, 100);
  DecideOptions options;
  Decision d = decide(base, var, options);
  REQUIRE(d.decision == Verdict::keep);
  const auto results = judge_targets(base_t, var_t, options);
  REQUIRE(results.size() == 2);
  CHECK_FALSE(results[0].worse);
  CHECK(results[1].target == "http://h/slow");
  CHECK(results[1].worse);
  CHECK(results[1].change_pct == Approx(100).margin(1));
  apply_target_guard(d, results);
  CHECK(d.decision == Verdict::revert);
  CHECK(d.decided_by == "target_worse");
  CHECK(describe(results[1]).find("WORSE") != std::string::npos);
}

TEST_CASE("per target: pages that all improved leave the keep alone")
{
  TargetArms base_t;
  TargetArms var_t;
  ArmSamples base;
  ArmSamples var;
  fill(base_t, base, "http://h/a", 10, 300);
  fill(var_t, var, "http://h/a", 8, 300);
  fill(base_t, base, "http://h/b", 20, 300);
  fill(var_t, var, "http://h/b", 19, 300);
  DecideOptions options;
  Decision d = decide(base, var, options);
  const Verdict before = d.decision;
  const auto results = judge_targets(base_t, var_t, options);
  apply_target_guard(d, results);
  CHECK(d.decision == before);
  CHECK_FALSE(results[0].worse);
  CHECK_FALSE(results[1].worse);
}
