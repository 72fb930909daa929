#include <smart/cmd/measure.hpp>
#include <smart/error.hpp>

#include <catch2/catch.hpp>

using smart::UsageError;
using smart::cmd::MeasureOptions;
using smart::cmd::validate;

namespace {
MeasureOptions probe(const char* url = "http://127.0.0.1/")
{
  MeasureOptions options;
  options.url = url;
  return options;
}
} // namespace

TEST_CASE("measure options: durations with units name the option when bad")
{
  CHECK(smart::cmd::duration_option("interval", "250ms").count() == Approx(0.25));
  CHECK(smart::cmd::duration_option("duration", "5m").count() == Approx(300));
  CHECK_THROWS_WITH(smart::cmd::duration_option("duration", "5 minutes"),
                    Catch::Contains("--duration '5 minutes'"));
}

TEST_CASE("measure options: probe mode combinations")
{
  CHECK_NOTHROW(validate(probe()));
  CHECK_THROWS_WITH(validate(MeasureOptions{}), Catch::Contains("--url is required"));
  auto zero_interval = probe();
  zero_interval.interval = smart::util::Duration(0);
  CHECK_THROWS_WITH(validate(zero_interval), Catch::Contains("--interval"));
  auto zero_count = probe();
  zero_count.count = 0;
  CHECK_THROWS_AS(validate(zero_count), UsageError);
  auto append_stdout = probe();
  append_stdout.append = true;
  CHECK_THROWS_WITH(validate(append_stdout), Catch::Contains("--append needs -o FILE"));
  auto insecure_http = probe();
  insecure_http.insecure = true;
  CHECK_THROWS_WITH(validate(insecure_http), Catch::Contains("https:// targets only"));
  auto missing_ca = probe("https://127.0.0.1/");
  missing_ca.cacert = "/nonexistent/ca.pem";
  CHECK_THROWS_WITH(validate(missing_ca), Catch::Contains("--cacert /nonexistent/ca.pem"));
  auto guard = probe();
  guard.abort_after = 5;
  CHECK_THROWS_WITH(validate(guard), Catch::Contains("--abort-after needs --abort-err-pct"));
  guard.abort_err_pct = 101;
  CHECK_THROWS_WITH(validate(guard), Catch::Contains("between 0 and 100"));
  auto threads = probe();
  threads.threads = 2;
  CHECK_THROWS_WITH(validate(threads), Catch::Contains("need load mode"));
}

TEST_CASE("measure options: load mode combinations")
{
  auto load = probe();
  load.concurrency = 16;
  load.threads = 2;
  CHECK_NOTHROW(validate(load));
  load.threads = 17;
  CHECK_THROWS_WITH(validate(load), Catch::Contains("--threads"));
  auto with_interval = probe(); // smart-run passes --interval in either mode
  with_interval.rate = 100;
  with_interval.interval = smart::util::Duration(1);
  CHECK_NOTHROW(validate(with_interval));
  auto tcp = probe("tcp://127.0.0.1:22");
  tcp.concurrency = 1;
  CHECK_THROWS_WITH(validate(tcp), Catch::Contains("http:// or https://"));
  auto fresh = probe();
  fresh.rate = 10;
  fresh.fresh_connection = true;
  CHECK_THROWS_AS(validate(fresh), UsageError);
  auto negative_rate = probe();
  negative_rate.rate = -1;
  CHECK_THROWS_WITH(validate(negative_rate), Catch::Contains("--rate"));
  auto zero_conns = probe();
  zero_conns.concurrency = 0;
  CHECK_THROWS_WITH(validate(zero_conns), Catch::Contains("--concurrency"));
}

TEST_CASE("measure options: no progress line when the CSV goes to the same terminal")
{
  using smart::cmd::progress_wanted;
  CHECK(progress_wanted(true, false, "-"));        // CSV into a pipe or file: the line on the terminal
  CHECK(progress_wanted(true, true, "out.csv"));   // CSV to a file: stdout's terminal is free
  CHECK_FALSE(progress_wanted(true, true, "-"));   // both on the terminal: the line would cut into rows
  CHECK_FALSE(progress_wanted(false, true, "-"));  // stderr not a terminal (journald, a pipe)
  CHECK_FALSE(progress_wanted(false, false, "x")); // nothing interactive
}
