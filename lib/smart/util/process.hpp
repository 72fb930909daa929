#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

// Runs one child command and waits for it, safely:
// - in its own process group, so a timeout or an interrupt ends the whole
//   tree (SIGTERM to the group, then SIGKILL after a grace period; we return
//   only once no member of the group is left alive), and a Ctrl-C on the
//   terminal reaches only us, not the child;
// - with an explicit environment, working directory and stdin from /dev/null;
// - stdout and stderr appended to a log file, head and tail bounded (or
//   inherited when none);
// - noticing SIGINT/SIGTERM sent to us while it runs (util::signals), unless
//   the caller says the command must not be interrupted (a revert).
// Generic: knows nothing of smart.

namespace smart::util {

enum class Interruptible { yes, no };

struct ProcessSpec {
  std::vector<std::string> argv;          // argv[0] is searched in the PATH of env
  std::filesystem::path cwd;              // empty: ours
  std::map<std::string, std::string> env; // the child's whole environment
  // stdout+stderr appended; empty: inherited. When it cannot be opened, the
  // output goes to our stderr (after a line saying why) and the command runs.
  std::filesystem::path log_file;
  // What reaches log_file is bounded: the first log_head_bytes of the
  // output, then a line saying how many bytes were left out, then the last
  // log_tail_bytes (a command that prints without end costs neither disk
  // nor memory beyond that). The output passes through a pipe we read.
  std::size_t log_head_bytes = 1 << 20;
  std::size_t log_tail_bytes = 1 << 20;
  std::filesystem::path stdout_file; // if set: stdout written here (truncated), stderr to log_file
  std::optional<std::chrono::duration<double>> timeout;
  std::chrono::duration<double> kill_grace{3.0}; // SIGTERM to SIGKILL
  Interruptible interruptible = Interruptible::yes;
  // Called every watch_interval while the child runs; returning false stops
  // it (the group is killed, ProcessEnd::stopped). For guards and progress.
  std::function<bool()> watch;
  std::chrono::duration<double> watch_interval{0.25};
  // Called with the child's process group once it exists and before the
  // child execs (the child waits for it to return): the caller records the
  // group, e.g. so that whoever finds us killed can kill what we started.
  // If it throws, the child is killed before it ran anything and the
  // result is failed_to_start with the message.
  std::function<void(int pgid)> on_started;
};

enum class ProcessEnd {
  exited,      // exit_code is valid
  signaled,    // killed by signal (not by us)
  timed_out,   // we killed the group at the timeout
  interrupted, // we killed the group because we were signaled
  stopped,     // we killed the group because watch() said so
  failed_to_start,
};

struct ProcessResult {
  ProcessEnd end = ProcessEnd::failed_to_start;
  int exit_code = -1;
  int signal = 0;
  std::chrono::duration<double> elapsed{0};
  std::string error; // with failed_to_start

  bool ok() const { return end == ProcessEnd::exited && exit_code == 0; }
  // "exit 1", "killed by signal 9", "timed out after 2s (process group killed)", ...
  std::string describe() const;
};

ProcessResult run_process(const ProcessSpec& spec);

// The current process environment as a map.
std::map<std::string, std::string> current_environment();

} // namespace smart::util
