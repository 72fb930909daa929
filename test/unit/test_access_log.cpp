#include <smart/access_log.hpp>
#include <smart/error.hpp>

#include <catch2/catch.hpp>

using namespace smart;

TEST_CASE("access log: a combined line gives method, path, status and time")
{
  const auto format = LogFormat::parse("combined");
  LogEntry entry;
  REQUIRE(format.parse(
    R"(127.0.0.1 - - [03/Dec/2026:09:03:09 +0100] "GET /a/b?x=1 HTTP/1.1" 200 612 "-" "curl/7.88")", entry));
  CHECK(entry.method == "GET");
  CHECK(entry.target == "/a/b?x=1");
  CHECK(entry.status == 200);
  CHECK(entry.body_bytes == 612U);
  CHECK(entry.user_agent == "curl/7.88");
  CHECK_FALSE(entry.request_time_s);
  // 2026-12-03T08:03:09Z
  CHECK(entry.time_ms == 1796284989000LL);
  CHECK_FALSE(format.has(LogField::request_time));
}

TEST_CASE("access log: a format given as nginx config text, with times and upstreams")
{
  const auto format = LogFormat::parse(
    R"(log_format timed '$remote_addr [$time_iso8601] "$request" $status '
                          'rt=$request_time urt="$upstream_response_time" ms=$msec';)");
  CHECK(format.has(LogField::request_time));
  CHECK(format.has(LogField::upstream_response_time));
  LogEntry entry;
  REQUIRE(format.parse(
    R"(::1 [2026-12-03T08:03:09+00:00] "HEAD / HTTP/2.0" 304 rt=0.012 urt="0.010, 0.002" ms=1796284989.250)",
    entry));
  CHECK(entry.method == "HEAD");
  CHECK(entry.target == "/");
  CHECK(entry.status == 304);
  CHECK(entry.request_time_s == Approx(0.012));
  CHECK(entry.upstream_response_time_s == Approx(0.012));
  CHECK(entry.time_ms == 1796284989250LL); // $msec wins: it has milliseconds

  REQUIRE(format.parse(
    R"(::1 [2026-12-03T08:03:09Z] "GET /x HTTP/1.1" 200 rt=0.000 urt="-" ms=1796284989.000)", entry));
  CHECK_FALSE(entry.upstream_response_time_s);
}

TEST_CASE("access log: a line that does not match is malformed, not an error")
{
  const auto format = LogFormat::parse("combined");
  LogEntry entry;
  CHECK_FALSE(format.parse("", entry));
  CHECK_FALSE(format.parse("garbage", entry));
  // status not a number
  CHECK_FALSE(
    format.parse(R"(1.2.3.4 - - [03/Dec/2026:09:03:09 +0000] "GET / HTTP/1.1" abc 1 "-" "-")", entry));
  // bad month
  CHECK_FALSE(
    format.parse(R"(1.2.3.4 - - [03/Foo/2026:09:03:09 +0000] "GET / HTTP/1.1" 200 1 "-" "-")", entry));
  // text left over
  CHECK_FALSE(
    format.parse(R"(1.2.3.4 - - [03/Dec/2026:09:03:09 +0000] "GET / HTTP/1.1" 200 1 "-" "-" extra)", entry));
  // a request line of "-" (a client that sent nothing) is a line, with no method
  REQUIRE(format.parse(R"(1.2.3.4 - - [03/Dec/2026:09:03:09 +0000] "-" 400 0 "-" "-")", entry));
  CHECK(entry.method.empty());
  CHECK(entry.status == 400);
}

TEST_CASE("access log: a missing variable is named in the error")
{
  const auto format = LogFormat::parse("combined");
  try {
    format.require({LogField::status, LogField::request_time}, "passive measurement");
    FAIL("no error");
  } catch (const UsageError& error) {
    CHECK(std::string(error.what()).find("lacks $request_time, which passive measurement needs") !=
          std::string::npos);
  }
  CHECK_NOTHROW(format.require_time("passive measurement"));
  CHECK_THROWS_WITH(LogFormat::parse("$status $request_time").require_time("passive measurement"),
                    Catch::Contains("lacks $msec"));
}

TEST_CASE("access log: formats that cannot be read are refused")
{
  CHECK_THROWS_AS(LogFormat::parse(""), UsageError);
  CHECK_THROWS_WITH(LogFormat::parse("$status$request_time"), Catch::Contains("cannot be told apart"));
  CHECK_THROWS_WITH(LogFormat::parse("'$status"), Catch::Contains("unbalanced"));
  CHECK_THROWS_WITH(LogFormat::parse("${status"), Catch::Contains("without"));
  CHECK_NOTHROW(LogFormat::parse("${status}x$request_time"));
}

TEST_CASE("access log: the shipped format has what passive measurement needs")
{
  const auto format = LogFormat::parse("smart");
  CHECK_NOTHROW(format.require({LogField::request, LogField::status, LogField::request_time}, "passive"));
  LogEntry entry;
  REQUIRE(format.parse(
    R"(127.0.0.1 - - [03/Dec/2026:09:03:09 +0000] "GET /slow HTTP/1.1" 200 5 "-" "smart" 1796288589.123 0.250 -)",
    entry));
  CHECK(entry.request_time_s == Approx(0.25));
  CHECK(entry.time_ms == 1796288589123LL);
}

TEST_CASE("access log: time fields")
{
  CHECK(parse_time_local("01/Jan/1970:00:00:00 +0000") == 0);
  CHECK(parse_time_local("01/Jan/1970:01:00:00 +0100") == 0);
  CHECK(parse_time_iso8601("1970-01-01T00:00:01-00:00") == 1000);
  CHECK(parse_time_iso8601("2000-02-29T12:00:00Z") == 951825600000LL);
  CHECK(parse_msec("12.345") == 12345);
  CHECK_FALSE(parse_msec("12"));
  // Beyond the years smart reads (found by fuzzing: the milliseconds overflowed).
  CHECK(parse_msec("7258118399.999") == 7258118399999LL);
  CHECK_FALSE(parse_msec("7258118400.000"));
  CHECK_FALSE(parse_msec("1796286666666666669.000"));
  CHECK_FALSE(parse_time_iso8601("2000-13-01T00:00:00Z"));
}
