#include <smart/util/time.hpp>

#include <fmt/format.h>

#include <charconv>
#include <ctime>

namespace smart::util {

namespace {

std::tm utc(SystemTime time)
{
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  return tm;
}

bool parse_int(std::string_view text, std::size_t pos, std::size_t length, int& out)
{
  if (pos + length > text.size()) {
    return false;
  }
  auto [ptr, ec] = std::from_chars(text.data() + pos, text.data() + pos + length, out);
  return ec == std::errc() && ptr == text.data() + pos + length;
}

} // namespace

std::string format_rfc3339_ms(SystemTime time)
{
  const std::tm tm = utc(time);
  const auto ms =
    std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count() % 1000;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms < 0 ? ms + 1000 : ms);
}

std::string format_rfc3339(SystemTime time)
{
  const std::tm tm = utc(time);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string format_compact(SystemTime time)
{
  const std::tm tm = utc(time);
  return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::optional<SystemTime> parse_rfc3339(std::string_view text)
{
  std::tm tm{};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  std::size_t pos = 0;
  const bool compact = text.size() >= 15 && text[8] == 'T' && text.find('-') == std::string_view::npos;
  if (compact) {
    if (!parse_int(text, 0, 4, year) || !parse_int(text, 4, 2, month) || !parse_int(text, 6, 2, day) ||
        !parse_int(text, 9, 2, hour) || !parse_int(text, 11, 2, minute) || !parse_int(text, 13, 2, second)) {
      return std::nullopt;
    }
    pos = 15;
  } else {
    if (text.size() < 19 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != ' ') ||
        text[13] != ':' || text[16] != ':' || !parse_int(text, 0, 4, year) || !parse_int(text, 5, 2, month) ||
        !parse_int(text, 8, 2, day) || !parse_int(text, 11, 2, hour) || !parse_int(text, 14, 2, minute) ||
        !parse_int(text, 17, 2, second)) {
      return std::nullopt;
    }
    pos = 19;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  // system_clock counts nanoseconds in 64 bits (1678 to 2262); the difference
  // of two times, or of a time and now, must fit as well, so only years that
  // keep every such difference in range are times at all.
  if (year < min_year || year > max_year) {
    return std::nullopt;
  }
  long long nanos = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    long long scale = 100000000;
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      nanos += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) {
      return std::nullopt;
    }
  }
  long long offset_seconds = 0;
  if (pos < text.size()) {
    if (text[pos] == 'Z' || text[pos] == 'z') {
      ++pos;
    } else if (text[pos] == '+' || text[pos] == '-') {
      int oh = 0, om = 0;
      if (!parse_int(text, pos + 1, 2, oh) || text.size() < pos + 6 || text[pos + 3] != ':' ||
          !parse_int(text, pos + 4, 2, om)) {
        return std::nullopt;
      }
      offset_seconds = (oh * 3600LL + om * 60LL) * (text[pos] == '+' ? 1 : -1);
      pos += 6;
    }
  }
  if (pos != text.size()) {
    return std::nullopt;
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const std::time_t seconds = ::timegm(&tm) - offset_seconds;
  return std::chrono::system_clock::from_time_t(seconds) +
         std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(nanos));
}

} // namespace smart::util
