#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

// Follows a growing log file like `tail -F`: read() hands over every whole
// line written since the last call. Survives rotation: a file renamed away
// and a new one created at the path (its rest is read first, then the new
// file from its start), and copytruncate (the file shrinks: read again from
// its start). A missing file is waited for. Lines written before the
// follower started are skipped (only new traffic is measured).

namespace smart {

class LogFollower {
public:
  explicit LogFollower(std::string path);
  ~LogFollower();
  LogFollower(const LogFollower&) = delete;
  LogFollower& operator=(const LogFollower&) = delete;

  // Calls on_line for each new whole line (without its newline).
  void read(const std::function<void(std::string_view)>& on_line);

private:
  bool open_path(bool at_end);
  void drain(const std::function<void(std::string_view)>& on_line);

  std::string m_path;
  int m_fd = -1;
  std::uint64_t m_inode = 0;
  std::uint64_t m_offset = 0;
  std::string m_partial;
};

} // namespace smart
