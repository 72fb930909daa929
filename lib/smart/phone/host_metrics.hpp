#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// What the coach is told about the machine (the heartbeat):
// CPU and memory use, load averages, uptime, and the host name. Parsers take
// the text of the /proc files so they are tested without a machine; a value
// that cannot be read is nullopt (JSON null), never a fake 0.

namespace smart {

struct HostMetrics {
  std::optional<double> cpu_pct;             // busy share of all CPUs over a short window
  std::optional<double> mem_pct;             // (MemTotal - MemAvailable) / MemTotal
  std::optional<std::array<double, 3>> load; // 1, 5, 15 minutes
  std::optional<double> uptime_s;
};

struct CpuTimes {
  std::uint64_t idle = 0; // idle + iowait
  std::uint64_t total = 0;
};

std::optional<CpuTimes> parse_proc_stat(std::string_view text);
std::optional<double> cpu_busy_pct(const CpuTimes& before, const CpuTimes& after);
std::optional<double> parse_meminfo_used_pct(std::string_view text);
std::optional<std::array<double, 3>> parse_loadavg(std::string_view text);
std::optional<double> parse_uptime(std::string_view text);

// Reads /proc; sleeps `window` between two /proc/stat samples for cpu_pct.
HostMetrics sample_host_metrics(std::chrono::milliseconds window = std::chrono::milliseconds(200));

// The real host name (gethostname), what the original sent as a null server_id.
std::string host_name();

} // namespace smart
