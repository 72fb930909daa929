#include <smart/run/resource_meter.hpp>
#include <smart/util/process_group.hpp>

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace smart;
namespace fs = std::filesystem;

namespace {
struct TempDir {
  fs::path path;
  TempDir()
  {
    path = fs::temp_directory_path() / ("smart-resource-" + std::to_string(::getpid()) + "-" +
                                        std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    fs::create_directories(path);
  }
  ~TempDir()
  {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

void write(const fs::path& path, const std::string& text)
{
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

// A /proc/PID/stat line with the given parent and utime, stime ticks.
std::string stat_line(long pid, const std::string& comm, long ppid, int utime, int stime)
{
  return std::to_string(pid) + " (" + comm + ") S " + std::to_string(ppid) + " 1 1 0 -1 4194560 100 0 0 0 " +
         std::to_string(utime) + " " + std::to_string(stime) + " 0 0 20 0 1 0 100 1000000 200\n";
}
} // namespace

TEST_CASE("resource meter: parses cpu.stat, /proc/PID/stat and status")
{
  CHECK(parse_cpu_stat_usage("usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\n").value() ==
        Approx(2.5));
  CHECK_FALSE(parse_cpu_stat_usage("user_usec 1\n"));
  const auto stat = util::parse_process_stat(stat_line(42, "nginx: worker (x) process", 7, 30, 12));
  REQUIRE(stat);
  CHECK(stat->state == 'S');
  CHECK(stat->ppid == 7);
  CHECK(stat->pgrp == 1);
  CHECK(stat->ticks == 42);
  CHECK_FALSE(util::parse_process_stat("42 (cut"));
  CHECK_FALSE(util::parse_process_stat("42 (short) S 1 1 0\n"));
  CHECK(parse_status_rss("Name:\tnginx\nVmRSS:\t    2048 kB\n").value() == 2048.0 * 1024);
  CHECK_FALSE(parse_status_rss("Name:\tkthreadd\n"));
}

TEST_CASE("resource meter: a unit's cgroup v2 directory, unified or hybrid")
{
  TempDir tmp;
  CHECK_FALSE(unit_cgroup_dir(tmp.path, "nginx.service"));
  write(tmp.path / "unified/system.slice/nginx.service/cpu.stat", "usage_usec 1\n");
  CHECK(unit_cgroup_dir(tmp.path, "nginx.service").value() ==
        tmp.path / "unified/system.slice/nginx.service");
  write(tmp.path / "system.slice/nginx.service/cpu.stat", "usage_usec 1\n");
  CHECK(unit_cgroup_dir(tmp.path, "nginx.service").value() == tmp.path / "system.slice/nginx.service");
}

TEST_CASE("resource meter: reads a fake cgroup v2 directory")
{
  TempDir tmp;
  const auto dir = tmp.path / "system.slice/nginx.service";
  write(dir / "cpu.stat", "usage_usec 1000000\nuser_usec 800000\n");
  write(dir / "memory.current", "10485760\n");
  ResourceMeter meter(cgroup_source(dir), util::Duration(10));
  meter.start();
  write(dir / "cpu.stat", "usage_usec 3500000\nuser_usec 3000000\n");
  write(dir / "memory.current", "31457280\n");
  const auto usage = meter.finish(500);
  REQUIRE(usage);
  CHECK(usage->cpu_s == Approx(2.5));
  CHECK(usage->requests == 500);
  CHECK(usage->rss_readings == 2);
  CHECK(usage->rss_sum_bytes == Approx(40.0 * 1024 * 1024));
  CHECK(usage->rss_peak_bytes == Approx(30.0 * 1024 * 1024));
  // The service gone: no figures, never made-up ones.
  fs::remove(dir / "memory.current");
  meter.start();
  CHECK_FALSE(meter.finish(10));
}

TEST_CASE("resource meter: a pid file's process and its descendants in a fake /proc")
{
  TempDir tmp;
  const auto proc = tmp.path / "proc";
  write(tmp.path / "nginx.pid", "100\n");
  write(proc / "100/stat", stat_line(100, "nginx", 1, 10, 5));
  write(proc / "100/status", "VmRSS:\t1024 kB\n");
  write(proc / "101/stat", stat_line(101, "nginx", 100, 100, 50));
  write(proc / "101/status", "VmRSS:\t4096 kB\n");
  write(proc / "102/stat", stat_line(102, "helper", 101, 1, 1));
  write(proc / "102/status", "VmRSS:\t1024 kB\n");
  write(proc / "200/stat", stat_line(200, "other", 1, 9999, 9999)); // not in the tree
  write(proc / "200/status", "VmRSS:\t999999 kB\n");
  write(proc / "self/stat", "not a pid directory");
  const auto source = pid_file_source(tmp.path / "nginx.pid", proc);
  const auto reading = source->read();
  REQUIRE(reading);
  const double tick = 1.0 / static_cast<double>(::sysconf(_SC_CLK_TCK));
  CHECK(reading->cpu_s == Approx(167 * tick));
  CHECK(reading->memory_bytes == 6144.0 * 1024);
  // A pid file naming a process that is gone: no reading.
  write(tmp.path / "nginx.pid", "999\n");
  CHECK_FALSE(source->read());
}
