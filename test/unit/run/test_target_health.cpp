#include <smart/run/experiment.hpp>
#include <smart/run/target_health.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace smart;

namespace {
SampleSet rows(int good, int bad, int bad_code, ProbeError bad_error)
{
  SampleSet s;
  for (int i = 0; i < good; ++i) {
    s.push_back(1.0F, 200, ProbeError::none);
  }
  for (int i = 0; i < bad; ++i) {
    s.push_back(1.0F, static_cast<std::uint16_t>(bad_code), bad_error);
  }
  return s;
}
} // namespace

TEST_CASE("target health: a baseline with more than half errors is unhealthy")
{
  const ResponseExpectations none;
  const auto dead = unhealthy_baseline(rows(0, 30, 0, ProbeError::connect), none);
  REQUIRE(dead);
  CHECK(*dead == "target unhealthy: 30 of 30 baseline samples failed (connect 30); no variant was tried");
  CHECK(unhealthy_baseline(rows(14, 16, 404, ProbeError::none), none));
  CHECK_FALSE(unhealthy_baseline(rows(15, 15, 404, ProbeError::none), none)); // half is not more than half
  CHECK_FALSE(unhealthy_baseline(rows(30, 0, 0, ProbeError::none), none));
  // An endpoint expected to answer 404 is healthy when it does.
  ResponseExpectations expect_404;
  expect_404.status = "404";
  CHECK_FALSE(unhealthy_baseline(rows(0, 30, 404, ProbeError::none), expect_404));
}

TEST_CASE("target health: meta.json's checks become smart-measure and smart-decide arguments")
{
  ResponseExpectations e;
  CHECK(measure_check_args(e, "/run").empty());
  CHECK(decide_check_args(e).empty());
  e.status = "200-299,401";
  e.body = "/ok/";
  e.min_bytes = 10;
  e.same_body = true;
  CHECK(measure_check_args(e, "/run") ==
        std::vector<std::string>{"--expect-status", "200-299,401", "--expect-body", "/ok/",
                                 "--expect-min-bytes", "10", "--expect-same-body", "/run/body.sha256"});
  CHECK(decide_check_args(e) == std::vector<std::string>{"--ok-status", "200-299,401"});
}

TEST_CASE("experiment: expect_* keys parse, and a bad status list is reported with its path")
{
  const auto exp = parse_experiment(R"({"id": "x", "target_url": "http://127.0.0.1/", "revert": "true",
    "variants": [{"name": "a", "apply": "true"}], "expect_status": "200,404", "expect_body": "hello",
    "expect_min_bytes": 5, "expect_same_body": true})",
                                    "meta.json", "/x");
  CHECK(exp.expect.status == "200,404");
  CHECK(exp.expect.body == "hello");
  CHECK(exp.expect.min_bytes == 5);
  CHECK(exp.expect.same_body);
  CHECK(exp.warnings.empty());
  try {
    parse_experiment(R"({"id": "x", "target_url": "http://127.0.0.1/", "revert": "true",
      "variants": [{"name": "a", "apply": "true"}], "expect_status": "2xx", "expect_same_body": "yes"})",
                     "meta.json", "/x");
    FAIL("no error");
  } catch (const ExperimentError& e) {
    const std::string what = e.what();
    CHECK_THAT(what, Catch::Contains("expect_status"));
    CHECK_THAT(what, Catch::Contains("expect_same_body"));
  }
}
