#pragma once

#include <smart/resource_cost.hpp>
#include <smart/util/units.hpp>

#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

// How smart-run reads the target service's CPU time and memory while it
// measures (docs/run.md, "Resource guardrails"):
//   - a systemd unit (meta.json "service", smart.conf TARGET_SERVICE): its
//     cgroup v2 directory, cpu.stat usage_usec and memory.current;
//   - a pid file (meta.json "pid_file", smart.conf TARGET_PID_FILE): that
//     process and all its descendants through /proc, utime + stime from
//     /proc/PID/stat and VmRSS from /proc/PID/status.
// A reading that fails (the service stopped, a file vanished) is no
// reading: the block then has no figures, never made-up ones.

namespace smart {

// One reading: CPU time used so far (seconds, cumulative) and memory now.
struct ResourceReading {
  double cpu_s = 0;
  double memory_bytes = 0;
};

class ResourceSource {
public:
  virtual ~ResourceSource() = default;
  virtual std::optional<ResourceReading> read() const = 0;
  // "cgroup /sys/fs/cgroup/system.slice/nginx.service", "pid file /run/nginx.pid".
  virtual std::string describe() const = 0;
};

// Pure parsers of the kernel's files (for the unit tests).
// cpu.stat's usage_usec in seconds.
std::optional<double> parse_cpu_stat_usage(std::string_view cpu_stat);
// /proc/PID/status's VmRSS in bytes (nullopt for a kernel thread or a zombie).
std::optional<double> parse_status_rss(std::string_view status);

// A cgroup v2 directory (cpu.stat, memory.current).
std::unique_ptr<ResourceSource> cgroup_source(std::filesystem::path dir);
// The process in pid_file and its descendants, read under proc_root.
std::unique_ptr<ResourceSource> pid_file_source(std::filesystem::path pid_file,
                                                std::filesystem::path proc_root = "/proc");
// Where a systemd unit's cgroup v2 directory is under cgroup_root:
// system.slice/UNIT, or unified/system.slice/UNIT on a hybrid hierarchy;
// nullopt when neither has a cpu.stat.
std::optional<std::filesystem::path> unit_cgroup_dir(const std::filesystem::path& cgroup_root,
                                                     std::string_view unit);

// Samples a source while one block is measured: a reading at start(), one
// every interval in a thread of its own, and one at finish().
class ResourceMeter {
public:
  explicit ResourceMeter(std::unique_ptr<ResourceSource> source,
                         util::Duration interval = util::Duration(0.2));
  ~ResourceMeter();
  ResourceMeter(const ResourceMeter&) = delete;
  ResourceMeter& operator=(const ResourceMeter&) = delete;

  void start();
  // Stops sampling; the block's usage (requests as given), or nullopt when
  // the source could not be read at the start or at the end.
  std::optional<BlockUsage> finish(std::size_t requests);
  std::string describe() const { return m_source->describe(); }

private:
  void sample_memory(const ResourceReading& reading);
  void loop();

  std::unique_ptr<ResourceSource> m_source;
  util::Duration m_interval;
  std::optional<ResourceReading> m_first;
  BlockUsage m_usage;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stop = false;
  std::thread m_thread;
};

} // namespace smart
