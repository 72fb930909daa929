#include <smart/phone/coach_json.hpp>

#include <smart/util/strings.hpp>

#include <boost/json.hpp>

#include <cmath>

namespace smart::coach_json {

namespace json = boost::json;

json::value host_json(const HostMetrics& host)
{
  json::object out;
  out["cpu_pct"] = host.cpu_pct ? json::value(std::round(*host.cpu_pct * 10) / 10) : json::value(nullptr);
  out["mem_pct"] = host.mem_pct ? json::value(std::round(*host.mem_pct * 10) / 10) : json::value(nullptr);
  if (host.load) {
    out["load"] = json::array{(*host.load)[0], (*host.load)[1], (*host.load)[2]};
  } else {
    out["load"] = nullptr;
  }
  out["uptime_s"] = host.uptime_s ? json::value(std::round(*host.uptime_s)) : json::value(nullptr);
  return out;
}

std::optional<json::value> parse(std::string_view body)
{
  boost::system::error_code ec;
  auto value = json::parse(body, ec);
  if (ec) {
    return std::nullopt;
  }
  return value;
}

std::optional<double> number_of(const json::value& value)
{
  if (value.is_double()) {
    return value.get_double();
  }
  if (value.is_int64()) {
    return static_cast<double>(value.get_int64());
  }
  if (value.is_uint64()) {
    return static_cast<double>(value.get_uint64());
  }
  return std::nullopt;
}

std::optional<double> confidence_of(const json::value& value)
{
  auto number = number_of(value);
  if (!number || !std::isfinite(*number) || *number < 0 || *number > 1) {
    return std::nullopt;
  }
  return number;
}

const json::value* find(const json::value& value, std::string_view key)
{
  if (!value.is_object()) {
    return nullptr;
  }
  return value.as_object().if_contains(key);
}

std::string string_of(const json::value* value, std::string_view fallback)
{
  if (value != nullptr && value->is_string()) {
    return util::printable(value->as_string(), 300);
  }
  return std::string(fallback);
}

} // namespace smart::coach_json
