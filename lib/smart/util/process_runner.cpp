#include <smart/util/process_runner.hpp>

#include <unistd.h>

namespace smart::util {

ProcessResult SystemProcessRunner::run(const ProcessSpec& spec)
{
  return run_process(spec);
}

bool SystemProcessRunner::executable(const std::filesystem::path& path)
{
  return ::access(path.c_str(), X_OK) == 0;
}

ProcessRunner& system_process_runner()
{
  static SystemProcessRunner runner;
  return runner;
}

} // namespace smart::util
