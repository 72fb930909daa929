// libFuzzer target: nginx access logs and the log_format that reads them
// (--log-format is given by the operator; the log lines come from clients).
// The input's first line is the format, unless it is empty: then the lines
// are read with nginx's "combined" and smart's own format. A bad format is a
// smart::UsageError; a bad line is a false from parse(); never a crash.
#include <smart/access_log.hpp>
#include <smart/error.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

namespace {

void read_lines(const smart::LogFormat& format, std::string_view lines)
{
  smart::LogEntry entry;
  while (!lines.empty()) {
    const auto end = lines.find('\n');
    const auto line = lines.substr(0, end);
    if (format.parse(line, entry) && (entry.status < 0 || entry.status > 999)) {
      std::abort();
    }
    (void)smart::parse_time_local(line);
    (void)smart::parse_time_iso8601(line);
    (void)smart::parse_msec(line);
    lines = end == std::string_view::npos ? std::string_view() : lines.substr(end + 1);
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto end = input.find('\n');
  if (end == std::string_view::npos) {
    return 0;
  }
  const auto format_text = input.substr(0, end);
  const auto lines = input.substr(end + 1);
  if (format_text.empty()) {
    read_lines(smart::LogFormat::parse(smart::combined_log_format), lines);
    read_lines(smart::LogFormat::parse(smart::smart_log_format), lines);
    return 0;
  }
  std::optional<smart::LogFormat> format;
  try {
    format = smart::LogFormat::parse(format_text);
  } catch (const smart::UsageError&) {
    return 0;
  }
  read_lines(*format, lines);
  return 0;
}
