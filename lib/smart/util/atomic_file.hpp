#pragma once

#include <filesystem>
#include <string>
#include <string_view>

// A file replaced in place atomically: written to a temporary file beside the
// target, fsynced, then renamed over it (and the directory fsynced), so a
// reader sees the old content or the new, never a torn one, even after a
// crash or a full disk. A destructor without commit() discards the temp file.

namespace smart::util {

class AtomicFile {
public:
  // Throws util::Failure when the temporary file cannot be created.
  explicit AtomicFile(std::filesystem::path path, unsigned mode = 0644);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view data);
  // fsync, rename over the target, fsync the directory. Throws on failure
  // (ENOSPC included), leaving the target untouched.
  void commit();

private:
  std::filesystem::path m_path;
  std::filesystem::path m_tmp_path;
  int m_fd = -1;
};

// Convenience: the whole content in one go.
void write_file_atomically(const std::filesystem::path& path, std::string_view data, unsigned mode = 0644);

// Append one line (newline added) to a file and fsync it; for append-only logs
// such as history.jsonl, with one writer at a time. The line lands whole or
// not at all: when a write or the fsync fails (a full disk), the file is cut
// back to its old size before the Failure is thrown. A torn tail left by
// someone else (no final newline) is ended first, so the new line never glues
// onto it. The last component is not followed when it is a symlink.
void append_line(const std::filesystem::path& path, std::string_view line, unsigned mode = 0644);

// fsync a directory, making a rename or unlink in it durable (best effort).
void fsync_directory(const std::filesystem::path& dir);

// Whole file as a string; throws util::Failure naming the path on failure.
std::string read_file(const std::filesystem::path& path);

} // namespace smart::util
