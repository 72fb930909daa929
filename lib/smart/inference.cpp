#include <smart/inference.hpp>

#include <boost/math/distributions/normal.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace smart::inference {

namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

// Pairs (i, j) with x_i - y_j <= d: for each x_i, the y_j >= x_i - d. Both
// ascending, so the first such j only moves forward.
unsigned long long count_at_most(std::span<const double> x, std::span<const double> y, double d)
{
  unsigned long long count = 0;
  std::size_t j = 0;
  for (const double xi : x) {
    const double limit = xi - d;
    while (j < y.size() && y[j] < limit) {
      ++j;
    }
    count += y.size() - j;
  }
  return count;
}

// The smallest actual difference x_i - y_j that is greater than d.
double smallest_difference_above(std::span<const double> x, std::span<const double> y, double d)
{
  double best = infinity;
  std::size_t j = 0; // first index with y_j >= x_i - d; y_{j-1} gives the smallest difference > d
  for (const double xi : x) {
    const double limit = xi - d;
    while (j < y.size() && y[j] < limit) {
      ++j;
    }
    if (j > 0) {
      best = std::min(best, xi - y[j - 1]);
    }
  }
  return best;
}

} // namespace

double normal_cdf(double z)
{
  return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

double normal_quantile(double p)
{
  if (p <= 0) {
    return -infinity;
  }
  if (p >= 1) {
    return infinity;
  }
  return boost::math::quantile(boost::math::normal_distribution<double>(0.0, 1.0), p);
}

Interval wilson(std::size_t x, std::size_t n, double z)
{
  if (n == 0) {
    return {0.0, 1.0};
  }
  const double nn = static_cast<double>(n);
  const double p = static_cast<double>(x) / nn;
  const double z2 = z * z;
  const double denominator = 1 + z2 / nn;
  const double centre = (p + z2 / (2 * nn)) / denominator;
  const double half = z * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / denominator;
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

Interval newcombe_difference(std::size_t x1, std::size_t n1, std::size_t x2, std::size_t n2, double z)
{
  const double p1 = n1 == 0 ? 0.0 : static_cast<double>(x1) / static_cast<double>(n1);
  const double p2 = n2 == 0 ? 0.0 : static_cast<double>(x2) / static_cast<double>(n2);
  const Interval w1 = wilson(x1, n1, z);
  const Interval w2 = wilson(x2, n2, z);
  const double d = p2 - p1;
  return {d - std::hypot(p2 - w2.low, w1.high - p1), d + std::hypot(w2.high - p2, p1 - w1.low)};
}

double kth_pairwise_difference(std::span<const double> x, std::span<const double> y, unsigned long long k)
{
  if (x.empty() || y.empty() || k == 0) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  // Invariant: count(lo) < k <= count(hi).
  double lo = x.front() - y.back();
  lo -= std::max(1.0, std::abs(lo));
  double hi = x.back() - y.front();
  for (int i = 0; i < 200; ++i) {
    const double mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) {
      break;
    }
    if (count_at_most(x, y, mid) >= k) {
      hi = mid;
    } else {
      lo = mid;
    }
  }
  // Snap to the actual difference: the smallest one above lo.
  const double exact = smallest_difference_above(x, y, lo);
  return std::isfinite(exact) ? exact : hi;
}

ShiftEstimate hodges_lehmann_two_sample(std::span<const double> x, std::span<const double> y, double level)
{
  ShiftEstimate result;
  if (x.empty() || y.empty()) {
    result.estimate = std::numeric_limits<double>::quiet_NaN();
    result.interval = {-infinity, infinity};
    return result;
  }
  const unsigned long long n = x.size();
  const unsigned long long m = y.size();
  const unsigned long long total = n * m;
  if (total % 2 == 1) {
    result.estimate = kth_pairwise_difference(x, y, (total + 1) / 2);
  } else {
    result.estimate =
      (kth_pairwise_difference(x, y, total / 2) + kth_pairwise_difference(x, y, total / 2 + 1)) / 2;
  }
  const double z = normal_quantile(1 - (1 - level) / 2);
  const double nm = static_cast<double>(total);
  const double sd = std::sqrt(nm * static_cast<double>(n + m + 1) / 12.0);
  const double k = std::floor(nm / 2 - z * sd);
  if (k < 1) {
    result.interval = {-infinity, infinity};
    return result;
  }
  const auto kk = static_cast<unsigned long long>(k);
  result.interval = {kth_pairwise_difference(x, y, kk), kth_pairwise_difference(x, y, total - kk + 1)};
  return result;
}

ShiftEstimate hodges_lehmann_paired(std::span<const double> d, double level)
{
  ShiftEstimate result;
  result.interval = {-infinity, infinity};
  const std::size_t k = d.size();
  if (k == 0) {
    result.estimate = std::numeric_limits<double>::quiet_NaN();
    return result;
  }
  std::vector<double> walsh;
  walsh.reserve(k * (k + 1) / 2);
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = i; j < k; ++j) {
      walsh.push_back((d[i] + d[j]) / 2);
    }
  }
  std::sort(walsh.begin(), walsh.end());
  const std::size_t total = walsh.size();
  result.estimate = total % 2 == 1 ? walsh[total / 2] : (walsh[total / 2 - 1] + walsh[total / 2]) / 2;

  const double alpha_half = (1 - level) / 2;
  // c: the largest count with P(W+ <= c - 1) <= alpha/2; the interval runs
  // from the c-th smallest to the c-th largest Walsh average.
  std::size_t c = 0;
  if (k <= 1000) {
    // Exact null distribution of the signed-rank statistic W+ (rank sums of
    // random sign subsets), as probabilities to stay in range.
    std::vector<double> probability(total + 1, 0.0);
    probability[0] = 1;
    std::size_t reach = 0;
    for (std::size_t rank = 1; rank <= k; ++rank) {
      reach += rank;
      for (std::size_t s = reach; s >= rank; --s) {
        probability[s] = (probability[s] + probability[s - rank]) / 2;
      }
      for (std::size_t s = 0; s < rank; ++s) {
        probability[s] /= 2;
      }
    }
    double cumulative = 0;
    while (c <= total && cumulative + probability[c] <= alpha_half) {
      cumulative += probability[c];
      ++c;
    }
  } else {
    const double z = normal_quantile(1 - alpha_half);
    const double kd = static_cast<double>(k);
    const double mean = kd * (kd + 1) / 4;
    const double sd = std::sqrt(kd * (kd + 1) * (2 * kd + 1) / 24);
    const double bound = std::floor(mean - z * sd);
    c = bound > 0 ? static_cast<std::size_t>(bound) : 0;
  }
  if (c == 0 || 2 * c > total) {
    return result; // too few pairs for this level
  }
  result.interval = {walsh[c - 1], walsh[total - c]};
  return result;
}

