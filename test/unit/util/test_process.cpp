#include <smart/util/atomic_file.hpp>
#include <smart/util/process.hpp>
#include <smart/util/process_group.hpp>
#include <smart/util/signals.hpp>

#include "../temp_dir.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <thread>

#include <unistd.h>
#include <csignal>
#include <filesystem>

using namespace smart::util;
namespace fs = std::filesystem;

namespace {
ProcessSpec shell(std::string script, const fs::path& dir)
{
  ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", std::move(script)};
  spec.cwd = dir;
  spec.env = {{"PATH", "/usr/bin:/bin"}, {"GREETING", "a b;c"}};
  spec.log_file = dir / "log";
  return spec;
}
} // namespace

TEST_CASE("process: runs in the directory with the given environment, output to the log")
{
  TempDir tmp;
  const auto result = run_process(shell("pwd; echo \"$GREETING\"; echo oops >&2; exit 3", tmp.path));
  CHECK(result.end == ProcessEnd::exited);
  CHECK(result.exit_code == 3);
  CHECK(!result.ok());
  CHECK(result.describe() == "exit 3");
  CHECK(read_file(tmp.path / "log") == tmp.path.string() + "\na b;c\noops\n");
}

TEST_CASE("process: an argv command gets no shell")
{
  TempDir tmp;
  ProcessSpec spec = shell("", tmp.path);
  spec.argv = {"echo", "$(id)", ";", "x"};
  CHECK(run_process(spec).ok());
  CHECK(read_file(tmp.path / "log") == "$(id) ; x\n");
}

TEST_CASE("process: a program that does not exist fails to start with a reason")
{
  TempDir tmp;
  ProcessSpec spec = shell("", tmp.path);
  spec.argv = {"/nonexistent/program"};
  const auto result = run_process(spec);
  CHECK(result.end == ProcessEnd::failed_to_start);
  CHECK(result.describe().find("cannot run /nonexistent/program") != std::string::npos);
}

