#include <smart/phone/host_metrics.hpp>

#include <smart/util/strings.hpp>

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

namespace smart {

namespace {

std::optional<std::string> slurp(const char* path)
{
  std::ifstream in(path);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

template<typename T>
std::optional<T> number(std::string_view text)
{
  T value{};
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

std::vector<std::string_view> fields(std::string_view line)
{
  std::vector<std::string_view> out;
  for (auto piece : util::split(line, ' ')) {
    piece = util::trim(piece);
    if (!piece.empty()) {
      out.push_back(piece);
    }
  }
  return out;
}

} // namespace

std::optional<CpuTimes> parse_proc_stat(std::string_view text)
{
  for (const auto line : util::split(text, '\n')) {
    const auto parts = fields(line);
    if (parts.empty() || parts[0] != "cpu") {
      continue;
    }
    // cpu user nice system idle iowait irq softirq steal [guest guest_nice]
    if (parts.size() < 5) {
      return std::nullopt;
    }
    CpuTimes times;
    // guest time is already counted in user; count fields 1..8 only.
    for (std::size_t i = 1; i < parts.size() && i <= 8; ++i) {
      const auto value = number<std::uint64_t>(parts[i]);
      if (!value) {
        return std::nullopt;
      }
      times.total += *value;
      if (i == 4 || i == 5) {
        times.idle += *value;
      }
    }
    return times;
  }
  return std::nullopt;
}

std::optional<double> cpu_busy_pct(const CpuTimes& before, const CpuTimes& after)
{
  if (after.total <= before.total || after.idle < before.idle) {
    return std::nullopt;
  }
  const auto total = static_cast<double>(after.total - before.total);
  const auto idle = static_cast<double>(after.idle - before.idle);
  return std::clamp(100.0 * (total - idle) / total, 0.0, 100.0);
}

std::optional<double> parse_meminfo_used_pct(std::string_view text)
{
  std::optional<double> total;
  std::optional<double> available;
  for (const auto line : util::split(text, '\n')) {
    const auto parts = fields(line);
    if (parts.size() < 2) {
      continue;
    }
    if (parts[0] == "MemTotal:") {
      total = number<double>(parts[1]);
    } else if (parts[0] == "MemAvailable:") {
      available = number<double>(parts[1]);
    }
  }
  if (!total || !available || *total <= 0 || *available > *total) {
    return std::nullopt;
  }
  return 100.0 * (*total - *available) / *total;
}

std::optional<std::array<double, 3>> parse_loadavg(std::string_view text)
{
  const auto parts = fields(util::trim(text));
  if (parts.size() < 3) {
    return std::nullopt;
  }
  std::array<double, 3> load{};
  for (std::size_t i = 0; i < 3; ++i) {
    const auto value = number<double>(parts[i]);
    if (!value) {
      return std::nullopt;
    }
    load[i] = *value;
  }
  return load;
}

std::optional<double> parse_uptime(std::string_view text)
{
  const auto parts = fields(util::trim(text));
  if (parts.empty()) {
    return std::nullopt;
  }
  return number<double>(parts[0]);
}

HostMetrics sample_host_metrics(std::chrono::milliseconds window)
{
  HostMetrics metrics;
  if (auto stat = slurp("/proc/stat")) {
    if (auto before = parse_proc_stat(*stat)) {
      std::this_thread::sleep_for(window);
      if (auto stat2 = slurp("/proc/stat")) {
        if (auto after = parse_proc_stat(*stat2)) {
          metrics.cpu_pct = cpu_busy_pct(*before, *after);
        }
      }
    }
  }
  if (auto text = slurp("/proc/meminfo")) {
    metrics.mem_pct = parse_meminfo_used_pct(*text);
  }
  if (auto text = slurp("/proc/loadavg")) {
    metrics.load = parse_loadavg(*text);
  }
  if (auto text = slurp("/proc/uptime")) {
    metrics.uptime_s = parse_uptime(*text);
  }
  return metrics;
}

std::string host_name()
{
  char buffer[256] = {};
  if (::gethostname(buffer, sizeof buffer - 1) != 0 || buffer[0] == '\0') {
    return "unknown";
  }
  return buffer;
}

} // namespace smart
