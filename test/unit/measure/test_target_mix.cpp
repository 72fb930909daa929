#include <smart/error.hpp>
#include <smart/measure/target_mix.hpp>

#include <catch2/catch.hpp>

using namespace smart;

TEST_CASE("targets file: URL, weight, method and headers, comments skipped")
{
  const auto targets =
    parse_targets_file("# the shop\n"
                       "http://127.0.0.1:8080/ 3\n"
                       "\n"
                       "http://127.0.0.1:8080/big.css -H 'Accept-Encoding: gzip'  # assets\n"
                       "http://127.0.0.1:8080/api 0.5 -X HEAD -H \"X-A: b c\"\n",
                       "mix.txt");
  REQUIRE(targets.size() == 3);
  CHECK(targets[0].weight == 3);
  CHECK(targets[0].target.path == "/");
  CHECK(targets[1].weight == 1);
  CHECK(targets[1].headers == std::vector<std::string>{"Accept-Encoding: gzip"});
  CHECK(targets[2].method == "HEAD");
  CHECK(targets[2].weight == 0.5);
  CHECK(targets[2].headers == std::vector<std::string>{"X-A: b c"});
  CHECK(parse_targets_file(format_target_line(targets[2]), "again")[0].headers == targets[2].headers);
}

TEST_CASE("targets file: every problem is reported with its line")
{
  try {
    (void)parse_targets_file("ftp://x/\nhttp://a/ zero\nhttp://a/ 1 -H nocolon\nhttp://a/ 'open\n", "m.txt");
    FAIL("no error");
  } catch (const UsageError& error) {
    const std::string what = error.what();
    CHECK(what.find("m.txt:1:") != std::string::npos);
    CHECK(what.find("m.txt:2: 'zero' is not a weight") != std::string::npos);
    CHECK(what.find("m.txt:3: header 'nocolon'") != std::string::npos);
    CHECK(what.find("m.txt:4: unbalanced") != std::string::npos);
  }
  CHECK_THROWS_WITH(parse_targets_file("# nothing\n", "e.txt"), Catch::Contains("e.txt: no targets"));
}

TEST_CASE("mix picker: picks in proportion to the weights, spread out")
{
  MixPicker picker({3, 1});
  std::vector<std::size_t> picks;
  for (int i = 0; i < 8; ++i) {
    picks.push_back(picker.next());
  }
  CHECK(picks == std::vector<std::size_t>{0, 0, 1, 0, 0, 0, 1, 0});
}

TEST_CASE("targets file: a target's own checks replace the global ones of their kind")
{
  const auto targets =
    parse_targets_file("http://127.0.0.1/ 2 --expect-body '/w.rld/'\n"
                       "http://127.0.0.1/api --expect-status 200,401 --expect-min-bytes 0\n",
                       "mix.txt");
  REQUIRE(targets.size() == 2);
  CHECK(targets[0].expect_body == "/w.rld/");
  CHECK_FALSE(targets[0].expect_status);
  CHECK(targets[1].expect_status == "200,401");
  CHECK(targets[1].expect_min_bytes == 0u);

  ResponseChecks global;
  global.status = *StatusSet::parse("200");
  global.min_bytes = 10;
  auto page = checks_for(targets[0], global);
  CHECK(page.check(401, "hello world", 11) == ProbeError::unexpected_status);
  CHECK(page.check(200, "hello world", 11) == ProbeError::none);
  CHECK(page.check(200, "hello moon!", 11) == ProbeError::body_mismatch);
  CHECK(page.check(200, "world", 5) == ProbeError::too_small);
  auto api = checks_for(targets[1], global);
  CHECK(api.check(401, "", 0) == ProbeError::none);
  CHECK(api.check(403, "", 0) == ProbeError::unexpected_status);
}

TEST_CASE("targets file: checks and awkward words are written back as they were read")
{
  MixTarget target;
  target.target = parse_target("http://127.0.0.1/x");
  target.weight = 0.25;
  target.method = "POST";
  target.headers = {"X-A: it's \"quoted\" # not a comment"};
  target.expect_status = "200-299,401";
  target.expect_body = "say \"it's\"";
  target.expect_min_bytes = 42;
  const auto again = parse_targets_file(format_target_line(target), "again");
  REQUIRE(again.size() == 1);
  CHECK(again[0].weight == 0.25);
  CHECK(again[0].method == "POST");
  CHECK(again[0].headers == target.headers);
  CHECK(again[0].expect_status == target.expect_status);
  CHECK(again[0].expect_body == target.expect_body);
  CHECK(again[0].expect_min_bytes == target.expect_min_bytes);
}

TEST_CASE("targets file: a bad check is named with its line")
{
  try {
    (void)parse_targets_file("http://a/ --expect-status 99\n"
                             "http://a/ --expect-body '/(/'\n"
                             "http://a/ --expect-min-bytes -3\n"
                             "http://a/ --expect-body ''\n"
                             "tcp://a:1 --expect-status 200\n"
                             "http://a/ --expect-status\n"
                             "http://a/ --expect-body '/\\11111111111/'\n",
                             "m.txt");
    FAIL("no error");
  } catch (const UsageError& error) {
    const std::string what = error.what();
    CHECK(what.find("m.txt:1: --expect-status '99'") != std::string::npos);
    CHECK(what.find("m.txt:2: --expect-body: expected body '/(/': not a regular expression") !=
          std::string::npos);
    CHECK(what.find("m.txt:3: --expect-min-bytes '-3'") != std::string::npos);
    CHECK(what.find("m.txt:4: --expect-body must not be empty") != std::string::npos);
    CHECK(what.find("m.txt:5: tcp:// targets take no method, headers or response checks") !=
          std::string::npos);
    CHECK(what.find("m.txt:6: --expect-status needs a value") != std::string::npos);
    CHECK(
      what.find("m.txt:7: --expect-body: expected body '/\\11111111111/': not a regular expression: a number "
                "of more than 9 digits") != std::string::npos);
  }
}
