#pragma once

#include <filesystem>
#include <optional>

#include <sys/types.h>

// An advisory lock (flock) on a file, held for the object's lifetime. The
// holder writes its pid into the file so a refused caller can name it. The
// kernel drops the lock when the process dies, even by kill -9.

namespace smart::util {

class FileLock {
public:
  explicit FileLock(std::filesystem::path path);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

  // True when acquired; false when another process holds it. Throws
  // util::Failure when the lock file cannot be opened.
  [[nodiscard]] bool try_acquire();
  void release();
  bool acquired() const { return m_acquired; }

  // The pid recorded by the current holder, if one can be read.
  std::optional<pid_t> holder_pid() const;

private:
  std::filesystem::path m_path;
  int m_fd = -1;
  bool m_acquired = false;
};

} // namespace smart::util
