#include <smart/run/meta_validator.hpp>

#include <smart/util/json_writer.hpp>

#include <cmath>

namespace smart::meta {

namespace json = boost::json;

std::string shown(const json::value& value)
{
  return util::printable(util::write_json(value), 80);
}

std::string_view kind_of(const json::value& value)
{
  switch (value.kind()) {
  case json::kind::null:
    return "null";
  case json::kind::bool_:
    return "a boolean";
  case json::kind::int64:
  case json::kind::uint64:
  case json::kind::double_:
    return "a number";
  case json::kind::string:
    return "a string";
  case json::kind::array:
    return "an array";
  case json::kind::object:
    return "an object";
  }
  return "?";
}

void Validator::problem(std::string_view path, std::string_view why)
{
  m_problems.push_back(fmt::format("{}: {}: {}", m_name, path, why));
}

void Validator::warning(std::string_view path, std::string_view why)
{
  m_warnings.push_back(fmt::format("{}: {}: {}", m_name, path, why));
}

std::optional<std::string> Validator::string(const json::value* value, std::string_view path, bool required)
{
  if (!value) {
    if (required) {
      problem(path, "missing (a string is required)");
    }
    return std::nullopt;
  }
  if (!value->is_string()) {
    problem(path, fmt::format("expected a string, found {} {}", kind_of(*value), shown(*value)));
    return std::nullopt;
  }
  return std::string(value->as_string());
}

std::optional<double> Validator::number(const json::value* value, std::string_view path, double min,
                                        bool min_exclusive)
{
  if (!value) {
    return std::nullopt;
  }
  if (!value->is_number()) {
    problem(path, fmt::format("expected a number, found {} {}", kind_of(*value), shown(*value)));
    return std::nullopt;
  }
  const double number = value->to_number<double>();
  if (!std::isfinite(number) || number < min || (min_exclusive && number == min)) {
    problem(path, fmt::format("{} is out of range (must be {} {})", shown(*value),
                              min_exclusive ? ">" : ">=", min));
    return std::nullopt;
  }
  return number;
}

std::optional<long> Validator::integer(const json::value* value, std::string_view path, long min)
{
  if (!value) {
    return std::nullopt;
  }
  if (!value->is_int64() && !value->is_uint64() &&
      !(value->is_double() && std::trunc(value->as_double()) == value->as_double())) {
    problem(path, fmt::format("expected a whole number, found {} {}", kind_of(*value), shown(*value)));
    return std::nullopt;
  }
  const double number = value->to_number<double>();
  if (number < static_cast<double>(min) || number > 1e9) {
    problem(path, fmt::format("{} is out of range (must be >= {})", shown(*value), min));
    return std::nullopt;
  }
  return static_cast<long>(number);
}

std::optional<util::Duration> Validator::duration(const json::value* value, std::string_view path,
                                                  bool allow_zero)
{
  if (!value) {
    return std::nullopt;
  }
  std::optional<util::Duration> parsed;
  if (value->is_number()) {
    const double seconds = value->to_number<double>();
    if (std::isfinite(seconds) && seconds >= 0) {
      parsed = util::Duration(seconds);
    }
  } else if (value->is_string()) {
    parsed = util::parse_duration(std::string_view(value->as_string()));
  }
  if (!parsed) {
    problem(
      path,
      fmt::format("{} is not a duration (seconds as a number, or a string like \"300s\", \"5m\", \"250ms\")",
                  shown(*value)));
    return std::nullopt;
  }
  if (!allow_zero && parsed->count() <= 0) {
    problem(path, fmt::format("{} must be more than zero", shown(*value)));
    return std::nullopt;
  }
  return parsed;
}

std::optional<Command> Validator::command(const json::value* value, std::string_view path, bool required)
{
  if (!value) {
    if (required) {
      problem(path, "missing (a command is required: a string for /bin/sh -c, or an argv array)");
    }
    return std::nullopt;
  }
  Command command;
  if (value->is_string()) {
    command.shell = true;
    command.script = std::string(value->as_string());
    if (util::trim(command.script).empty()) {
      problem(path, "empty command");
      return std::nullopt;
    }
    return command;
  }
  if (value->is_array()) {
    command.shell = false;
    const auto& array = value->as_array();
    if (array.empty()) {
      problem(path, "empty argv array");
      return std::nullopt;
    }
    bool ok = true;
    for (std::size_t i = 0; i < array.size(); ++i) {
      const auto item_path = fmt::format("{}[{}]", path, i);
      if (!array[i].is_string()) {
        problem(item_path, fmt::format("expected a string, found {} {}", kind_of(array[i]), shown(array[i])));
        ok = false;
      } else if (array[i].as_string().find('\0') != json::string::npos) {
        problem(item_path, "contains a NUL character");
        ok = false;
      } else {
        command.argv.emplace_back(array[i].as_string());
      }
    }
    if (ok && command.argv[0].empty()) {
      problem(fmt::format("{}[0]", path), "empty program name");
      ok = false;
    }
    return ok ? std::optional<Command>(command) : std::nullopt;
  }
  problem(path, fmt::format("expected a command (a string or an array of strings), found {} {}",
                            kind_of(*value), shown(*value)));
  return std::nullopt;
}

std::optional<std::string> Validator::name(const json::value* value, std::string_view path)
{
  auto text = string(value, path, true);
  if (text && !util::is_safe_name(*text)) {
    problem(path,
            fmt::format("\"{}\" is not a valid name ([A-Za-z0-9._-]{{1,64}})", util::printable(*text, 80)));
    return std::nullopt;
  }
  return text;
}

} // namespace smart::meta
