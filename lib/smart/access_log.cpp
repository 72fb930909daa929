#include <smart/access_log.hpp>

#include <smart/error.hpp>
#include <smart/util/strings.hpp>
#include <smart/util/time.hpp>

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cstring>

namespace smart {

namespace {

struct Known {
  std::string_view name;
  LogField field;
};

constexpr std::array<Known, 12> known_variables{{
  {"remote_addr", LogField::remote_addr},
  {"time_local", LogField::time_local},
  {"time_iso8601", LogField::time_iso8601},
  {"msec", LogField::msec},
  {"request", LogField::request},
  {"request_method", LogField::request_method},
  {"request_uri", LogField::request_uri},
  {"status", LogField::status},
  {"body_bytes_sent", LogField::body_bytes_sent},
  {"request_time", LogField::request_time},
  {"upstream_response_time", LogField::upstream_response_time},
  {"http_user_agent", LogField::http_user_agent},
}};

constexpr std::uint32_t bit(LogField field)
{
  return 1U << static_cast<unsigned>(field);
}

bool is_name_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

std::string_view trim(std::string_view text)
{
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\n')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' ||
                           text.back() == ';' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

[[noreturn]] void bad_format(std::string_view why)
{
  throw UsageError("--log-format: {}", why);
}

// The format as nginx sees it: "log_format NAME 'a' 'b' escape=json;" or
// just "'a' 'b'" becomes "ab"; text without quotes is taken as it stands.
std::string unquote_config(std::string_view text)
{
  text = trim(text);
  if (text.substr(0, 11) == "log_format ") {
    text.remove_prefix(11);
    text = trim(text);
    const auto space = text.find_first_of(" \t\n");
    if (space == std::string_view::npos) {
      bad_format("'log_format NAME' without a format string");
    }
    text = trim(text.substr(space));
  }
  if (text.substr(0, 7) == "escape=") {
    const auto space = text.find_first_of(" \t\n");
    text = space == std::string_view::npos ? std::string_view{} : trim(text.substr(space));
  }
  if (text.empty() || (text.front() != '\'' && text.front() != '"')) {
    return std::string(text);
  }
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    if (c != '\'' && c != '"') {
      bad_format(fmt::format("unexpected '{}' between quoted pieces (at character {})", c, i + 1));
    }
    const char quote = c;
    ++i;
    bool closed = false;
    while (i < text.size()) {
      if (text[i] == '\\' && i + 1 < text.size()) {
        out += text[i + 1];
        i += 2;
        continue;
      }
      if (text[i] == quote) {
        closed = true;
        ++i;
        break;
      }
      out += text[i++];
    }
    if (!closed) {
      bad_format(fmt::format("unbalanced {} quote", quote));
    }
  }
  return out;
}

bool parse_uint(std::string_view text, std::uint64_t& out)
{
  if (text.empty()) {
    return false;
  }
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

bool parse_fixed(std::string_view text, int digits, int& out)
{
  if (text.size() != static_cast<std::size_t>(digits)) {
    return false;
  }
  out = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return false;
    }
    out = out * 10 + (c - '0');
  }
  return true;
}

// Seconds as nginx prints them ("0.123", "-" for none): nullopt for "-",
// false for anything else that is not a non-negative number.
bool parse_seconds(std::string_view text, std::optional<double>& out)
{
  if (text == "-") {
    out.reset();
    return true;
  }
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !(value >= 0)) {
    return false;
  }
  out = value;
  return true;
}

// "0.010, 0.002 : 0.001" (one value per upstream tried): their sum.
bool parse_upstream_seconds(std::string_view text, std::optional<double>& out)
{
  out.reset();
  double sum = 0;
  bool any = false;
  while (!text.empty()) {
    const auto sep = text.find_first_of(",:");
    std::string_view item = text.substr(0, sep);
    while (!item.empty() && item.front() == ' ') {
      item.remove_prefix(1);
    }
    while (!item.empty() && item.back() == ' ') {
      item.remove_suffix(1);
    }
    std::optional<double> value;
    if (!parse_seconds(item, value)) {
      return false;
    }
    if (value) {
      sum += *value;
      any = true;
    }
    if (sep == std::string_view::npos) {
      break;
    }
    text.remove_prefix(sep + 1);
  }
  if (any) {
    out = sum;
  }
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t days_from_civil(int y, int m, int d)
{
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + doe - 719468;
}

std::optional<std::int64_t> to_unix_ms(int y, int mo, int d, int h, int mi, int s, int offset_minutes)
{
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) {
    return std::nullopt;
  }
  const std::int64_t seconds =
    days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset_minutes * 60;
  return seconds * 1000;
}

