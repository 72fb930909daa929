#include <smart/run/runner.hpp>
#include <smart/run/runner_machine.hpp>

#include <smart/exit_code.hpp>
#include <smart/run/calibration.hpp>
#include <smart/run/fingerprint.hpp>
#include <smart/run/flow.hpp>
#include <smart/run/measurement.hpp>
#include <smart/run/outcome_text.hpp>
#include <smart/run/run_record.hpp>
#include <smart/run/sibling_tools.hpp>
#include <smart/run/target_health.hpp>
#include <smart/run/test_pause.hpp>
#include <smart/samples_csv.hpp>
#include <smart/util/atomic_file.hpp>
#include <smart/util/host.hpp>
#include <smart/util/signals.hpp>
#include <smart/util/strings.hpp>
#include <smart/util/time.hpp>

#include <fmt/format.h>

#include <chrono>
#include <csignal>

namespace smart::run_machine {

std::string now_text()
{
  return util::format_rfc3339(std::chrono::system_clock::now());
}

std::string join(const std::vector<std::string>& parts)
{
  std::string out;
  for (const auto& part : parts) {
    out += (out.empty() ? "" : "; ") + part;
  }
  return out;
}

RunSummary Runner::run()
{
  const auto start = std::chrono::steady_clock::now();
  auto [id, dir] = m_ctx.store.create_run(std::chrono::system_clock::now());
  m_id = id;
  m_dir = dir;
  m_tools.emplace(m_ctx, m_exp, m_s, m_id, m_dir);
  m_commands.emplace(m_ctx, m_exp, m_s.timeout, m_id, m_dir);
  m_ctx.log.open(m_dir / "run.log");
  if (m_s.mode != RunMode::calibrate) {
    m_resources.emplace(m_s, m_ctx.log);
  }
  if (!m_exp.meta_path.empty()) {
    util::write_file_atomically(m_dir / "meta.json", util::read_file(m_exp.meta_path));
  }
  m_summary.run_id = m_id;
  m_summary.experiment = m_exp.id;
  m_summary.description = m_exp.description;
  m_summary.started_at = now_text();
  m_summary.host = util::host_name();
  m_summary.strategy = std::string(to_string(m_s.strategy));
  m_summary.design = std::string(to_string(m_s.design));
  m_summary.mode = std::string(to_string(m_s.mode));

  log_run_start(m_ctx.log, m_summary, m_exp, m_s, m_dir);
  m_managed_before = m_exp.manages.empty() ? std::string() : fingerprint(m_exp, m_ctx.config);
  m_ctx.log.run_progress().set_plan(plan_run(m_s, m_exp.variants.size()));

  try {
    if (m_s.mode == RunMode::calibrate) {
      calibrate();
    } else {
      execute();
    }
  } catch (const Interrupted&) {
    on_interrupted();
  } catch (const StepFailed& failure) {
    if (!failure.variant_reason.empty() && !m_current.empty()) {
      current().outcome = VariantOutcome::failed;
      current().reasons.push_back(failure.variant_reason);
    }
    on_failed(failure.reason);
  } catch (const RevertFailed& failure) {
    on_revert_failed(failure.reason);
  } catch (const std::exception& e) {
    // Anything else (a full disk, an unreadable file): uncertain => revert.
    on_failed(fmt::format("internal error: {}", e.what()));
  }

  if (m_passive) {
    log(m_passive->describe());
    m_summary.extra["passive"] = m_passive->report();
  }
  m_summary.finished_at = now_text();
  m_summary.duration_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  record_run_end(m_ctx, *m_tools, m_exp, m_summary, m_dir, m_managed_before);
  return m_summary;
}

void Runner::execute()
{
  phase_baseline();
  if (m_s.strategy == Strategy::best && m_exp.variants.size() > 1) {
    strategy_best();
  } else {
    for (const auto& variant : m_exp.variants) {
      const bool may_keep = m_s.mode == RunMode::run;
      const auto decision = compare(variant, variant.name, m_s.confidence, may_keep);
      if (decision == "keep") {
        if (may_keep) {
          m_summary.kept_variant = variant.name;
          break;
        }
        if (m_would_keep.empty()) {
          m_would_keep = variant.name;
        }
        if (m_s.strategy == Strategy::first_winner) {
          break;
        }
      }
    }
  }
  m_summary.status = m_summary.kept_variant != "none" ? RunStatus::kept : RunStatus::reverted;
  if (m_summary.reason.empty()) {
    m_summary.reason = m_summary.kept_variant != "none" ? fmt::format("kept {}: {}", m_summary.kept_variant,
                                                                      first_reason(m_summary.kept_variant))
                                                        : nothing_kept_reason(m_summary.variants);
  }
  if (m_s.mode == RunMode::advise) {
    m_summary.extra["would_keep"] = m_would_keep.empty() ? "none" : m_would_keep;
    m_summary.reason = m_would_keep.empty()
                         ? "advise: no variant would have been kept; everything reverted"
                         : fmt::format("advise: would have kept {}; reverted as asked", m_would_keep);
  }
}

// Strategy best: screen every variant with the error rate split across
// them (Bonferroni), then confirm the best screened one afresh.
void Runner::strategy_best()
{
  const double m = static_cast<double>(m_exp.variants.size());
  const double screening_confidence = 1.0 - (1.0 - m_s.confidence) / m;
  log(
    fmt::format("strategy best: screening {} variants at confidence {:.4f} (Bonferroni), then confirming the "
                "best at {:.2f}",
                m_exp.variants.size(), screening_confidence, m_s.confidence));
  const Variant* best = nullptr;
  double best_improve = -1e300;
  for (const auto& variant : m_exp.variants) {
    const auto decision = compare(variant, variant.name, screening_confidence, false);
    const auto& result = result_of(variant.name);
    if (decision == "keep" && result.improve_pct.value_or(-1e300) > best_improve) {
      best = &variant;
      best_improve = *result.improve_pct;
    }
  }
  if (!best) {
    log("screening: no variant passed; nothing to confirm");
    return;
  }
  log(fmt::format("screening: best is {} ({:+.2f}%); confirming", best->name, best_improve));
  const bool may_keep = m_s.mode == RunMode::run;
  const auto label = best->name + ".confirm";
  const auto decision = compare(*best, label, m_s.confidence, may_keep);
  if (decision == "keep") {
    if (may_keep) {
      m_summary.kept_variant = best->name;
      auto& result = result_of(best->name);
      result.outcome = VariantOutcome::keep;
      result.reasons.push_back("confirmed: " + first_reason(label));
    } else {
      m_would_keep = best->name;
    }
  }
}

void Runner::phase_baseline()
{
  if (signals::received()) {
    throw Interrupted{};
  }
  if (!m_exp.baseline_apply.empty()) {
    log(">> baseline: apply");
    m_commands->apply_baseline();
  }
  if (m_s.design == Design::sequential) {
    log(fmt::format(">> baseline: measuring for {}", format_duration(m_s.baseline)));
    const auto samples = measure("baseline", m_dir / "baseline.csv", m_s.baseline, std::nullopt, false, {});
    m_summary.baseline = brief_of(samples);
    if (const auto unhealthy = unhealthy_baseline(samples, m_exp.expect)) {
      throw StepFailed{*unhealthy};
    }
    log("baseline: " + describe(*m_summary.baseline));
  }
}

// One variant against the baseline, by the run's design; label names the
// files (the variant's name, or "<name>.confirm"). Returns the decision;
// the variant stays applied only when it is "keep" and may_keep.
std::string Runner::compare(const Variant& variant, const std::string& label, double confidence,
                            bool may_keep)
{
  if (signals::received()) {
    throw Interrupted{};
  }
  VariantResult fresh;
  fresh.name = label;
  fresh.samples_file = label + ".csv";
  fresh.decision_file = label + ".decision.json";
  m_summary.variants.push_back(fresh);
  m_current = label;
  log("");
  log(fmt::format(">> variant {}{}", variant.name, label != variant.name ? " (confirmation)" : ""));

  write_pending(variant.name);
  const auto decision = m_s.design == Design::sequential ? compare_sequential(variant, label, confidence)
                                                         : compare_interleaved(variant, label, confidence);
  auto& result = current();
  if (decision.decision == "keep" && may_keep) {
    if (!m_variant_on) {
      // Interleaved runs may end on a baseline block: apply it again to keep it.
      log(fmt::format("re-applying {} to keep it", variant.name));
      apply_variant(variant);
    }
    test_pause_point("keep");
    m_ctx.store.clear_pending();
    m_applied = false;
    result.outcome = VariantOutcome::keep;
    log(fmt::format("✓ KEEP {}: {}", variant.name, util::printable(join(result.reasons), 400)));
    return "keep";
  }
  if (result.outcome == VariantOutcome::skipped) {
    result.outcome =
      decision.decision == "keep" ? VariantOutcome::revert : outcome_of_decision(decision.decision);
  }
  log(fmt::format("✗ REVERT {}{}", variant.name,
                  decision.decision == "keep" ? " (would keep; not kept in this mode)" : ""));
  if (m_variant_on) {
    revert_variant(variant.name);
  } // else: an interleaved run ended on a baseline block, reverted and checked

  m_ctx.store.clear_pending();
  m_applied = false;
  return decision.decision;
}

Verdict Runner::compare_sequential(const Variant& variant, const std::string& label, double confidence)
{
  apply_variant(variant);
  if (m_s.cooldown.count() > 0) {
    log(fmt::format(">> cooldown {}", format_duration(m_s.cooldown)));
    wait_for(m_ctx.log, m_s.cooldown, "cooldown " + label);
  }
  log(fmt::format(">> measuring {} for {}", label, format_duration(m_s.variant)));
  const auto samples = measure(label, m_dir / (label + ".csv"), m_s.variant, std::nullopt, true, {});
  auto& result = current();
  result.stats = brief_of(samples);
  if (result.outcome == VariantOutcome::aborted) {
    return Verdict{"revert", false, result.reasons, {}, {}, "abort guard"};
  }
  return decide(m_dir / "baseline.csv", m_dir / (label + ".csv"), label, confidence, std::nullopt);
}

Verdict Runner::compare_interleaved(const Variant& variant, const std::string& label, double confidence)
{
  const auto plan = plan_blocks(m_s);
  const auto base_file = m_dir / (label + ".baseline.csv");
  const auto var_file = m_dir / (label + ".csv");
  const auto block_file = m_dir / ".block.csv";
  std::error_code ec;
  fs::remove(base_file, ec);
  fs::remove(var_file, ec);
  Verdict decision;
  std::size_t look = 0;
  SampleSet variant_so_far;
  for (int pair = 1; pair <= plan.pairs; ++pair) {
    for (int step = 0; step < 2; ++step) {
      const bool variant_arm = (step == 0) == variant_first(pair);
      if (variant_arm && !m_variant_on) {
        apply_variant(variant);
        warm_up(label);
      } else if (!variant_arm && m_variant_on) {
        revert_variant(variant.name);
        warm_up(label);
      }
      const auto arm = variant_arm ? label : label + ".baseline";
      log(fmt::format("   block {}/{} {}: measuring {}", pair, plan.pairs,
                      variant_arm ? "variant " : "baseline", format_duration(m_s.block)));
      fs::remove(block_file, ec);
      // Block numbers run on across the run, so baseline.csv (every
      // baseline block) never pairs one variant's block with another's.
      const int block_no = m_blocks + pair;
      m_last_block = block_no;
      const auto samples = measure(arm, block_file, m_s.block, block_no, variant_arm,
                                   variant_arm ? variant_so_far : SampleSet{});
      append_block_rows(block_file, variant_arm ? var_file : base_file, block_no);
      if (!variant_arm) {
        append_block_rows(block_file, m_dir / "baseline.csv", block_no);
      }
      // The run's first block is a baseline one, before any variant.
      if (block_no == 1 && !variant_arm) {
        if (const auto unhealthy = unhealthy_baseline(samples, m_exp.expect)) {
          throw StepFailed{*unhealthy};
        }
      }
      if (variant_arm && current().outcome == VariantOutcome::aborted) {
        m_blocks = m_last_block;
        fs::remove(block_file, ec);
        finish_stats(label, var_file);
        return Verdict{"revert", false, current().reasons, {}, {}, "abort guard"};
      }
      if (variant_arm) {
        variant_so_far = read_samples(var_file);
      }
    }
    if (look < plan.look_after.size() && pair == plan.look_after[look]) {
      ++look;
      const bool last = look == plan.look_after.size();
      decision =
        decide(base_file, var_file, label, confidence,
               plan.looks > 1 ? std::optional(std::pair<int, int>(static_cast<int>(look), plan.looks))
                              : std::nullopt,
               false, last);
      if (decision.decision != "inconclusive" || last) {
        if (!last) {
          log(fmt::format("   look {}/{}: {} — stopping early", look, plan.looks, decision.decision));
        }
        break;
      }
      log(fmt::format("   look {}/{}: inconclusive — extending", look, plan.looks));
    }
  }
  m_blocks = m_last_block;
  fs::remove(block_file, ec);
  finish_stats(label, var_file);
  return decision;
}

void Runner::finish_stats(const std::string& label, const fs::path& var_file)
{
  std::error_code ec;
  auto& result = result_of(label);
  if (fs::exists(var_file, ec)) {
    result.stats = brief_of(read_samples(var_file));
  }
  if (fs::exists(m_dir / "baseline.csv", ec)) {
    m_summary.baseline = brief_of(read_samples(m_dir / "baseline.csv"));
  }
}

void Runner::warm_up(const std::string& label)
{
  test_pause_point("warm-up");
  if (m_s.warmup.count() > 0) {
    wait_for(m_ctx.log, m_s.warmup, "warm-up " + label);
  }
}

void Runner::calibrate()
{
  if (!m_exp.baseline_apply.empty()) {
    phase_baseline();
  }
  const auto plan = plan_blocks(m_s);
  log(fmt::format(">> calibration (A/A): the baseline against itself, {} block pairs of {}", plan.pairs,
                  format_duration(m_s.block)));
  VariantResult fresh;
  fresh.name = "aa";
  fresh.samples_file = "aa.csv";
  fresh.decision_file = "aa.decision.json";
  m_summary.variants.push_back(fresh);
  m_current = "aa";
  calibration::AaSteps steps;
  steps.measure = [&](const std::string& arm, const fs::path& out, int block) {
    measure(arm, out, m_s.block, block, false, {});
  };
  steps.decide = [&](const fs::path& base, const fs::path& var, const std::string& label, bool quiet) {
    return decide(base, var, label, m_s.confidence, std::nullopt, quiet).decision;
  };
  steps.log = [&](const std::string& text) { log(text); };
  steps.interrupted = [] { return signals::received() != 0; };
  calibration::measure_aa_blocks(steps, m_dir, m_s);
  finish_stats("aa", m_dir / "aa.csv");
  const auto report = calibration::report_aa(steps, m_dir, m_s);
  // The outcome is the A/A decision's, set before the trials ran.
  result_of("aa").outcome = outcome_of_decision(report.decision);
  m_summary.extra["calibration"] = report.calibration;
  m_summary.status = RunStatus::reverted;
  m_summary.reason =
    fmt::format("calibration: {} false keep(s) in {} A/A comparisons", report.keeps, report.asked);
}

} // namespace smart::run_machine

namespace smart {

RunSummary run_experiment(const RunContext& ctx, const Experiment& exp, const RunSettings& settings)
{
  run_machine::Runner runner(ctx, exp, settings);
  return runner.run();
}

int exit_code_for(const RunSummary& summary)
{
  if (summary.status == RunStatus::kept || summary.status == RunStatus::reverted) {
    return to_int(ExitCode::ok);
  }
  if (summary.status == RunStatus::revert_failed) {
    return to_int(ExitCode::revert_failed);
  }
  if (summary.status == RunStatus::aborted) {
    const int sig = util::signals::received();
    return sig == SIGINT ? to_int(ExitCode::interrupted) : sig ? 128 + sig : to_int(ExitCode::terminated);
  }
  return to_int(ExitCode::failed);
}

} // namespace smart
