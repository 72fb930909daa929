// meta.json's validator: collects every problem (and warning) with its JSON
// path, so the parse goes on after each one and reports them all at once.
#pragma once

#include <smart/run/experiment.hpp>
#include <smart/util/strings.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace smart::meta {

// "a number", "a string"... for messages.
std::string_view kind_of(const boost::json::value& value);
// The value as JSON, cut to a printable length.
std::string shown(const boost::json::value& value);

class Validator {
public:
  explicit Validator(std::string name) : m_name(std::move(name)) {}

  void problem(std::string_view path, std::string_view why);
  void warning(std::string_view path, std::string_view why);

  template<std::size_t N>
  void unknown_keys(const boost::json::object& object, const std::array<std::string_view, N>& known,
                    std::string_view prefix)
  {
    for (const auto& [key, value] : object) {
      if (std::find(known.begin(), known.end(), std::string_view(key)) != known.end()) {
        continue;
      }
      const std::string path =
        prefix.empty() ? std::string(key) : fmt::format("{}.{}", prefix, std::string_view(key));
      const auto suggestion =
        util::did_you_mean(std::string_view(key), std::span<const std::string_view>(known));
      warning(util::printable(path, 80),
              suggestion ? fmt::format("unknown key, ignored (did you mean {}?)", *suggestion)
                         : std::string("unknown key, ignored"));
    }
  }

  std::optional<std::string> string(const boost::json::value* value, std::string_view path, bool required);
  std::optional<double> number(const boost::json::value* value, std::string_view path, double min,
                               bool min_exclusive);
  std::optional<long> integer(const boost::json::value* value, std::string_view path, long min);
  // A number of seconds (300, 0.5) or a duration string ("5m", "250ms").
  std::optional<util::Duration> duration(const boost::json::value* value, std::string_view path,
                                         bool allow_zero);
  std::optional<Command> command(const boost::json::value* value, std::string_view path, bool required);
  std::optional<std::string> name(const boost::json::value* value, std::string_view path);

  const std::vector<std::string>& problems() const { return m_problems; }
  std::vector<std::string>& warnings() { return m_warnings; }

private:
  std::string m_name;
  std::vector<std::string> m_problems;
  std::vector<std::string> m_warnings;
};

} // namespace smart::meta
