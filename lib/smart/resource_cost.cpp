#include <smart/resource_cost.hpp>

#include <smart/outcome.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace smart {

namespace json = boost::json;

namespace {

constexpr double mib = 1024.0 * 1024.0;

std::optional<double> change_pct(std::optional<double> base, std::optional<double> var)
{
  if (!base || !var || !(*base > 0)) {
    return std::nullopt;
  }
  return 100.0 * (*var - *base) / *base;
}

json::value number_or_null(std::optional<double> value, int decimals)
{
  if (!value || !std::isfinite(*value)) {
    return nullptr;
  }
  const double scale = std::pow(10.0, decimals);
  return std::round(*value * scale) / scale;
}

json::object arm_json(const ArmUsage& arm)
{
  const auto per_request = arm.cpu_per_request();
  const auto mean = arm.mean_rss_bytes();
  return {{"cpu_s", number_or_null(arm.cpu_s, 3)},
          {"requests", arm.requests},
          {"cpu_ms_per_request",
           number_or_null(per_request ? std::optional(*per_request * 1000) : std::nullopt, 4)},
          {"mean_rss_mib", number_or_null(mean ? std::optional(*mean / mib) : std::nullopt, 2)},
          {"peak_rss_mib",
           number_or_null(arm.rss_readings ? std::optional(arm.rss_peak_bytes / mib) : std::nullopt, 2)}};
}

std::string signed_mib(double bytes)
{
  const double value = bytes / mib;
  const std::string digits = fmt::format("{:.0f}", std::abs(value));
  if (digits == "0") {
    return fmt::format("{}{:.1f} MiB", value < 0 ? "−" : "+", std::abs(value));
  }
  return fmt::format("{}{} MiB", value < 0 ? "−" : "+", digits);
}

} // namespace

void ArmUsage::add(const BlockUsage& block)
{
  cpu_s += block.cpu_s;
  requests += block.requests;
  rss_sum_bytes += block.rss_sum_bytes;
  rss_readings += block.rss_readings;
  rss_peak_bytes = std::max(rss_peak_bytes, block.rss_peak_bytes);
}

std::optional<double> ArmUsage::cpu_per_request() const
{
  if (requests == 0) {
    return std::nullopt;
  }
  return cpu_s / static_cast<double>(requests);
}

std::optional<double> ArmUsage::mean_rss_bytes() const
{
  if (rss_readings == 0) {
    return std::nullopt;
  }
  return rss_sum_bytes / static_cast<double>(rss_readings);
}

ResourceComparison compare_resources(const ArmUsage& baseline, const ArmUsage& variant,
                                     const ResourceLimits& limits)
{
  ResourceComparison c;
  c.baseline = baseline;
  c.variant = variant;
  c.cpu_change_pct = change_pct(baseline.cpu_per_request(), variant.cpu_per_request());
  c.cpu_judged =
    c.cpu_change_pct.has_value() && baseline.cpu_s >= limits.min_cpu_s && variant.cpu_s >= limits.min_cpu_s;
  const auto base_mem = baseline.mean_rss_bytes();
  const auto var_mem = variant.mean_rss_bytes();
  c.memory_change_pct = change_pct(base_mem, var_mem);
  if (base_mem && var_mem) {
    c.memory_delta_bytes = *var_mem - *base_mem;
  }
  // Memory first: it is the more certain figure (no clock-tick rounding).
  if (c.memory_change_pct && *c.memory_change_pct > limits.max_memory_increase_pct) {
    c.breach = outcome::too_costly("memory", *c.memory_change_pct, "MAX_MEMORY_INCREASE_PCT",
                                   limits.max_memory_increase_pct);
  } else if (c.cpu_judged && *c.cpu_change_pct > limits.max_cpu_increase_pct) {
    c.breach = outcome::too_costly("CPU per request", *c.cpu_change_pct, "MAX_CPU_INCREASE_PCT",
                                   limits.max_cpu_increase_pct);
  }
  return c;
}

std::string describe_cost(const ResourceComparison& c)
{
  std::string cpu;
  if (c.cpu_change_pct && c.cpu_judged) {
    cpu = fmt::format("{} CPU per request", outcome::signed_pct(*c.cpu_change_pct));
  } else if (c.baseline.requests > 0 && c.variant.requests > 0) {
    cpu = fmt::format("CPU not judged ({:.2f} s)", std::min(c.baseline.cpu_s, c.variant.cpu_s));
  }
  std::string memory;
  if (c.memory_delta_bytes && c.memory_change_pct) {
    memory =
      fmt::format("{} ({})", signed_mib(*c.memory_delta_bytes), outcome::signed_pct(*c.memory_change_pct));
  }
  if (cpu.empty() || memory.empty()) {
    return cpu + memory;
  }
  return cpu + ", " + memory;
}

json::object to_json(const ResourceComparison& c)
{
  return {
    {"baseline", arm_json(c.baseline)},
    {"variant", arm_json(c.variant)},
    {"cpu_change_pct", number_or_null(c.cpu_change_pct, 2)},
    {"cpu_judged", c.cpu_judged},
    {"memory_change_pct", number_or_null(c.memory_change_pct, 2)},
    {"memory_delta_mib",
     number_or_null(c.memory_delta_bytes ? std::optional(*c.memory_delta_bytes / mib) : std::nullopt, 2)},
    {"breach", c.breach ? json::value(*c.breach) : json::value(nullptr)}};
}

} // namespace smart
