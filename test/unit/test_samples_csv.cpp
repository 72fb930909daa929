#include <smart/error.hpp>
#include <smart/samples_csv.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace smart;

namespace {
std::string failure_of(std::string_view content)
{
  try {
    parse_samples(content, "f.csv");
  } catch (const UsageError& e) {
    return e.what();
  }
  return "no error";
}
} // namespace

TEST_CASE("samples: our own format with error tokens")
{
  const auto s = parse_samples("timestamp,latency_ms,response_code,error\n"
                               "2026-11-22T23:10:30.123Z,12.345,200,\n"
                               "2026-11-22T23:10:31.123Z,5000.000,0,timeout\n",
                               "f.csv");
  REQUIRE(s.size() == 2);
  CHECK(s.latency_ms[0] == Approx(12.345));
  CHECK(s.response_code[1] == 0);
  CHECK(s.error[1] == ProbeError::timeout);
  CHECK(s.is_error(1));
  CHECK_FALSE(s.has_blocks());
}

TEST_CASE("samples: the original scripts' files read unchanged")
{
  const auto s = parse_samples("ts,latency_ms,rcode\n"
                               "2026-11-22T23:23:19+00:00,18,200\n"
                               "2026-11-22T23:23:24+00:00,5003,000000\n"
                               "2026-11-22T23:23:29+00:00,17,000\n"
                               "2026-11-22T23:23:34+00:00,16,502\n",
                               "f.csv");
  REQUIRE(s.size() == 4);
  CHECK(s.response_code[1] == 0);
  CHECK(s.error[1] == ProbeError::other);
  CHECK(s.is_error(2));
  CHECK(s.is_error(3));
  CHECK_FALSE(s.is_error(0));
}

TEST_CASE("samples: no header, CRLF, no final newline")
{
  const auto s =
    parse_samples("2026-11-22T23:23:19+00:00,18,200\r\n2026-11-22T23:23:20+00:00,16,200", "f.csv");
  REQUIRE(s.size() == 2);
  CHECK(s.latency_ms[1] == Approx(16));
}

TEST_CASE("samples: columns are found by name, extra columns allowed")
{
  const auto s =
    parse_samples("block,response_code,extra,latency_ms,timestamp\n3,200,x,1.5,t\n4,503,y,2.5,t\n", "f.csv");
  REQUIRE(s.size() == 2);
  REQUIRE(s.has_blocks());
  CHECK(s.block[1] == 4);
  CHECK(s.latency_ms[0] == Approx(1.5));
  CHECK(s.response_code[1] == 503);
}

TEST_CASE("samples: a header alone is an empty set, an empty file an error")
{
  CHECK(parse_samples("timestamp,latency_ms,response_code\n", "f.csv").size() == 0);
  CHECK(failure_of("") == "f.csv: empty file (no header, no samples)");
  CHECK(failure_of("\n\n") == "f.csv: empty file (no header, no samples)");
}

TEST_CASE("samples: malformed lines name file and line")
{
  CHECK(failure_of("ts,latency_ms,rcode\nt,18,200\nt,abc,200\n") == "f.csv:3: invalid latency_ms 'abc'");
  CHECK(failure_of("ts,latency_ms,rcode\nt,18\n") == "f.csv:2: expected 3 fields, found 2");
  CHECK(failure_of("ts,latency_ms,rcode\nt,18,2x0\n") == "f.csv:2: invalid response code '2x0'");
  CHECK(failure_of("ts,latency_ms,rcode\nt,-1,200\n") == "f.csv:2: invalid latency_ms '-1'");
  // Finite as a double but +inf as the float it is stored in.
  CHECK(failure_of("ts,latency_ms,rcode\nt,1e39,200\n") == "f.csv:2: invalid latency_ms '1e39'");
  CHECK(failure_of("ts,latency_ms,rcode\nt,1,1000\n") == "f.csv:2: invalid response code '1000'");
  CHECK(failure_of("a,b,c\n1,2,3\n") == "f.csv:1: header has no latency_ms column");
  CHECK(failure_of("timestamp,latency_ms,response_code,error\nt,1,0,bogus\n")
          .find("f.csv:2: invalid error token") == 0);
  CHECK(failure_of(std::string("ts,latency_ms,rcode\nt,1,2\0\n", 28)).find("f.csv:2: binary data") == 0);
}

