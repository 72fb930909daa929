#include <smart/log_follower.hpp>

#include <smart/error.hpp>

#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace smart {

LogFollower::LogFollower(std::string path) : m_path(std::move(path))
{
  open_path(true);
}

LogFollower::~LogFollower()
{
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

bool LogFollower::open_path(bool at_end)
{
  const int fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      return false; // not there yet (between rename and create): wait
    }
    throw Error("access log {}: {}", m_path, std::strerror(errno));
  }
  struct stat st {};
  ::fstat(fd, &st);
  if (m_fd >= 0) {
    ::close(m_fd);
  }
  m_fd = fd;
  m_inode = st.st_ino;
  m_offset = at_end ? static_cast<std::uint64_t>(st.st_size) : 0;
  m_partial.clear();
  return true;
}

void LogFollower::drain(const std::function<void(std::string_view)>& on_line)
{
  char buffer[1 << 16];
  while (true) {
    const ssize_t got = ::pread(m_fd, buffer, sizeof buffer, static_cast<off_t>(m_offset));
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got <= 0) {
      return;
    }
    m_offset += static_cast<std::uint64_t>(got);
    std::string_view data(buffer, static_cast<std::size_t>(got));
    while (true) {
      const auto nl = data.find('\n');
      if (nl == std::string_view::npos) {
        m_partial.append(data);
        break;
      }
      if (m_partial.empty()) {
        on_line(data.substr(0, nl));
      } else {
        m_partial.append(data.substr(0, nl));
        on_line(m_partial);
        m_partial.clear();
      }
      data.remove_prefix(nl + 1);
    }
  }
}

void LogFollower::read(const std::function<void(std::string_view)>& on_line)
{
  if (m_fd < 0) {
    if (!open_path(false)) {
      return;
    }
  }
  struct stat st {};
  if (::fstat(m_fd, &st) == 0 && static_cast<std::uint64_t>(st.st_size) < m_offset) {
    m_offset = 0; // copytruncate: the same file, emptied
    m_partial.clear();
  }
  drain(on_line);
  struct stat at_path {};
  if (::stat(m_path.c_str(), &at_path) == 0 && at_path.st_ino != m_inode) {
    // Renamed away and a new file created: the old one is finished (its
    // rest was just read), the new one is read from its start.
    drain(on_line);
    if (open_path(false)) {
      drain(on_line);
    }
  }
}

} // namespace smart
