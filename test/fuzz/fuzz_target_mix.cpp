// libFuzzer target: a request-mix targets file (smart-measure --targets).
// Every problem is one smart::UsageError naming FILE:LINE, never a crash;
// what parses writes back as lines that parse again to the same targets.
#include <smart/error.hpp>
#include <smart/measure/target_mix.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string_view content(reinterpret_cast<const char*>(data), size);
  std::vector<smart::MixTarget> targets;
  try {
    targets = smart::parse_targets_file(content, "targets.txt");
  } catch (const smart::UsageError&) {
    return 0;
  }
  // Written back, every target parses again to the same target.
  for (const auto& target : targets) {
    const auto again = smart::parse_targets_file(smart::format_target_line(target), "again");
    if (again.size() != 1 || again[0].target.url != target.target.url || again[0].weight != target.weight ||
        again[0].method != target.method || again[0].headers != target.headers ||
        again[0].expect_status != target.expect_status || again[0].expect_body != target.expect_body ||
        again[0].expect_min_bytes != target.expect_min_bytes) {
      std::abort();
    }
  }
  std::vector<double> weights;
  for (const auto& target : targets) {
    weights.push_back(target.weight);
  }
  if (!weights.empty()) {
    smart::MixPicker picker(weights);
    for (int i = 0; i < 16; ++i) {
      if (picker.next() >= weights.size()) {
        std::abort();
      }
    }
  }
  return 0;
}
