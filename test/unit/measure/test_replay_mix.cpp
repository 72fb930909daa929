#include <smart/error.hpp>
#include <smart/measure/replay_mix.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>

using namespace smart;

namespace {

std::string line(std::string_view method, std::string_view target)
{
  return fmt::format(R"(10.0.0.1 - - [03/Dec/2026:09:03:09 +0000] "{} {} HTTP/1.1" 200 10 "-" "ua")", method,
                     target);
}

} // namespace

TEST_CASE("replay mix: most requested GET/HEAD paths, weighted, never other methods")
{
  const auto format = LogFormat::parse("combined");
  ReplayOptions options;
  options.top = 2;
  ReplayMixBuilder builder(format, options);
  for (int i = 0; i < 5; ++i) {
    builder.add(line("GET", "/a?x=" + std::to_string(i)));
  }
  builder.add(line("HEAD", "/b"));
  builder.add(line("GET", "/b"));
  builder.add(line("GET", "/c"));
  for (int i = 0; i < 9; ++i) {
    builder.add(line("POST", "/login"));
  }
  builder.add("not a log line");
  const ReplayMix mix = builder.finish();
  REQUIRE(mix.paths.size() == 2);
  CHECK(mix.paths[0].path == "/a");
  CHECK(mix.paths[0].count == 5);
  CHECK(mix.paths[1].path == "/b");
  CHECK(mix.paths[1].count == 2);
  CHECK(mix.other_methods == 9);
  CHECK(mix.malformed == 1);
  CHECK(mix.first_malformed_line == 18);
  CHECK(mix.distinct == 3);
}

TEST_CASE("replay mix: query strings kept on request, private paths excluded")
{
  const auto format = LogFormat::parse("combined");
  ReplayOptions options;
  options.query = QueryString::keep;
  options.exclude = {"/admin/*", "/private"};
  ReplayMixBuilder builder(format, options);
  builder.add(line("GET", "/s?q=1"));
  builder.add(line("GET", "/s?q=2"));
  builder.add(line("GET", "/admin/users?id=3"));
  builder.add(line("GET", "/private"));
  const ReplayMix mix = builder.finish();
  REQUIRE(mix.paths.size() == 2);
  CHECK(mix.paths[0].path == "/s?q=1");
  CHECK(mix.paths[1].path == "/s?q=2");
  CHECK(mix.excluded == 2);
}

TEST_CASE("replay mix: a format without the request line cannot replay")
{
  const auto format = LogFormat::parse("$status $request_time");
  CHECK_THROWS_WITH(ReplayMixBuilder(format, ReplayOptions{}), Catch::Contains("lacks $request"));
}
