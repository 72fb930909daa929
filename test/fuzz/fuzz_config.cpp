// libFuzzer target: smart.conf, parsed by smart itself and compared with how
// systemd's EnvironmentFile= would read it. Bad lines must end in a
// smart::UsageError (strict) or a listed problem (collect), never a crash.
#include <smart/config.hpp>
#include <smart/config_systemd.hpp>
#include <smart/error.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace {

std::optional<std::string> fixed_environment(const std::string& key)
{
  if (key == "HOME") {
    return std::string("/home/fuzz");
  }
  return std::nullopt;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string_view content(reinterpret_cast<const char*>(data), size);
  const smart::GetEnv getenv = fixed_environment;
  try {
    const auto config = smart::Config::parse(content, "smart.conf", getenv);
    (void)config.exported();
  } catch (const smart::UsageError&) {
  }
  // collect never throws for bad values: it keeps them as problems.
  const auto collected = smart::Config::parse(content, "smart.conf", getenv, {}, smart::Check::collect);
  for (const auto& [key, value] : collected.values()) {
    (void)collected.describe(key);
  }
  (void)smart::systemd_differences(content, "smart.conf");
  return 0;
}
