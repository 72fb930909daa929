#include <smart/inference.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

using namespace smart::inference;

TEST_CASE("inference: normal quantile and cdf")
{
  CHECK(normal_quantile(0.975) == Approx(1.959964).epsilon(1e-6));
  CHECK(normal_quantile(0.5) == Approx(0).margin(1e-12));
  CHECK(normal_cdf(1.644854) == Approx(0.95).epsilon(1e-6));
}

TEST_CASE("inference: Wilson interval stays informative at 0 events")
{
  const auto w = wilson(0, 60, 1.959964);
  CHECK(w.low == 0);
  CHECK(w.high == Approx(0.0602).epsilon(0.01)); // z^2 / (n + z^2)
  const auto all = wilson(60, 60, 1.959964);
  CHECK(all.high == 1);
  CHECK(wilson(0, 0, 1.96).high == 1);
}

TEST_CASE("inference: Newcombe hybrid score interval matches Newcombe (1998), example (a)")
{
  // 56/70 vs 48/80: difference 0.2, 95 % interval 0.0524 .. 0.3339 (method 10).
  const auto d = newcombe_difference(48, 80, 56, 70, 1.959964);
  CHECK(d.low == Approx(0.0524).margin(0.0005));
  CHECK(d.high == Approx(0.3339).margin(0.0005));
}

TEST_CASE("inference: k-th pairwise difference equals brute force")
{
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int> value(0, 30); // ties on purpose
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<double> x(13), y(9);
    for (auto& v : x)
      v = value(rng);
    for (auto& v : y)
      v = value(rng) * 0.5;
    std::sort(x.begin(), x.end());
    std::sort(y.begin(), y.end());
    std::vector<double> all;
    for (const double a : x)
      for (const double b : y)
        all.push_back(a - b);
    std::sort(all.begin(), all.end());
    for (unsigned long long k = 1; k <= all.size(); k += 7) {
      CHECK(kth_pairwise_difference(x, y, k) == all[k - 1]);
    }
  }
}

TEST_CASE("inference: Hodges-Lehmann two-sample shift and interval")
{
  const std::vector<double> x{1, 2, 3};
  const std::vector<double> y{0};
  CHECK(hodges_lehmann_two_sample(x, y, 0.95).estimate == 2);
  // Too small for 95 %: unbounded.
  CHECK(std::isinf(hodges_lehmann_two_sample(x, y, 0.95).interval.low));

  std::vector<double> a, b;
  for (int i = 0; i < 50; ++i) {
    a.push_back(10 + i * 0.1);
    b.push_back(9 + i * 0.1);
  }
  const auto r = hodges_lehmann_two_sample(a, b, 0.95);
  CHECK(r.estimate == Approx(1.0));
  CHECK(r.interval.low < 1.0);
  CHECK(r.interval.high > 1.0);
  CHECK(r.interval.low > 0);
}

TEST_CASE("inference: signed-rank interval is exact for few pairs")
{
  // 6 pairs: P(W+ = 0) = 1/64 < 0.025, so the 95 % interval is [min, max]
  // of the Walsh averages; 5 pairs cannot reach 95 %.
  const std::vector<double> six{1, 2, 3, 4, 5, 6};
  const auto r6 = hodges_lehmann_paired(six, 0.95);
  CHECK(r6.estimate == Approx(3.5));
  CHECK(r6.interval.low == 1);
  CHECK(r6.interval.high == 6);
  const std::vector<double> five{1, 2, 3, 4, 5};
  CHECK(std::isinf(hodges_lehmann_paired(five, 0.95).interval.low));
}

TEST_CASE("inference: O'Brien-Fleming spending spends everything by the last look, little early")
{
  double total = 0;
  for (unsigned k = 1; k <= 5; ++k) {
    total += look_alpha(0.05, k, 5);
  }
  CHECK(total == Approx(0.05));
  CHECK(look_alpha(0.05, 1, 5) < 1e-4);
  CHECK(look_alpha(0.05, 1, 1) == 0.05);
  CHECK(obrien_fleming_spent(0.05, 1.0) == 0.05);
}

TEST_CASE("inference: quantile rank interval brackets the quantile")
{
  const auto r = quantile_rank_interval(100, 0.5, 0.95);
  CHECK(r.low < 50);
  CHECK(r.high > 51);
  const auto top = quantile_rank_interval(60, 0.99, 0.95);
  CHECK(top.high == 60);
}
