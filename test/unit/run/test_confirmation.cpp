#include <smart/error.hpp>
#include <smart/run/confirmation.hpp>

#include <catch2/catch.hpp>

using namespace smart;

namespace {
Experiment three_variants()
{
  return parse_experiment(R"({"id": "e", "description": "d", "target_url": "http://127.0.0.1/",
    "variants": [{"name": "baseline", "apply": "true"}, {"name": "a", "apply": "true"},
                 {"name": "b", "apply": "true"}],
    "revert": "true"})",
                          "meta.json", "/x");
}

Verdict verdict(std::string decision, std::string decided_by)
{
  Verdict v;
  v.decision = std::move(decision);
  v.decided_by = std::move(decided_by);
  return v;
}
} // namespace

TEST_CASE("confirmation: --confirm leaves only the named variant")
{
  auto exp = three_variants();
  restrict_to_variant(exp, "b");
  REQUIRE(exp.variants.size() == 1);
  CHECK(exp.variants[0].name == "b");
}

TEST_CASE("confirmation: an unknown variant or the baseline is a usage error naming the variants")
{
  auto exp = three_variants();
  CHECK_THROWS_WITH(restrict_to_variant(exp, "c"),
                    Catch::Contains("no variant 'c'") && Catch::Contains("a, b"));
  CHECK_THROWS_AS(restrict_to_variant(exp, "baseline"), UsageError);
  CHECK(exp.variants.size() == 2);
}

TEST_CASE("confirmation: a value not shown worse is kept, one shown worse or unsafe is not")
{
  for (const auto* safe : {"no_worthwhile_gain", "latency_uncertain"}) {
    auto v = verdict(safe == std::string("latency_uncertain") ? "inconclusive" : "revert", safe);
    REQUIRE(confirm_verdict(v));
    CHECK(v.decision == "keep");
    CHECK(v.reasons.back().find(safe) != std::string::npos);
  }
  for (const auto* unsafe : {"errors_rose", "latency_worse", "tail_worse", "target_worse", "min_samples",
                             "errors_uncertain", "abort guard"}) {
    auto v = verdict("revert", unsafe);
    CHECK_FALSE(confirm_verdict(v));
    CHECK(v.decision == "revert");
  }
  auto kept = verdict("keep", "all_conditions");
  CHECK_FALSE(confirm_verdict(kept));
  CHECK(kept.decision == "keep");
}
