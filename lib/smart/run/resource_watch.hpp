#pragma once

#include <smart/resource_cost.hpp>
#include <smart/run/resource_meter.hpp>
#include <smart/run/run_log.hpp>
#include <smart/run/settings.hpp>
#include <smart/run_store.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>

// The resource guard within a run: the target service's usage per arm
// (the baseline's blocks, each variant's), and the judgement of a variant's
// verdict by its cost (docs/decision.md, "Resource guardrails").

namespace smart {

class ResourceWatch {
public:
  // Watches settings.service or settings.pid_file; inactive when neither is
  // set. A unit without a cgroup v2 directory is logged and not watched.
  ResourceWatch(const RunSettings& settings, RunLog& log);

  bool active() const { return m_meter != nullptr; }
  // Around the measurement of one block (or phase) of arm.
  void start();
  void finish(const std::string& arm, std::size_t requests);

  // Compares variant_arm with base_arm; records the figures in result,
  // adds the cost to its reasons, and when the cost passes a limit turns a
  // keep into a revert (and a borderline verdict into a plain one, so no
  // coach is asked). Returns true when it overturned a keep.
  bool judge(const std::string& base_arm, const std::string& variant_arm, std::string& decision,
             bool& borderline, VariantResult& result) const;

private:
  ResourceLimits m_limits;
  RunLog& m_log;
  std::unique_ptr<ResourceMeter> m_meter;
  std::map<std::string, ArmUsage> m_arms;
  std::map<std::string, int> m_missing; // blocks without figures, per arm
};

} // namespace smart