// "+0100" or "+01:00" (colon per with_colon), "Z" only when allow_z.
bool parse_offset(std::string_view text, bool with_colon, bool allow_z, int& minutes)
{
  if (allow_z && text == "Z") {
    minutes = 0;
    return true;
  }
  if (text.size() != (with_colon ? 6U : 5U) || (text[0] != '+' && text[0] != '-')) {
    return false;
  }
  int h = 0;
  int m = 0;
  if (!parse_fixed(text.substr(1, 2), 2, h) || (with_colon && text[3] != ':') ||
      !parse_fixed(text.substr(with_colon ? 4 : 3, 2), 2, m)) {
    return false;
  }
  minutes = (h * 60 + m) * (text[0] == '-' ? -1 : 1);
  return true;
}

} // namespace

std::string variable_name(LogField field)
{
  for (const auto& known : known_variables) {
    if (known.field == field) {
      return fmt::format("${}", known.name);
    }
  }
  return "$(other)";
}

std::optional<std::int64_t> parse_time_local(std::string_view text)
{
  // 03/Dec/2026:09:03:09 +0100
  static constexpr std::array<std::string_view, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (text.size() != 26 || text[2] != '/' || text[6] != '/' || text[11] != ':' || text[14] != ':' ||
      text[17] != ':' || text[20] != ' ') {
    return std::nullopt;
  }
  int d = 0, y = 0, h = 0, mi = 0, s = 0, offset = 0;
  int mo = 0;
  for (std::size_t i = 0; i < months.size(); ++i) {
    if (text.substr(3, 3) == months[i]) {
      mo = static_cast<int>(i) + 1;
    }
  }
  if (mo == 0 || !parse_fixed(text.substr(0, 2), 2, d) || !parse_fixed(text.substr(7, 4), 4, y) ||
      !parse_fixed(text.substr(12, 2), 2, h) || !parse_fixed(text.substr(15, 2), 2, mi) ||
      !parse_fixed(text.substr(18, 2), 2, s) || !parse_offset(text.substr(21), false, false, offset)) {
    return std::nullopt;
  }
  return to_unix_ms(y, mo, d, h, mi, s, offset);
}

std::optional<std::int64_t> parse_time_iso8601(std::string_view text)
{
  // 2026-12-03T09:03:09+01:00
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':') {
    return std::nullopt;
  }
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, offset = 0;
  if (!parse_fixed(text.substr(0, 4), 4, y) || !parse_fixed(text.substr(5, 2), 2, mo) ||
      !parse_fixed(text.substr(8, 2), 2, d) || !parse_fixed(text.substr(11, 2), 2, h) ||
      !parse_fixed(text.substr(14, 2), 2, mi) || !parse_fixed(text.substr(17, 2), 2, s) ||
      !parse_offset(text.substr(19), true, true, offset)) {
    return std::nullopt;
  }
  return to_unix_ms(y, mo, d, h, mi, s, offset);
}

std::optional<std::int64_t> parse_msec(std::string_view text)
{
  // 1764752589.123
  const auto dot = text.find('.');
  std::uint64_t seconds = 0;
  int millis = 0;
  if (dot == std::string_view::npos || !parse_uint(text.substr(0, dot), seconds) ||
      !parse_fixed(text.substr(dot + 1), 3, millis)) {
    return std::nullopt;
  }
  // No later than the last second of util::max_year (and never an overflow).
  constexpr std::uint64_t after_max_year = 7258118400; // 2200-01-01T00:00:00Z
  static_assert(util::max_year == 2199);
  if (seconds >= after_max_year) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(seconds) * 1000 + millis;
}

LogFormat LogFormat::parse(std::string_view format)
{
  LogFormat result;
  const std::string_view name = trim(format);
  if (name == "combined") {
    result.m_text = std::string(combined_log_format);
  } else if (name == "smart") {
    result.m_text = std::string(smart_log_format);
  } else {
    result.m_text = unquote_config(format);
  }
  const std::string& text = result.m_text;
  if (text.empty()) {
    bad_format("empty format (give the nginx log_format string, or 'combined')");
  }
  Segment segment;
  bool previous_was_variable = false;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '$') {
      segment.literal += text[i++];
      previous_was_variable = false;
      continue;
    }
    std::string_view variable;
    if (i + 1 < text.size() && text[i + 1] == '{') {
      const auto close = text.find('}', i + 2);
      if (close == std::string::npos) {
        bad_format(fmt::format("'${{' without '}}' at character {}", i + 1));
      }
      variable = std::string_view(text).substr(i + 2, close - i - 2);
      i = close + 1;
    } else {
      std::size_t end = i + 1;
      while (end < text.size() && is_name_char(text[end])) {
        ++end;
      }
      variable = std::string_view(text).substr(i + 1, end - i - 1);
      i = end;
    }
    if (variable.empty()) {
      bad_format(fmt::format("'$' without a variable name in '{}'", util::printable(text, 200)));
    }
    if (previous_was_variable) {
      bad_format(fmt::format(
        "${} follows another variable with nothing between them; they cannot be told apart", variable));
    }
    segment.field = LogField::other;
    for (const auto& known : known_variables) {
      if (known.name == variable) {
        segment.field = known.field;
      }
    }
    segment.has_field = true;
    result.m_fields |= bit(segment.field);
    result.m_segments.push_back(std::move(segment));
    segment = Segment{};
    previous_was_variable = true;
  }
  if (!segment.literal.empty()) {
    result.m_segments.push_back(std::move(segment));
  }
  return result;
}

