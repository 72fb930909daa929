#include <smart/phone/coach_api.hpp>
#include <smart/phone/host_metrics.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <algorithm>

using namespace smart;
namespace json = boost::json;

TEST_CASE("the api answer must be a verdict with a confidence between 0 and 1")
{
  auto a = parse_api_answer(R"({"verdict":"keep","confidence":0.92,"reason":"ok"})");
  REQUIRE(a);
  CHECK(a->verdict == "keep");
  CHECK(a->confidence == Approx(0.92));
  CHECK_FALSE(parse_api_answer(R"({"verdict":"KEEP","confidence":0.9})"));
  CHECK_FALSE(parse_api_answer(R"({"verdict":"keep","confidence":1.5})"));
  CHECK_FALSE(parse_api_answer(R"({"verdict":"keep"})"));
  CHECK_FALSE(parse_api_answer("<html>"));
}

TEST_CASE("advice is read when present and ignored when not")
{
  auto advice = parse_advice(R"({"advice":"try 4 workers","next_variant":"workers_4","confidence":0.85})");
  REQUIRE(advice);
  CHECK(advice->advice == "try 4 workers");
  CHECK(advice->next_variant == "workers_4");
  CHECK(advice->confidence == Approx(0.85));
  advice = parse_advice(R"({"advice":"none"})");
  REQUIRE(advice);
  CHECK_FALSE(advice->next_variant);
  CHECK_FALSE(advice->confidence);
  CHECK_FALSE(parse_advice(""));
  CHECK_FALSE(parse_advice("OK"));
  CHECK_FALSE(parse_advice(R"({"status":"queued"})"));
}

TEST_CASE("the run payload has the fields the coach expects")
{
  HostMetrics host;
  host.cpu_pct = 12.34;
  host.load = std::array<double, 3>{0.5, 0.25, 0.125};
  const auto payload = json::parse(build_run_payload("20261122T232318Z", json::parse(R"({"status":"kept"})"),
                                                     "web-1", host, json::parse(R"({"run_id":"x"})"),
                                                     std::chrono::system_clock::from_time_t(0)));
  CHECK(payload.at("run_id") == "20261122T232318Z");
  CHECK(payload.at("server_id") == "web-1");
  CHECK(payload.at("state").at("status") == "kept");
  CHECK(payload.at("summary").at("run_id") == "x");
  CHECK(payload.at("host").at("cpu_pct").as_double() == Approx(12.3));
  CHECK(payload.at("host").at("mem_pct").is_null());
  CHECK(payload.at("host").at("load").as_array().size() == 3);
}

TEST_CASE("requests carry the Bearer token and the Idempotency-Key")
{
  CoachSettings settings;
  settings.token = CoachToken{"s3cret", "test", std::nullopt};
  const auto request = coach_request(settings, "http://x", "{}", std::string("run-1"));
  CHECK(std::count(request.headers.begin(), request.headers.end(),
                   std::pair<std::string, std::string>{"Authorization", "Bearer s3cret"}) == 1);
  CHECK(std::count(request.headers.begin(), request.headers.end(),
                   std::pair<std::string, std::string>{"Idempotency-Key", "run-1"}) == 1);
}

TEST_CASE("join_url puts one slash between the base and the path")
{
  CHECK(join_url("https://coach/api/", "ask") == "https://coach/api/ask");
  CHECK(join_url("https://coach/api", "claims/x") == "https://coach/api/claims/x");
}
