#include <smart/run/resource_watch.hpp>

#include <fmt/format.h>

namespace smart {

ResourceWatch::ResourceWatch(const RunSettings& s, RunLog& log) : m_limits(s.resource_limits), m_log(log)
{
  if (!s.service.empty()) {
    if (const auto dir = unit_cgroup_dir(s.cgroup_root, s.service)) {
      m_meter = std::make_unique<ResourceMeter>(cgroup_source(*dir));
    } else {
      m_log.line(fmt::format("resources: no cgroup v2 directory for {} under {}; CPU and memory not watched",
                             s.service, s.cgroup_root.string()));
      return;
    }
  } else if (!s.pid_file.empty()) {
    m_meter = std::make_unique<ResourceMeter>(pid_file_source(s.pid_file));
  } else {
    return;
  }
  m_log.line(fmt::format("resources: watching {} (CPU +{:g}%, memory +{:g}% at most)", m_meter->describe(),
                         m_limits.max_cpu_increase_pct, m_limits.max_memory_increase_pct));
}

void ResourceWatch::start()
{
  if (m_meter) {
    m_meter->start();
  }
}

void ResourceWatch::finish(const std::string& arm, std::size_t requests)
{
  if (!m_meter) {
    return;
  }
  if (const auto usage = m_meter->finish(requests)) {
    m_arms[arm].add(*usage);
  } else if (m_missing[arm]++ == 0) {
    m_log.line(fmt::format("resources: {} could not be read during {}", m_meter->describe(), arm));
  }
}

bool ResourceWatch::judge(const std::string& base_arm, const std::string& variant_arm, std::string& decision,
                          bool& borderline, VariantResult& result) const
{
  const auto base = m_arms.find(base_arm);
  const auto var = m_arms.find(variant_arm);
  if (!m_meter || base == m_arms.end() || var == m_arms.end()) {
    return false;
  }
  const auto cost = compare_resources(base->second, var->second, m_limits);
  result.resources = cost;
  if (const auto text = describe_cost(cost); !text.empty()) {
    result.reasons.push_back("cost: " + text);
  }
  if (!cost.breach) {
    return false;
  }
  borderline = false;
  result.borderline = false;
  if (decision != "keep") {
    result.reasons.push_back(*cost.breach);
    return false;
  }
  decision = "revert";
  result.reasons.insert(result.reasons.begin(), *cost.breach);
  return true;
}

} // namespace smart
