#include <smart/run/resource_meter.hpp>

#include <smart/util/process_group.hpp>

#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

namespace smart {

namespace fs = std::filesystem;

namespace {

std::optional<std::string> slurp(const fs::path& path)
{
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return std::nullopt;
  }
  return text.str();
}

template<typename T>
std::optional<T> number_in(std::string_view text)
{
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end == text.data()) {
    return std::nullopt;
  }
  return value;
}

// The value after "key" at the start of a line of text.
std::optional<std::string_view> field(std::string_view text, std::string_view key)
{
  std::size_t at = 0;
  while (at < text.size()) {
    const auto eol = std::min(text.find('\n', at), text.size());
    const auto line = text.substr(at, eol - at);
    if (line.starts_with(key)) {
      return line.substr(key.size());
    }
    at = eol + 1;
  }
  return std::nullopt;
}

class CgroupSource final : public ResourceSource {
public:
  explicit CgroupSource(fs::path dir) : m_dir(std::move(dir)) {}

  std::optional<ResourceReading> read() const override
  {
    const auto stat = slurp(m_dir / "cpu.stat");
    const auto current = slurp(m_dir / "memory.current");
    if (!stat || !current) {
      return std::nullopt;
    }
    const auto cpu = parse_cpu_stat_usage(*stat);
    const auto memory = number_in<unsigned long long>(*current);
    if (!cpu || !memory) {
      return std::nullopt;
    }
    return ResourceReading{*cpu, static_cast<double>(*memory)};
  }

  std::string describe() const override { return "cgroup " + m_dir.string(); }

private:
  fs::path m_dir;
};

class ProcTreeSource final : public ResourceSource {
public:
  ProcTreeSource(fs::path pid_file, fs::path proc_root)
    : m_pid_file(std::move(pid_file)), m_proc(std::move(proc_root))
  {
    const long ticks = ::sysconf(_SC_CLK_TCK);
    m_tick_s = ticks > 0 ? 1.0 / static_cast<double>(ticks) : 0.01;
  }

  std::optional<ResourceReading> read() const override
  {
    const auto text = slurp(m_pid_file);
    const auto root = text ? number_in<long>(*text) : std::nullopt;
    if (!root || *root <= 0) {
      return std::nullopt;
    }
    // Every process's parent, then the tree under root (nginx's master and
    // its workers, php-fpm's pool ...).
    std::map<long, util::ProcessStat> stats;
    std::error_code ec;
    for (fs::directory_iterator it(m_proc, ec), end; !ec && it != end; it.increment(ec)) {
      const auto name = it->path().filename().string();
      const auto pid = number_in<long>(name);
      if (!pid || std::to_string(*pid) != name) {
        continue;
      }
      if (const auto stat = slurp(it->path() / "stat")) {
        if (const auto parsed = util::parse_process_stat(*stat)) {
          stats.emplace(*pid, *parsed);
        }
      }
    }
    if (!stats.contains(*root)) {
      return std::nullopt; // the service is not running
    }
    std::vector<long> tree{*root};
    for (std::size_t i = 0; i < tree.size(); ++i) {
      for (const auto& [pid, stat] : stats) {
        if (stat.ppid == tree[i]) {
          tree.push_back(pid);
        }
      }
    }
    ResourceReading reading;
    for (const long pid : tree) {
      reading.cpu_s += static_cast<double>(stats[pid].ticks) * m_tick_s;
      if (const auto status = slurp(m_proc / std::to_string(pid) / "status")) {
        reading.memory_bytes += parse_status_rss(*status).value_or(0);
      }
    }
    return reading;
  }

  std::string describe() const override { return "pid file " + m_pid_file.string(); }

private:
  fs::path m_pid_file;
  fs::path m_proc;
  double m_tick_s = 0.01;
};

} // namespace

std::optional<double> parse_cpu_stat_usage(std::string_view cpu_stat)
{
  const auto value = field(cpu_stat, "usage_usec ");
  const auto usec = value ? number_in<unsigned long long>(*value) : std::nullopt;
  if (!usec) {
    return std::nullopt;
  }
  return static_cast<double>(*usec) / 1e6;
}

std::optional<double> parse_status_rss(std::string_view status)
{
  const auto value = field(status, "VmRSS:");
  const auto kib = value ? number_in<unsigned long long>(*value) : std::nullopt;
  if (!kib) {
    return std::nullopt;
  }
  return static_cast<double>(*kib) * 1024.0;
}

std::unique_ptr<ResourceSource> cgroup_source(fs::path dir)
{
  return std::make_unique<CgroupSource>(std::move(dir));
}

std::unique_ptr<ResourceSource> pid_file_source(fs::path pid_file, fs::path proc_root)
{
  return std::make_unique<ProcTreeSource>(std::move(pid_file), std::move(proc_root));
}

std::optional<fs::path> unit_cgroup_dir(const fs::path& cgroup_root, std::string_view unit)
{
  std::error_code ec;
  for (const fs::path& candidate :
       {cgroup_root / "system.slice" / unit, cgroup_root / "unified" / "system.slice" / unit}) {
    if (fs::is_regular_file(candidate / "cpu.stat", ec)) {
      return candidate;
    }
  }
  return std::nullopt;
}

ResourceMeter::ResourceMeter(std::unique_ptr<ResourceSource> source, util::Duration interval)
  : m_source(std::move(source)), m_interval(interval)
{
}

ResourceMeter::~ResourceMeter()
{
  if (m_thread.joinable()) {
    {
      std::lock_guard lock(m_mutex);
      m_stop = true;
    }
    m_wake.notify_all();
    m_thread.join();
  }
}

void ResourceMeter::start()
{
  if (m_thread.joinable()) {
    finish(0);
  }
  m_usage = BlockUsage{};
  m_stop = false;
  m_first = m_source->read();
  if (m_first) {
    sample_memory(*m_first);
  }
  m_thread = std::thread([this] { loop(); });
}

std::optional<BlockUsage> ResourceMeter::finish(std::size_t requests)
{
  if (m_thread.joinable()) {
    {
      std::lock_guard lock(m_mutex);
      m_stop = true;
    }
    m_wake.notify_all();
    m_thread.join();
  }
  const auto last = m_source->read();
  if (!m_first || !last) {
    return std::nullopt;
  }
  sample_memory(*last);
  std::lock_guard lock(m_mutex);
  // A worker that exited during the block takes its CPU time with it; a
  // negative difference is such a loss, not negative work.
  m_usage.cpu_s = std::max(0.0, last->cpu_s - m_first->cpu_s);
  m_usage.requests = requests;
  return m_usage;
}

void ResourceMeter::sample_memory(const ResourceReading& reading)
{
  std::lock_guard lock(m_mutex);
  m_usage.rss_sum_bytes += reading.memory_bytes;
  ++m_usage.rss_readings;
  m_usage.rss_peak_bytes = std::max(m_usage.rss_peak_bytes, reading.memory_bytes);
}

void ResourceMeter::loop()
{
  std::unique_lock lock(m_mutex);
  while (!m_wake.wait_for(lock, m_interval, [this] { return m_stop; })) {
    lock.unlock();
    const auto reading = m_source->read();
    if (reading) {
      sample_memory(*reading);
    }
    lock.lock();
  }
}

} // namespace smart