TEST_CASE("process: a timeout kills the whole process group, grandchildren included")
{
  TempDir tmp;
  // The grandchild ignores nothing but outlives its parent's exit unless its group is killed.
  auto spec = shell("sleep 30 & echo $! > grandchild.pid; wait", tmp.path);
  spec.timeout = std::chrono::milliseconds(300);
  spec.kill_grace = std::chrono::milliseconds(300);
  const auto result = run_process(spec);
  CHECK(result.end == ProcessEnd::timed_out);
  CHECK(result.elapsed.count() < 5);
  const auto pid = std::stoi(read_file(tmp.path / "grandchild.pid"));
  // SIGKILL is sent to the group before run_process returns, but the kernel
  // may take a moment to finish the grandchild on a loaded machine: wait
  // (bounded) until it is dead or a zombie (reaped by init eventually).
  const auto dead_or_zombie = [pid] {
    if (::kill(pid, 0) != 0) {
      return true;
    }
    std::ifstream in(fs::path("/proc") / std::to_string(pid) / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return stat.empty() || stat.find(") Z") != std::string::npos;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!dead_or_zombie() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(dead_or_zombie());
}

TEST_CASE("process: a child ignoring SIGTERM is killed after the grace period")
{
  TempDir tmp;
  auto spec = shell("trap '' TERM; sleep 30", tmp.path);
  spec.timeout = std::chrono::milliseconds(200);
  spec.kill_grace = std::chrono::milliseconds(200);
  const auto result = run_process(spec);
  CHECK(result.end == ProcessEnd::timed_out);
  CHECK(result.elapsed.count() < 5);
}

TEST_CASE("process: a signal to us interrupts an interruptible child, not a protected one")
{
  TempDir tmp;
  signals::install();
  signals::reset_for_tests();
  ::raise(SIGTERM);
  CHECK(signals::received() == SIGTERM);
  auto spec = shell("sleep 0.2; echo done", tmp.path);
  spec.timeout = std::chrono::seconds(10);
  CHECK(run_process(spec).end == ProcessEnd::interrupted);
  spec.interruptible = Interruptible::no;
  CHECK(run_process(spec).ok());
  CHECK(read_file(tmp.path / "log") == "done\n");
  CHECK(!signals::sleep_for(std::chrono::seconds(5)));
  signals::reset_for_tests();
  CHECK(signals::sleep_for(std::chrono::milliseconds(10)));
}

TEST_CASE("process: watch() can stop a child early; stdout can go to its own file")
{
  TempDir tmp;
  auto spec = shell("echo out; echo err >&2; sleep 30", tmp.path);
  spec.stdout_file = tmp.path / "stdout";
  int calls = 0;
  spec.watch = [&] { return ++calls < 3; };
  spec.watch_interval = std::chrono::milliseconds(50);
  spec.timeout = std::chrono::seconds(20);
  const auto result = run_process(spec);
  CHECK(result.end == ProcessEnd::stopped);
  CHECK(calls == 3);
  CHECK(result.elapsed.count() < 10);
  CHECK(read_file(tmp.path / "stdout") == "out\n");
  CHECK(read_file(tmp.path / "log") == "err\n");
}

TEST_CASE("process: output without end reaches the log as head and tail only")
{
  TempDir tmp;
  auto spec = shell("echo first; head -c 5000000 /dev/zero | tr '\\0' x; echo; echo last", tmp.path);
  spec.log_head_bytes = 1000;
  spec.log_tail_bytes = 1000;
  const auto result = run_process(spec);
  CHECK(result.ok());
  const auto log = read_file(tmp.path / "log");
  CHECK(log.size() < 3000);
  CHECK(log.rfind("first\n", 0) == 0);
  CHECK(log.find("bytes of output left out") != std::string::npos);
  CHECK(log.substr(log.size() - 6) == "\nlast\n");
}

TEST_CASE("process: a daemon left holding the output does not hold us")
{
  TempDir tmp;
  const auto result = run_process(shell("(sleep 30 &) ; echo started", tmp.path));
  CHECK(result.ok()); // (rather than hanging for 30 s)
  CHECK(read_file(tmp.path / "log") == "started\n");
}

TEST_CASE("process: on_started gets the child's group before the command runs")
{
  TempDir tmp;
  auto spec = shell("echo $$ > pid", tmp.path);
  int seen = 0;
  bool ran_before = true;
  spec.on_started = [&](int pgid) {
    seen = pgid;
    ran_before = fs::exists(tmp.path / "pid");
  };
  CHECK(run_process(spec).ok());
  CHECK_FALSE(ran_before);
  CHECK(read_file(tmp.path / "pid") == std::to_string(seen) + "\n");
}

TEST_CASE("process: when on_started throws the command never runs")
{
  TempDir tmp;
  auto spec = shell("touch ran", tmp.path);
  spec.on_started = [](int) { throw std::runtime_error("cannot record the group"); };
  const auto result = run_process(spec);
  CHECK(result.end == ProcessEnd::failed_to_start);
  CHECK(result.describe() == "cannot record the group");
  CHECK_FALSE(fs::exists(tmp.path / "ran"));
}

TEST_CASE("process: a timed-out command's group is gone when run_process returns")
{
  TempDir tmp;
  // The child of the command ignores SIGTERM: only SIGKILL of the group ends it.
  auto spec = shell("sh -c 'trap \"\" TERM; while :; do sleep 0.05; done' & sleep 30", tmp.path);
  spec.timeout = std::chrono::duration<double>(0.3);
  spec.kill_grace = std::chrono::duration<double>(0.1);
  int group = 0;
  spec.on_started = [&](int pgid) { group = pgid; };
  const auto result = run_process(spec);
  CHECK(result.end == ProcessEnd::timed_out);
  REQUIRE(group > 0);
  CHECK(process_group_members(group).empty());
}
