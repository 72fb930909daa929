#include <smart/run/commands.hpp>

#include <smart/run/flow.hpp>
#include <smart/run/test_pause.hpp>

#include <fmt/format.h>

namespace smart {

std::map<std::string, std::string> command_environment(const Config& config, const std::string& experiment,
                                                       const std::string& variant, const std::string& run_id,
                                                       const std::filesystem::path& run_dir,
                                                       const std::filesystem::path& output)
{
  auto env = util::current_environment();
  for (auto it = env.begin(); it != env.end();) {
    it = Config::is_secret_key(it->first) ? env.erase(it) : std::next(it);
  }
  for (const auto& [key, value] : config.exported()) {
    env[key] = value;
  }
  env["SMART_EXPERIMENT"] = experiment;
  env["SMART_VARIANT"] = variant;
  env["SMART_RUN_ID"] = run_id;
  env["SMART_RUN_DIR"] = run_dir.string();
  env["SMART_OUTPUT"] = output.string();
  return env;
}

std::map<std::string, std::string> tool_environment(const Config& config)
{
  auto env = util::current_environment();
  for (const auto& [key, value] : config.exported()) {
    env[key] = value;
  }
  return env;
}

util::ProcessSpec command_spec(const CommandSite& site, const Command& command, const std::string& variant,
                               const std::string& log_name, util::Duration timeout,
                               util::Interruptible interruptible, const std::filesystem::path& output)
{
  util::ProcessSpec spec;
  spec.argv = command.to_argv();
  spec.cwd = site.experiment_dir;
  spec.env = command_environment(site.config, site.experiment, variant, site.run_id, site.run_dir, output);
  spec.log_file = site.run_dir / log_name;
  spec.timeout = timeout;
  spec.interruptible = interruptible;
  return spec;
}

ExperimentCommands::ExperimentCommands(const RunContext& ctx, const Experiment& exp, util::Duration timeout,
                                       std::string run_id, std::filesystem::path run_dir)
  : m_ctx(ctx), m_exp(exp), m_timeout(timeout), m_id(std::move(run_id)), m_dir(std::move(run_dir))
{
}

util::ProcessResult ExperimentCommands::run(const Command& command, const std::string& phase,
                                            const std::string& variant,
                                            util::Interruptible interruptible) const
{
  const CommandSite site{m_ctx.config, m_exp.id, m_exp.dir, m_id, m_dir};
  auto spec =
    command_spec(site, command, variant, fmt::format("{}.{}.log", phase, variant), m_timeout, interruptible);
  spec.on_started = [this, interruptible](int pgid) {
    try {
      record_group(pgid);
    } catch (const std::exception& e) {
      // An apply is better not run than run unrecorded; a revert (the
      // commands that are never interrupted) runs all the same: on a full
      // disk it is what matters most.
      if (interruptible == util::Interruptible::yes) {
        throw;
      }
      m_ctx.log.line(fmt::format("cannot record the command's process group: {}", e.what()));
    }
  };
  m_ctx.log.line(fmt::format("{} {}: {}", phase, variant, command.display()));
  const auto result = m_ctx.processes.run(spec);
  if (!result.ok()) {
    m_ctx.log.line(fmt::format("{} {}: {} (log: {})", phase, variant, result.describe(),
                               spec.log_file.filename().string()));
  }
  return result;
}

void ExperimentCommands::record_group(int pgid) const
{
  // Only while this run has a variant pending: that is what recovery reads.
  auto pending = m_ctx.store.read_pending();
  if (pending && pending->run_id == m_id) {
    pending->pgid = pgid;
    m_ctx.store.write_pending(*pending);
  }
}

void ExperimentCommands::apply_baseline() const
{
  const auto result = run(m_exp.baseline_apply, "apply", "baseline", util::Interruptible::yes);
  if (result.end == util::ProcessEnd::interrupted) {
    throw flow::Interrupted{};
  }
  if (!result.ok()) {
    throw flow::StepFailed{fmt::format("baseline apply {}; see apply.baseline.log", result.describe()), {}};
  }
  check("baseline");
}

void ExperimentCommands::apply(const Variant& variant) const
{
  const auto result = run(variant.apply, "apply", variant.name, util::Interruptible::yes);
  if (result.end == util::ProcessEnd::interrupted) {
    throw flow::Interrupted{};
  }
  if (!result.ok()) {
    throw flow::StepFailed{
      fmt::format("apply of {} {}; see apply.{}.log", variant.name, result.describe(), variant.name),
      fmt::format("apply {}", result.describe())};
  }
  test_pause_point("apply");
  check(variant.name);
}

void ExperimentCommands::check(const std::string& variant) const
{
  if (m_exp.check.empty()) {
    return;
  }
  const auto result = run(m_exp.check, "check", variant, util::Interruptible::yes);
  if (result.end == util::ProcessEnd::interrupted) {
    throw flow::Interrupted{};
  }
  if (!result.ok()) {
    throw flow::StepFailed{
      fmt::format("check after {} {}; see check.{}.log", variant, result.describe(), variant),
      variant != "baseline" ? fmt::format("check {}", result.describe()) : std::string()};
  }
  if (variant != "baseline") {
    test_pause_point("check");
  }
}

void ExperimentCommands::revert(const std::string& variant) const
{
  const auto result = run(m_exp.revert, "revert", variant, util::Interruptible::no);
  if (!result.ok()) {
    throw flow::RevertFailed{
      fmt::format("revert of {} {}; see revert.{}.log", variant, result.describe(), variant)};
  }
  test_pause_point("revert");
  if (!m_exp.check.empty()) {
    const auto check = run(m_exp.check, "check", variant + ".reverted", util::Interruptible::no);
    if (!check.ok()) {
      throw flow::RevertFailed{fmt::format("check after reverting {} {}; see check.{}.reverted.log", variant,
                                           check.describe(), variant)};
    }
  }
}

} // namespace smart