double obrien_fleming_spent(double alpha, double t)
{
  if (t <= 0) {
    return 0;
  }
  if (t >= 1) {
    return alpha;
  }
  return 2 * (1 - normal_cdf(normal_quantile(1 - alpha / 2) / std::sqrt(t)));
}

double look_alpha(double alpha, unsigned k, unsigned n)
{
  if (n <= 1) {
    return alpha;
  }
  const double t = static_cast<double>(k) / static_cast<double>(n);
  const double previous = static_cast<double>(k - 1) / static_cast<double>(n);
  return obrien_fleming_spent(alpha, t) - obrien_fleming_spent(alpha, previous);
}

RankInterval quantile_rank_interval(std::size_t n, double q, double level)
{
  if (n == 0) {
    return {};
  }
  const double z = normal_quantile(1 - (1 - level) / 2);
  const double nd = static_cast<double>(n);
  const double centre = nd * q;
  const double spread = z * std::sqrt(nd * q * (1 - q));
  const double low = std::floor(centre - spread);
  const double high = std::ceil(centre + spread) + 1;
  RankInterval r;
  r.low = low < 1 ? 1 : static_cast<std::size_t>(low);
  r.high = high > nd ? n : static_cast<std::size_t>(high);
  return r;
}

std::string level_text(double fraction)
{
  std::string text = fmt::format("{:.1f}", fraction * 100);
  if (text == "100.0" && fraction < 1) {
    text = fmt::format("{:.3f}", fraction * 100);
  }
  while (text.find('.') != std::string::npos && (text.back() == '0' || text.back() == '.')) {
    text.pop_back();
  }
  return text;
}

} // namespace smart::inference
