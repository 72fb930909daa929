#include <smart/util/process.hpp>

#include <smart/util/process_group.hpp>
#include <smart/util/signals.hpp>
#include <smart/util/units.hpp>

#include <fmt/format.h>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <utility>

extern char** environ;

namespace smart::util {

namespace {

using Clock = std::chrono::steady_clock;

int open_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  return -1;
#endif
}

// The child's output, read from a pipe into the log file: the head as it
// comes, the tail kept in memory (bounded) and written at the end with a
// note of what was left out between them.
class Capture {
public:
  Capture(int pipe_fd, int log_fd, std::size_t head, std::size_t tail)
    : m_pipe(pipe_fd), m_log(log_fd), m_head_left(head), m_tail_max(tail)
  {
  }
  int fd() const { return m_pipe; }

  // Reads what is there without blocking; false once the pipe is at EOF.
  bool drain()
  {
    char buffer[65536];
    while (m_pipe >= 0) {
      const ssize_t n = ::read(m_pipe, buffer, sizeof buffer);
      if (n > 0) {
        take(std::string_view(buffer, static_cast<std::size_t>(n)));
        continue;
      }
      if (n < 0 && errno == EINTR) {
        continue;
      }
      return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
    return false;
  }

  void finish()
  {
    drain();
    if (m_tail.size() > m_tail_max) {
      m_omitted += m_tail.size() - m_tail_max;
      m_tail.erase(0, m_tail.size() - m_tail_max);
    }
    if (m_omitted > 0) {
      write(fmt::format("\n[... {} bytes of output left out ...]\n", m_omitted));
    }
    write(m_tail);
    if (m_pipe >= 0) {
      ::close(m_pipe);
      m_pipe = -1;
    }
  }

private:
  void take(std::string_view data)
  {
    const std::size_t now = std::min(data.size(), m_head_left);
    write(data.substr(0, now));
    m_head_left -= now;
    data.remove_prefix(now);
    if (data.empty()) {
      return;
    }
    m_tail.append(data);
    if (m_tail.size() > 2 * m_tail_max + 65536) {
      const std::size_t cut = m_tail.size() - m_tail_max;
      m_omitted += cut;
      m_tail.erase(0, cut);
    }
  }

  void write(std::string_view data)
  {
    while (!data.empty()) {
      const ssize_t n = ::write(m_log, data.data(), data.size());
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        return; // a full disk: the command's output is the least of it
      }
      data.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  int m_pipe;
  int m_log;
  std::size_t m_head_left;
  std::size_t m_tail_max;
  std::string m_tail;
  std::size_t m_omitted = 0;
};

// Waits until the child exits or the deadline passes (nullopt: forever), or
// a signal arrives when watch_signals. Returns the wait status when it exited.
std::optional<int> wait_child(pid_t pid, int pidfd, std::optional<Clock::time_point> deadline,
                              bool watch_signals, const ProcessSpec* watched = nullptr,
                              bool* stopped = nullptr, Capture* capture = nullptr)
{
  auto next_watch = Clock::now();
  while (true) {
    int status = 0;
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      return status;
    }
    if (done < 0 && errno != EINTR) {
      return 0; // not our child any more: treat as gone
    }
    if (watch_signals && signals::received() != 0) {
      return std::nullopt;
    }
    if (watched && watched->watch && Clock::now() >= next_watch) {
      if (!watched->watch()) {
        *stopped = true;
        return std::nullopt;
      }
      next_watch = Clock::now() + std::chrono::duration_cast<Clock::duration>(watched->watch_interval);
    }
    int timeout_ms = pidfd >= 0 ? 1000 : 20; // without a pidfd, poll waitpid
    if (watched && watched->watch) {
      const auto until_watch =
        std::chrono::duration_cast<std::chrono::milliseconds>(next_watch - Clock::now()).count();
      timeout_ms = static_cast<int>(std::clamp<long long>(until_watch, 1, timeout_ms));
    }
    if (deadline) {
      const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now()).count();
      if (left <= 0) {
        return std::nullopt;
      }
      timeout_ms = static_cast<int>(std::min<long long>(left, timeout_ms));
    }
    pollfd fds[3] = {{pidfd, POLLIN, 0},
                     {capture != nullptr ? capture->fd() : -1, POLLIN, 0},
                     {watch_signals ? signals::fd() : -1, POLLIN, 0}};
    ::poll(fds, 3, timeout_ms);
    if (capture != nullptr && fds[1].revents != 0 && !capture->drain()) {
      // EOF: every writer is gone; waitpid alone from here.
      capture = nullptr;
    }
  }
}

[[noreturn]] void child(const ProcessSpec& spec, const std::vector<char*>& argv,
                        const std::vector<char*>& envp, int log_fd, int out_fd, int error_pipe, int gate,
                        pid_t parent)
{
  ::setpgid(0, 0);
  // If we die (kill -9), the child hears of it instead of running on alone.
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != parent) {
    ::_exit(127); // died before the line above
  }
  if (gate >= 0) {
    // The parent records our group first; if it dies before, nothing runs.
    char go = 0;
    ssize_t n;
    while ((n = ::read(gate, &go, 1)) < 0 && errno == EINTR) {
    }
    if (n != 1) {
      ::_exit(127);
    }
    ::close(gate);
  }
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int number : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT}) {
    ::signal(number, SIG_DFL);
  }
  const int null_fd = ::open("/dev/null", O_RDONLY);
  if (null_fd >= 0) {
    ::dup2(null_fd, 0);
  }
  if (log_fd >= 0) {
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
  }
  if (out_fd >= 0) {
    ::dup2(out_fd, 1);
  }
  auto fail = [&](const char* what) {
    const int saved = errno;
    const std::string message = fmt::format("{}: {}", what, std::strerror(saved));
    [[maybe_unused]] auto n = ::write(error_pipe, message.data(), message.size());
    ::_exit(127);
  };
  if (!spec.cwd.empty() && ::chdir(spec.cwd.c_str()) != 0) {
    fail(fmt::format("cannot change to directory {}", spec.cwd.string()).c_str());
  }
  ::execvpe(argv[0], argv.data(), envp.data());
  fail(fmt::format("cannot run {}", spec.argv[0]).c_str());
  ::_exit(127);
}

