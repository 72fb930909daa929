// libFuzzer target: an experiment's meta.json. Every problem must end in one
// smart::ExperimentError listing them, never a crash.
#include <smart/run/experiment.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  try {
    const auto experiment = smart::parse_experiment(json, "meta.json", "/nonexistent/fuzz");
    for (const auto& variant : experiment.variants) {
      (void)variant.apply.display();
      (void)variant.apply.to_argv();
    }
    (void)experiment.revert.display();
  } catch (const smart::ExperimentError&) {
  }
  return 0;
}