bool LogFormat::has(LogField field) const
{
  return (m_fields & bit(field)) != 0;
}

bool LogFormat::has_time() const
{
  return has(LogField::msec) || has(LogField::time_iso8601) || has(LogField::time_local);
}

void LogFormat::require(std::initializer_list<LogField> fields, std::string_view purpose) const
{
  std::string missing;
  for (const LogField field : fields) {
    if (!has(field)) {
      missing += missing.empty() ? "" : ", ";
      missing += variable_name(field);
    }
  }
  if (!missing.empty()) {
    throw UsageError("--log-format '{}' lacks {}, which {} needs", util::printable(m_text, 200), missing,
                     purpose);
  }
}

void LogFormat::require_time(std::string_view purpose) const
{
  if (!has_time()) {
    throw UsageError("--log-format '{}' lacks $msec (or $time_iso8601 or $time_local), which {} needs",
                     util::printable(m_text, 200), purpose);
  }
}

namespace {

// The times a line may carry besides $msec.
struct LineTimes {
  std::optional<std::int64_t> local;
  std::optional<std::int64_t> iso;
};

// One field's value into the entry; false when it is malformed.
bool take_field(LogField field, std::string_view value, LogEntry& entry, LineTimes& times)
{
  switch (field) {
  case LogField::request: {
    const auto first = value.find(' ');
    if (first == std::string_view::npos) {
      break; // "-" or garbage from a broken client: no method, not malformed
    }
    entry.method = value.substr(0, first);
    const auto last = value.rfind(' ');
    entry.target = last > first ? value.substr(first + 1, last - first - 1) : value.substr(first + 1);
    break;
  }
  case LogField::request_method:
    entry.method = value == "-" ? std::string_view{} : value;
    break;
  case LogField::request_uri:
    entry.target = value == "-" ? std::string_view{} : value;
    break;
  case LogField::status:
    if (!parse_fixed(value, 3, entry.status)) {
      return false;
    }
    break;
  case LogField::body_bytes_sent: {
    std::uint64_t bytes = 0;
    if (!parse_uint(value, bytes)) {
      return false;
    }
    entry.body_bytes = bytes;
    break;
  }
  case LogField::request_time:
    if (!parse_seconds(value, entry.request_time_s)) {
      return false;
    }
    break;
  case LogField::upstream_response_time:
    if (!parse_upstream_seconds(value, entry.upstream_response_time_s)) {
      return false;
    }
    break;
  case LogField::msec:
    entry.time_ms = parse_msec(value);
    if (!entry.time_ms) {
      return false;
    }
    break;
  case LogField::time_iso8601:
    times.iso = parse_time_iso8601(value);
    if (!times.iso) {
      return false;
    }
    break;
  case LogField::time_local:
    times.local = parse_time_local(value);
    if (!times.local) {
      return false;
    }
    break;
  case LogField::http_user_agent:
    entry.user_agent = value;
    break;
  case LogField::remote_addr:
  case LogField::other:
    break;
  }
  return true;
}

} // namespace

bool LogFormat::parse(std::string_view line, LogEntry& entry) const
{
  entry = LogEntry{};
  if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);
  }
  LineTimes times;
  std::size_t pos = 0;
  for (std::size_t s = 0; s < m_segments.size(); ++s) {
    const Segment& segment = m_segments[s];
    const std::string_view literal = segment.literal;
    if (line.size() - pos < literal.size() ||
        std::memcmp(line.data() + pos, literal.data(), literal.size()) != 0) {
      return false;
    }
    pos += literal.size();
    if (!segment.has_field) {
      break; // the trailing literal
    }
    std::size_t end = line.size();
    if (s + 1 < m_segments.size()) {
      const std::string_view next = m_segments[s + 1].literal; // never empty: see parse()
      end = next.size() == 1 ? line.find(next.front(), pos) : line.find(next, pos);
      if (end == std::string_view::npos) {
        return false;
      }
    }
    if (!take_field(segment.field, line.substr(pos, end - pos), entry, times)) {
      return false;
    }
    pos = end;
  }
  if (pos != line.size()) {
    return false; // text left over: not this format
  }
  if (!entry.time_ms) {
    entry.time_ms = times.iso ? times.iso : times.local; // $msec first: it has milliseconds
  }
  return true;
}

} // namespace smart