void kill_group(pid_t pid, int pidfd, std::chrono::duration<double> grace)
{
  ::kill(-pid, SIGTERM);
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(grace);
  if (!wait_child(pid, pidfd, deadline, false)) {
    ::kill(-pid, SIGKILL);
    wait_child(pid, pidfd, std::nullopt, false);
  }
  // The leader is gone; anything it left in its group goes too, and is
  // waited for: a grandchild must not write after we report the command
  // ended (a revert would race it).
  kill_process_group_and_wait(pid, std::chrono::seconds(10));
}

} // namespace

std::string ProcessResult::describe() const
{
  switch (end) {
  case ProcessEnd::exited:
    return exit_code == 0 ? "succeeded" : fmt::format("exit {}", exit_code);
  case ProcessEnd::signaled:
    return fmt::format("killed by signal {} ({})", signal, strsignal(signal));
  case ProcessEnd::timed_out:
    return fmt::format("timed out after {} (process group killed)", format_duration(elapsed));
  case ProcessEnd::interrupted:
    return "interrupted (process group killed)";
  case ProcessEnd::stopped:
    return "stopped early (process group killed)";
  case ProcessEnd::failed_to_start:
    return error;
  }
  return "?";
}

std::map<std::string, std::string> current_environment()
{
  std::map<std::string, std::string> env;
  for (char** entry = environ; entry && *entry; ++entry) {
    const std::string_view text(*entry);
    const auto eq = text.find('=');
    if (eq != std::string_view::npos) {
      env.emplace(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
    }
  }
  return env;
}

namespace {

// A descriptor closed when it goes out of scope, so every early return of
// run_process closes what was opened before it.
class Fd {
public:
  Fd() = default;
  explicit Fd(int fd) : m_fd(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }

  int get() const { return m_fd; }
  int release() { return std::exchange(m_fd, -1); }
  void reset(int fd = -1)
  {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
    m_fd = fd;
  }
  explicit operator bool() const { return m_fd >= 0; }

private:
  int m_fd = -1;
};

// What the child gets, opened before fork.
struct ChildFiles {
  Fd log_write;  // the child's end of the output pipe
  Fd log_read;   // ours
  Fd log_file;   // the log itself
  Fd out;        // its stdout, when it goes to a file
  Fd error_read; // closes on exec, or carries why exec failed
  Fd error_write;
  Fd gate_read; // the child waits for a byte before it runs anything
  Fd gate_write;
};

// argv or envp for execve: the strings and the pointers into them.
struct CStrings {
  std::vector<std::string> strings;
  std::vector<char*> pointers;

  explicit CStrings(std::vector<std::string> from) : strings(std::move(from))
  {
    for (auto& text : strings) {
      pointers.push_back(text.data());
    }
    pointers.push_back(nullptr);
  }
};

std::vector<std::string> env_strings(const ProcessSpec& spec)
{
  std::vector<std::string> out;
  for (const auto& [key, value] : spec.env) {
    out.push_back(key + "=" + value);
  }
  return out;
}

std::string pipe_error()
{
  return fmt::format("cannot create a pipe: {}", std::strerror(errno));
}

// The log and the pipe that feeds it; an error text, or empty.
std::string open_log(const ProcessSpec& spec, ChildFiles& files)
{
  files.log_file.reset(::open(spec.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  if (!files.log_file) {
    // A log that cannot be written (a full disk, a directory that went
    // read-only) must not stop the command: it may be the revert. Its
    // output goes to our stderr instead, bounded all the same.
    const std::string note = fmt::format("[cannot open log file {}: {}; its output follows here]\n",
                                         spec.log_file.string(), std::strerror(errno));
    files.log_file.reset(::fcntl(2, F_DUPFD_CLOEXEC, 3));
    if (!files.log_file) {
      files.log_file.reset(::open("/dev/null", O_WRONLY | O_CLOEXEC));
    }
    if (!files.log_file) {
      return fmt::format("cannot open log file {} nor stderr", spec.log_file.string());
    }
    [[maybe_unused]] auto n = ::write(files.log_file.get(), note.data(), note.size());
  }
  int output_pipe[2];
  if (::pipe2(output_pipe, O_CLOEXEC) != 0) {
    return pipe_error();
  }
  files.log_read.reset(output_pipe[0]);
  files.log_write.reset(output_pipe[1]);
  ::fcntl(files.log_read.get(), F_SETFL, O_NONBLOCK);
  return {};
}

// Every file and pipe the child needs; an error text, or empty.
std::string open_child_files(const ProcessSpec& spec, ChildFiles& files)
{
  if (!spec.log_file.empty()) {
    if (auto error = open_log(spec, files); !error.empty()) {
      return error;
    }
  }
  if (!spec.stdout_file.empty()) {
    files.out.reset(::open(spec.stdout_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!files.out) {
      return fmt::format("cannot open {}: {}", spec.stdout_file.string(), std::strerror(errno));
    }
  }
  int error_pipe[2];
  if (::pipe2(error_pipe, O_CLOEXEC) != 0) {
    return pipe_error();
  }
  files.error_read.reset(error_pipe[0]);
  files.error_write.reset(error_pipe[1]);
  int gate[2];
  if (spec.on_started) {
    if (::pipe2(gate, O_CLOEXEC) != 0) {
      return pipe_error();
    }
    files.gate_read.reset(gate[0]);
    files.gate_write.reset(gate[1]);
  }
  return {};
}

// on_started may refuse the child (it throws): then the gate closes without
// its byte and the child exits before it runs anything. Returns why it was
// refused, or empty.
std::string open_gate(const ProcessSpec& spec, pid_t pid, Fd& gate_write)
{
  std::string refused;
  try {
    spec.on_started(static_cast<int>(pid));
  } catch (const std::exception& e) {
    refused = e.what();
  }
  if (refused.empty()) {
    [[maybe_unused]] auto n = ::write(gate_write.get(), "1", 1);
  }
  gate_write.reset();
  return refused;
}

// Why exec failed, or empty once the pipe closes on a successful exec.
std::string read_exec_error(Fd& error_read)
{
  std::string exec_error;
  char buffer[512];
  ssize_t n;
  while ((n = ::read(error_read.get(), buffer, sizeof(buffer))) > 0 || (n < 0 && errno == EINTR)) {
    if (n > 0) {
      exec_error.append(buffer, static_cast<std::size_t>(n));
    }
  }
  error_read.reset();
  return exec_error;
}

// Waits for the child within the spec's timeout, kills its group if it
// did not end by itself, and says how it ended.
void wait_for_end(const ProcessSpec& spec, pid_t pid, Clock::time_point start, Capture* capture,
                  const std::string& exec_error, ProcessResult& result)
{
  const bool watch_signals = spec.interruptible == Interruptible::yes;
  const int pidfd = open_pidfd(pid);
  std::optional<Clock::time_point> deadline;
  if (spec.timeout) {
    deadline = start + std::chrono::duration_cast<Clock::duration>(*spec.timeout);
  }
  bool stopped = false;
  auto status = wait_child(pid, pidfd, deadline, watch_signals, &spec, &stopped, capture);
  result.elapsed = Clock::now() - start;
  if (!status) {
    const bool interrupted = watch_signals && signals::received() != 0;
    kill_group(pid, pidfd, spec.kill_grace);
    result.end = stopped       ? ProcessEnd::stopped
                 : interrupted ? ProcessEnd::interrupted
                               : ProcessEnd::timed_out;
  } else if (!exec_error.empty()) {
    result.end = ProcessEnd::failed_to_start;
    result.error = exec_error;
  } else if (WIFEXITED(*status)) {
    result.end = ProcessEnd::exited;
    result.exit_code = WEXITSTATUS(*status);
  } else if (WIFSIGNALED(*status)) {
    result.end = ProcessEnd::signaled;
    result.signal = WTERMSIG(*status);
  }
  if (pidfd >= 0) {
    ::close(pidfd);
  }
}

} // namespace

ProcessResult run_process(const ProcessSpec& spec)
{
  ProcessResult result;
  if (spec.argv.empty()) {
    result.error = "empty command";
    return result;
  }
  if (spec.interruptible == Interruptible::yes && signals::received() != 0) {
    result.end = ProcessEnd::interrupted;
    return result;
  }

  // Everything the child needs is prepared before fork.
  const CStrings envp(env_strings(spec));
  const CStrings argv(spec.argv);
  ChildFiles files;
  if (auto error = open_child_files(spec, files); !error.empty()) {
    result.error = std::move(error);
    return result;
  }

  const auto start = Clock::now();
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    files.error_read.reset();
    files.gate_write.reset();
    child(spec, argv.pointers, envp.pointers, files.log_write.get(), files.out.get(), files.error_write.get(),
          files.gate_read.get(), parent);
  }
  files.error_write.reset();
  files.gate_read.reset();
  files.log_write.reset();
  files.out.reset();
  if (pid < 0) {
    result.error = fmt::format("cannot fork: {}", std::strerror(errno));
    return result;
  }
  std::optional<Capture> capture;
  if (files.log_read) {
    capture.emplace(files.log_read.release(), files.log_file.get(), spec.log_head_bytes, spec.log_tail_bytes);
  }
  ::setpgid(pid, pid); // also in the child: whichever runs first wins the race
  if (files.gate_write) {
    if (auto refused = open_gate(spec, pid, files.gate_write); !refused.empty()) {
      int status = 0;
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      if (capture) {
        capture->finish();
      }
      result.error = std::move(refused);
      return result;
    }
  }

  const std::string exec_error = read_exec_error(files.error_read);
  wait_for_end(spec, pid, start, capture ? &*capture : nullptr, exec_error, result);
  if (capture) {
    // What is in the pipe now; a daemon the command left behind holding the
    // pipe is not waited for.
    capture->finish();
  }
  return result;
}

} // namespace smart::util
