#include <smart/run/experiment.hpp>
#include <smart/run/target_health.hpp>
#include <smart/run/target_list.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace smart;

namespace {
std::string problems_of(std::string_view json)
{
  try {
    parse_experiment(json, "meta.json", "/x");
  } catch (const ExperimentError& e) {
    return e.what();
  }
  return {};
}
} // namespace

TEST_CASE("target list: meta.json's targets become smart-measure's targets file")
{
  const auto exp = parse_experiment(R"({
    "id": "m", "variants": [{"name": "a", "apply": "true"}], "revert": "true",
    "targets": [{"url": "http://127.0.0.1/", "weight": 5},
                {"url": "http://127.0.0.1/app.css", "weight": 2, "headers": ["Accept-Encoding: gzip"]},
                {"url": "http://127.0.0.1/api/health", "method": "HEAD"}]})",
                                    "meta.json", "/x");
  REQUIRE(exp.targets.size() == 3);
  CHECK(exp.target_url == "http://127.0.0.1/");
  CHECK(targets_file_text(exp.targets) == "# the experiment's targets (meta.json), written by smart-run\n"
                                          "http://127.0.0.1/ 5\n"
                                          "http://127.0.0.1/app.css 2 -H 'Accept-Encoding: gzip'\n"
                                          "http://127.0.0.1/api/health 1 -X HEAD\n");
}

TEST_CASE("target list: every problem of the targets is reported with its path")
{
  const auto problems = problems_of(R"({
    "id": "m", "variants": [{"name": "a", "apply": "true"}], "revert": "true",
    "target_url": "http://127.0.0.1/", "measure": {"source": "access_log"},
    "targets": [{"url": "ftp://x/"}, {"url": "http://127.0.0.1/", "weight": 0},
                {"url": "http://127.0.0.1/", "method": "get", "headers": ["no colon", 3]}, "x"]})");
  CHECK(problems.find("targets[0].url: \"ftp://x/\" is not") != std::string::npos);
  CHECK(problems.find("targets[1].weight: expected a number above 0") != std::string::npos);
  CHECK(problems.find("targets[2].method") != std::string::npos);
  CHECK(problems.find("targets[2].headers[0]: \"no colon\"") != std::string::npos);
  CHECK(problems.find("targets[2].headers[1]") != std::string::npos);
  CHECK(problems.find("targets[3]: expected an object") != std::string::npos);
  CHECK(problems.find("targets: both targets and target_url") != std::string::npos);
  CHECK(
    problems.find("targets: a mix is measured by smart-measure's requests (probes or load): no measure") !=
    std::string::npos);
}

TEST_CASE("target list: a target's own checks reach the targets file")
{
  const auto exp = parse_experiment(R"({
    "id": "m", "variants": [{"name": "a", "apply": "true"}], "revert": "true",
    "targets": [{"url": "http://127.0.0.1/", "expect_body": "it's /home/", "expect_min_bytes": 100},
                {"url": "http://127.0.0.1/api", "weight": 2, "expect_status": "401"}]})",
                                    "meta.json", "/x");
  REQUIRE(exp.targets.size() == 2);
  CHECK(exp.targets[1].expect_status == "401");
  CHECK(targets_file_text(exp.targets) ==
        "# the experiment's targets (meta.json), written by smart-run\n"
        "http://127.0.0.1/ 1 --expect-body \"it's /home/\" --expect-min-bytes 100\n"
        "http://127.0.0.1/api 2 --expect-status 401\n");
  CHECK(with_target_codes(exp.expect, exp.targets).status == "200-399,401");
}

TEST_CASE("target list: a target's bad checks are named by their path")
{
  const auto problems = problems_of(R"({
    "id": "m", "variants": [{"name": "a", "apply": "true"}], "revert": "true",
    "targets": [{"url": "http://127.0.0.1/"},
                {"url": "http://127.0.0.1/a", "expect_min_bytes": -1},
                {"url": "http://127.0.0.1/b", "expect_status": "2000", "expect_body": "/(/"},
                {"url": "tcp://127.0.0.1:1", "expect_status": "200"}]})");
  CHECK_THAT(problems, Catch::Contains("targets[1].expect_min_bytes"));
  CHECK_THAT(problems, Catch::Contains("targets[2].expect_status"));
  CHECK_THAT(problems, Catch::Contains("targets[2].expect_body: \"/(/\" is not a regular expression"));
  CHECK_THAT(problems, Catch::Contains("targets[3].url: a tcp:// target takes no expect_status"));
}

TEST_CASE("target list: a mix in load mode stays on one origin")
{
  const auto ok = parse_experiment(R"({
    "id": "m", "variants": [{"name": "a", "apply": "true"}], "revert": "true", "load": {"rate": 100},
    "targets": [{"url": "http://127.0.0.1:8080/"}, {"url": "http://127.0.0.1:8080/api", "method": "HEAD"}]})",
                                   "meta.json", "/x");
  CHECK(ok.targets.size() == 2);
  const auto problems = problems_of(R"({
    "id": "m", "variants": [{"name": "a", "apply": "true"}], "revert": "true", "load": {"rate": 100},
    "targets": [{"url": "http://127.0.0.1:8080/"}, {"url": "http://127.0.0.1:8081/"},
                {"url": "tcp://127.0.0.1:8080"}]})");
  CHECK_THAT(problems, Catch::Contains("targets[1].url: load mode takes a mix on one origin"));
  CHECK_THAT(problems, Catch::Contains("targets[2].url: load mode needs http:// or https:// targets"));
}
