// The state machine of one smart-run: the Runner's plan (runner.cpp) and its
// steps, endings and helpers (runner_steps.cpp). Internal to the run stage.
#pragma once

#include <smart/run/runner.hpp>

#include <smart/run/calibration.hpp>
#include <smart/run/flow.hpp>
#include <smart/run/measurement.hpp>
#include <smart/run/passive_source.hpp>
#include <smart/run/resource_watch.hpp>
#include <smart/run/run_record.hpp>
#include <smart/run/sibling_tools.hpp>
#include <smart/samples_csv.hpp>
#include <smart/stats.hpp>
#include <smart/util/signals.hpp>
#include <smart/util/time.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace smart::run_machine {

namespace fs = std::filesystem;
namespace signals = util::signals;
using flow::Interrupted;
using flow::RevertFailed;
using flow::StepFailed;
using util::Duration;
using util::format_duration;

std::string now_text();
std::string join(const std::vector<std::string>& parts);

class Runner {
public:
  Runner(const RunContext& ctx, const Experiment& exp, const RunSettings& settings)
    : m_ctx(ctx), m_exp(exp), m_s(settings)
  {
  }
  RunSummary run();

private:
  // ---- the plan --------------------------------------------------------
  void execute();

  // Strategy best: screen every variant with the error rate split across
  // them (Bonferroni), then confirm the best screened one afresh.
  void strategy_best();
  void phase_baseline();

  // One variant against the baseline, by the run's design; label names the
  // files (the variant's name, or "<name>.confirm"). Returns the decision;
  // the variant stays applied only when it is "keep" and may_keep.
  std::string compare(const Variant& variant, const std::string& label, double confidence, bool may_keep);
  Verdict compare_sequential(const Variant& variant, const std::string& label, double confidence);
  Verdict compare_interleaved(const Variant& variant, const std::string& label, double confidence);
  void finish_stats(const std::string& label, const fs::path& var_file);
  void warm_up(const std::string& label);

  // ---- A/A calibration -----------------------------------------------------
  void calibrate();

  // ---- steps -----------------------------------------------------------
  void apply_variant(const Variant& variant);
  void revert_variant(const std::string& variant);

  // Measures into out for duration; when the abort guard trips, the current
  // variant is marked aborted. Throws Interrupted or StepFailed.
  SampleSet measure(const std::string& label, const fs::path& out, Duration duration,
                    std::optional<int> block, bool guard, const SampleSet& prior);

  // The coach is asked only about a final verdict (never at an interim look:
  // an inconclusive interim look extends the measurement instead).
  Verdict decide(const fs::path& base, const fs::path& var, const std::string& label, double confidence,
                 std::optional<std::pair<int, int>> look, bool quiet = false, bool final_look = true);

  // A borderline verdict and a coach configured: ask it; only a keep with
  // enough confidence turns the verdict into keep. No answer => revert.
  void coach(const std::string& label, Verdict& decision);

  // ---- endings -----------------------------------------------------------
  void on_interrupted();
  void on_failed(const std::string& reason);
  void revert_if_applied();
  void on_revert_failed(const std::string& reason);

  // ---- helpers -------------------------------------------------------------
  void write_pending(const std::string& variant);
  VariantResult& current() { return result_of(m_current); }
  VariantResult& result_of(const std::string& label);
  std::string first_reason(const std::string& label);
  void log(const std::string& text) { m_ctx.log.line(text); }

  const RunContext& m_ctx;
  const Experiment& m_exp;
  RunSettings m_s;
  std::string m_id;
  fs::path m_dir;
  std::optional<SiblingTools> m_tools; // once the run directory exists
  std::optional<ExperimentCommands> m_commands;
  std::optional<PassiveSource> m_passive;   // meta.json's passive measure, once the first block starts
  std::optional<ResourceWatch> m_resources; // the target's CPU and memory, when watched
  RunSummary m_summary;
  std::string m_managed_before; // fingerprint of the managed files as the run found them
  std::string m_current;
  std::string m_pending_variant;
  std::string m_would_keep;
  bool m_applied = false;    // a variant may be applied: revert before leaving
  bool m_variant_on = false; // the variant is applied right now
  int m_blocks = 0;          // block numbers used by earlier comparisons
  int m_last_block = 0;
};

} // namespace smart::run_machine
