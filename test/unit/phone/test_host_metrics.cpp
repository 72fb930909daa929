#include <smart/phone/host_metrics.hpp>

#include <catch2/catch.hpp>

using namespace smart;

TEST_CASE("host metrics are parsed from /proc text")
{
  const auto before = parse_proc_stat("cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 1 2 3 4\n");
  const auto after = parse_proc_stat("cpu  200 0 200 1300 100 0 0 0 0 0\n");
  REQUIRE(before);
  REQUIRE(after);
  CHECK(cpu_busy_pct(*before, *after).value() == Approx(25.0));
  CHECK_FALSE(cpu_busy_pct(*after, *before));
  CHECK_FALSE(parse_proc_stat("intr 1 2 3\n"));
  CHECK(
    parse_meminfo_used_pct("MemTotal:       1000 kB\nMemFree: 10 kB\nMemAvailable:    250 kB\n").value() ==
    Approx(75.0));
  CHECK_FALSE(parse_meminfo_used_pct("MemTotal: 1000 kB\n"));
  const auto load = parse_loadavg("0.50 0.25 1.00 1/123 4567\n");
  REQUIRE(load);
  CHECK((*load)[2] == Approx(1.0));
  CHECK_FALSE(parse_loadavg("x y z"));
  CHECK(parse_uptime("12345.67 9999.00\n").value() == Approx(12345.67));
  CHECK_FALSE(host_name().empty());
}
