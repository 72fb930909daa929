#pragma once

#include <boost/json/value.hpp>

#include <string>

// The one JSON writer: every JSON file and every JSON line on stdout goes
// through it, so every number is printed one way.
//
// Numbers: the shortest decimal, at most 15 significant digits, that reads
// back as the same value at that precision, in plain notation for ordinary
// magnitudes (1e-9 <= |x| < 1e15): 0.41, 0, 3.196, 17.25, 1200 -- never
// Boost's 4.1E-1 nor arithmetic noise such as 0.0033309999999999998.
// Outside that range: 1.5e-12, 2e+20. NaN and infinities are written as
// null (JSON has no such numbers).

namespace smart::util {

// A finite number as above; "NaN"/"+Inf"/"-Inf" for the others (the
// Prometheus spellings), so a caller that needs text for them gets one.
std::string format_number(double value);

enum class JsonLayout {
  compact, // one line, no spaces: for stdout lines, HTTP bodies, JSONL
  pretty,  // two-space indent, one member a line: for files people read
};

std::string write_json(const boost::json::value& value, JsonLayout layout = JsonLayout::compact);

} // namespace smart::util
