#include <smart/decide/decision.hpp>
#include <smart/util/json_writer.hpp>

#include <boost/json.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cmath>
#include <random>
#include <regex>
#include <string>
#include <vector>

using namespace smart;

namespace {

// n successful samples at latency ms, then errors with code.
SampleSet samples(std::size_t n, float ms, std::size_t errors = 0, std::uint16_t code = 503)
{
  SampleSet s;
  for (std::size_t i = 0; i < n; ++i) {
    s.push_back(ms, 200, ProbeError::none);
  }
  for (std::size_t i = 0; i < errors; ++i) {
    s.push_back(code == 0 ? 0.2f : ms, code, code == 0 ? ProbeError::connect : ProbeError::none);
  }
  return s;
}

SampleSet lognormal(std::mt19937_64& rng, std::size_t n, double median, double sigma)
{
  std::normal_distribution<double> z(0, sigma);
  SampleSet s;
  for (std::size_t i = 0; i < n; ++i) {
    s.push_back(static_cast<float>(median * std::exp(z(rng))), 200, ProbeError::none);
  }
  return s;
}

DecideOptions original()
{
  DecideOptions o;
  o.rule = Rule::original;
  return o;
}

} // namespace

TEST_CASE("decimal: parses exactly, rejects what is not a plain decimal")
{
  CHECK(parse_decimal("10")->micros == 10'000'000);
  CHECK(parse_decimal("9.99")->micros == 9'990'000);
  CHECK(parse_decimal("-2")->micros == -2'000'000);
  CHECK(parse_decimal("+0.5")->micros == 500'000);
  CHECK(parse_decimal(".5")->micros == 500'000);
  CHECK_FALSE(parse_decimal("1e1"));
  CHECK_FALSE(parse_decimal(""));
  CHECK_FALSE(parse_decimal("."));
  CHECK_FALSE(parse_decimal("1.2345678"));
  CHECK_FALSE(parse_decimal("ten"));
  CHECK(parse_decimal("9.99")->text() == "9.99");
  CHECK(parse_decimal("-2")->text() == "-2");
}

TEST_CASE("original rule: exactly 10 % keeps, 9.99 % reverts")
{
  CHECK(decide(samples(10, 20), samples(10, 18), original()).decision == Verdict::keep);
  CHECK(decide(samples(10, 100), samples(10, 90.01f), original()).decision == Verdict::revert);
  CHECK(decide(samples(10, 100), samples(10, 90), original()).decision == Verdict::keep);
  // (0.3 - 0.27) / 0.3 is 0.09999999999999995 in binary floating point.
  CHECK(decide(samples(10, 0.3f), samples(10, 0.27f), original()).decision == Verdict::keep);
  const auto d = decide(samples(10, 100), samples(10, 90.01f), original());
  CHECK(d.decided_by == "improvement");
  CHECK(d.improve_pct == Approx(9.99).epsilon(1e-6));
}

TEST_CASE("original rule: an error delta of exactly 2 points keeps, more reverts")
{
  // 7 % - 5 % is 2.000000000000001 in binary floating point.
  CHECK(decide(samples(95, 100, 5), samples(93, 50, 7), original()).decision == Verdict::keep);
  const auto d = decide(samples(95, 100, 5), samples(92, 50, 8), original());
  CHECK(d.decision == Verdict::revert);
  CHECK(d.decided_by == "error_rate");
}

TEST_CASE("original rule: thresholds from the options, both inclusive")
{
  auto o = original();
  o.improve_pct = *parse_decimal("5");
  o.max_err_delta_pct = *parse_decimal("0");
  CHECK(decide(samples(10, 100), samples(10, 95), o).decision == Verdict::keep);
  CHECK(decide(samples(10, 100), samples(10, 95, 1), o).decision == Verdict::revert);
}

TEST_CASE("original rule: fewer than min-samples successful samples reverts, with the reason")
{
  const auto d = decide(samples(10, 20), samples(9, 10, 5), original());
  CHECK(d.decision == Verdict::revert);
  CHECK(d.decided_by == "min_samples");
  REQUIRE_FALSE(d.reasons.empty());
  CHECK(d.reasons[0].find("too few") != std::string::npos);
  auto o = original();
  o.min_samples = 9;
  CHECK(decide(samples(10, 20), samples(9, 10), o).decision == Verdict::keep);
}

TEST_CASE("original rule: transport failures count as errors and never as fast latencies")
{
  // A dead target answers "instantly": the original took that for a gain.
  const auto d = decide(samples(20, 20), samples(10, 20, 20, 0), original());
  CHECK(d.variant.n_errors == 20);
  CHECK(d.variant.p50_ms == Approx(20));
  CHECK(d.decision == Verdict::revert);
}

TEST_CASE("original rule: the metric option picks the percentile")
{
  SampleSet base;
  SampleSet var;
  for (int i = 1; i <= 100; ++i) {
    base.push_back(static_cast<float>(i), 200, ProbeError::none);
    var.push_back(static_cast<float>(i <= 90 ? i : i / 2), 200, ProbeError::none);
  }
  auto o = original();
  CHECK(decide(base, var, o).decision == Verdict::revert); // p50 unchanged
  o.metric = Metric::p99;
  const auto d = decide(base, var, o);
  CHECK(d.base_metric_ms == Approx(99.01));
  CHECK(d.decision == Verdict::keep);
}

TEST_CASE("metrics line has the original's fields")
{
  const auto d = decide(samples(10, 17), samples(10, 14.5f), original());
  CHECK(metrics_line(d) ==
        "baseline_p50_ms=17 variant_p50_ms=14.5 improve_pct=14.7059 baseline_err=0.00 variant_err=0.00 "
        "err_delta=0.00");
}

TEST_CASE("smart rule: A/A does not keep")
{
  std::mt19937_64 rng(1);
  int keeps = 0;
  for (int i = 0; i < 50; ++i) {
    keeps += decide(lognormal(rng, 60, 20, 0.3), lognormal(rng, 60, 20, 0.3), DecideOptions{}).decision ==
             Verdict::keep;
  }
  CHECK(keeps <= 3);
}

TEST_CASE("smart rule: a clear 30 % gain keeps, with its interval")
{
  std::mt19937_64 rng(2);
  const auto d = decide(lognormal(rng, 100, 20, 0.3), lognormal(rng, 100, 14, 0.3), DecideOptions{});
  CHECK(d.decision == Verdict::keep);
  CHECK(d.decided_by == "all_conditions");
  REQUIRE(d.smart);
  CHECK(d.smart->method == "hodges-lehmann");
  CHECK(d.smart->ci_low_pct > 0);
  CHECK(d.smart->estimate_pct == Approx(30).margin(8));
  CHECK_FALSE(d.borderline);
}

TEST_CASE("smart rule: reasons are short, rounded, and say each number once")
{
  std::mt19937_64 rng(2);
  const auto d = decide(lognormal(rng, 300, 20, 0.3), lognormal(rng, 300, 14, 0.3), DecideOptions{});
  REQUIRE(d.decision == Verdict::keep);
  REQUIRE(d.smart);
  REQUIRE(d.reasons.size() == 3);
  CHECK(std::regex_match(
    d.reasons[0],
    std::regex(R"(better: p50 \d+\.\d% faster \(90% CI \d+\.\d% to \d+\.\d%, Hodges-Lehmann\) >= 10%)")));
  CHECK(std::regex_match(d.reasons[1],
                         std::regex(R"(errors [+-]\d+\.\d\d pp \(bound \+\d+\.\d\d pp <= 2 pp\))")));
  CHECK(std::regex_match(d.reasons[2], std::regex(R"(p95 \d+\.\d% faster, p99 \d+\.\d% faster)")));
  // The estimate, rounded, appears once across all reasons.
  const std::string estimate = fmt::format("{:.1f}%", d.smart->estimate_pct);
  std::string all;
  for (const auto& r : d.reasons) {
    all += r + "\n";
  }
  CHECK(all.find(estimate) != std::string::npos);
  CHECK(all.find(estimate) == all.rfind(estimate));
  CHECK(all.find(" pp (bound") == all.rfind(" pp (bound"));

  // Slower: the interval is on the slow-down.
  const auto worse = decide(lognormal(rng, 300, 14, 0.3), lognormal(rng, 300, 20, 0.3), DecideOptions{});
  REQUIRE(worse.decided_by == "latency_worse");
  CHECK(std::regex_match(
    worse.reasons[0],
    std::regex(R"(latency worse: p50 \d+\.\d% slower \(90% CI \d+\.\d% to \d+\.\d%, Hodges-Lehmann\))")));

  // Errors that rose are the first reason and not repeated.
  SampleSet var = lognormal(rng, 190, 14, 0.3);
  for (int i = 0; i < 10; ++i) {
    var.push_back(14, 503, ProbeError::none);
  }
  const auto rose = decide(lognormal(rng, 200, 20, 0.3), var, DecideOptions{});
  REQUIRE(rose.decided_by == "errors_rose");
  CHECK(std::regex_match(rose.reasons[0],
                         std::regex(R"(errors rose: \+5\.00 pp \(lower bound \+\d+\.\d\d pp > 0\))")));
  for (std::size_t i = 1; i < rose.reasons.size(); ++i) {
    CHECK(rose.reasons[i].find("errors") == std::string::npos);
  }
}

TEST_CASE("original rule: a gain keeps the original wording, a loss says slower")
{
  const auto d = decide(samples(100, 20), samples(100, 15), original());
  REQUIRE(d.reasons.size() == 2);
  CHECK(d.reasons[0] == "p50 improved 25% >= 10%");
  CHECK(d.reasons[1] == "error rate +0 pp <= 2 pp");
  // A loss is said as one, not as a negative improvement.
  const auto slower = decide(samples(100, 16), samples(100, 20), original());
  CHECK(slower.reasons[0] == "p50 25% slower (needs an improvement >= 10%)");
  CHECK(decide(samples(100, 20), samples(100, 19), original()).reasons[0] == "p50 improved 5% < 10%");
}

TEST_CASE("smart rule: a gain with +5 points of errors reverts")
{
  std::mt19937_64 rng(3);
  SampleSet var = lognormal(rng, 190, 14, 0.3);
  for (int i = 0; i < 10; ++i) {
    var.push_back(14, 503, ProbeError::none);
  }
  const auto d = decide(lognormal(rng, 200, 20, 0.3), var, DecideOptions{});
  CHECK(d.decision == Verdict::revert);
  CHECK(d.decided_by == "errors_rose");
}

TEST_CASE("smart rule: 0/60 vs 1/60 errors with a gain is inconclusive, not borderline")
{
  std::mt19937_64 rng(4);
  SampleSet var = lognormal(rng, 59, 14, 0.3);
  var.push_back(0.2f, 0, ProbeError::connect);
  const auto d = decide(lognormal(rng, 60, 20, 0.3), var, DecideOptions{});
  CHECK(d.decision == Verdict::inconclusive);
  CHECK(d.verdict() == Verdict::revert);
  CHECK_FALSE(d.borderline); // errors not bounded: no coach may keep it
  CHECK(d.decided_by == "errors_uncertain");
  // 0/60 vs 0/60: the bound (85 %, one-sided) is below 2 points.
  const auto clean = decide(lognormal(rng, 60, 20, 0.3), lognormal(rng, 60, 14, 0.3), DecideOptions{});
  CHECK(clean.decision == Verdict::keep);
  REQUIRE(clean.smart);
  CHECK(clean.smart->err_delta_high_pct < 2);
}

TEST_CASE("smart rule: outliers do not flip the verdict")
{
  std::mt19937_64 rng(5);
  const SampleSet base = lognormal(rng, 60, 20, 0.3);
  SampleSet var = lognormal(rng, 60, 14, 0.3);
  REQUIRE(decide(base, var, DecideOptions{}).decision == Verdict::keep);
  for (std::size_t i = 0; i < 3; ++i) {
    var.latency_ms[i * 7] = 10000; // three huge stalls
  }
  CHECK(decide(base, var, DecideOptions{}).decision == Verdict::keep);
  // Stalls in the baseline do not make an identical variant look better.
  SampleSet base_stalls = base;
  for (std::size_t i = 0; i < 3; ++i) {
    base_stalls.latency_ms[i * 5] = 10000;
  }
  CHECK(decide(base_stalls, base, DecideOptions{}).decision != Verdict::keep);
}

TEST_CASE("smart rule: blocks cancel drift that fools a baseline-then-variant comparison")
{
  // The server gets faster through the run (load falling); the variant
  // changes nothing. Baseline blocks come first in each pair.
  std::mt19937_64 rng(6);
  std::normal_distribution<double> z(0, 0.2);
  SampleSet base_seq, var_seq, base_blk, var_blk;
  const int blocks = 20;
  const int per_block = 15;
  for (int k = 0; k < 2 * blocks; ++k) {
    const double level = 30 * std::exp(-0.012 * k); // 38 % faster by the end
    for (int i = 0; i < per_block; ++i) {
      // Interleaved: even blocks baseline, odd blocks variant.
      const auto ms = static_cast<float>(level * std::exp(z(rng)));
      auto& target = k % 2 == 0 ? base_blk : var_blk;
      target.push_back(ms, 200, ProbeError::none);
      target.block.push_back(static_cast<std::uint32_t>(k / 2));
      // Sequential: the first half baseline, the second variant.
      const auto ms2 = static_cast<float>(level * std::exp(z(rng)));
      (k < blocks ? base_seq : var_seq).push_back(ms2, 200, ProbeError::none);
    }
  }
  const auto sequential = decide(base_seq, var_seq, DecideOptions{});
  CHECK(sequential.decision == Verdict::keep); // fooled: the drift looks like a gain
  const auto paired = decide(base_blk, var_blk, DecideOptions{});
  REQUIRE(paired.smart);
  CHECK(paired.smart->method == "paired-blocks");
  CHECK(paired.smart->blocks == blocks);
  CHECK(paired.decision != Verdict::keep);
  CHECK(paired.smart->estimate_pct < 5);
}

TEST_CASE("smart rule: an early look needs overwhelming evidence")
{
  std::mt19937_64 rng(7);
  const SampleSet base = lognormal(rng, 60, 20, 0.6);
  const SampleSet var = lognormal(rng, 60, 15, 0.6);
  DecideOptions o;
  o.look = 1;
  o.looks = 5;
  const auto early = decide(base, var, o);
  REQUIRE(early.smart);
  CHECK(early.smart->confidence_used > 0.9999);
  CHECK(early.decision != Verdict::keep);
}

TEST_CASE("smart rule: too few samples is inconclusive; a dead target reverts")
{
  const auto few = decide(samples(5, 20), samples(5, 10), DecideOptions{});
  CHECK(few.decision == Verdict::inconclusive);
  CHECK(few.decided_by == "min_samples");
  const auto dead = decide(samples(60, 20), samples(0, 0, 60, 0), DecideOptions{});
  CHECK(dead.decision == Verdict::revert);
  CHECK(dead.decided_by == "errors_rose");
}

TEST_CASE("decision JSON carries the documented fields")
{
  const auto d = decide(samples(10, 17), samples(10, 14.5f), original());
  const auto j = to_json(d);
  CHECK(j.at("decision").as_string() == "keep");
  CHECK(j.at("verdict").as_string() == "keep");
  CHECK(j.at("borderline").as_bool() == false);
  CHECK(j.at("rule").as_string() == "original");
  CHECK(j.at("baseline").as_object().at("p50_ms").to_number<double>() == Approx(17));
  CHECK(j.at("thresholds").as_object().at("improve_pct").to_number<double>() == Approx(10));
  CHECK(j.at("decided_by").as_string() == "thresholds_met");
  const auto none = to_json(decide(samples(0, 0, 10, 0), samples(10, 1), original()));
  CHECK(none.at("baseline").as_object().at("p50_ms").is_null());
}

TEST_CASE("both rules: min-samples 0 still needs one successful sample a side")
{
  DecideOptions o = original();
  o.min_samples = 0;
  const auto d = decide(samples(10, 20), samples(0, 0, 10, 0), o);
  CHECK(d.decision == Verdict::revert);
  CHECK(d.decided_by == "min_samples");
  o.rule = Rule::smart;
  o.metric = Metric::p95;
  CHECK(decide(samples(0, 0, 3, 503), samples(0, 0, 3, 503), o).decision != Verdict::keep);
}

TEST_CASE("decision summaries: percentiles equal the sorted type-7 reference")
{
  // The selection works on float bit patterns in buckets; compare it with
  // stats.hpp's sort-based summary on ties, integers, zeros and spreads.
  std::mt19937_64 rng(11);
  std::lognormal_distribution<double> spread(3, 1.5);
  std::uniform_int_distribution<int> integer(0, 20);
  for (const std::size_t n : {1u, 2u, 3u, 21u, 100u, 1001u, 70000u}) {
    for (int kind = 0; kind < 3; ++kind) {
      SampleSet s;
      for (std::size_t i = 0; i < n; ++i) {
        const double v = kind == 0 ? spread(rng) : kind == 1 ? integer(rng) : (i % 3 == 0 ? 0.0 : 5.0);
        s.push_back(static_cast<float>(v), 200, ProbeError::none);
      }
      const auto reference = summarize(s);
      auto o = original();
      o.min_samples = 1;
      const auto d = decide(s, s, o);
      CHECK(d.baseline.p50_ms == Approx(reference.p50_ms));
      CHECK(d.baseline.p90_ms == Approx(reference.p90_ms));
      CHECK(d.baseline.p95_ms == Approx(reference.p95_ms));
      CHECK(d.baseline.p99_ms == Approx(reference.p99_ms));
      CHECK(d.baseline.min_ms == Approx(reference.min_ms));
      CHECK(d.baseline.max_ms == Approx(reference.max_ms));
    }
  }
}

TEST_CASE("smart rule: borderline is the gray zone only, never an A/A comparison")
{
  // Worth keeping by its estimate, errors bounded, only the interval reaches 0.
  std::mt19937_64 rng(11);
  int gray = 0;
  for (int i = 0; i < 20; ++i) {
    const auto d = decide(lognormal(rng, 80, 20, 0.8), lognormal(rng, 80, 16.5, 0.8), DecideOptions{});
    if (d.decision == Verdict::inconclusive) {
      REQUIRE(d.smart);
      CHECK(d.borderline == (d.smart->estimate_pct >= d.smart->min_effect_pct));
      gray += d.borderline ? 1 : 0;
    }
  }
  CHECK(gray > 0);
  // A/A: the same distribution on both sides is never borderline.
  for (int i = 0; i < 200; ++i) {
    const auto aa = decide(lognormal(rng, 60, 20, 0.3), lognormal(rng, 60, 20, 0.3), DecideOptions{});
    INFO(i);
    CHECK_FALSE(aa.borderline);
  }
}

TEST_CASE("decision reply: what smart-decide --json prints reads back as the same reply")
{
  std::mt19937_64 rng(7);
  auto base = lognormal(rng, 400, 20.0, 0.3);
  auto var = lognormal(rng, 400, 16.0, 0.3);
  base.push_back(5000.0f, 0, ProbeError::timeout);
  for (const Rule rule : {Rule::smart, Rule::original}) {
    DecideOptions options;
    options.rule = rule;
    options.metric = Metric::p95;
    const Decision d = decide(base, var, options);
    // smart-decide prints util::write_json(to_json(decision)).
    const std::string printed = util::write_json(to_json(d));
    const auto reply = decision_reply_from_json(boost::json::parse(printed).as_object());
    CHECK(reply == reply_of(d));
    CHECK(reply.decision == std::string(to_string(d.decision)));
    CHECK(reply.baseline.n == 401);
    CHECK(reply.reasons == d.reasons);
    CHECK(reply.smart.has_value() == (rule == Rule::smart));
    CHECK(util::write_json(to_json(reply)) == printed);
  }
}

TEST_CASE("smart rule: an unbounded interval reads as −∞ / +∞, as on the dashboard, never -inf")
{
  std::vector<float> base_ms{11, 12, 13, 14, 15, 16};
  SampleSet base;
  for (const float ms : base_ms) {
    base.push_back(ms, 200, ProbeError::none);
  }
  DecideOptions options;
  options.min_samples = 1;
  options.metric = Metric::p99;
  const auto d = decide(base, samples(2, 5), options);
  std::string all;
  for (const auto& reason : d.reasons) {
    all += reason + "\n";
  }
  INFO(all);
  CHECK(all.find("−∞%") != std::string::npos);
  CHECK(all.find("inf") == std::string::npos);
}
