#pragma once

#include <chrono>
#include <optional>
#include <string_view>
#include <vector>

// Process groups as the kernel shows them in /proc: who is still in one,
// killing all of them and waiting until they are really gone. Used when a
// command's group may outlive the process that started it (a child of a
// child, left running after its parent was killed). Generic: knows nothing
// of smart.

namespace smart::util {

// What /proc/PID/stat says of a process: its state letter, parent, group
// and CPU time (utime + stime, in clock ticks).
struct ProcessStat {
  char state = '?';
  long ppid = 0;
  long pgrp = 0;
  unsigned long long ticks = 0;
};
// "PID (COMM) STATE PPID PGRP ...": COMM may hold spaces and parentheses, so
// the fields are counted from its last ')'. nullopt when cut short.
std::optional<ProcessStat> parse_process_stat(std::string_view stat);

// The live members of process group pgid (zombies, which can no longer do
// anything, are not counted). Empty when pgid <= 0.
std::vector<int> process_group_members(int pgid);

// True when process pid was started with the environment entry `entry`
// ("KEY=value"): tells our command's group from an unrelated one that got
// the same number after ours ended.
bool process_has_environment(int pid, std::string_view entry);

// SIGKILL to the whole group, then waits (polling /proc) until no live
// member is left or timeout passes. True when the group is gone.
bool kill_process_group_and_wait(int pgid, std::chrono::duration<double> timeout);

} // namespace smart::util
