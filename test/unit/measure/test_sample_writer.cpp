#include <smart/error.hpp>
#include <smart/measure/probe.hpp>
#include <smart/measure/sample_writer.hpp>

#include <catch2/catch.hpp>

#include <curl/curl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace smart;
namespace fs = std::filesystem;

namespace {

util::SystemTime at_ms(std::int64_t ms)
{
  return util::SystemTime(std::chrono::milliseconds(ms));
}

std::string slurp(const fs::path& path)
{
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace

TEST_CASE("samples header: block and phase columns in the documented order")
{
  CHECK(samples_header_for({}) == "timestamp,latency_ms,response_code,error");
  SampleColumns columns;
  columns.block = 3;
  columns.phases = true;
  CHECK(samples_header_for(columns) ==
        "timestamp,latency_ms,response_code,error,block,dns_ms,connect_ms,tls_ms,ttfb_ms");
}

TEST_CASE("RowFormatter writes the row smart-decide reads")
{
  RowFormatter plain({});
  std::string out;
  // 2026-11-22T23:10:30.123Z
  plain.append(out, Sample{at_ms(1795389030123), 12.3456, 200, ProbeError::none, {}});
  plain.append(out, Sample{at_ms(1795389030999), 5000.0, 0, ProbeError::timeout, {}});
  plain.append(out, Sample{at_ms(1795389031000), 0.1, 503, ProbeError::none, {}}); // next second
  CHECK(out == "2026-11-22T23:10:30.123Z,12.346,200,\n"
               "2026-11-22T23:10:30.999Z,5000.000,0,timeout\n"
               "2026-11-22T23:10:31.000Z,0.100,503,\n");

  SampleColumns columns;
  columns.block = 7;
  columns.phases = true;
  RowFormatter extended(columns);
  std::string row;
  extended.append(row, Sample{at_ms(0), 1.0, 200, ProbeError::none, Phases{0.5, 0.25, 0, 0.125}});
  CHECK(row == "1970-01-01T00:00:00.000Z,1.000,200,,7,0.500,0.250,0.000,0.125\n");
  // What smart-decide reads back.
  const auto samples = parse_samples(samples_header_for(columns) + "\n" + row, "row");
  CHECK(samples.size() == 1);
  CHECK(samples.block.at(0) == 7);
}

TEST_CASE("SampleSink: --append writes the header once and refuses a different one")
{
  const fs::path dir = fs::temp_directory_path() / ("smart-unit-sink-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const auto file = dir / "a.csv";
  {
    SampleSink sink(file.string(), {}, Append::yes);
    sink.write("row1\n");
  }
  {
    SampleSink sink(file.string(), {}, Append::yes);
    sink.write("row2\n");
  }
  CHECK(slurp(file) == "timestamp,latency_ms,response_code,error\nrow1\nrow2\n");
  SampleColumns with_block;
  with_block.block = 1;
  CHECK_THROWS_WITH(SampleSink(file.string(), with_block, Append::yes), Catch::Contains("differs"));
  CHECK(slurp(file) == "timestamp,latency_ms,response_code,error\nrow1\nrow2\n");
  {
    SampleSink sink(file.string(), with_block, Append::no); // truncates
  }
  CHECK(slurp(file) == "timestamp,latency_ms,response_code,error,block\n");
  CHECK_THROWS_AS(SampleSink((dir / "missing" / "x.csv").string(), {}, Append::no), UsageError);
  fs::remove_all(dir);
}

TEST_CASE("classify_curl_error maps libcurl failures to the CSV error tokens")
{
  CHECK(classify_curl_error(CURLE_OK) == ProbeError::none);
  CHECK(classify_curl_error(CURLE_COULDNT_RESOLVE_HOST) == ProbeError::dns);
  CHECK(classify_curl_error(CURLE_COULDNT_CONNECT) == ProbeError::connect);
  CHECK(classify_curl_error(CURLE_PEER_FAILED_VERIFICATION) == ProbeError::tls);
  CHECK(classify_curl_error(CURLE_SSL_CONNECT_ERROR) == ProbeError::tls);
  CHECK(classify_curl_error(CURLE_OPERATION_TIMEDOUT) == ProbeError::timeout);
  CHECK(classify_curl_error(CURLE_RECV_ERROR) == ProbeError::reset);
  CHECK(classify_curl_error(CURLE_GOT_NOTHING) == ProbeError::reset);
  CHECK(classify_curl_error(CURLE_WEIRD_SERVER_REPLY) == ProbeError::other);
}
