#include <smart/run/calibration.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace smart;

namespace {

// A samples file with a block column: each row (block, latency, code).
SampleSet blocks_of(std::initializer_list<std::tuple<int, double, int>> rows)
{
  std::string text = "timestamp,latency_ms,response_code,error,block\n";
  for (const auto& [block, ms, code] : rows) {
    text += "2026-11-29T10:00:00.000Z," + std::to_string(ms) + "," + std::to_string(code) + ",," +
            std::to_string(block) + "\n";
  }
  return parse_samples(text, "test.csv");
}

} // namespace

TEST_CASE("calibration: block medians ignore errors and other blocks")
{
  const auto samples = blocks_of({{1, 10, 200}, {1, 30, 200}, {1, 20, 200}, {1, 1, 503}, {2, 99, 200}});
  CHECK(calibration::block_median(samples, 1) == Approx(20));
  CHECK(calibration::block_median(samples, 2) == Approx(99));
  CHECK_FALSE(calibration::block_median(samples, 3));
  const auto no_blocks = parse_samples("timestamp,latency_ms,response_code\nt,10,200\n", "plain.csv");
  CHECK_FALSE(calibration::block_median(no_blocks, 0));
}

TEST_CASE("calibration: noise is the spread of paired block differences in percent")
{
  // Pairs: +10 %, -10 %, +0 %: mean 0, sd 10.
  const auto base = blocks_of({{1, 10, 200}, {2, 10, 200}, {3, 20, 200}});
  const auto var = blocks_of({{1, 11, 200}, {2, 9, 200}, {3, 20, 200}});
  const auto noise = calibration::block_noise(base, var, 3);
  CHECK(noise.pairs == 3);
  CHECK(noise.mean_pct == Approx(0).margin(1e-9));
  CHECK(noise.sd_pct == Approx(10));
  // A block missing on one side is left out; one pair has no spread.
  const auto half = calibration::block_noise(base, blocks_of({{1, 11, 200}}), 3);
  CHECK(half.pairs == 1);
  CHECK(half.mean_pct == Approx(10));
  CHECK(half.sd_pct == 0);
}

TEST_CASE("calibration: pairs needed grow with the noise and the confidence")
{
  // ((1.6449 + 1.2816) * 10 / 10)^2 = 8.56 -> 9 pairs at 95 %, 90 % power.
  CHECK(calibration::pairs_needed(10, 10, 0.95) == 9);
  CHECK(calibration::pairs_needed(20, 10, 0.95) == 35);
  CHECK(calibration::pairs_needed(10, 10, 0.99) > 9);
  CHECK(calibration::pairs_needed(0.1, 10, 0.95) == 2); // never fewer than 2
}

TEST_CASE("calibration: relabelling exchanges the arms of the chosen blocks only")
{
  const std::string base = "timestamp,latency_ms,response_code,block\nt,1,200,1\nt,2,200,2\n";
  const std::string var = "timestamp,latency_ms,response_code,block\nt,10,200,1\nt,20,200,2\n\n";
  const auto [a, b] = calibration::relabel_blocks(base, var, {false, false, true});
  CHECK(a == "timestamp,latency_ms,response_code,block\nt,1,200,1\nt,20,200,2\n");
  CHECK(b == "timestamp,latency_ms,response_code,block\nt,2,200,2\nt,10,200,1\n");
  const auto [same_a, same_b] = calibration::relabel_blocks(base, var, {});
  CHECK(same_a == base);
  CHECK(same_b == "timestamp,latency_ms,response_code,block\nt,10,200,1\nt,20,200,2\n");
}
