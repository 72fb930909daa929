#include <smart/decide/gate.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <random>

using namespace smart;

namespace {

SampleSet lognormal(std::size_t n, double median_ms, unsigned seed, std::size_t errors = 0)
{
  std::mt19937 rng(seed);
  std::lognormal_distribution<double> dist(std::log(median_ms), 0.3);
  SampleSet s;
  for (std::size_t i = 0; i < n; ++i) {
    s.push_back(static_cast<float>(dist(rng)), 200, ProbeError::none);
  }
  for (std::size_t i = 0; i < errors; ++i) {
    s.push_back(1.0F, 503, ProbeError::none);
  }
  return s;
}

Assertion assertion(const char* text)
{
  auto parsed = parse_assertion(text);
  REQUIRE(parsed.assertion);
  return *parsed.assertion;
}

} // namespace

TEST_CASE("gate assertions parse metric, operator, limit and unit")
{
  const auto a = assertion("p95<200ms");
  CHECK(a.metric == "p95");
  CHECK(a.op == "<");
  CHECK(a.limit == 200);
  CHECK(assertion("p99<=1.5s").limit == 1500);
  CHECK(assertion("p99<=1.5s").op == "<=");
  CHECK(assertion("errors<1%").limit == 1);
  CHECK(assertion("delta_p50<5%").metric == "delta_p50");
  CHECK(assertion("mean>=0").op == ">=");
  for (const char* bad : {"p95", "<200", "p96<200", "p95<fast", "p95<200%", "errors<1ms", "delta_p7<5%"}) {
    INFO(bad);
    CHECK_FALSE(parse_assertion(bad).assertion);
    CHECK_FALSE(parse_assertion(bad).error.empty());
  }
}

TEST_CASE("gate --no-worse-than: passes an unchanged build, fails one shown slower by more than the margin")
{
  DecideOptions options;
  GateOptions gate;
  gate.no_worse_than_pct = 10;
  const auto base = lognormal(300, 20, 1);
  CHECK(evaluate_gate(decide(base, lognormal(300, 20, 2), options), gate).pass);
  // 5 % slower is within a 10 % margin even though it may be shown slower.
  CHECK(evaluate_gate(decide(base, lognormal(300, 21, 3), options), gate).pass);
  const auto slow = evaluate_gate(decide(base, lognormal(300, 26, 4), options), gate);
  CHECK_FALSE(slow.pass);
  REQUIRE(slow.failures.size() == 1);
  CHECK_THAT(slow.failures[0], Catch::Contains("latency shown slower by more than 10%"));
  // Errors shown to rise by more than max_err_delta_pct (2 points): fail.
  const auto errors = evaluate_gate(decide(base, lognormal(300, 20, 5, 30), options), gate);
  CHECK_FALSE(errors.pass);
  CHECK_THAT(errors.failures[0], Catch::Contains("errors shown to rise by more than 2 pp"));
  // A dead variant cannot be judged: fail.
  SampleSet dead;
  for (int i = 0; i < 300; ++i) {
    dead.push_back(0.1F, 0, ProbeError::connect);
  }
  CHECK_FALSE(evaluate_gate(decide(base, dead, options), gate).pass);
}

TEST_CASE("gate assertions judge the variant or the difference and name the figures")
{
  DecideOptions options;
  const auto d = decide(lognormal(300, 20, 1), lognormal(300, 20, 2, 3), options);
  GateOptions gate;
  gate.assertions = {assertion("p50<30ms"), assertion("errors<0.5%"), assertion("delta_p50<5%")};
  const auto r = evaluate_gate(d, gate);
  CHECK_FALSE(r.pass);
  REQUIRE(r.failures.size() == 1);
  CHECK_THAT(r.failures[0], Catch::StartsWith("assertion errors<0.5%: errors is 0.99%"));
  CHECK(r.notes.size() == 2);
  gate.assertions = {assertion("errors<1%"), assertion("delta_errors<=1")};
  CHECK(evaluate_gate(d, gate).pass);
  // No successful sample: the figure is unknown and the assertion fails.
  SampleSet dead;
  dead.push_back(0.1F, 0, ProbeError::connect);
  gate.assertions = {assertion("p95<1000ms")};
  const auto none = evaluate_gate(decide(lognormal(300, 20, 1), dead, options), gate);
  CHECK_FALSE(none.pass);
  CHECK_THAT(none.failures[0], Catch::Contains("unknown"));
}

TEST_CASE("gate --no-worse-than: a slowdown under the millisecond noise floor passes")
{
  DecideOptions options;
  GateOptions gate;
  gate.no_worse_than_pct = 10;
  const auto d = decide(lognormal(300, 0.1, 1), lognormal(300, 0.15, 2), options);
  CHECK(evaluate_gate(d, gate).pass); // 50 % slower, but 0.05 ms
  gate.no_worse_than_ms = 0;
  CHECK_FALSE(evaluate_gate(d, gate).pass);
}
