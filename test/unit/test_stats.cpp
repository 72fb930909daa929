#include <smart/stats.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

using namespace smart;

TEST_CASE("quantile: median of odd and even counts, as the original p50")
{
  std::vector<float> odd{3, 1, 2};
  CHECK(quantile(odd, 0.5) == Approx(2));
  std::vector<float> even{14, 15};
  CHECK(quantile(even, 0.5) == Approx(14.5)); // original run-example: variant_p50_ms=14.5
  std::vector<float> four{1, 2, 3, 4};
  CHECK(quantile(four, 0.5) == Approx(2.5));
}

TEST_CASE("quantile: type-7 interpolation and edges")
{
  std::vector<float> values{10, 20, 30, 40, 50};
  CHECK(quantile(values, 0.0) == Approx(10));
  CHECK(quantile(values, 1.0) == Approx(50));
  CHECK(quantile(values, 0.9) == Approx(46));
  std::vector<float> one{7};
  CHECK(quantile(one, 0.99) == Approx(7));
  std::vector<float> none;
  CHECK(std::isnan(quantile(none, 0.5)));
  const std::vector<float> sorted{10, 20, 30, 40, 50};
  CHECK(quantile_sorted(sorted, 0.95) == Approx(48));
}

TEST_CASE("summarize: transport failures and 5xx are errors, kept out of latency")
{
  SampleSet s;
  s.push_back(18, 200, ProbeError::none);
  s.push_back(5003, 0, ProbeError::timeout);
  s.push_back(17, 200, ProbeError::none);
  s.push_back(1, 502, ProbeError::none);
  const auto sum = summarize(s);
  CHECK(sum.n == 4);
  CHECK(sum.n_good == 2);
  CHECK(sum.n_errors == 2);
  CHECK(sum.n_transport == 1);
  CHECK(sum.n_http_5xx == 1);
  CHECK(sum.by_error[static_cast<std::size_t>(ProbeError::timeout)] == 1);
  CHECK(sum.err_pct == Approx(50));
  CHECK(sum.p50_ms == Approx(17.5));
  CHECK(sum.max_ms == Approx(18));
}

TEST_CASE("summarize: a dead target has no latency at all")
{
  SampleSet s;
  for (int i = 0; i < 5; ++i) {
    s.push_back(0.2f, 0, ProbeError::connect);
  }
  const auto sum = summarize(s);
  CHECK(sum.err_pct == Approx(100));
  CHECK(sum.n_good == 0);
  CHECK(std::isnan(sum.p50_ms));
}
