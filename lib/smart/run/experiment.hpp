#pragma once

#include <smart/run/passive_measure.hpp>
#include <smart/run/target_list.hpp>
#include <smart/util/units.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// An experiment: experiments/<id>/meta.json (docs/run.md, docs/formats.md).
//
// The original fields (id, description, variants[{name, apply}], revert,
// target_url, measure_interval_sec) load unchanged; the variant named
// "baseline" is the baseline (its apply, normally "true", runs before the
// baseline measurement). Every addition is optional.
//
// Validation is complete before anything runs: parse_experiment() collects
// every problem, each with its JSON path ("variants[2].name: ..."), and
// throws one ExperimentError listing them all. Unknown keys are warnings
// (with "did you mean"), so a newer meta.json still loads.

namespace smart {

// A command: a string runs with /bin/sh -c, an array is an argv (no shell).
struct Command {
  bool shell = true;
  std::string script;            // shell form
  std::vector<std::string> argv; // argv form

  bool empty() const { return shell ? script.empty() : argv.empty(); }
  // The argv to exec: {"/bin/sh", "-c", script} or argv.
  std::vector<std::string> to_argv() const;
  // For logs and --dry-run (printable, never executed).
  std::string display() const;
};

struct Variant {
  std::string name;
  std::string description;
  Command apply;
};

enum class Strategy { first_winner, best };
enum class Design { interleaved, sequential };
// none: only speed is at stake; durability: acknowledged data can be lost on
// a crash (fsync policies); availability: a bad value can stop the service.
enum class Risk { none, durability, availability };

std::string_view to_string(Strategy strategy);
std::string_view to_string(Design design);

struct Thresholds {
  std::optional<double> improve_pct;
  std::optional<double> max_err_delta_pct;
  std::optional<std::string> metric; // p50 p90 p95 p99 mean
  // The resource guard's limits, in percent of the baseline.
  std::optional<double> max_cpu_increase_pct;
  std::optional<double> max_memory_increase_pct;
};

struct Load {
  std::optional<long> concurrency;
  std::optional<double> rate; // requests per second
};

// meta.json's response checks (smart-measure --expect-*).
struct ResponseExpectations {
  std::optional<std::string> status; // "200-299,401"
  std::optional<std::string> body;   // substring, or /RE/
  std::optional<long> min_bytes;
  bool same_body = false; // the variant's body hashes as the baseline's
};

struct Experiment {
  std::string id;
  std::string description;
  std::filesystem::path dir;       // the experiment directory (commands run here)
  std::filesystem::path meta_path; // its meta.json

  Command baseline_apply;        // the "baseline" variant's apply; may be empty
  std::vector<Variant> variants; // the others, in file order
  Command revert;
  Command check;   // optional; runs after every apply and revert
  Command measure; // optional; replaces smart-measure
  // "measure": {"source": "access_log", ...}: judged on the server's own
  // traffic instead of probes (run/passive_source.hpp).
  std::optional<PassiveMeasure> passive;
  std::string target_url;
  // "targets": a request mix instead of target_url (probe mode only);
  // target_url is then the first one's URL, for logs.
  std::vector<MixEntry> targets;
  util::Duration measure_interval{1.0};

  // Unset: smart.conf (BASELINE_SECONDS, EXPERIMENT_SECONDS, COOLDOWN_SECONDS).
  std::optional<util::Duration> baseline_seconds;
  std::optional<util::Duration> variant_seconds;
  std::optional<util::Duration> cooldown_seconds;
  util::Duration timeout{120.0}; // per command

  Thresholds thresholds;
  Strategy strategy = Strategy::first_winner;
  Design design = Design::interleaved;
  std::optional<util::Duration> block_seconds;  // interleaved block length
  std::optional<util::Duration> warmup_seconds; // discarded after each switch
  std::optional<Load> load;
  ResponseExpectations expect;
  bool enabled = true;
  long priority = 0;
  // What a bad variant can cost beyond speed: `--next` runs a risky
  // experiment only when smart.conf's ALLOW_RISK names its class.
  Risk risk = Risk::none;
  std::string helps_when; // documentation: when the change helps
  std::string risks;      // documentation: what it risks
  // Files the experiment manages: hashed after every run; a change made
  // outside smart makes the next run step aside (refuse).
  std::vector<std::filesystem::path> manages;
  // Whose CPU and memory the resource guard watches (empty: smart.conf's
  // TARGET_SERVICE / TARGET_PID_FILE): a systemd unit, or a pid file.
  std::string service;
  std::filesystem::path pid_file;

  std::vector<std::string> warnings; // unknown keys etc.
};

// Every problem found in a meta.json, each "FILE: json.path: why".
class ExperimentError : public std::exception {
public:
  explicit ExperimentError(std::vector<std::string> problems);
  const char* what() const noexcept override { return m_what.c_str(); }
  const std::vector<std::string>& problems() const { return m_problems; }

private:
  std::vector<std::string> m_problems;
  std::string m_what;
};

// Pure: parses and validates meta.json content. name is how messages call
// the file; dir is recorded as the experiment directory. Throws
// ExperimentError with every problem.
Experiment parse_experiment(std::string_view json, std::string_view name, const std::filesystem::path& dir);

// Loads DIR/meta.json (or a path to a meta.json file). Throws ExperimentError
// (bad content) or smart::UsageError (missing file).
Experiment load_experiment(const std::filesystem::path& dir_or_file);
std::optional<Risk> parse_risk(std::string_view text);
std::string_view risk_name(Risk risk);

// The experiment directories under experiments_dir (those with a meta.json),
// sorted by name.
std::vector<std::filesystem::path> list_experiment_dirs(const std::filesystem::path& experiments_dir);

} // namespace smart
