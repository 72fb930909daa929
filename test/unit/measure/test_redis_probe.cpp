#include <smart/measure/redis_probe.hpp>
#include <smart/measure/target.hpp>
#include <smart/util/failure.hpp>

#include <catch2/catch.hpp>

using namespace smart;

TEST_CASE("redis probe: the URL path is the command, PING when empty")
{
  CHECK(redis_command("/") == std::vector<std::string>{"PING"});
  CHECK(redis_command("") == std::vector<std::string>{"PING"});
  CHECK(redis_command("/GET/key") == std::vector<std::string>{"GET", "key"});
  CHECK(resp_encode({"GET", "key"}) == "*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n");
  const auto target = parse_target("redis://127.0.0.1/GET/k");
  CHECK(target.scheme == Scheme::redis);
  CHECK(target.port == 6379);
  CHECK(target.path == "/GET/k");
  CHECK_THROWS_WITH(parse_target("redis://127.0.0.1:6379/GET/a%20b"), Catch::Contains("no %-escapes"));
}

TEST_CASE("redis probe: a RESP reply is complete only when all of it has arrived")
{
  CHECK(resp_complete("") == 0);
  CHECK(resp_complete("+PONG") == 0);
  CHECK(resp_complete("+PONG\r\n") == 7);
  CHECK(resp_complete("-ERR unknown\r\n") == 14);
  CHECK(resp_complete(":42\r\n") == 5);
  CHECK(resp_complete("$-1\r\n") == 5);
  CHECK(resp_complete("$5\r\nhel") == 0);
  CHECK(resp_complete("$5\r\nhello\r\n") == 11);
  CHECK(resp_complete("*2\r\n$1\r\na\r\n") == 0);
  CHECK(resp_complete("*2\r\n$1\r\na\r\n:1\r\n") == 15);
  CHECK_THROWS_AS(resp_complete("HTTP/1.1 200 OK\r\n"), util::Failure);
  CHECK_THROWS_AS(resp_complete("$x\r\n"), util::Failure);
}
