#pragma once

#include <smart/util/time.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The samples CSV that passes between stages (docs/formats.md, "Samples CSV").
//
// Written: header "timestamp,latency_ms,response_code,error" (+ optional
// columns), one row per probe, RFC 3339 UTC millisecond timestamps, latency
// with 3 decimals, response_code 0 when no response came.
//
// Read: columns found by header name; also the original scripts' files
// (header "ts,latency_ms,rcode", integer latencies, codes "000"/"000000", or
// no header at all: timestamp, latency, code), CRLF, no final newline. Any
// malformed line is a smart::UsageError "FILE:LINE: why" (exit 2).

namespace smart {

// Why a probe failed (the CSV "error" token): the first six mean no HTTP
// response came (code 0); the next three are failed response checks on a
// response that did come (smart-measure's --expect-* options); the last
// four are a dns:// server's answer other than NOERROR (code 0).
enum class ProbeError : std::uint8_t {
  none,
  dns,
  connect,
  tls,
  timeout,
  reset,
  other,
  unexpected_status, // the code is not an expected one
  body_mismatch,     // the body lacks the expected text, or differs from the baseline's
  too_small,         // the body is shorter than the expected minimum
  nxdomain,          // dns://: the name does not exist (RCODE 3)
  servfail,          // dns://: the server failed to answer (RCODE 2)
  refused,           // dns://: the server refused the query (RCODE 5)
  dns_rcode          // dns://: any other RCODE but NOERROR (FORMERR, NOTIMP, ...)
};
inline constexpr std::size_t probe_error_count = 14;

std::string_view to_token(ProbeError error);
std::optional<ProbeError> probe_error_from_token(std::string_view token);

// The response codes that count as success. Default 200-399 (2xx and 3xx).
// A list of codes and inclusive ranges ("200-299,401") either replaces the
// default (smart-measure --expect-status) or adds to it (smart-decide
// --ok-status). The codes of the list are "listed".
class StatusSet {
public:
  StatusSet() = default; // 200-399, nothing listed
  // nullopt when text is not such a list (codes 100-599, low <= high).
  static std::optional<StatusSet> parse(std::string_view text);       // exactly the list
  static std::optional<StatusSet> default_and(std::string_view text); // 200-399 and the list
  bool contains(int code) const;
  bool listed(int code) const;
  std::string text() const; // canonical: "200-299,401", "200-399,404"

private:
  bool m_default = true;
  std::vector<std::pair<int, int>> m_ranges;
};

// THE classification of a sample, for every reader (statistics, smart-decide,
// smart-measure's tally, smart-run's guards): none for a success, otherwise
// why it is an error.
// - code 0: the transport error (other when the row gave none);
// - a row smart-measure flagged unexpected_status: an error unless ok lists
//   its code (smart-decide --ok-status 404 takes back the 404s);
// - any other code outside ok: unexpected_status;
// - body_mismatch / too_small from the row: that failed check.
ProbeError classify_sample(int response_code, ProbeError token, const StatusSet& ok);

// Samples in columns, compact enough for 10 million rows a side (~8 bytes a
// row): latency as float keeps 7 significant digits, ample for milliseconds.
struct SampleSet {
  std::vector<float> latency_ms;
  std::vector<std::uint16_t> response_code;
  std::vector<ProbeError> error;
  std::vector<std::uint32_t> block; // empty unless the file has a "block" column

  std::size_t size() const { return latency_ms.size(); }
  bool has_blocks() const { return !block.empty(); }
  bool is_error(std::size_t i, const StatusSet& ok = {}) const
  {
    return classify_sample(response_code[i], error[i], ok) != ProbeError::none;
  }
  void push_back(float latency, std::uint16_t code, ProbeError err);
};

// One parsed row, for readers that stream instead of storing (smart-decide on
// millions of rows keeps only what it needs). block is 0 without the column.
struct ParsedSample {
  float latency_ms = 0;
  std::uint16_t response_code = 0;
  ProbeError error = ProbeError::none;
  bool has_block = false;
  std::uint32_t block = 0;
  std::string_view target; // the "target" column (a request mix); valid during the callback only
};
using SampleCallback = std::function<void(const ParsedSample&)>;

// Reads a samples file; "-" reads standard input. display_name is used in
// messages (defaults to the path, "<stdin>" for "-").
SampleSet read_samples(const std::filesystem::path& path);

// Same, handing each row to on_sample instead of storing it.
void read_samples(const std::filesystem::path& path, const SampleCallback& on_sample);

// Pure: parses content as if read from a file called name.
SampleSet parse_samples(std::string_view content, std::string_view name);

// Incremental parser behind both, for streams of any size: feed() chunks in
// order (lines may span chunks), then finish(). Lines longer than
// max_line_length are an error, so a 100 MB line cannot exhaust memory.
class SamplesParser {
public:
  static constexpr std::size_t max_line_length = 64 * 1024;

  explicit SamplesParser(std::string name);
  // Rows go to on_sample instead of the SampleSet that finish() returns.
  SamplesParser(std::string name, SampleCallback on_sample);
  void feed(std::string_view chunk);
  SampleSet finish();

private:
  void parse_line(std::string_view line);
  void parse_header(std::string_view line);
  // The row's error column (none when absent or empty) given its CODE.
  ProbeError error_of(std::string_view token, bool present, unsigned code) const;
  [[noreturn]] void fail(std::string_view why) const;

  std::string m_name;
  std::string m_partial;
  std::size_t m_line = 0;
  bool m_header_done = false;
  bool m_seen_content = false;
  int m_col_timestamp = 0;
  int m_col_latency = 1;
  int m_col_code = 2;
  int m_col_error = -1;
  int m_col_block = -1;
  int m_col_target = -1;
  int m_columns = 3;
  SampleSet m_samples;
  SampleCallback m_on_sample;
};

// One row as smart-measure writes it.
struct SampleRow {
  util::SystemTime timestamp;
  double latency_ms = 0;
  int response_code = 0;
  ProbeError error = ProbeError::none;
};

inline constexpr std::string_view samples_header = "timestamp,latency_ms,response_code,error";

// "2026-11-22T23:10:30.123Z,12.345,200," (no newline).
std::string format_sample_row(const SampleRow& row);

// The complete rows of a file still being written (a last line without its
// newline is left out); empty when the file is missing or not readable yet.
SampleSet read_complete_samples(const std::filesystem::path& path);

// Appends src's rows to dst with a block column (added when src has none);
// writes dst's header first when dst is new or empty. Throws util::Failure
// when src cannot be read or dst written.
void append_block_rows(const std::filesystem::path& src, const std::filesystem::path& dst, int block);

} // namespace smart
