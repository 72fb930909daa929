#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

// The statistical building blocks of smart-decide's default rule
// (docs/decision.md). Pure functions of numbers; no I/O.

namespace smart::inference {

// Standard normal distribution: cdf and quantile (inverse cdf, 0 < p < 1).
double normal_cdf(double z);
double normal_quantile(double p);

struct Interval {
  double low = 0;
  double high = 0;
};

// Wilson score interval for a proportion x/n at normal quantile z
// (two-sided level 1 - 2(1 - Phi(z))). n == 0 gives [0, 1].
Interval wilson(std::size_t x, std::size_t n, double z);

// Newcombe's hybrid score interval (his method 10) for p2 - p1, built from
// the two Wilson intervals at z: correct at small counts (0 or 1 events in
// 60), unlike the Wald interval, which collapses to a point at 0/n.
Interval newcombe_difference(std::size_t x1, std::size_t n1, std::size_t x2, std::size_t n2, double z);

// Hodges-Lehmann shift between two samples: the median of all x_i - y_j,
// with the distribution-free confidence interval from the Mann-Whitney
// statistic (the k-th smallest and largest differences; normal
// approximation to the null distribution of U, which is accurate from
// about 10 a side and conservative under ties). Both inputs sorted
// ascending. level is two-sided (0.95). The bounds are infinite when the
// samples are too small for that level.
struct ShiftEstimate {
  double estimate = 0;
  Interval interval;
};
ShiftEstimate hodges_lehmann_two_sample(std::span<const double> x_sorted, std::span<const double> y_sorted,
                                        double level);

// The k-th smallest (1-based) of the n*m differences x_i - y_j, without
// forming them: bisection on the value, counting in O(n + m).
double kth_pairwise_difference(std::span<const double> x_sorted, std::span<const double> y_sorted,
                               unsigned long long k);

// One-sample Hodges-Lehmann (median of the Walsh averages) of paired
// differences, with the exact Wilcoxon signed-rank confidence interval
// (two-sided level). Infinite bounds when too few pairs for the level
// (fewer than 6 pairs for 0.95).
ShiftEstimate hodges_lehmann_paired(std::span<const double> differences, double level);

// Lan-DeMets O'Brien-Fleming-type alpha spending: the one-sided alpha spent
// by information fraction t (0 < t <= 1) out of a total one-sided alpha.
double obrien_fleming_spent(double alpha, double t);

// The nominal one-sided alpha for look k of n equally spaced looks: the
// alpha newly spent at this look. Testing each look at its increment keeps
// the probability of ever crossing at or below alpha (union bound); this is
// conservative compared with exact group-sequential boundaries.
double look_alpha(double alpha, unsigned k, unsigned n);

// Distribution-free order statistics (1-based ranks, clamped to [1, n])
// bracketing the q-quantile of n values with two-sided level (normal
// approximation to the binomial).
struct RankInterval {
  std::size_t low = 1;
  std::size_t high = 1;
};
RankInterval quantile_rank_interval(std::size_t n, double q, double level);

// A confidence level as every output prints it (0.9 -> "90", 0.98888 ->
// "98.9", 0.999988 -> "99.999"): the decision's reasons and the dashboard.
std::string level_text(double fraction);

} // namespace smart::inference
