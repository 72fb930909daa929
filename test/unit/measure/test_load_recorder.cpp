#include <smart/measure/load_recorder.hpp>

#include "../temp_dir.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>

using namespace smart;
using namespace std::chrono_literals;
using Clock = LoadRecorder::Clock;

namespace {

std::string read_file(const std::filesystem::path& path)
{
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::size_t lines(const std::string& text)
{
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

} // namespace

TEST_CASE("LoadRecorder: every request in the tally and counters, one row per sample_every")
{
  TempDir dir("load-recorder");
  const auto file = dir.path / "samples.csv";
  SampleSink sink(file.string(), {}, Append::no);
  LoadCounters counters;
  SampleTally tally;
  LoadRecorder::Output output;
  output.sink = &sink;
  output.sample_every = 3;
  const Clock::time_point t0{std::chrono::hours(1)};
  LoadRecorder recorder(output, counters, tally, t0);

  for (int i = 0; i < 7; ++i) {
    recorder.record(t0, 1.5, 200, ProbeError::none, {});
  }
  recorder.record(t0, 2.0, 0, ProbeError::reset, {});
  recorder.record(t0, 2.0, 200, ProbeError::unexpected_status, {}); // a failed check
  CHECK(tally.count() == 9);
  CHECK(counters.requests == 9);
  CHECK(counters.errors == 2);
  REQUIRE(recorder.has_rows());

  // Nothing reaches the sink before the flush is due.
  recorder.maybe_flush(t0 + 50ms);
  CHECK(lines(read_file(file)) == 1); // the header
  recorder.maybe_flush(t0 + LoadRecorder::flush_every);
  CHECK_FALSE(recorder.has_rows());
  CHECK(recorder.next_flush() == t0 + 2 * LoadRecorder::flush_every);
  // Requests 0, 3 and 6 of 9 are rows; the row of request 6 is a success.
  const std::string csv = read_file(file);
  CHECK(lines(csv) == 1 + 3);
  CHECK(csv.find(",reset") == std::string::npos);
}

TEST_CASE("LoadRecorder: the row's timestamp is the request's begin on the wall clock")
{
  TempDir dir("load-recorder");
  const auto file = dir.path / "samples.csv";
  SampleSink sink(file.string(), {}, Append::no);
  LoadCounters counters;
  SampleTally tally;
  LoadRecorder::Output output;
  output.sink = &sink;
  // steady t = 10 s is 2026-01-01T00:00:00Z + 10 s on the wall clock.
  output.wall_offset = std::chrono::seconds(1767225600);
  LoadRecorder recorder(output, counters, tally, Clock::time_point{});
  recorder.record(Clock::time_point{10s}, 0.25, 503, ProbeError::none, {});
  recorder.flush();
  const std::string csv = read_file(file);
  CHECK(csv.find("2026-01-01T00:00:10") != std::string::npos);
  CHECK(csv.find(",0.250,503,") != std::string::npos);
  CHECK(counters.errors == 0); // a 5xx is the tally's business, not a transport error
  CHECK(tally.http_5xx() == 1);
}
