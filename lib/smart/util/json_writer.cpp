#include <smart/util/json_writer.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace smart::util {

namespace json = boost::json;

std::string format_number(double value)
{
  if (std::isnan(value)) {
    return "NaN";
  }
  if (std::isinf(value)) {
    return value > 0 ? "+Inf" : "-Inf";
  }
  if (value == 0) {
    return "0"; // -0 too
  }
  // 15 significant digits: every decimal of up to 15 digits survives the
  // trip through a double, and the noise of arithmetic (digits 16, 17) goes.
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific, 14);
  std::string_view text(buffer, static_cast<std::size_t>(result.ptr - buffer));
  const bool negative = text.front() == '-';
  if (negative) {
    text.remove_prefix(1);
  }
  const auto e = text.find('e');
  std::string digits(1, text[0]);
  digits += text.substr(2, e - 2);
  const int exponent = std::atoi(std::string(text.substr(e + 1)).c_str());
  while (digits.size() > 1 && digits.back() == '0') {
    digits.pop_back();
  }
  std::string out = negative ? "-" : "";
  if (exponent < -9 || exponent >= 15) {
    out += digits[0];
    if (digits.size() > 1) {
      out += '.';
      out += digits.substr(1);
    }
    out += exponent < 0 ? "e-" : "e+";
    out += std::to_string(std::abs(exponent));
    return out;
  }
  const auto point = static_cast<std::size_t>(exponent + 1); // digits before the point, when >= 1
  if (exponent < 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-exponent - 1), '0');
    out += digits;
  } else if (point >= digits.size()) {
    out += digits;
    out.append(point - digits.size(), '0');
  } else {
    out += digits.substr(0, point);
    out += '.';
    out += digits.substr(point);
  }
  return out;
}

namespace {

// indent < 0: compact.
void write(std::string& out, const json::value& value, int indent)
{
  const bool compact = indent < 0;
  const std::string pad(compact ? 0 : static_cast<std::size_t>(indent) * 2, ' ');
  const std::string inner(compact ? 0 : static_cast<std::size_t>(indent + 1) * 2, ' ');
  const std::string nl = compact ? "" : "\n";
  const int next = compact ? indent : indent + 1;
  switch (value.kind()) {
  case json::kind::object: {
    const auto& object = value.as_object();
    if (object.empty()) {
      out += "{}";
      return;
    }
    out += "{" + nl;
    bool first = true;
    for (const auto& [key, item] : object) {
      out += first ? "" : "," + nl;
      first = false;
      out += inner + json::serialize(json::string(key)) + (compact ? ":" : ": ");
      write(out, item, next);
    }
    out += nl + pad + "}";
    return;
  }
  case json::kind::array: {
    const auto& array = value.as_array();
    if (array.empty()) {
      out += "[]";
      return;
    }
    out += "[" + nl;
    for (std::size_t i = 0; i < array.size(); ++i) {
      out += i ? "," + nl : "";
      out += inner;
      write(out, array[i], next);
    }
    out += nl + pad + "]";
    return;
  }
  case json::kind::double_: {
    const double d = value.as_double();
    out += std::isfinite(d) ? format_number(d) : "null";
    return;
  }
  default:
    out += json::serialize(value);
  }
}

} // namespace

std::string write_json(const json::value& value, JsonLayout layout)
{
  std::string out;
  write(out, value, layout == JsonLayout::compact ? -1 : 0);
  return out;
}

} // namespace smart::util
