#pragma once

#include <smart/samples_csv.hpp>

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

// Writing the samples CSV as smart-measure measures (docs/formats.md,
// "Samples CSV"): header "timestamp,latency_ms,response_code,error", then
// ",block" with --block, then ",dns_ms,connect_ms,tls_ms,ttfb_ms" with
// --phases. Rows are written with whole-line write(2) calls, so a pipe
// reader sees complete rows, live.

namespace smart {

// Phase timings of one request, milliseconds (see docs/measure.md).
struct Phases {
  double dns_ms = 0;
  double connect_ms = 0;
  double tls_ms = 0;
  double ttfb_ms = 0;
};

struct Sample {
  util::SystemTime timestamp;
  double latency_ms = 0;
  int response_code = 0;
  ProbeError error = ProbeError::none;
  Phases phases;
};

struct SampleColumns {
  std::optional<std::uint32_t> block;
  bool phases = false;
  bool target = false; // a request mix: the "target" column, last
};

std::string samples_header_for(const SampleColumns& columns);

// Appends one row and its newline to out. Cheap enough for 100,000 rows a
// second: the date part of the timestamp is cached per second.
class RowFormatter {
public:
  explicit RowFormatter(SampleColumns columns) : m_columns(columns) {}
  // target: the URL, written only when SampleColumns::target.
  void append(std::string& out, const Sample& sample, std::string_view target = {});

private:
  SampleColumns m_columns;
  std::int64_t m_cached_second = -1;
  char m_cached_prefix[20] = {}; // "YYYY-MM-DDTHH:MM:SS"
};

enum class Append { no, yes };

// The output: stdout ("-") or a file. With Append::yes the header is written
// only when the file is new or empty; an existing header must match, else
// smart::UsageError. Thread-safe write().
class SampleSink {
public:
  SampleSink(const std::string& path, const SampleColumns& columns, Append append);
  ~SampleSink();
  SampleSink(const SampleSink&) = delete;
  SampleSink& operator=(const SampleSink&) = delete;

  // Writes all of data (whole rows); throws smart::Error on a write error.
  void write(std::string_view data);
  const std::string& name() const { return m_name; }

private:
  std::mutex m_mutex;
  int m_fd = -1;
  bool m_owned = false;
  std::string m_name;
};

} // namespace smart
