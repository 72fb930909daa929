#include <smart/run/outcome_text.hpp>

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <fmt/format.h>

using namespace smart;

namespace {
DecisionReply verdict(const char* decided_by, double estimate, double low, double high, double err_delta,
                      double err_high)
{
  auto value = boost::json::parse(fmt::format(
    R"({{"decision": "inconclusive", "decided_by": "{}", "err_delta_pct": {}, "thresholds": {{"max_err_delta_pct": 2}},
        "smart": {{"estimate_improve_pct": {}, "ci_improve_pct": [{}, {}], "confidence_used": 0.95,
                   "err_delta_high_pct": {}, "min_effect_pct": 10}}}})",
    decided_by, err_delta, estimate, low, high, err_high));
  return decision_reply_from_json(value.as_object());
}
} // namespace

TEST_CASE("outcome text: an inconclusive verdict says what it found and how much more data would settle it")
{
  const auto errors = inconclusive_account(verdict("errors_uncertain", 25, 16, 33, 0.5, 2.9), 300);
  REQUIRE(errors);
  // The bound is 2.4 pp above the increase seen and must come down to 1.5:
  // (2.4 / 1.5)^2 = 2.56 times the data, 1.56 x 300 s more.
  CHECK(*errors == "inconclusive: 25% faster (90% CI 16–33%) but the error increase is not bounded "
                   "(up to +2.90 pp > 2 pp) — about 468 more seconds a side would settle it");
  const auto over = inconclusive_account(verdict("errors_uncertain", 25, 16, 33, 2.5, 4), 300);
  CHECK_THAT(*over, Catch::EndsWith("the increase seen (+2.50 pp) is itself above the limit"));
  const auto latency = inconclusive_account(verdict("latency_uncertain", 12, -2, 26, 0, 0.3), 100);
  CHECK(*latency ==
        "inconclusive: 12% faster (90% CI -2–26%) but the interval still reaches 0 — about 37 more "
        "seconds a side would settle it");
  const auto small = inconclusive_account(verdict("latency_uncertain", 4, -3, 11, 0, 0.3), 100);
  CHECK_THAT(*small, Catch::Contains("under the 10% worth keeping"));
  auto keep = verdict("all_conditions", 25, 16, 33, 0, 0.3);
  keep.decision = "keep";
  CHECK_FALSE(inconclusive_account(keep, 300));
}

TEST_CASE("outcome text: nothing kept says why, never 'no variant was better' over a better estimate")
{
  VariantResult slow{"slow", VariantOutcome::revert, {"latency worse"}, false, {}, {}, {}, "", ""};
  CHECK(nothing_kept_reason({slow}) == "no variant was better; every variant reverted");
  VariantResult fast{"fast",
                     VariantOutcome::inconclusive,
                     {"inconclusive: 25% faster (90% CI 16–33%) but ..."},
                     true,
                     {},
                     {},
                     {},
                     "",
                     ""};
  CHECK(nothing_kept_reason({slow, fast}) ==
        "nothing kept; fast: inconclusive: 25% faster (90% CI 16–33%) but ...");
}
