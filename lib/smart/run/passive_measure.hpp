#pragma once

#include <smart/util/units.hpp>

#include <boost/json/object.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

// meta.json's passive measurement: "measure": {"source": "access_log", ...}
// (docs/formats.md, docs/measure.md). Instead of probing, smart-run follows
// the server's access log for the whole run and judges each block on the
// requests that arrived while it was in force.

namespace smart {

struct PassiveMeasure {
  std::string file;                 // the access log followed
  std::string log_format = "smart"; // a name (smart, combined) or the nginx log_format string
  // Requests that arrive in the first warmup seconds after a switch are
  // dropped: it becomes the experiment's warmup_seconds.
  std::optional<util::Duration> warmup;
  // Each side needs at least this many requests per second over its blocks,
  // or the comparison is inconclusive ("too little traffic").
  double min_rate = 1.0;
  // How long a block keeps following after it ends, so a request that
  // arrived in it and finished up to this much later still counts.
  util::Duration settle{1.0};
};

// Reports a problem ("measure.min_rate", "why") or a warning (unknown key).
using PassiveIssue = std::function<void(std::string_view path, std::string_view why)>;

// Parses the "measure" object; every problem goes to problem (nullopt when
// there was one). The log format must give $status, $request_time and a
// time ($msec, $time_iso8601 or $time_local): one without is a problem
// naming each missing variable.
std::optional<PassiveMeasure> parse_passive_measure(const boost::json::object& object,
                                                    const PassiveIssue& problem, const PassiveIssue& warning);

} // namespace smart
