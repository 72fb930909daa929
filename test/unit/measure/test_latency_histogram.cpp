#include <smart/measure/latency_histogram.hpp>
#include <smart/measure/sample_tally.hpp>

#include <catch2/catch.hpp>

#include <cmath>

using namespace smart;

TEST_CASE("LatencyHistogram quantiles are within 0.1 % of the exact nearest rank")
{
  LatencyHistogram histogram;
  // 1..100,000 microseconds.
  for (std::int64_t us = 1; us <= 100000; ++us) {
    histogram.record(us * 1000);
  }
  CHECK(histogram.count() == 100000);
  CHECK(histogram.quantile_ms(0.5) == Approx(50.0).epsilon(0.001));
  CHECK(histogram.quantile_ms(0.9) == Approx(90.0).epsilon(0.001));
  CHECK(histogram.quantile_ms(0.99) == Approx(99.0).epsilon(0.001));
  CHECK(histogram.quantile_ms(1.0) == Approx(100.0).epsilon(0.001));
  CHECK(histogram.mean_ms() == Approx(50.0005).epsilon(1e-6));
  CHECK(histogram.max_ms() == Approx(100.0));
}

TEST_CASE("LatencyHistogram: small values are exact, empty is NaN, merge adds")
{
  LatencyHistogram a;
  CHECK(std::isnan(a.quantile_ms(0.5)));
  a.record(1500); // 1.5 us
  LatencyHistogram b;
  b.record(1700);
  b.record(-5); // clamped to 0
  a.merge(b);
  CHECK(a.count() == 3);
  CHECK(a.quantile_ms(0.5) == Approx(0.0015));
  CHECK(a.quantile_ms(1.0) == Approx(0.0017));
  CHECK(a.quantile_ms(0.01) == Approx(0.0));
}

TEST_CASE("SampleTally counts errors by kind and keeps them out of the latencies")
{
  SampleTally tally;
  tally.add(1.0, 200, ProbeError::none);
  tally.add(2.0, 200, ProbeError::none);
  tally.add(3.0, 301, ProbeError::none); // a 3xx is a success
  tally.add(0.1, 503, ProbeError::none);
  tally.add(5000.0, 0, ProbeError::timeout);
  tally.add(0.2, 0, ProbeError::connect);
  tally.add(0.2, 0, ProbeError::none); // no response, no kind: other
  CHECK(tally.count() == 7);
  CHECK(tally.errors() == 4);
  CHECK(tally.http_5xx() == 1);
  CHECK(tally.by_error(ProbeError::timeout) == 1);
  CHECK(tally.by_error(ProbeError::other) == 1);
  CHECK(tally.good().count() == 3);
  CHECK(tally.good().quantile_ms(1.0) == Approx(3.0).epsilon(0.001));
  CHECK(tally.err_pct() == Approx(400.0 / 7));
  // Histogram buckets: within 0.1 %.
  CHECK_THAT(tally.describe(),
             Catch::StartsWith("7 samples, 4 errors (http_5xx 1, connect 1, timeout 1, other 1), p50 2.00"));
  CHECK_THAT(tally.describe(), Catch::Contains(", p99 2.99") || Catch::Contains(", p99 3.00"));
  SampleTally empty;
  CHECK(empty.describe() == "0 samples, 0 errors, no successful sample");
  // A 404 is an error by default, a success when the checks expected it.
  SampleTally strict;
  strict.add(1.0, 404, ProbeError::unexpected_status);
  CHECK(strict.errors() == 1);
  CHECK(strict.by_error(ProbeError::unexpected_status) == 1);
  SampleTally expecting_404(*StatusSet::parse("404"));
  expecting_404.add(1.0, 404, ProbeError::none);
  expecting_404.add(1.0, 200, ProbeError::unexpected_status);
  CHECK(expecting_404.errors() == 1);
  CHECK(expecting_404.good().count() == 1);
}
