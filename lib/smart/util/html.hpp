#pragma once

#include <string>
#include <string_view>

// Escaping for HTML and XML (SVG) text and attribute values. Generic.

namespace smart::util {

// & < > " ' escaped, so the result is inert in element content and in a
// quoted attribute value. Invalid UTF-8 and control characters other than
// tab and newline become U+FFFD, so a hostile byte cannot break the page.
std::string html_escape(std::string_view text);

// Appends the escaped text to out (the renderer's hot path).
void append_html_escaped(std::string& out, std::string_view text);

} // namespace smart::util
