#include <smart/measure/replay_mix.hpp>

#include <smart/error.hpp>
#include <smart/util/strings.hpp>

#include <fnmatch.h>
#include <unistd.h>

#include <fcntl.h>
#include <algorithm>
#include <cerrno>
#include <cstring>

namespace smart {

ReplayMixBuilder::ReplayMixBuilder(const LogFormat& format, ReplayOptions options)
  : m_format(format), m_options(std::move(options))
{
  const bool has_request = format.has(LogField::request) ||
                           (format.has(LogField::request_method) && format.has(LogField::request_uri));
  if (!has_request) {
    format.require({LogField::request}, "replay");
  }
}

void ReplayMixBuilder::add(std::string_view line)
{
  if (line.empty() || line == "\r") {
    return;
  }
  ++m_mix.lines;
  if (!m_format.parse(line, m_entry)) {
    ++m_mix.malformed;
    if (m_mix.first_malformed_line == 0) {
      m_mix.first_malformed_line = m_mix.lines;
    }
    return;
  }
  if ((m_entry.method != "GET" && m_entry.method != "HEAD") || m_entry.target.empty() ||
      m_entry.target.front() != '/') {
    ++m_mix.other_methods;
    return;
  }
  std::string_view path = m_entry.target;
  if (m_options.query == QueryString::strip) {
    path = path.substr(0, path.find('?'));
  }
  auto found = m_counts.find(path);
  if (found != m_counts.end()) {
    ++found->second; // fast path: no pattern matching for a path seen before
    return;
  }
  std::string key(path);
  const std::string bare(path.substr(0, path.find('?')));
  for (const auto& pattern : m_options.exclude) {
    if (::fnmatch(pattern.c_str(), bare.c_str(), 0) == 0) {
      ++m_mix.excluded;
      return;
    }
  }
  m_counts.emplace(std::move(key), 1);
}

ReplayMix ReplayMixBuilder::finish()
{
  m_mix.distinct = m_counts.size();
  std::vector<WeightedPath> all;
  all.reserve(m_counts.size());
  for (auto& [path, count] : m_counts) {
    all.push_back({path, count});
  }
  // Most requested first; ties by path so the mix does not depend on hashing.
  const auto order = [](const WeightedPath& a, const WeightedPath& b) {
    return a.count != b.count ? a.count > b.count : a.path < b.path;
  };
  const std::size_t keep = std::min(all.size(), m_options.top);
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(keep), all.end(), order);
  all.resize(keep);
  m_mix.paths = std::move(all);
  return m_mix;
}

ReplayMix read_replay_mix(const std::filesystem::path& log, const LogFormat& format,
                          const ReplayOptions& options)
{
  ReplayMixBuilder builder(format, options);
  const int fd = ::open(log.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw UsageError("--replay {}: {}", util::printable(log.string()), std::strerror(errno));
  }
  std::string buffer(1 << 20, '\0');
  std::size_t held = 0; // bytes of an unfinished line at the start of buffer
  while (true) {
    if (held == buffer.size()) {
      buffer.resize(buffer.size() * 2); // a line longer than the buffer
    }
    const ssize_t got = ::read(fd, buffer.data() + held, buffer.size() - held);
    if (got < 0) {
      if (errno == EINTR) {
        continue;
      }
      const int saved = errno;
      ::close(fd);
      throw Error("--replay {}: {}", util::printable(log.string()), std::strerror(saved));
    }
    const std::size_t end = held + static_cast<std::size_t>(got);
    const std::string_view data(buffer.data(), end);
    std::size_t start = 0;
    while (true) {
      const void* nl = std::memchr(data.data() + start, '\n', end - start);
      if (nl == nullptr) {
        break;
      }
      const std::size_t at = static_cast<std::size_t>(static_cast<const char*>(nl) - data.data());
      builder.add(data.substr(start, at - start));
      start = at + 1;
    }
    held = end - start;
    if (got == 0) {
      if (held > 0) {
        builder.add(data.substr(start, held)); // no final newline
      }
      break;
    }
    std::memmove(buffer.data(), buffer.data() + start, held);
  }
  ::close(fd);
  return builder.finish();
}

} // namespace smart
