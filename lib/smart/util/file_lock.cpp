#include <smart/util/file_lock.hpp>

#include <smart/util/failure.hpp>

#include <fcntl.h>
#include <unistd.h>
#include <sys/file.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <string>

namespace smart::util {

FileLock::FileLock(std::filesystem::path path) : m_path(std::move(path))
{
}

FileLock::~FileLock()
{
  release();
}

bool FileLock::try_acquire()
{
  if (m_acquired) {
    return true;
  }
  if (m_fd < 0) {
    // Never through a symlink: a link planted in its place must not make us
    // truncate the file it points to.
    m_fd = ::open(m_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (m_fd < 0) {
      throw Failure("failed to open lock file {}: {}", m_path.string(), std::strerror(errno));
    }
  }
  if (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return false;
    }
    throw Failure("failed to lock {}: {}", m_path.string(), std::strerror(errno));
  }
  m_acquired = true;
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(m_fd, 0) == 0) {
    [[maybe_unused]] auto n = ::pwrite(m_fd, pid.data(), pid.size(), 0);
  }
  return true;
}

void FileLock::release()
{
  if (m_fd >= 0) {
    if (m_acquired) {
      [[maybe_unused]] auto rc = ::ftruncate(m_fd, 0);
      ::flock(m_fd, LOCK_UN);
    }
    ::close(m_fd);
    m_fd = -1;
  }
  m_acquired = false;
}

std::optional<pid_t> FileLock::holder_pid() const
{
  const int fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return std::nullopt;
  }
  char buffer[32] = {};
  const ssize_t n = ::read(fd, buffer, sizeof(buffer) - 1);
  ::close(fd);
  if (n <= 0) {
    return std::nullopt;
  }
  pid_t pid = 0;
  auto [ptr, ec] = std::from_chars(buffer, buffer + n, pid);
  if (ec != std::errc() || pid <= 0) {
    return std::nullopt;
  }
  return pid;
}

} // namespace smart::util
