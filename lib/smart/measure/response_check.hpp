#pragma once

#include <smart/samples_csv.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>

// The checks smart-measure applies to every response that came (the
// --expect-* options, meta.json's expect_* keys). A failed check is a
// result, not an exception: the row keeps its code and gets the token
// unexpected_status, too_small or body_mismatch (checked in that order).

namespace smart {

class ResponseChecks {
public:
  // Codes that are successes (default 2xx/3xx).
  StatusSet status;
  // The body must contain this text; written "/RE/" it is an ECMAScript
  // regular expression searched in the body instead.
  void set_expect_body(const std::string& text); // throws smart::UsageError for a bad regex
  std::optional<std::uint64_t> min_bytes;        // the body must have at least this many bytes
  // The body's SHA-256 must equal the reference kept in this file; a file
  // that is missing or empty takes the first body with an expected status
  // as the reference (so the baseline's measurement sets it).
  std::optional<std::filesystem::path> same_body_file;

  // True when a check needs the body's bytes (the load client then keeps
  // up to max_body_bytes of each body).
  bool needs_body() const { return m_body_text.has_value() || same_body_file.has_value(); }
  static constexpr std::size_t max_body_bytes = 1024 * 1024;

  // The token for a response (code != 0), none when every check passed.
  // Not thread-safe for a same_body_file without a reference yet: call
  // load_reference() first when several threads check.
  ProbeError check(int code, std::string_view body, std::uint64_t body_bytes);

  // Reads the reference hash (empty when there is none yet).
  void load_reference();

private:
  std::optional<std::string> m_body_text;
  std::shared_ptr<const std::regex> m_body_regex;
  std::optional<std::string> m_reference; // hex SHA-256
  bool m_reference_loaded = false;
};

} // namespace smart
