#pragma once

#include <smart/resource_cost.hpp>
#include <smart/util/time.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

// The state directory (docs/formats.md, "The state directory"): run ids and
// run directories, summary.json, state.json, history.jsonl, pending.json,
// revert_failed.json and retention. Every file replaced in place is written
// atomically; history.jsonl is append-only.

namespace smart {

// Descriptive statistics as summary.json carries them; a latency is nullopt
// (JSON null) when there was no successful sample, never a fake 0.
struct StatsBrief {
  std::size_t n = 0;
  double err_pct = 0;
  std::optional<double> p50_ms, p95_ms, p99_ms, mean_ms;
};

// What became of one variant ("keep", "revert", "inconclusive", "failed",
// "aborted", "skipped": not measured).
enum class VariantOutcome { keep, revert, inconclusive, failed, aborted, skipped };
std::string_view to_string(VariantOutcome outcome);
// smart-decide's decision ("keep", "revert", "inconclusive") as an outcome;
// anything else is revert (uncertain means revert).
VariantOutcome outcome_of_decision(std::string_view decision);

struct VariantResult {
  std::string name;
  VariantOutcome outcome = VariantOutcome::skipped;
  std::vector<std::string> reasons;
  bool borderline = false;
  std::optional<StatsBrief> stats;
  std::optional<double> improve_pct;
  std::optional<double> err_delta_pct;
  std::string decision_file;
  std::string samples_file;
  // The target service's cost against the baseline (when watched); last, so
  // aggregate initialisers that stop before it stay valid.
  std::optional<ResourceComparison> resources = std::nullopt;
};

// How a run ended, as summary.json, state.json and history.jsonl spell it
// ("kept", "reverted", "aborted", "failed", "revert_failed").
enum class RunStatus { kept, reverted, aborted, failed, revert_failed };
std::string_view to_string(RunStatus status);

struct RunSummary {
  std::string run_id;
  std::string experiment;
  std::string description;
  RunStatus status = RunStatus::failed; // set by every ending; failed claims nothing
  std::string kept_variant = "none";
  std::string reason;
  std::string started_at;
  std::string finished_at;
  double duration_s = 0;
  std::string host;
  std::string strategy;
  std::string design;
  std::string mode = "run"; // run, advise, calibrate
  std::optional<StatsBrief> baseline;
  std::vector<VariantResult> variants;
  // smart-run's record of its last borderline question to the coach:
  // {variant, verdict, confidence, reason, applied}. (The coach's advice is
  // smart-phone's: runs/<id>/coach.json and state.json "coach".)
  std::optional<boost::json::object> coach_ask;
  boost::json::object extra; // mode-specific results (calibration figures ...)
};

boost::json::object to_json(const StatsBrief& stats);
boost::json::object to_json(const VariantResult& result);
boost::json::object to_json(const RunSummary& summary);
// state.json: the original's fields first, then the additions.
boost::json::object state_json(const RunSummary& summary);

// What must be reverted if this process dies (pending.json).
struct Pending {
  std::string run_id;
  std::string experiment;
  std::filesystem::path experiment_dir;
  std::string variant;
  long pid = 0;
  std::string since;
  std::filesystem::path run_dir;
  std::string expected_end; // RFC 3339, when the variant's measurement is planned to end; optional
  // The process group of the experiment command started last while this
  // was pending (0: none yet). Recovery kills what is left of it, and waits
  // for it, before reverting: a child of the command must not write the
  // variant after the revert.
  long pgid = 0;
};

// The names of the files in the state directory, in one place, for the
// tools that read them without a RunStore (smart-phone, smart-dashboard).
namespace state_paths {
inline std::filesystem::path history(const std::filesystem::path& var_dir)
{
  return var_dir / "history.jsonl";
}
inline std::filesystem::path revert_failed(const std::filesystem::path& var_dir)
{
  return var_dir / "revert_failed.json";
}
inline std::filesystem::path outbox(const std::filesystem::path& var_dir)
{
  return var_dir / "outbox";
}
inline std::filesystem::path fingerprint(const std::filesystem::path& var_dir, const std::string& experiment)
{
  return var_dir / "fingerprints" / (experiment + ".txt");
}
// In a run directory: smart-run's summary and smart-phone's advice.
inline std::filesystem::path summary(const std::filesystem::path& run_dir)
{
  return run_dir / "summary.json";
}
inline std::filesystem::path coach_advice(const std::filesystem::path& run_dir)
{
  return run_dir / "coach.json";
}
} // namespace state_paths

class RunStore {
public:
  RunStore(std::filesystem::path var_dir, std::filesystem::path runs_dir, std::filesystem::path state_file);

