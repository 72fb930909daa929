#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

// Durations as people write them: "300" (seconds), "300s", "5m", "1h",
// "250ms", "1.5s", "0.1". Generic: knows nothing of smart.

namespace smart::util {

using Duration = std::chrono::duration<double>; // seconds

// The longest duration accepted: about 31 years (any clock plus this still
// fits in 64-bit nanoseconds).
inline constexpr double max_duration_seconds = 1e9;

// The duration text means, or nullopt when it is not a duration
// (empty, negative, unknown unit, trailing garbage, not finite, longer than
// max_duration_seconds).
std::optional<Duration> parse_duration(std::string_view text);

// "250ms", "1.5s", "5m", "2h" — the shortest exact-ish form for messages.
std::string format_duration(Duration duration);

} // namespace smart::util
