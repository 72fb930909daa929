#include <smart/run/runner_machine.hpp>

#include <smart/run/confirmation.hpp>
#include <smart/run/flow.hpp>
#include <smart/run/measurement.hpp>
#include <smart/run/passive_source.hpp>
#include <smart/run/revert_failed.hpp>
#include <smart/run/sibling_tools.hpp>
#include <smart/run/target_health.hpp>
#include <smart/run/test_pause.hpp>
#include <smart/util/signals.hpp>
#include <smart/util/strings.hpp>
#include <smart/util/time.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <unistd.h>

#include <chrono>
#include <cstring>

namespace smart::run_machine {

namespace json = boost::json;

void Runner::apply_variant(const Variant& variant)
{
  if (signals::received()) {
    throw Interrupted{};
  }
  m_applied = true;
  m_variant_on = true;
  m_commands->apply(variant);
}

void Runner::revert_variant(const std::string& variant)
{
  m_commands->revert(variant);
  m_variant_on = false;
}

// Measures into out for duration; when the abort guard trips, the current
// variant is marked aborted. Throws Interrupted or StepFailed.
SampleSet Runner::measure(const std::string& label, const fs::path& out, Duration duration,
                          std::optional<int> block, bool guard, const SampleSet& prior)
{
  if (guard) { // a variant's measurement
    test_pause_point("measurement");
  }
  if (m_exp.passive && !m_passive) {
    m_passive.emplace(*m_exp.passive); // from the first block on, before any variant
  }
  if (m_resources) {
    m_resources->start();
  }
  auto measured = m_passive ? measure_passive(*m_passive, m_ctx, m_s, label, out, duration, guard, prior,
                                              expected_status(m_exp.expect))
                            : measure_phase(m_ctx, *m_tools, m_s, label, out, duration, block, guard, prior,
                                            expected_status(m_exp.expect));
  if (m_resources) {
    m_resources->finish(label, measured.samples.size());
  }
  if (!measured.guard_reason.empty()) {
    log(fmt::format("!! abort guard: {}: {} — reverting at once", label, measured.guard_reason));
    current().outcome = VariantOutcome::aborted;
    current().reasons.push_back("abort guard: " + measured.guard_reason);
  }
  return std::move(measured.samples);
}

// The coach is asked only about a final verdict (never at an interim look:
// an inconclusive interim look extends the measurement instead).
Verdict Runner::decide(const fs::path& base, const fs::path& var, const std::string& label, double confidence,
                       std::optional<std::pair<int, int>> look, bool quiet, bool final_look)
{
  if (signals::received()) {
    throw Interrupted{};
  }
  test_pause_point("decide");
  const auto low_traffic = m_passive ? m_passive->too_little_traffic(label) : std::nullopt;
  auto decision = low_traffic ? Verdict{"inconclusive", false, {*low_traffic}, {}, {}, "measure.min_rate"}
                              : m_tools->decide(base, var, label, confidence, look, quiet);
  if (quiet) {
    return decision;
  }
  log(fmt::format("decide {}: {}{} — {}", label, decision.decision,
                  decision.borderline ? " (borderline)" : "", util::printable(join(decision.reasons), 400)));
  auto& vr = result_of(label);
  vr.reasons = decision.reasons;
  vr.borderline = decision.borderline;
  vr.improve_pct = decision.improve_pct;
  vr.err_delta_pct = decision.err_delta_pct;
  // The cost decides before the coach: a too costly variant is no gray zone.
  if (m_resources && m_resources->judge(m_s.design == Design::sequential ? "baseline" : label + ".baseline",
                                        label, decision.decision, decision.borderline, vr)) {
    log(fmt::format("resources {}: {}", label, vr.reasons.front()));
  }
  if (decision.borderline && decision.decision != "keep" && final_look) {
    coach(label, decision);
  }
  if (m_s.confirm && (final_look || decision.decision != "inconclusive")) {
    if (const auto note = confirm_verdict(decision)) {
      log(*note);
      vr.reasons.push_back(*note);
    }
  }
  return decision;
}

// A borderline verdict and a coach configured: ask it; only a keep with
// enough confidence turns the verdict into keep. No answer => revert.
void Runner::coach(const std::string& label, Verdict& decision)
{
  if (m_ctx.config.coach_url().empty() || m_s.mode == RunMode::calibrate) {
    return;
  }
  const auto ruling = m_tools->consult_coach(label, join(decision.reasons));
  if (!ruling) {
    return;
  }
  // Recorded in summary.json and state.json, which smart-run writes;
  // coach.json is smart-phone's (the advice of the run report).
  m_summary.coach_ask = ruling->record;
  result_of(label).reasons.push_back(ruling->reason);
  if (ruling->keep) {
    decision.decision = "keep";
  }
}

void Runner::on_interrupted()
{
  const int sig = signals::received();
  log("");
  log(fmt::format("received {}: stopping", sig ? strsignal(sig) : "a signal"));
  if (!m_current.empty()) {
    current().outcome = VariantOutcome::aborted;
    current().reasons.push_back(fmt::format("interrupted by signal {}", sig));
  }
  m_summary.status = RunStatus::aborted;
  m_summary.reason = fmt::format("interrupted by signal {} ({})", sig, sig ? strsignal(sig) : "?");
  revert_if_applied();
}

void Runner::on_failed(const std::string& reason)
{
  log(fmt::format("FAILED: {}", reason));
  if (!m_current.empty() && current().outcome == VariantOutcome::skipped) {
    current().outcome = VariantOutcome::failed;
    current().reasons.push_back(reason);
  }
  m_summary.status = RunStatus::failed;
  m_summary.reason = reason;
  revert_if_applied();
}

void Runner::revert_if_applied()
{
  if (!m_applied) {
    // pending.json is written before a variant's first baseline block;
    // stopped there, nothing was applied and nothing is left to recover.
    m_ctx.store.clear_pending();
    return;
  }
  log(fmt::format("reverting {}", m_pending_variant));
  try {
    revert_variant(m_pending_variant);
    m_ctx.store.clear_pending();
    m_applied = false;
    log("reverted");
  } catch (const RevertFailed& failure) {
    on_revert_failed(failure.reason);
  }
}

void Runner::on_revert_failed(const std::string& reason)
{
  m_summary.status = RunStatus::revert_failed;
  m_summary.reason = reason;
  const json::object record{{"run_id", m_id},
                            {"experiment", m_exp.id},
                            {"experiment_dir", m_exp.dir.string()},
                            {"variant", m_pending_variant},
                            {"run_dir", m_dir.string()},
                            {"failed_at", now_text()},
                            {"reason", reason},
                            {"revert", m_exp.revert.display()}};
  const auto unrecorded = write_revert_failed(m_ctx.store, record);
  m_applied = false;
  m_ctx.log.alarm(
    fmt::format("REVERT FAILED: the server may NOT be in its baseline state.\n"
                "experiment {}, variant {}: {}\n"
                "run directory: {}\n"
                "Fix the server by hand (the revert command and its log are in the run directory),\n"
                "then clear the block with: smart-run --clear-revert-failed\n"
                "Until then every smart-run refuses to start (exit 3).{}",
                m_exp.id, m_pending_variant, reason, m_dir.string(), unrecorded));
}

void Runner::write_pending(const std::string& variant)
{
  m_pending_variant = variant;
  const auto now = std::chrono::system_clock::now();
  const auto end =
    now + std::chrono::duration_cast<std::chrono::system_clock::duration>(planned_variant_time(m_s));
  m_ctx.store.write_pending(Pending{m_id, m_exp.id, m_exp.dir, variant, static_cast<long>(::getpid()),
                                    util::format_rfc3339(now), m_dir, util::format_rfc3339(end)});
}

VariantResult& Runner::result_of(const std::string& label)
{
  for (auto& result : m_summary.variants) {
    if (result.name == label) {
      return result;
    }
  }
  VariantResult fresh;
  fresh.name = label;
  m_summary.variants.push_back(fresh);
  return m_summary.variants.back();
}

std::string Runner::first_reason(const std::string& label)
{
  const auto& result = result_of(label);
  return result.reasons.empty() ? std::string("better") : join(result.reasons);
}

} // namespace smart::run_machine