  // Creates the directories. Throws smart::Error when it cannot.
  void prepare() const;

  const std::filesystem::path& var_dir() const { return m_var_dir; }
  const std::filesystem::path& runs_dir() const { return m_runs_dir; }
  const std::filesystem::path& state_file() const { return m_state_file; }
  std::filesystem::path lock_path() const { return m_var_dir / "smart.lock"; }
  std::filesystem::path pending_path() const { return m_var_dir / "pending.json"; }
  std::filesystem::path revert_failed_path() const { return state_paths::revert_failed(m_var_dir); }
  std::filesystem::path history_path() const { return state_paths::history(m_var_dir); }
  // The fingerprint of the files experiment id manages, as of its last run.
  std::filesystem::path fingerprint_path(const std::string& id) const
  {
    return state_paths::fingerprint(m_var_dir, id);
  }

  // A new run id (UTC YYYYMMDDTHHMMSSZ, "-2", "-3"... on collision) and its
  // directory, created (mkdir claims it, so two runs never share one).
  std::pair<std::string, std::filesystem::path> create_run(util::SystemTime now) const;

  void write_summary(const std::filesystem::path& run_dir, const RunSummary& summary) const;
  void write_state(const RunSummary& summary) const;
  void append_history(const RunSummary& summary) const;

  std::optional<Pending> read_pending() const; // throws smart::Error when unreadable
  void write_pending(const Pending& pending) const;
  void clear_pending() const;

  std::optional<boost::json::object> read_revert_failed() const;
  void write_revert_failed(const boost::json::object& record) const;
  void clear_revert_failed() const;

  // The last history line of each experiment (for --list and --next).
  std::vector<boost::json::object> history() const;

  // Removes run directories older than retain_days or beyond the newest
  // retain_runs (0 disables either), never `keep`. Returns the removed ids.
  // Age is measured from the newest other run (or now, if earlier), so a
  // clock jumping ahead never makes recent runs look old.
  // history.jsonl keeps their summaries.
  std::vector<std::string> prune(long retain_days, long retain_runs, util::SystemTime now,
                                 const std::string& keep) const;

private:
  std::filesystem::path m_var_dir;
  std::filesystem::path m_runs_dir;
  std::filesystem::path m_state_file;
};

// Every tool that writes in the state directory calls this first. A process
// running as root there when the directory (or its nearest existing parent)
// belongs to another user (the package's `smart`, which the timer runs as)
// would leave root-owned files that break that user's runs, and would follow
// symlinks that user planted: throws UsageError naming the owner and the
// `sudo -u OWNER TOOL ...` to use instead. Nothing is written before.
void refuse_foreign_state_as_root(const std::filesystem::path& var_dir, std::string_view tool);

// True for "20261122T232318Z" and "20261122T232318Z-2".
bool is_run_id(std::string_view name);

// One history.jsonl line as an object; nullopt when it is none. A line that
// is a torn entry with the next one glued on (older versions could tear an
// append on a full disk) yields that next, whole entry.
std::optional<boost::json::object> parse_history_line(std::string_view line);

// Within a line that is not valid JSON: the last whole-looking entry glued
// after a torn one (from its `{"run_id":`), or empty when there is none.
std::string_view glued_history_entry(std::string_view line);

// Reads a JSON object from a file; throws smart::Error naming the file.
boost::json::object read_json_object(const std::filesystem::path& path);

// Serialises with a final newline, 2-space indentation; numbers as plain
// decimals (17.25, 300), never exponent notation for ordinary values.
std::string pretty_json(const boost::json::value& value);
// The same on one line, no final newline (history.jsonl).
std::string compact_json(const boost::json::value& value);

} // namespace smart
