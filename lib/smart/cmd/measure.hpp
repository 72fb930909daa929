#pragma once

#include <smart/measure/response_check.hpp>
#include <smart/measure/target_mix.hpp>
#include <smart/util/units.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// smart-measure: probes (or loads) a target and writes the samples CSV.
// See docs/measure.md for the behaviour, docs/formats.md for the CSV.

namespace smart::cmd {

struct MeasureOptions {
  std::string url;
  std::optional<util::Duration> duration; // none: until --count or a signal
  std::optional<util::Duration> interval; // probe mode, default 1 s
  std::optional<std::uint64_t> count;
  util::Duration timeout{5.0};
  std::string output = "-";
  bool append = false;
  bool insecure = false;
  std::optional<std::filesystem::path> cacert;
  bool fresh_connection = false;
  std::optional<std::uint32_t> block;
  std::optional<double> abort_err_pct;
  std::optional<std::uint64_t> abort_after;
  std::optional<std::filesystem::path> config;

  // Response checks (docs/measure.md, "Response checks").
  std::optional<std::string> expect_status; // "200-299,401"
  std::optional<std::string> expect_body;   // substring, or /RE/
  std::optional<std::uint64_t> expect_min_bytes;
  std::optional<std::filesystem::path> expect_same_body;

  // Load mode (either of the first two selects it).
  std::optional<unsigned> concurrency;
  std::optional<double> rate;
  std::optional<unsigned> threads;
  util::Duration warmup{0.0};
  std::uint64_t sample_every = 1;
  bool phases = false;

  // A request mix instead of one --url: a targets file, or a replay of an
  // access log (paths on the --url base).
  std::optional<std::string> targets_file;
  std::optional<std::string> replay;
  std::string log_format = "combined";
  std::size_t top = 20;
  bool keep_query = false;
  std::vector<std::string> exclude;
  bool print_targets = false; // print the mix as a targets file, measure nothing

  // Passive: no requests sent; a row per line a live access log gains.
  std::optional<std::string> access_log;

  // Set by the caller (progress_wanted): whether to draw a progress line.
  bool progress = false;
};

// A progress line on stderr only when stderr is a terminal, and never when
// the CSV goes to that terminal too (stdout a TTY and output "-"): there the
// line would be drawn into the CSV rows. The summary line is written either way.
bool progress_wanted(bool stderr_tty, bool stdout_tty, std::string_view output);

// Option text to a duration, or smart::UsageError naming the option.
util::Duration duration_option(std::string_view option, std::string_view text);

// Checks the combination; throws smart::UsageError for the first problem.
void validate(const MeasureOptions& options);

// Load mode's mix: http(s):// targets on one origin (scheme://host:port),
// whose keep-alive connections they share; smart::UsageError otherwise.
void validate_load_mix(const std::vector<MixTarget>& mix);

// --concurrency or --rate: load mode rather than probes.
bool is_load_mode(const MeasureOptions& options);

// The --expect-* checks; smart::UsageError for a value that does not parse.
ResponseChecks checks_of(const MeasureOptions& options);

// Runs it; returns the exit code (0, or 130/143 after a signal).
int measure(const MeasureOptions& options);

} // namespace smart::cmd
