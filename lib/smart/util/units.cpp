#include <smart/util/units.hpp>

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace smart::util {

std::optional<Duration> parse_duration(std::string_view text)
{
  if (text.empty()) {
    return std::nullopt;
  }
  double value = 0;
  const char* const end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr == text.data() || !std::isfinite(value) || value < 0) {
    return std::nullopt;
  }
  const std::string_view unit(ptr, static_cast<std::size_t>(end - ptr));
  double scale = 0;
  if (unit.empty() || unit == "s" || unit == "sec") {
    scale = 1;
  } else if (unit == "ms") {
    scale = 1e-3;
  } else if (unit == "us") {
    scale = 1e-6;
  } else if (unit == "m" || unit == "min") {
    scale = 60;
  } else if (unit == "h") {
    scale = 3600;
  } else if (unit == "d") {
    scale = 86400;
  } else {
    return std::nullopt;
  }
  // Finite and bounded, so that now + duration in nanoseconds never overflows.
  const double seconds = value * scale;
  if (!std::isfinite(seconds) || seconds > max_duration_seconds) {
    return std::nullopt;
  }
  return Duration(seconds);
}

std::string format_duration(Duration duration)
{
  const double s = duration.count();
  if (s != 0 && s < 1) {
    return fmt::format("{:g}ms", s * 1e3);
  }
  if (s >= 3600 && std::fmod(s, 3600) == 0) {
    return fmt::format("{:g}h", s / 3600);
  }
  if (s >= 60 && std::fmod(s, 60) == 0) {
    return fmt::format("{:g}m", s / 60);
  }
  return fmt::format("{:g}s", s);
}

} // namespace smart::util
