#include <smart/resource_cost.hpp>

#include <catch2/catch.hpp>

using namespace smart;

namespace {
constexpr double mib = 1024.0 * 1024.0;

ArmUsage arm(double cpu_s, std::size_t requests, double mean_mib, double peak_mib)
{
  ArmUsage usage;
  usage.add(BlockUsage{cpu_s, requests, mean_mib * mib * 4, 4, peak_mib * mib});
  return usage;
}
} // namespace

TEST_CASE("resource cost: CPU per request and mean memory sum over blocks")
{
  ArmUsage usage;
  usage.add(BlockUsage{1.0, 100, 40 * mib, 2, 25 * mib});
  usage.add(BlockUsage{3.0, 300, 60 * mib, 2, 35 * mib});
  CHECK(usage.cpu_per_request().value() == Approx(0.01));
  CHECK(usage.mean_rss_bytes().value() == Approx(25 * mib));
  CHECK(usage.rss_peak_bytes == 35 * mib);
  CHECK_FALSE(ArmUsage{}.cpu_per_request());
  CHECK_FALSE(ArmUsage{}.mean_rss_bytes());
}

TEST_CASE("resource cost: the memory guard reverts a variant over the limit")
{
  const ResourceLimits limits{30, 30, 0.5};
  const auto c = compare_resources(arm(2, 1000, 10, 11), arm(2.2, 1000, 38, 40), limits);
  REQUIRE(c.memory_change_pct);
  CHECK(*c.memory_change_pct == Approx(280));
  REQUIRE(c.breach);
  CHECK(*c.breach == "too costly: memory +280.0% > MAX_MEMORY_INCREASE_PCT 30%");
  CHECK(describe_cost(c) == "+10.0% CPU per request, +28 MiB (+280.0%)");
  // With a higher limit it passes.
  CHECK_FALSE(compare_resources(arm(2, 1000, 10, 11), arm(2.2, 1000, 38, 40), {30, 500, 0.5}).breach);
}

TEST_CASE("resource cost: the CPU guard judges only enough CPU time")
{
  const ResourceLimits limits{20, 30, 0.5};
  const auto costly = compare_resources(arm(1, 1000, 10, 10), arm(2, 1000, 10, 10), limits);
  REQUIRE(costly.breach);
  CHECK(*costly.breach == "too costly: CPU per request +100.0% > MAX_CPU_INCREASE_PCT 20%");
  // The same ratio on 0.02 s of CPU is clock-tick noise: reported, not judged.
  const auto coarse = compare_resources(arm(0.01, 100, 10, 10), arm(0.02, 100, 10, 10), limits);
  CHECK_FALSE(coarse.cpu_judged);
  CHECK_FALSE(coarse.breach);
  CHECK(describe_cost(coarse) == "CPU not judged (0.01 s), +0.0 MiB (0.0%)");
}

TEST_CASE("resource cost: summary.json's resources object")
{
  const auto c = compare_resources(arm(1, 1000, 10, 12), arm(1.12, 1000, 48, 50), ResourceLimits{});
  const auto j = to_json(c);
  CHECK(j.at("cpu_change_pct").as_double() == Approx(12));
  CHECK(j.at("memory_delta_mib").as_double() == Approx(38));
  CHECK(j.at("variant").at("peak_rss_mib").as_double() == Approx(50));
  CHECK(j.at("baseline").at("cpu_ms_per_request").as_double() == Approx(1));
  CHECK(j.at("breach").is_string());
  CHECK(describe_cost(c) == "+12.0% CPU per request, +38 MiB (+380.0%)");
}
