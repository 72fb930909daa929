#include <smart/util/html.hpp>

#include <cstdint>

namespace smart::util {

namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD"; // U+FFFD

// Length of the valid UTF-8 sequence starting at text[i], or 0.
std::size_t utf8_length(std::string_view text, std::size_t i)
{
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[k]); };
  const std::uint8_t lead = byte(i);
  std::size_t length = 0;
  std::uint32_t min = 0;
  std::uint32_t code = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, min = 0x80, code = lead & 0x1Fu;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, min = 0x800, code = lead & 0x0Fu;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, min = 0x10000, code = lead & 0x07u;
  } else {
    return 0;
  }
  if (i + length > text.size()) {
    return 0;
  }
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0u) != 0x80u) {
      return 0;
    }
    code = (code << 6) | (byte(i + k) & 0x3Fu);
  }
  if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
    return 0;
  }
  return length;
}

} // namespace

void append_html_escaped(std::string& out, std::string_view text)
{
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
    case '&':
      out += "&amp;";
      continue;
    case '<':
      out += "&lt;";
      continue;
    case '>':
      out += "&gt;";
      continue;
    case '"':
      out += "&quot;";
      continue;
    case '\'':
      out += "&#39;";
      continue;
    default:
      break;
    }
    const auto u = static_cast<std::uint8_t>(c);
    if (u < 0x80) {
      if (u < 0x20 && c != '\t' && c != '\n') {
        out += replacement;
      } else if (u == 0x7F) {
        out += replacement;
      } else {
        out += c;
      }
      continue;
    }
    const std::size_t length = utf8_length(text, i);
    if (length == 0) {
      out += replacement;
      continue;
    }
    out.append(text.substr(i, length));
    i += length - 1;
  }
}

std::string html_escape(std::string_view text)
{
  std::string out;
  out.reserve(text.size() + 16);
  append_html_escaped(out, text);
  return out;
}

} // namespace smart::util
