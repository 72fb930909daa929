#include <smart/util/process_group.hpp>

#include <algorithm>
#include <charconv>
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

// /proc/PID/stat, or nullopt when the process is gone.
std::optional<ProcessStat> read_stat(const std::filesystem::path& dir)
{
  std::string text;
  try {
    std::ifstream in(dir / "stat");
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } catch (const std::exception&) {
    return std::nullopt; // it exited while we read (libstdc++ throws on ESRCH)
  }
  return parse_process_stat(text);
}

template<typename T>
std::optional<T> number_in(std::string_view text)
{
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

} // namespace

std::optional<ProcessStat> parse_process_stat(std::string_view stat)
{
  const auto close = stat.rfind(')');
  if (close == std::string_view::npos) {
    return std::nullopt;
  }
  std::vector<std::string_view> fields;
  std::size_t at = close + 1;
  while (at < stat.size() && fields.size() < 13) {
    while (at < stat.size() && (stat[at] == ' ' || stat[at] == '\n')) {
      ++at;
    }
    const auto end = std::min(stat.find_first_of(" \n", at), stat.size());
    if (end > at) {
      fields.push_back(stat.substr(at, end - at));
    }
    at = end;
  }
  // After COMM: state(3) ppid(4) pgrp(5) ... utime(14) stime(15), 1-based as in proc(5).
  if (fields.size() < 13 || fields[0].size() != 1) {
    return std::nullopt;
  }
  const auto ppid = number_in<long>(fields[1]);
  const auto pgrp = number_in<long>(fields[2]);
  const auto utime = number_in<unsigned long long>(fields[11]);
  const auto stime = number_in<unsigned long long>(fields[12]);
  if (!ppid || !pgrp || !utime || !stime) {
    return std::nullopt;
  }
  return ProcessStat{fields[0][0], *ppid, *pgrp, *utime + *stime};
}

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
