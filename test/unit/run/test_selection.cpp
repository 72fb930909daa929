#include <smart/error.hpp>
#include <smart/run/experiment.hpp>
#include <smart/run/selection.hpp>

#include <catch2/catch.hpp>

#include <algorithm>

using namespace smart;

namespace {
Experiment with_risk(std::string_view risk)
{
  const auto json =
    std::string(R"({"id":"x","variants":[{"name":"baseline","apply":"true"},{"name":"v","apply":"true"}],)") +
    R"("revert":"true","target_url":"http://127.0.0.1/","risk":")" + std::string(risk) + "\"}";
  return parse_experiment(json, "meta.json", "/x");
}
} // namespace

TEST_CASE("selection: meta.json risk is none, durability or availability; anything else is a problem")
{
  CHECK(with_risk("none").risk == Risk::none);
  CHECK(with_risk("durability").risk == Risk::durability);
  CHECK(with_risk("availability").risk == Risk::availability);
  CHECK_THROWS_WITH(with_risk("lots"),
                    Catch::Contains("risk: 'lots' is not none, durability or availability"));
}

TEST_CASE("selection: --next passes over a risky experiment unless ALLOW_RISK names its class")
{
  const auto none = parse_allowed_risks("");
  CHECK_FALSE(next_refusal(with_risk("none"), none));
  const auto refusal = next_refusal(with_risk("durability"), none);
  REQUIRE(refusal);
  CHECK_THAT(*refusal, Catch::Contains("risk class durability is not allowed"));
  CHECK(next_refusal(with_risk("availability"), none));

  const auto durable = parse_allowed_risks("durability");
  CHECK_FALSE(next_refusal(with_risk("durability"), durable));
  CHECK(next_refusal(with_risk("availability"), durable));

  const auto both = parse_allowed_risks(" availability, durability ");
  CHECK_FALSE(next_refusal(with_risk("availability"), both));
  CHECK_FALSE(next_refusal(with_risk("durability"), both));
}

TEST_CASE("selection: an unknown ALLOW_RISK word is a usage error naming it")
{
  CHECK_THROWS_AS(parse_allowed_risks("durability,everything"), UsageError);
  CHECK_THROWS_WITH(parse_allowed_risks("durability,everything"), Catch::Contains("'everything'"));
}

TEST_CASE("selection: --dry-run's safety notes name what the checklist misses")
{
  const auto bare = parse_experiment(
    R"({"id":"x","variants":[{"name":"baseline","apply":"true"},{"name":"v","apply":"echo $X > /etc/f"}],
        "revert":"rm /etc/f","target_url":"http://127.0.0.1/","risk":"durability","timeout_seconds":900})",
    "meta.json", "/x");
  const auto notes = safety_notes(bare);
  auto has = [&](std::string_view text) {
    return std::any_of(notes.begin(), notes.end(),
                       [&](const auto& n) { return n.find(text) != std::string::npos; });
  };
  CHECK(has("no check command"));
  CHECK(has("variant v: apply is a shell string"));
  CHECK(has("revert is a shell string"));
  CHECK(has("risk class durability but no \"risks\""));
  CHECK(has("no \"helps_when\""));
  CHECK(has("timeout_seconds 900"));

  const auto good = parse_experiment(
    R"({"id":"x","variants":[{"name":"baseline","apply":"true"},{"name":"v","apply":["/bin/sh","s.sh","apply","1"]}],
        "revert":["/bin/sh","s.sh","revert"],"check":["/bin/sh","s.sh","check"],"target_url":"http://127.0.0.1/",
        "helps_when":"always","risks":"nothing","risk":"none"})",
    "meta.json", "/x");
  CHECK(safety_notes(good).empty());
}
