// libFuzzer target: building a replay mix from an access log in nginx's
// "combined" format (smart-measure --replay): malformed lines are counted
// and skipped, only GET and HEAD paths are kept, never a crash.
#include <smart/measure/replay_mix.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  static const auto format = smart::LogFormat::parse(smart::combined_log_format);
  std::string_view lines(reinterpret_cast<const char*>(data), size);
  smart::ReplayOptions options;
  options.top = 5;
  options.query = size % 2 == 0 ? smart::QueryString::strip : smart::QueryString::keep;
  options.exclude = {"/static/*"};
  smart::ReplayMixBuilder builder(format, options);
  while (!lines.empty()) {
    const auto end = lines.find('\n');
    builder.add(lines.substr(0, end));
    lines = end == std::string_view::npos ? std::string_view() : lines.substr(end + 1);
  }
  const auto mix = builder.finish();
  if (mix.paths.size() > options.top || mix.malformed > mix.lines) {
    std::abort();
  }
  return 0;
}
