#include <smart/util/process_group.hpp>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <thread>

#include <signal.h>

namespace smart::util {

namespace {

using Clock = std::chrono::steady_clock;

struct StatLine {
  char state = '?';
  int pgrp = 0;
};

// /proc/PID/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces
// and parentheses, so the fields are read after its last ')'.
std::optional<StatLine> read_stat(const std::filesystem::path& dir)
{
  std::string text;
  try {
    std::ifstream in(dir / "stat");
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } catch (const std::exception&) {
    return std::nullopt; // it exited while we read (libstdc++ throws on ESRCH)
  }
  const auto close = text.rfind(')');
  if (close == std::string::npos || close + 2 >= text.size()) {
    return std::nullopt;
  }
  StatLine stat;
  int ppid = 0;
  if (std::sscanf(text.c_str() + close + 2, "%c %d %d", &stat.state, &ppid, &stat.pgrp) != 3) {
    return std::nullopt;
  }
  return stat;
}

} // namespace

std::vector<int> process_group_members(int pgid)
{
  std::vector<int> members;
  if (pgid <= 0) {
    return members;
  }
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc", ec), end; !ec && it != end; it.increment(ec)) {
    const auto name = it->path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    const auto stat = read_stat(it->path());
    if (stat && stat->pgrp == pgid && stat->state != 'Z' && stat->state != 'X') {
      members.push_back(std::stoi(name));
    }
  }
  return members;
}

bool process_has_environment(int pid, std::string_view entry)
{
  try {
    std::ifstream in("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
    std::string item;
    while (std::getline(in, item, '\0')) {
      if (item == entry) {
        return true;
      }
    }
  } catch (const std::exception&) {
    // It exited while we read (libstdc++ throws on ESRCH): not a member any more.
  }
  return false;
}

bool kill_process_group_and_wait(int pgid, std::chrono::duration<double> timeout)
{
  if (pgid <= 0) {
    return true;
  }
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(timeout);
  while (true) {
    // Again each round: a member may have forked between the kill and now.
    ::kill(-pgid, SIGKILL);
    if (process_group_members(pgid).empty()) {
      return true;
    }
    if (Clock::now() >= deadline) {
      return false;
    }
    // SIGKILL cannot be caught; a member still listed is being torn down
    // (or stuck in the kernel). Look again shortly.
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

} // namespace smart::util
