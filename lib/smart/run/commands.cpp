#include <smart/run/commands.hpp>

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

} // namespace smart
