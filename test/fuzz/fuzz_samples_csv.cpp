// libFuzzer target: the samples CSV reader (smart-decide, smart-run and the
// dashboard read files that other programs wrote). Bad input must end in a
// smart::UsageError naming the line, never a crash; the streaming parser must
// accept the same input whole or cut into two chunks anywhere.
#include <smart/error.hpp>
#include <smart/samples_csv.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

namespace {

std::optional<std::size_t> rows_of(std::string_view content, std::size_t cut)
{
  try {
    smart::SamplesParser parser("fuzz.csv");
    parser.feed(content.substr(0, cut));
    parser.feed(content.substr(cut));
    return parser.finish().size();
  } catch (const smart::UsageError&) {
    return std::nullopt;
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string_view content(reinterpret_cast<const char*>(data), size);
  std::optional<std::size_t> whole;
  try {
    whole = smart::parse_samples(content, "fuzz.csv").size();
  } catch (const smart::UsageError&) {
  }
  // The same bytes in two chunks mean the same rows (or the same refusal).
  const std::size_t cut = size == 0 ? 0 : data[0] % (size + 1);
  if (rows_of(content, cut) != whole) {
    std::abort();
  }
  return 0;
}
