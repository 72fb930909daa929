#include <smart/error.hpp>
#include <smart/measure/postgres_probe.hpp>
#include <smart/measure/target.hpp>

#include <catch2/catch.hpp>

using namespace smart;

TEST_CASE("postgres probe: the URL gives libpq its connection and the probe its query")
{
  const auto target = parse_target("postgres://app@127.0.0.1:6543/shop?query=SELECT%20count(*)%20FROM%20t");
  CHECK(target.scheme == Scheme::postgres);
  CHECK(target.host == "127.0.0.1");
  CHECK(target.port == 6543);
  CHECK(parse_target("postgresql://db.example/x").port == 5432);

  const auto request =
    postgres_request("postgres://app@127.0.0.1:6543/shop?query=SELECT%20count(*)%20FROM%20t");
  CHECK(request.conninfo == "postgres://app@127.0.0.1:6543/shop");
  CHECK(request.query == "SELECT count(*) FROM t");
  // other parameters are libpq's and pass through; no query is SELECT 1
  const auto plain =
    postgres_request("postgres://127.0.0.1/db?sslmode=disable&query=SELECT%202&connect_timeout=3");
  CHECK(plain.conninfo == "postgres://127.0.0.1/db?sslmode=disable&connect_timeout=3");
  CHECK(plain.query == "SELECT 2");
  CHECK(postgres_request("postgres://127.0.0.1/db").query == "SELECT 1");
}

TEST_CASE(
  "postgres probe: a password, a bad escape, an empty query or a parameter libpq rejects is a usage error")
{
  CHECK_THROWS_WITH(parse_target("postgres://app:secret@127.0.0.1/db"), Catch::Contains("PGPASSFILE"));
  CHECK_THROWS_WITH(postgres_request("postgres://127.0.0.1/db?password=secret"),
                    Catch::Contains("PGPASSFILE"));
  CHECK_THROWS_WITH(postgres_request("postgres://127.0.0.1/db?query=SELECT%2"), Catch::Contains("%20"));
  CHECK_THROWS_WITH(postgres_request("postgres://127.0.0.1/db?query=%20"), Catch::Contains("empty query"));
  CHECK_THROWS_WITH(postgres_request("postgres://127.0.0.1/db?nosuchparam=1"), Catch::Contains("libpq"));
  CHECK_THROWS_AS(postgres_request("postgres://127.0.0.1/db?nosuchparam=1"), UsageError);
  // user information stays refused where it was
  CHECK_THROWS_WITH(parse_target("http://user@127.0.0.1/"), Catch::Contains("user information"));
}
