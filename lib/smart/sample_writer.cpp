#include <smart/sample_writer.hpp>

#include <smart/error.hpp>
#include <smart/util/strings.hpp>

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
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
  return header;
}

void RowFormatter::append(std::string& out, const Sample& sample)
{
  const auto since_epoch = std::chrono::duration_cast<std::chrono::milliseconds>(sample.timestamp.time_since_epoch()).count();
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
  auto it = std::back_inserter(out);
  fmt::format_to(it, ".{:03}Z,{:.3f},{},{}", millis, sample.latency_ms, sample.response_code, to_token(sample.error));
  if (m_columns.block) {
    fmt::format_to(it, ",{}", *m_columns.block);
  }
  if (m_columns.phases) {
    const auto& p = sample.phases;
    fmt::format_to(it, ",{:.3f},{:.3f},{:.3f},{:.3f}", p.dns_ms, p.connect_ms, p.tls_ms, p.ttfb_ms);
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
