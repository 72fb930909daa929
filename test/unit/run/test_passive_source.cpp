#include <smart/run/experiment.hpp>
#include <smart/run/flow.hpp>
#include <smart/run/passive_source.hpp>
#include <smart/util/atomic_file.hpp>

#include "../temp_dir.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <string>

using namespace smart;

namespace {

std::vector<std::string> problems_of(std::string_view json)
{
  try {
    parse_experiment(json, "meta.json", "/x");
  } catch (const ExperimentError& e) {
    return e.problems();
  }
  return {};
}

std::string joined(const std::vector<std::string>& lines)
{
  std::string out;
  for (const auto& line : lines) {
    out += line + "\n";
  }
  return out;
}

// A line in the format smart ships; the request ended at ended_ms and took
// request_s.
std::string smart_line(std::int64_t ended_ms, double request_s, int status, std::string_view path = "/")
{
  return fmt::format("127.0.0.1 - - [03/Dec/2026:10:00:00 +0000] \"GET {} HTTP/1.1\" {} 612 \"-\" \"users\" "
                     "{}.{:03d} {:.3f} -\n",
                     path, status, ended_ms / 1000, ended_ms % 1000, request_s);
}

std::int64_t now_ms()
{
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

} // namespace

TEST_CASE("passive measure: meta.json's access_log source parses, its warm-up becomes the run's")
{
  const auto exp = parse_experiment(R"({
    "id": "p", "variants": [{"name": "a", "apply": "true"}], "revert": "true",
    "measure": {"source": "access_log", "file": "/var/log/nginx/access.log", "log_format": "smart",
                "warmup_seconds": 3, "min_rate": 2.5, "settle_seconds": "500ms"}})",
                                    "meta.json", "/x");
  REQUIRE(exp.passive);
  CHECK(exp.passive->file == "/var/log/nginx/access.log");
  CHECK(exp.passive->min_rate == Approx(2.5));
  CHECK(exp.passive->settle.count() == Approx(0.5));
  REQUIRE(exp.warmup_seconds);
  CHECK(exp.warmup_seconds->count() == Approx(3));
  CHECK(exp.measure.empty());
  CHECK(exp.target_url.empty()); // no target_url needed: nothing is probed
}

TEST_CASE("passive measure: a log format without $request_time is refused, naming the variable")
{
  const auto problems = joined(problems_of(R"({
    "id": "p", "variants": [{"name": "a", "apply": "true"}], "revert": "true",
    "measure": {"source": "access_log", "file": "/l", "log_format": "combined"}})"));
  CHECK(problems.find("meta.json: measure.log_format: the format lacks $request_time, which passive "
                      "measurement needs") != std::string::npos);
  // A format string pasted from nginx.conf, with neither $request_time nor a time.
  const auto pasted = joined(problems_of(R"({
    "id": "p", "variants": [{"name": "a", "apply": "true"}], "revert": "true",
    "measure": {"source": "access_log", "file": "/l",
                "log_format": "log_format t '$remote_addr \"$request\" $status';"}})"));
  CHECK(pasted.find("lacks $request_time, $msec (or $time_iso8601 or $time_local),") != std::string::npos);
}

TEST_CASE("passive measure: every problem of the measure object is reported at once")
{
  const auto problems = joined(problems_of(R"({
    "id": "p", "variants": [{"name": "a", "apply": "true"}], "revert": "true",
    "measure": {"source": "syslog", "file": "relative.log", "min_rate": -1, "settle_seconds": "x"}})"));
  CHECK(problems.find("measure.source: \"syslog\"") != std::string::npos);
  CHECK(problems.find("measure.file: must be an absolute path") != std::string::npos);
  CHECK(problems.find("measure.min_rate") != std::string::npos);
  CHECK(problems.find("measure.settle_seconds: not a duration") != std::string::npos);
  const auto twice = joined(problems_of(R"({
    "id": "p", "variants": [{"name": "a", "apply": "true"}], "revert": "true", "warmup_seconds": 1,
    "measure": {"source": "access_log", "file": "/l", "warmup_seconds": 2}})"));
  CHECK(twice.find("measure.warmup_seconds: warmup_seconds is given twice") != std::string::npos);
}

TEST_CASE("passive source: a request counts for the block in force when it arrived")
{
  TempDir dir("passive");
  const auto log = dir.path / "access.log";
  util::write_file_atomically(log, smart_line(now_ms() - 5000, 0.001, 200)); // before the run: skipped
  PassiveMeasure config;
  config.file = log.string();
  config.settle = util::Duration(0.3);
  PassiveSource source(config);
  bool written = false;
  const auto samples =
    source.follow_block("v", dir.path / "v.csv", util::Duration(0.5), [&](const SampleSet&) {
      if (!written) {
        written = true;
        const auto now = now_ms();
        util::append_line(log, "garbage line", 0600);
        std::string lines = smart_line(now + 20, 0.010, 200, "/in"); // arrived in the window
        lines += smart_line(now + 30, 0.012, 503, "/in");            // an error, in the window
        lines += smart_line(now + 10, 2.000, 200, "/warm-up");       // arrived 2 s before the window
        lines += smart_line(now + 60'000, 0.001, 200, "/after");     // arrives after the window
        util::append_line(log, lines.substr(0, lines.size() - 1), 0600);
      }
      return true;
    });
  REQUIRE(samples.size() == 2);
  CHECK(samples.latency_ms[0] == Approx(10.0));
  CHECK(samples.response_code[1] == 503);
  const auto written_rows = read_samples(dir.path / "v.csv");
  CHECK(written_rows.size() == 2);
  const auto report = source.report();
  CHECK(report.at("lines").to_number<int>() == 5);
  CHECK(report.at("requests_in_blocks").to_number<int>() == 2);
  CHECK(report.at("dropped_outside_blocks").to_number<int>() == 2);
  CHECK(report.at("malformed_lines").to_number<int>() == 1);
  CHECK(std::string(report.at("first_malformed").as_string()) == "garbage line");
  CHECK(source.describe().find("1 malformed lines skipped") != std::string::npos);
}

TEST_CASE("passive source: too little traffic on a side is inconclusive, with the rate seen")
{
  TempDir dir("passive");
  const auto log = dir.path / "access.log";
  util::write_file_atomically(log, "");
  PassiveMeasure config;
  config.file = log.string();
  config.settle = util::Duration(0);
  config.min_rate = 5;
  PassiveSource source(config);
  const auto quiet = [](const SampleSet&) { return true; };
  CHECK_FALSE(source.too_little_traffic("v")); // nothing measured yet: no verdict to make
  source.follow_block("v.baseline", dir.path / "b.csv", util::Duration(0.3), quiet);
  bool written = false;
  source.follow_block("v", dir.path / "v.csv", util::Duration(0.3), [&](const SampleSet&) {
    if (!written) {
      written = true;
      util::append_line(log, smart_line(now_ms() + 50, 0.001, 200), 0600);
    }
    return true;
  });
  const auto why = source.too_little_traffic("v");
  REQUIRE(why);
  CHECK(why->starts_with("inconclusive: too little traffic to judge: 0.00 requests/s seen"));
  CHECK(why->find("variant 3.3/s, 1 requests") != std::string::npos);
  CHECK(why->find("at least 5/s needed") != std::string::npos);
}

TEST_CASE("passive source: a missing access log fails before any block")
{
  PassiveMeasure config;
  config.file = "/nonexistent/access.log";
  CHECK_THROWS_AS(PassiveSource(config), flow::StepFailed);
}
