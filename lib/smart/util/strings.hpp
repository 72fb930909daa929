#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// Small string helpers with no product knowledge.

namespace smart::util {

std::string_view trim(std::string_view text);
std::vector<std::string_view> split(std::string_view text, char separator);
bool starts_with(std::string_view text, std::string_view prefix);

// Edit distance, for "did you mean".
std::size_t levenshtein(std::string_view a, std::string_view b);

// The candidate closest to word, if it is close enough to be a likely typo.
std::optional<std::string> did_you_mean(std::string_view word, std::span<const std::string_view> candidates);

// True when name matches [A-Za-z0-9._-]{1,64} and is not "." or "..": safe as
// a file name and inert in a shell or HTML context.
bool is_safe_name(std::string_view name);

// Quote for a log line or message (not for a shell): printable ASCII kept,
// everything else escaped, so a hostile string cannot forge log lines.
std::string printable(std::string_view text, std::size_t max_length = 200);

} // namespace smart::util
