#include <smart/error.hpp>
#include <smart/measure/target.hpp>

#include <catch2/catch.hpp>

using namespace smart;

TEST_CASE("parse_target reads http, https and tcp URLs")
{
  const auto http = parse_target("http://127.0.0.1:8080/status?x=1");
  CHECK(http.scheme == Scheme::http);
  CHECK(http.host == "127.0.0.1");
  CHECK(http.port == 8080);
  CHECK(http.path == "/status?x=1");

  const auto https = parse_target("HTTPS://example.org");
  CHECK(https.scheme == Scheme::https);
  CHECK(https.port == 443);
  CHECK(https.path == "/");

  const auto tcp = parse_target("tcp://[::1]:5432");
  CHECK(tcp.scheme == Scheme::tcp);
  CHECK(tcp.host == "::1");
  CHECK(tcp.port == 5432);
  CHECK(tcp.authority() == "[::1]:5432");

  CHECK(parse_target("http://h/p#frag").path == "/p");
  CHECK(parse_target("http://h?q").path == "/?q");
  CHECK(parse_target("http://h").port == 80);
}

TEST_CASE("parse_target rejects what it cannot measure")
{
  CHECK_THROWS_AS(parse_target(""), UsageError);
  CHECK_THROWS_AS(parse_target("127.0.0.1"), UsageError);
  CHECK_THROWS_WITH(parse_target("ftp://h/"), Catch::Contains("unsupported scheme 'ftp'"));
  CHECK_THROWS_WITH(parse_target("tcp://h"), Catch::Contains("needs a port"));
  CHECK_THROWS_WITH(parse_target("tcp://h:22/x"), Catch::Contains("no path"));
  CHECK_THROWS_WITH(parse_target("http://h:0/"), Catch::Contains("invalid port"));
  CHECK_THROWS_WITH(parse_target("http://h:65536/"), Catch::Contains("invalid port"));
  CHECK_THROWS_WITH(parse_target("http://h:/"), Catch::Contains("empty port"));
  CHECK_THROWS_WITH(parse_target("http:///x"), Catch::Contains("no host"));
  CHECK_THROWS_WITH(parse_target("http://u:p@h/"), Catch::Contains("user information"));
  CHECK_THROWS_WITH(parse_target("http://h/a b"), Catch::Contains("white space"));
  CHECK_THROWS_WITH(parse_target("http://[::1/"), Catch::Contains("unterminated"));
}
