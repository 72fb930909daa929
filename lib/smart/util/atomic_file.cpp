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
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0) {
    throw Failure("failed to open {}: {}", path.string(), std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const int saved = errno;
    ::close(fd);
    throw Failure("failed to append to {}: {}", path.string(),
                  S_ISREG(st.st_mode) ? std::strerror(saved) : "not a regular file");
  }
  const off_t size = st.st_size;
  std::string buffer;
  // A tail without its newline is what an older writer (or another program)
  // left half-written: end it first, so this line stays a line of its own.
  char last = '\n';
  if (size > 0 && ::pread(fd, &last, 1, size - 1) == 1 && last != '\n') {
    buffer += '\n';
  }
  buffer += line;
  buffer += '\n';
  try {
    write_all(fd, buffer, path);
    if (::fsync(fd) != 0) {
      throw Failure("failed to sync {}: {}", path.string(), std::strerror(errno));
    }
  } catch (...) {
    // Whole line or nothing: take back what part of it reached the file
    // (ENOSPC, EFBIG, EIO midway), so no reader ever meets half a line.
    [[maybe_unused]] const int ignored = ::ftruncate(fd, size);
    ::close(fd);
    throw;
  }
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
