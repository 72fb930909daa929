#include <smart/util/atomic_file.hpp>

#include <smart/util/failure.hpp>

#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

namespace smart::util {

void fsync_directory(const std::filesystem::path& dir)
{
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

namespace {

void write_all(int fd, std::string_view data, const std::filesystem::path& path)
{
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw Failure("failed to write {}: {}", path.string(), std::strerror(errno));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

} // namespace

AtomicFile::AtomicFile(std::filesystem::path path, unsigned mode) : m_path(std::move(path))
{
  std::random_device random;
  m_tmp_path = m_path;
  m_tmp_path += fmt::format(".tmp.{}.{:x}", ::getpid(), random());
  m_fd = ::open(m_tmp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (m_fd < 0) {
    throw Failure("failed to create {}: {}", m_tmp_path.string(), std::strerror(errno));
  }
  // open() honours the umask; the mode asked for (0600 for secrets) must hold.
  ::fchmod(m_fd, mode);
}

AtomicFile::~AtomicFile()
{
  if (m_fd >= 0) {
    ::close(m_fd);
    ::unlink(m_tmp_path.c_str());
  }
}

void AtomicFile::write(std::string_view data)
{
  write_all(m_fd, data, m_tmp_path);
}

void AtomicFile::commit()
{
  if (::fsync(m_fd) != 0) {
    throw Failure("failed to sync {}: {}", m_tmp_path.string(), std::strerror(errno));
  }
  if (::close(m_fd) != 0) {
    m_fd = -1;
    ::unlink(m_tmp_path.c_str());
    throw Failure("failed to close {}: {}", m_tmp_path.string(), std::strerror(errno));
  }
  m_fd = -1;
  if (::rename(m_tmp_path.c_str(), m_path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(m_tmp_path.c_str());
    throw Failure("failed to rename {} to {}: {}", m_tmp_path.string(), m_path.string(),
                  std::strerror(saved));
  }
  fsync_directory(m_path.parent_path());
}

void write_file_atomically(const std::filesystem::path& path, std::string_view data, unsigned mode)
{
  AtomicFile file(path, mode);
  file.write(data);
  file.commit();
}

void append_line(const std::filesystem::path& path, std::string_view line, unsigned mode)
{
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, mode);
  if (fd < 0) {
    throw Failure("failed to open {}: {}", path.string(), std::strerror(errno));
  }
  std::string buffer(line);
  buffer += '\n';
  try {
    write_all(fd, buffer, path);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::fsync(fd);
  ::close(fd);
}

std::string read_file(const std::filesystem::path& path)
{
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Failure("failed to read {}: {}", path.string(), std::strerror(errno));
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) {
    throw Failure("failed to read {}: {}", path.string(), std::strerror(errno));
  }
  return content.str();
}

} // namespace smart::util
