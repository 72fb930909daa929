#include <smart/measure/sample_writer.hpp>

#include <smart/error.hpp>
#include <smart/util/strings.hpp>

#include <fmt/format.h>

#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <ctime>

namespace smart {

std::string samples_header_for(const SampleColumns& columns)
{
  std::string header(samples_header);
  if (columns.block) {
    header += ",block";
  }
  if (columns.phases) {
    header += ",dns_ms,connect_ms,tls_ms,ttfb_ms";
  }
  if (columns.target) {
    header += ",target";
  }
  return header;
}

namespace {

// "12.346": milliseconds with 3 decimals, rounded half away from zero like
// printf's %.3f for the values we write (non-negative, finite), without the
// cost of general float formatting (a load run writes 100,000 rows a second).
char* append_ms(char* out, double ms)
{
  if (!(ms >= 0) || ms > 1e12) {
    return fmt::format_to(out, "{:.3f}", ms);
  }
  const auto micros = static_cast<std::uint64_t>(std::llround(ms * 1000.0));
  out = std::to_chars(out, out + 24, micros / 1000).ptr;
  const auto frac = static_cast<unsigned>(micros % 1000);
  *out++ = '.';
  *out++ = static_cast<char>('0' + frac / 100);
  *out++ = static_cast<char>('0' + frac / 10 % 10);
  *out++ = static_cast<char>('0' + frac % 10);
  return out;
}

} // namespace

void RowFormatter::append(std::string& out, const Sample& sample, std::string_view target)
{
  const auto since_epoch =
    std::chrono::duration_cast<std::chrono::milliseconds>(sample.timestamp.time_since_epoch()).count();
  std::int64_t second = since_epoch / 1000;
  std::int64_t millis = since_epoch % 1000;
  if (millis < 0) {
    millis += 1000;
    --second;
  }
  if (second != m_cached_second) {
    const auto t = static_cast<std::time_t>(second);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    fmt::format_to_n(m_cached_prefix, sizeof m_cached_prefix, "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    m_cached_second = second;
  }
  out.append(m_cached_prefix, 19);
  char buffer[96];
  char* p = buffer;
  *p++ = '.';
  *p++ = static_cast<char>('0' + millis / 100);
  *p++ = static_cast<char>('0' + millis / 10 % 10);
  *p++ = static_cast<char>('0' + millis % 10);
  *p++ = 'Z';
  *p++ = ',';
  p = append_ms(p, sample.latency_ms);
  *p++ = ',';
  p = std::to_chars(p, buffer + sizeof buffer, sample.response_code).ptr;
  *p++ = ',';
  out.append(buffer, static_cast<std::size_t>(p - buffer));
  out.append(to_token(sample.error));
  if (m_columns.block) {
    p = buffer;
    *p++ = ',';
    p = std::to_chars(p, buffer + sizeof buffer, *m_columns.block).ptr;
    out.append(buffer, static_cast<std::size_t>(p - buffer));
  }
  if (m_columns.phases) {
    p = buffer;
    for (const double value :
         {sample.phases.dns_ms, sample.phases.connect_ms, sample.phases.tls_ms, sample.phases.ttfb_ms}) {
      *p++ = ',';
      p = append_ms(p, value);
    }
    out.append(buffer, static_cast<std::size_t>(p - buffer));
  }
  if (m_columns.target) {
    // A URL's comma or quote percent-encoded (the same URL to a server)
    // keeps the row plain CSV.
    out.push_back(',');
    for (const char c : target) {
      if (c == ',') {
        out.append("%2C");
      } else if (c == '"') {
        out.append("%22");
      } else {
        out.push_back(c);
      }
    }
  }
  out.push_back('\n');
}

namespace {

// The first line of an existing file, at most limit bytes (without newline/CR).
std::string first_line(int fd, std::size_t limit)
{
  std::string line(limit, '\0');
  const ssize_t n = ::pread(fd, line.data(), limit, 0);
  line.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  if (const auto nl = line.find('\n'); nl != std::string::npos) {
    line.resize(nl);
  }
  if (!line.empty() && line.back() == '\r') {
    line.pop_back();
  }
  return line;
}

} // namespace

SampleSink::SampleSink(const std::string& path, const SampleColumns& columns, Append append)
{
  const std::string header = samples_header_for(columns);
  bool write_header = true;
  if (path == "-") {
    m_fd = STDOUT_FILENO;
    m_name = "<stdout>";
  } else {
    m_name = path;
    const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append == Append::yes ? O_APPEND : O_TRUNC);
    m_fd = ::open(path.c_str(), flags, 0644);
    if (m_fd < 0) {
      throw UsageError("cannot open output {}: {}", util::printable(path), std::strerror(errno));
    }
    m_owned = true;
    if (append == Append::yes) {
      struct stat st {};
      if (::fstat(m_fd, &st) == 0 && st.st_size > 0) {
        const int rfd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        const std::string existing = rfd >= 0 ? first_line(rfd, 4096) : std::string();
        if (rfd >= 0) {
          ::close(rfd);
        }
        if (existing != header) {
          ::close(m_fd);
          m_fd = -1;
          throw UsageError("--append {}: its header '{}' differs from this run's '{}'", util::printable(path),
                           util::printable(existing, 120), header);
        }
        write_header = false;
      }
    }
  }
  if (write_header) {
    write(header + "\n");
  }
}

SampleSink::~SampleSink()
{
  if (m_owned && m_fd >= 0) {
    ::close(m_fd);
  }
}

void SampleSink::write(std::string_view data)
{
  std::lock_guard lock(m_mutex);
  while (!data.empty()) {
    const ssize_t n = ::write(m_fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue; // a stop signal mid-write: finish the row first
      }
      throw Error("cannot write to {}: {}", m_name, std::strerror(errno));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

} // namespace smart
