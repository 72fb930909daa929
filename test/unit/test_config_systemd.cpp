#include <smart/config_systemd.hpp>

#include <catch2/catch.hpp>

using namespace smart;

TEST_CASE("systemd: plain KEY=VALUE lines and whole-line comments read the same")
{
  CHECK(systemd_differences("# comment\n; comment\n\nIMPROVE_PCT=10\nBASE_DIR=/var/lib/smart\n"
                            "COACH_URL=\"https://coach/x y\"\nNAME='a b'\n",
                            "smart.conf")
          .empty());
}

TEST_CASE("systemd: a trailing comment stays in the value")
{
  const auto out = systemd_differences("BASELINE_SECONDS=300          # first run\n", "smart.conf");
  REQUIRE(out.size() == 1);
  CHECK(out[0] == "smart.conf:1: BASELINE_SECONDS: systemd keeps a trailing comment as part of the value "
                  "(the service sees '300          # first run'); put the comment on a line of its own");
  // A '#' inside quotes or a word is no comment for either reader.
  CHECK(systemd_differences("COACH_URL=\"http://x/#a b\"\nA=b#c\n", "smart.conf").empty());
}

TEST_CASE("systemd: $ references are not expanded")
{
  const auto out = systemd_differences("A=1\nDASH_DIR=\"${BASE_DIR}/www\"\nX=$HOME\nY='$lit'\n", "f");
  REQUIRE(out.size() == 2);
  CHECK(out[0] == "f:2: DASH_DIR: systemd does not expand $ references (the service sees '${BASE_DIR}/www'); "
                  "write the value itself");
  CHECK(out[1].find("f:3: X: systemd does not expand") == 0);
}

TEST_CASE("systemd: quotes and backslashes in unquoted values, export, continuation lines")
{
  auto out = systemd_differences("C=x\"y\"\n", "f");
  REQUIRE(out.size() == 1);
  CHECK(out[0] == "f:1: C: a quote inside an unquoted value is kept by systemd and removed by smart (the "
                  "service sees 'x\"y\"'); quote the whole value");
  out = systemd_differences("B=a\\b\n", "f");
  REQUIRE(out.size() == 1);
  CHECK(out[0].find("(the service sees 'ab')") != std::string::npos);
  out = systemd_differences("export IMPROVE_PCT=5\n", "f");
  REQUIRE(out.size() == 1);
  CHECK(out[0].find("f:1: systemd does not read \"export KEY=VALUE\"") == 0);
  out = systemd_differences("A=one \\\n", "f");
  REQUIRE(out.size() == 1);
  CHECK(out[0].find("continues on the next line") != std::string::npos);
}

TEST_CASE("systemd: the original smart.conf gets a warning for each line systemd reads differently")
{
  const auto out = systemd_differences("BASELINE_SECONDS=300          # first run collects baseline\n"
                                       "COACH_URL=\"${COACH_URL:-}\"    # Set via env\n"
                                       "DASH_DIR=\"${BASE_DIR}/www\"\n",
                                       "smart.conf");
  CHECK(out.size() == 4); // line 2: the comment and the reference
}
