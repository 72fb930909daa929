#pragma once

#include <smart/phone/host_metrics.hpp>

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

// Reading and writing the JSON both coach modes exchange: lenient readers
// (a coach or a model may send anything; nothing here throws) and the host
// metrics block every request carries.

namespace smart::coach_json {

// {cpu_pct, mem_pct, load[3], uptime_s}, null where unknown; percentages to
// one decimal, uptime to whole seconds.
boost::json::value host_json(const HostMetrics& host);

// nullopt when body is not JSON.
std::optional<boost::json::value> parse(std::string_view body);

// A JSON number as a double; nullopt for anything else.
std::optional<double> number_of(const boost::json::value& value);

// A number in [0, 1]; nullopt otherwise.
std::optional<double> confidence_of(const boost::json::value& value);

// value[key] when value is an object holding key; nullptr otherwise.
const boost::json::value* find(const boost::json::value& value, std::string_view key);

// A string, made printable and cut at 300 characters; fallback otherwise.
std::string string_of(const boost::json::value* value, std::string_view fallback);

} // namespace smart::coach_json
