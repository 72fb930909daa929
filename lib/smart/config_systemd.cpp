#include <smart/config_systemd.hpp>

#include <smart/util/strings.hpp>

#include <fmt/format.h>

#include <cctype>
#include <optional>

namespace smart {

namespace {

bool is_blank(char c)
{
  return c == ' ' || c == '\t' || c == '\r';
}

// The value systemd's EnvironmentFile= parser gives one line's right-hand
// side (without continuation lines): quoted pieces as a shell would, an
// unquoted value verbatim from its first character on, with backslash
// escapes, trailing white space dropped.
std::string systemd_value(std::string_view rest)
{
  std::size_t i = 0;
  while (i < rest.size() && is_blank(rest[i])) {
    ++i;
  }
  std::string out;
  if (i < rest.size() && (rest[i] == '"' || rest[i] == '\'')) {
    const char quote = rest[i++];
    while (i < rest.size() && rest[i] != quote) {
      if (quote == '"' && rest[i] == '\\' && i + 1 < rest.size()) {
        const char next = rest[i + 1];
        if (next == '"' || next == '\\' || next == '`' || next == '$') {
          out += next;
        } else {
          out += rest.substr(i, 2);
        }
        i += 2;
        continue;
      }
      out += rest[i++];
    }
    ++i; // the closing quote; what follows is appended as unquoted text
  }
  std::string tail;
  for (; i < rest.size(); ++i) {
    if (rest[i] == '\\' && i + 1 < rest.size()) {
      tail += rest[++i];
    } else if (rest[i] != '\\') {
      tail += rest[i];
    }
  }
  while (!tail.empty() && is_blank(tail.back())) {
    tail.pop_back();
  }
  return out + tail;
}

// Where the unquoted part of a value starts a trailing "# comment" (white
// space, then '#'), as smart reads it; npos when there is none.
std::size_t trailing_comment(std::string_view rest)
{
  char quote = 0;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    const char c = rest[i];
    if (quote != 0) {
      if (c == '\\' && quote == '"') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#' && i > 0 && is_blank(rest[i - 1])) {
      return i;
    }
  }
  return std::string_view::npos;
}

// A $ reference outside single quotes.
bool has_reference(std::string_view rest)
{
  bool single = false;
  for (std::size_t i = 0; i + 1 < rest.size(); ++i) {
    if (rest[i] == '\'') {
      single = !single;
    } else if (!single && rest[i] == '\\') {
      ++i;
    } else if (!single && rest[i] == '$' &&
               (rest[i + 1] == '{' || rest[i + 1] == '_' ||
                std::isalpha(static_cast<unsigned char>(rest[i + 1])))) {
      return true;
    }
  }
  return false;
}

// A quote that is not the value's first character, outside quotes (smart
// removes it, systemd keeps it), or a backslash in unquoted text (systemd
// drops it, smart keeps it).
std::optional<std::string> quoting_difference(std::string_view value)
{
  char quote = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (quote != 0) {
      if (c == '\\' && quote == '"') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
    } else if (c == '"' || c == '\'') {
      if (i > 0) {
        return std::string("a quote inside an unquoted value is kept by systemd and removed by smart");
      }
      quote = c;
    } else if (c == '\\') {
      return std::string("a backslash in an unquoted value escapes the next character for systemd, not for "
                         "smart");
    } else if (is_blank(c)) {
      return std::nullopt; // the rest is a comment or an error that smart reports itself
    }
  }
  return std::nullopt;
}

} // namespace

std::vector<std::string> systemd_differences(std::string_view content, std::string_view name)
{
  std::vector<std::string> out;
  std::size_t number = 0;
  for (auto raw : util::split(content, '\n')) {
    ++number;
    if (!raw.empty() && raw.back() == '\r') {
      raw.remove_suffix(1);
    }
    const auto line = util::trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') {
      continue;
    }
    const auto where = fmt::format("{}:{}", name, number);
    if (util::starts_with(line, "export ") || util::starts_with(line, "export\t")) {
      out.push_back(
        fmt::format("{}: systemd does not read \"export KEY=VALUE\" as an assignment: the service "
                    "does not get this value; drop \"export\"",
                    where));
      continue;
    }
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) {
      continue; // not an assignment: smart reports it
    }
    const auto key = util::trim(line.substr(0, eq));
    const auto rest = line.substr(eq + 1);
    const auto shown = util::printable(systemd_value(rest), 80);
    if (line.back() == '\\') {
      out.push_back(
        fmt::format("{}: {}: a line ending in a backslash continues on the next line for systemd; "
                    "write the value on one line",
                    where, key));
      continue;
    }
    if (trailing_comment(rest) != std::string_view::npos) {
      out.push_back(fmt::format("{}: {}: systemd keeps a trailing comment as part of the value (the service "
                                "sees '{}'); put the comment on a line of its own",
                                where, key, shown));
    }
    if (has_reference(rest)) {
      out.push_back(fmt::format("{}: {}: systemd does not expand $ references (the service sees '{}'); write "
                                "the value itself",
                                where, key, shown));
    }
    if (auto why = quoting_difference(rest)) {
      out.push_back(
        fmt::format("{}: {}: {} (the service sees '{}'); quote the whole value", where, key, *why, shown));
    }
  }
  return out;
}

} // namespace smart
