#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Web server access logs, read through the nginx log_format that wrote them.
//
// A LogFormat is parsed from the format string exactly as it stands in the
// nginx configuration (`log_format NAME '...' '...';` — the quoted pieces, or
// the bare text between them), or from a name: "combined" (nginx's built-in
// default) or "smart" (the snippet smart ships, see smart_log_format).
// Any variable is accepted; those smart reads are listed in LogField, the rest
// are matched and skipped. Two variables with no literal text between them
// cannot be told apart and are refused.
//
// parse() is pure and allocation-free: the LogEntry views point into the line.
// A line that does not match the format, or whose fields smart reads do not
// parse (status not a number, a bad time), is malformed: parse() returns false
// and the caller counts and skips it.

namespace smart {

enum class LogField : std::uint8_t {
  remote_addr,
  time_local,
  time_iso8601,
  msec,
  request,
  request_method,
  request_uri,
  status,
  body_bytes_sent,
  request_time,
  upstream_response_time,
  http_user_agent,
  other, // any other variable: matched, not read
};

// "$request_time" for messages.
std::string variable_name(LogField field);

struct LogEntry {
  std::string_view method; // "GET"; empty when the request line was garbage ("-", a bad client)
  std::string_view target; // "/path?query" as the client sent it
  int status = 0;
  std::optional<double> request_time_s;           // "-" leaves it empty
  std::optional<double> upstream_response_time_s; // several upstreams ("0.010, 0.002"): their sum
  std::optional<std::int64_t> time_ms;            // Unix time in milliseconds, from $msec or a time field
  std::optional<std::uint64_t> body_bytes;
  std::string_view user_agent;
};

class LogFormat {
public:
  // Throws smart::UsageError "--log-format: why" for an empty format, an
  // unbalanced quote or brace, or two variables with nothing between them.
  static LogFormat parse(std::string_view format);

  bool has(LogField field) const;
  // Has at least one of the fields that give a request's time.
  bool has_time() const;

  // Throws smart::UsageError "FORMAT_NAME lacks $X, which PURPOSE needs"
  // naming every missing variable at once.
  void require(std::initializer_list<LogField> fields, std::string_view purpose) const;
  void require_time(std::string_view purpose) const;

  // Fills entry (reset first); false when the line is malformed.
  bool parse(std::string_view line, LogEntry& entry) const;

  const std::string& text() const { return m_text; }

private:
  struct Segment {
    std::string literal; // text before the variable (or the trailing text)
    LogField field = LogField::other;
    bool has_field = false;
  };

  std::string m_text;
  std::vector<Segment> m_segments;
  std::uint32_t m_fields = 0; // bit per LogField present
};

// nginx's built-in "combined" format.
inline constexpr std::string_view combined_log_format =
  R"($remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent")";

// What passive measurement reads: combined plus times (the shipped snippet).
inline constexpr std::string_view smart_log_format =
  R"($remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $msec $request_time $upstream_response_time)";

// Unix time in milliseconds of a "03/Dec/2026:09:03:09 +0100" ($time_local),
// "2026-12-03T09:03:09+01:00" ($time_iso8601) or "1764752589.123" ($msec).
std::optional<std::int64_t> parse_time_local(std::string_view text);
std::optional<std::int64_t> parse_time_iso8601(std::string_view text);
std::optional<std::int64_t> parse_msec(std::string_view text);

} // namespace smart
