#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

// Wall-clock formatting in UTC. Generic.

namespace smart::util {

using SystemTime = std::chrono::system_clock::time_point;

// "2026-11-22T23:10:30.123Z"
std::string format_rfc3339_ms(SystemTime time);
// "2026-11-22T23:10:30Z"
std::string format_rfc3339(SystemTime time);
// "20261122T231030Z"
std::string format_compact(SystemTime time);

// The years a parsed time may have: any two such times, and any such time
// and now, differ by less than the 292 years a nanosecond clock can hold.
inline constexpr int min_year = 1970;
inline constexpr int max_year = 2199;

// Parses RFC 3339 with optional fraction and a Z or ±hh:mm offset, and the
// compact form above. nullopt when it is neither, or when the year is outside
// min_year..max_year.
std::optional<SystemTime> parse_rfc3339(std::string_view text);

} // namespace smart::util
