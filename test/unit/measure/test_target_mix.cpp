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