TEST_CASE("samples: latency decimals in every form, as strtod reads them")
{
  const auto latency = [](const std::string& text) {
    return parse_samples("ts,latency_ms,rcode\nt," + text + ",200\n", "f.csv").latency_ms.at(0);
  };
  CHECK(latency("12") == 12.0f);
  CHECK(latency("12.345") == 12.345f);
  CHECK(latency(".5") == 0.5f);
  CHECK(latency("0.001") == 0.001f);
  CHECK(latency("1e3") == 1000.0f);                            // not the fast path: std::from_chars
  CHECK(latency("1234567890.1234567") == 1234567890.1234567f); // 17 digits: from_chars
  CHECK(failure_of("ts,latency_ms,rcode\nt,1.2.3,200\n") == "f.csv:2: invalid latency_ms '1.2.3'");
  CHECK(failure_of("ts,latency_ms,rcode\nt,1.x,200\n") == "f.csv:2: invalid latency_ms '1.x'");
  CHECK(failure_of("ts,latency_ms,rcode\nt,.,200\n") == "f.csv:2: invalid latency_ms '.'");
}

TEST_CASE("samples: an over-long line is refused without reading it whole")
{
  SamplesParser parser("big.csv");
  parser.feed("ts,latency_ms,rcode\n");
  const std::string chunk(1 << 16, '9');
  CHECK_THROWS_WITH(
    [&] {
      for (int i = 0; i < 4; ++i)
        parser.feed(chunk);
    }(),
    "big.csv:2: line longer than 65536 bytes");
}

TEST_CASE("samples: lines may span chunks")
{
  SamplesParser parser("c.csv");
  parser.feed("timestamp,laten");
  parser.feed("cy_ms,response_code\nt,1");
  parser.feed("2.5,200\nt,3,5");
  parser.feed("00\n");
  const auto s = parser.finish();
  REQUIRE(s.size() == 2);
  CHECK(s.latency_ms[0] == Approx(12.5));
  CHECK(s.response_code[1] == 500);
}

TEST_CASE("samples: a written row reads back")
{
  SampleRow row;
  row.timestamp = *util::parse_rfc3339("2026-11-22T23:10:30.123Z");
  row.latency_ms = 0.3704;
  row.response_code = 0;
  row.error = ProbeError::connect;
  const auto line = format_sample_row(row);
  CHECK(line == "2026-11-22T23:10:30.123Z,0.370,0,connect");
  const auto s = parse_samples(std::string(samples_header) + "\n" + line + "\n", "f.csv");
  CHECK(s.error[0] == ProbeError::connect);
}

TEST_CASE("samples: fields and NUL bytes are found at every byte offset")
{
  // The splitter reads eight bytes at a time: every alignment of the commas
  // and of a NUL byte must give the same result as a plain reading.
  for (std::size_t pad = 0; pad < 20; ++pad) {
    const std::string timestamp = "t" + std::string(pad, 'x');
    const std::string latency = "1" + std::string(pad % 9, '0') + ".5";
    const auto s = parse_samples("timestamp,latency_ms,response_code,error\n" + timestamp + "," + latency +
                                   ",200,\n" + timestamp + ",2.25,0,timeout\n",
                                 "f.csv");
    REQUIRE(s.size() == 2);
    CHECK(s.latency_ms[0] == Approx(std::stod(latency)));
    CHECK(s.response_code[1] == 0);
    CHECK(s.error[1] == ProbeError::timeout);
    std::string with_nul = timestamp + ",12.5,200,\n";
    with_nul[pad / 2] = '\0';
    CHECK(failure_of("timestamp,latency_ms,response_code,error\n" + with_nul).find("f.csv:2: binary data") !=
          std::string::npos);
  }
}
