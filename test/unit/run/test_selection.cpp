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

namespace {
boost::json::object run_record(std::string_view id, std::string_view status, std::string_view started,
                               std::string_view outcome = "revert", std::string_view mode = "run")
{
  boost::json::array variants;
  variants.push_back(boost::json::object{{"name", "v"}, {"outcome", outcome}});
  return boost::json::object{{"run_id", id},        {"status", status}, {"started_at", started},
                             {"kept_variant", "v"}, {"mode", mode},     {"variants", variants}};
}
} // namespace

TEST_CASE(
  "selection: a settled experiment waits RECHECK_DAYS; an inconclusive or advise run does not settle it")
{
  const std::string now = "2026-12-03T09:00:00Z";
  CHECK_FALSE(lifecycle_refusal({}, now, 30));
  const auto kept = lifecycle_refusal({run_record("r1", "kept", "2026-11-20T03:00:00Z", "keep")}, now, 30);
  REQUIRE(kept);
  CHECK_THAT(*kept, Catch::Contains("settled: run r1 kept"));
  CHECK_FALSE(lifecycle_refusal({run_record("r1", "kept", "2026-11-01T03:00:00Z", "keep")}, now, 30));
  CHECK(lifecycle_refusal({run_record("r1", "reverted", "2026-12-01T03:00:00Z", "revert")}, now, 30));
  CHECK_FALSE(
    lifecycle_refusal({run_record("r1", "reverted", "2026-12-01T03:00:00Z", "inconclusive")}, now, 30));
  CHECK_FALSE(
    lifecycle_refusal({run_record("r1", "kept", "2026-12-01T03:00:00Z", "keep", "advise")}, now, 30));
}

TEST_CASE("selection: a settled experiment is run again once the files it manages changed since it settled")
{
  const std::string now = "2026-12-03T09:00:00Z";
  auto kept = run_record("r1", "kept", "2026-12-01T03:00:00Z", "keep");
  kept["managed_fingerprint"] = "/etc/nginx/nginx.conf=2048:00000000000000aa";
  CHECK(lifecycle_refusal({kept}, now, 30, "/etc/nginx/nginx.conf=2048:00000000000000aa"));
  CHECK_FALSE(lifecycle_refusal({kept}, now, 30, "/etc/nginx/nginx.conf=2050:00000000000000bb"));
  // Manages nothing, or a record from before fingerprints were recorded: the days decide.
  CHECK(lifecycle_refusal({kept}, now, 30, ""));
  CHECK(lifecycle_refusal({run_record("r1", "kept", "2026-12-01T03:00:00Z", "keep")}, now, 30, "/x=1:0"));
}

TEST_CASE("selection: two failed runs in a row pause an experiment; a run that does not fail ends the pause")
{
  const std::string now = "2026-12-03T09:00:00Z";
  const auto failed1 = run_record("f1", "failed", "2026-12-01T03:00:00Z", "inconclusive");
  const auto failed2 = run_record("f2", "failed", "2026-12-02T03:00:00Z", "inconclusive");
  const auto paused = lifecycle_refusal({failed1, failed2}, now, 30);
  REQUIRE(paused);
  CHECK_THAT(*paused, Catch::Contains("paused: its last two runs (f1, f2) failed"));
  CHECK_FALSE(lifecycle_refusal({failed2}, now, 30));
  CHECK_FALSE(lifecycle_refusal(
    {failed1, failed2, run_record("a", "reverted", "2026-12-02T04:00:00Z", "inconclusive")}, now, 30));
}

TEST_CASE("selection: RUN_WINDOW is local HH:MM-HH:MM, may wrap midnight; a malformed one is a usage error")
{
  CHECK(in_run_window("", 12 * 60));
  CHECK(in_run_window("02:00-05:00", 2 * 60));
  CHECK(in_run_window("02:00-05:00", 4 * 60 + 59));
  CHECK_FALSE(in_run_window("02:00-05:00", 5 * 60));
  CHECK_FALSE(in_run_window("02:00-05:00", 1 * 60 + 59));
  CHECK(in_run_window("23:00-01:00", 23 * 60 + 30));
  CHECK(in_run_window("23:00-01:00", 30));
  CHECK_FALSE(in_run_window("23:00-01:00", 12 * 60));
  CHECK_THROWS_AS(in_run_window("2-5", 0), UsageError);
  CHECK_THROWS_AS(in_run_window("25:00-26:00", 0), UsageError);
}
