#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// meta.json's request mix: "targets": [{"url", "weight", "method",
// "headers", "expect_status", "expect_body", "expect_min_bytes"}], measured
// by smart-measure --targets (docs/measure.md, "A request mix"). smart-run
// writes the mix as a targets file in the run directory; the experiment's
// expect_* checks apply to every target but where a target gives its own.

namespace smart {

struct MixEntry {
  std::string url;
  double weight = 1;
  std::string method = "GET";
  std::vector<std::string> headers; // "Name: value"
  // The target's own checks; each replaces the experiment's of its kind.
  std::optional<std::string> expect_status;
  std::optional<std::string> expect_body;
  std::optional<std::uint64_t> expect_min_bytes;
};

// Reports a problem ("targets[1].weight", "why").
using TargetIssue = std::function<void(std::string_view path, std::string_view why)>;

// Parses the "targets" array; every problem goes to problem (and the entry
// is left out).
std::vector<MixEntry> parse_mix(const boost::json::value& value, const TargetIssue& problem);

// A mix in load mode: http(s):// targets on the first one's origin
// (scheme://host:port), whose keep-alive connections they share.
void check_load_mix(const std::vector<MixEntry>& mix, const TargetIssue& problem);

// The mix as smart-measure's --targets file: "URL WEIGHT [-X METHOD]
// [-H 'Name: value']... [--expect-status LIST] [--expect-body TEXT]
// [--expect-min-bytes N]" lines.
std::string targets_file_text(const std::vector<MixEntry>& mix);

} // namespace smart
