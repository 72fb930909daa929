#pragma once

#include <smart/access_log.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

// A request mix built from a server's own access log: the most requested
// GET and HEAD paths, weighted by how often they were asked for. Other
// methods are never replayed (a replayed POST could change data). Only the
// request line is read: never bodies, cookies or other headers.

namespace smart {

enum class QueryString { strip, keep };

struct ReplayOptions {
  std::size_t top = 20;
  QueryString query = QueryString::strip;
  std::vector<std::string> exclude; // shell patterns (fnmatch) matched against the path
};

struct WeightedPath {
  std::string path; // "/a/b" (with "?query" when kept)
  std::uint64_t count = 0;
};

struct ReplayMix {
  std::vector<WeightedPath> paths;        // most requested first, at most top
  std::uint64_t lines = 0;                // non-empty lines read
  std::uint64_t malformed = 0;            // lines not in the format: counted, skipped
  std::uint64_t first_malformed_line = 0; // 1-based, 0 when none
  std::uint64_t other_methods = 0;        // POST, PUT...: never replayed
  std::uint64_t excluded = 0;             // matched an --exclude pattern
  std::uint64_t distinct = 0;             // distinct paths before --top
};

// Incremental: add() each line (no newline), then finish().
class ReplayMixBuilder {
public:
  ReplayMixBuilder(const LogFormat& format, ReplayOptions options);
  void add(std::string_view line);
  ReplayMix finish();

private:
  const LogFormat& m_format;
  ReplayOptions m_options;
  LogEntry m_entry;
  struct PathHash {
    using is_transparent = void; // find() by string_view: no string per line
    std::size_t operator()(std::string_view path) const { return std::hash<std::string_view>{}(path); }
  };
  std::unordered_map<std::string, std::uint64_t, PathHash, std::equal_to<>> m_counts;
  ReplayMix m_mix;
};

// Reads a log file in large chunks. Throws smart::Error naming the file
// when it cannot be read; a format without the request is a UsageError.
ReplayMix read_replay_mix(const std::filesystem::path& log, const LogFormat& format,
                          const ReplayOptions& options);

} // namespace smart
