#include <smart/run/runner.hpp>

#include <smart/error.hpp>
#include <smart/exit_code.hpp>
#include <smart/run/calibration.hpp>
#include <smart/run/flow.hpp>
#include <smart/run/sibling_tools.hpp>
#include <smart/samples_csv.hpp>
#include <smart/stats.hpp>
#include <smart/util/atomic_file.hpp>
#include <smart/util/host.hpp>
#include <smart/util/process.hpp>
#include <smart/util/signals.hpp>
#include <smart/util/strings.hpp>
#include <smart/util/time.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstring>

namespace smart {

namespace json = boost::json;
namespace fs = std::filesystem;
using util::Duration;
using util::format_duration;
namespace signals = util::signals;
using flow::Interrupted;
using flow::RevertFailed;
using flow::StepFailed;

namespace {

std::string now_text()
{
  return util::format_rfc3339(std::chrono::system_clock::now());
}

StatsBrief brief_of(const SampleSet& samples)
{
  const auto summary = summarize(samples);
  StatsBrief brief;
  brief.n = summary.n;
  brief.err_pct = summary.err_pct;
  if (summary.n_good > 0) {
    brief.p50_ms = summary.p50_ms;
    brief.p95_ms = summary.p95_ms;
    brief.p99_ms = summary.p99_ms;
    brief.mean_ms = summary.mean_ms;
  }
  return brief;
}

std::string opt_ms(const std::optional<double>& value)
{
  return value ? fmt::format("{:.3f} ms", *value) : std::string("n/a");
}

std::string join(const std::vector<std::string>& parts)
{
  std::string out;
  for (const auto& part : parts) {
    out += (out.empty() ? "" : "; ") + part;
  }
  return out;
}

// The abort guard: the reason to stop a variant when its error rate over
// samples and prior (its earlier blocks) passes ABORT_ERR_PCT after at least
// ABORT_AFTER samples; "" when it holds.
std::string guard_trip(const RunSettings& s, const SampleSet& samples, const SampleSet& prior)
{
  std::size_t n = samples.size() + prior.size();
  std::size_t errors = 0;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    errors += samples.is_error(i) ? 1U : 0U;
  }
  for (std::size_t i = 0; i < prior.size(); ++i) {
    errors += prior.is_error(i) ? 1U : 0U;
  }
  if (n < s.abort_after || n == 0) {
    return {};
  }
  const double pct = 100.0 * static_cast<double>(errors) / static_cast<double>(n);
  if (pct <= s.abort_err_pct) {
    return {};
  }
  return fmt::format("{:.1f}% errors in {} samples > ABORT_ERR_PCT {:g}%", pct, n, s.abort_err_pct);
}

class Runner {
public:
  Runner(const RunContext& ctx, const Experiment& exp, const RunSettings& settings)
    : m_ctx(ctx), m_exp(exp), m_s(settings)
  {
  }

  RunSummary run()
  {
    const auto start = std::chrono::steady_clock::now();
    auto [id, dir] = m_ctx.store.create_run(std::chrono::system_clock::now());
    m_id = id;
    m_dir = dir;
    m_tools.emplace(m_ctx, m_exp, m_s, m_id, m_dir);
    m_ctx.log.open(m_dir / "run.log");
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

    log("================================");
    log(fmt::format("smart-run {}: experiment {}{}", m_id, m_exp.id,
                    m_summary.mode == "run" ? "" : fmt::format(" ({})", m_summary.mode)));
    log(fmt::format("run directory: {}", m_dir.string()));
    // The baseline's own measurement and the cooldown belong to the
    // sequential design; the interleaved one says its blocks below.
    log(m_s.design == Design::sequential
          ? fmt::format(
              "design {}, strategy {}, {} variant(s), variant {}, baseline {}, cooldown {}, timeout {}",
              m_summary.design, m_summary.strategy, m_exp.variants.size(), format_duration(m_s.variant),
              format_duration(m_s.baseline), format_duration(m_s.cooldown), format_duration(m_s.timeout))
          : fmt::format("design {}, strategy {}, {} variant(s), {} a variant, timeout {}", m_summary.design,
                        m_summary.strategy, m_exp.variants.size(), format_duration(m_s.variant),
                        format_duration(m_s.timeout)));
    if (m_s.design == Design::interleaved) {
      const auto plan = plan_blocks(m_s);
      log(fmt::format("interleaved: {} block pairs of {}, warm-up {} after each switch, {} planned look(s)",
                      plan.pairs, format_duration(m_s.block), format_duration(m_s.warmup), plan.looks));
    }
    log("================================");

    try {
      if (m_s.mode == RunMode::calibrate) {
        calibrate();
      } else {
        execute();
      }
    } catch (const Interrupted&) {
      on_interrupted();
    } catch (const StepFailed& failure) {
      on_failed(failure.reason);
    } catch (const RevertFailed& failure) {
      on_revert_failed(failure.reason);
    } catch (const std::exception& e) {
      // Anything else (a full disk, an unreadable file): uncertain => revert.
      on_failed(fmt::format("internal error: {}", e.what()));
    }

    m_summary.finished_at = now_text();
    m_summary.duration_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    finish();
    return m_summary;
  }

private:
  // ---- the plan --------------------------------------------------------

  void execute()
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
    m_summary.status = m_summary.kept_variant != "none" ? "kept" : "reverted";
    if (m_summary.reason.empty()) {
      m_summary.reason = m_summary.kept_variant != "none" ? fmt::format("kept {}: {}", m_summary.kept_variant,
                                                                        first_reason(m_summary.kept_variant))
                                                          : "no variant was better; every variant reverted";
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
  void strategy_best()
  {
    const double m = static_cast<double>(m_exp.variants.size());
    const double screening_confidence = 1.0 - (1.0 - m_s.confidence) / m;
    log(fmt::format(
      "strategy best: screening {} variants at confidence {:.4f} (Bonferroni), then confirming the "
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
        result.outcome = "keep";
        result.reasons.push_back("confirmed: " + first_reason(label));
      } else {
        m_would_keep = best->name;
      }
    }
  }

  void phase_baseline()
  {
    if (signals::received()) {
      throw Interrupted{};
    }
    if (!m_exp.baseline_apply.empty()) {
      log(">> baseline: apply");
      const auto result = run_command(m_exp.baseline_apply, "apply", "baseline", util::Interruptible::yes);
      if (result.end == util::ProcessEnd::interrupted) {
        throw Interrupted{};
      }
      if (!result.ok()) {
        throw StepFailed{fmt::format("baseline apply {}; see apply.baseline.log", result.describe())};
      }
      run_check("baseline");
    }
    if (m_s.design == Design::sequential) {
      log(fmt::format(">> baseline: measuring for {}", format_duration(m_s.baseline)));
      const auto samples = measure("baseline", m_dir / "baseline.csv", m_s.baseline, std::nullopt, false, {});
      m_summary.baseline = brief_of(samples);
      log(fmt::format("baseline: {} samples, p50 {}, errors {:.2f}%", m_summary.baseline->n,
                      opt_ms(m_summary.baseline->p50_ms), m_summary.baseline->err_pct));
    }
  }

  // One variant against the baseline, by the run's design; label names the
  // files (the variant's name, or "<name>.confirm"). Returns the decision;
  // the variant stays applied only when it is "keep" and may_keep.
  std::string compare(const Variant& variant, const std::string& label, double confidence, bool may_keep)
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
      m_ctx.store.clear_pending();
      m_applied = false;
      result.outcome = "keep";
      log(fmt::format("✓ KEEP {}: {}", variant.name, util::printable(join(result.reasons), 400)));
      return "keep";
    }
    if (result.outcome == "skipped") {
      result.outcome = decision.decision == "keep" ? "revert" : decision.decision;
    }
    log(fmt::format("✗ REVERT {}{}", variant.name,
                    decision.decision == "keep" ? " (would keep; not kept in this mode)" : ""));
    if (m_variant_on) {
      revert_variant(variant);
    } // else: an interleaved run ended on a baseline block, reverted and checked

    m_ctx.store.clear_pending();
    m_applied = false;
    return decision.decision;
  }

  Verdict compare_sequential(const Variant& variant, const std::string& label, double confidence)
  {
    apply_variant(variant);
    if (m_s.cooldown.count() > 0) {
      log(fmt::format(">> cooldown {}", format_duration(m_s.cooldown)));
      wait(m_s.cooldown, "cooldown " + label);
    }
    log(fmt::format(">> measuring {} for {}", label, format_duration(m_s.variant)));
    const auto samples = measure(label, m_dir / (label + ".csv"), m_s.variant, std::nullopt, true, {});
    auto& result = current();
    result.stats = brief_of(samples);
    if (result.outcome == "aborted") {
      return Verdict{"revert", false, result.reasons, {}, {}, "abort guard"};
    }
    return decide(m_dir / "baseline.csv", m_dir / (label + ".csv"), label, confidence, std::nullopt);
  }

  Verdict compare_interleaved(const Variant& variant, const std::string& label, double confidence)
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
          revert_variant(variant);
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
        if (variant_arm && current().outcome == "aborted") {
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

  void finish_stats(const std::string& label, const fs::path& var_file)
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

  void warm_up(const std::string& label)
  {
    if (m_s.warmup.count() > 0) {
      wait(m_s.warmup, "warm-up " + label);
    }
  }

  // ---- A/A calibration -----------------------------------------------------

  void calibrate()
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
    result_of("aa").outcome = report.decision;
    m_summary.extra["calibration"] = report.calibration;
    m_summary.status = "reverted";
    m_summary.reason =
      fmt::format("calibration: {} false keep(s) in {} A/A comparisons", report.keeps, report.asked);
  }

  // ---- steps -----------------------------------------------------------

  util::ProcessResult run_command(const Command& command, const std::string& phase,
                                  const std::string& variant, util::Interruptible interruptible)
  {
    const CommandSite site{m_ctx.config, m_exp.id, m_exp.dir, m_id, m_dir};
    const auto spec = command_spec(site, command, variant, fmt::format("{}.{}.log", phase, variant),
                                   m_s.timeout, interruptible);
    log(fmt::format("{} {}: {}", phase, variant, command.display()));
    const auto result = m_ctx.processes.run(spec);
    if (!result.ok()) {
      log(fmt::format("{} {}: {} (log: {})", phase, variant, result.describe(),
                      spec.log_file.filename().string()));
    }
    return result;
  }

  void apply_variant(const Variant& variant)
  {
    if (signals::received()) {
      throw Interrupted{};
    }
    m_applied = true;
    m_variant_on = true;
    const auto result = run_command(variant.apply, "apply", variant.name, util::Interruptible::yes);
    if (result.end == util::ProcessEnd::interrupted) {
      throw Interrupted{};
    }
    if (!result.ok()) {
      current().outcome = "failed";
      current().reasons.push_back(fmt::format("apply {}", result.describe()));
      throw StepFailed{
        fmt::format("apply of {} {}; see apply.{}.log", variant.name, result.describe(), variant.name)};
    }
    run_check(variant.name);
  }

  void run_check(const std::string& variant)
  {
    if (m_exp.check.empty()) {
      return;
    }
    const auto result = run_command(m_exp.check, "check", variant, util::Interruptible::yes);
    if (result.end == util::ProcessEnd::interrupted) {
      throw Interrupted{};
    }
    if (!result.ok()) {
      if (m_current.size() && variant != "baseline") {
        current().outcome = "failed";
        current().reasons.push_back(fmt::format("check {}", result.describe()));
      }
      throw StepFailed{
        fmt::format("check after {} {}; see check.{}.log", variant, result.describe(), variant)};
    }
  }

  // Never interrupted: a revert runs to its end (or its timeout).
  void revert_variant(const Variant& variant)
  {
    const auto result = run_command(m_exp.revert, "revert", variant.name, util::Interruptible::no);
    if (!result.ok()) {
      throw RevertFailed{
        fmt::format("revert of {} {}; see revert.{}.log", variant.name, result.describe(), variant.name)};
    }
    if (!m_exp.check.empty()) {
      const auto check =
        run_command(m_exp.check, "check", variant.name + ".reverted", util::Interruptible::no);
      if (!check.ok()) {
        throw RevertFailed{fmt::format("check after reverting {} {}; see check.{}.reverted.log", variant.name,
                                       check.describe(), variant.name)};
      }
    }
    m_variant_on = false;
  }

  void wait(Duration duration, const std::string& what)
  {
    const auto start = std::chrono::steady_clock::now();
    while (true) {
      const Duration elapsed = std::chrono::steady_clock::now() - start;
      const Duration left = duration - elapsed;
      if (left.count() <= 0) {
        break;
      }
      progress(what, left, duration);
      if (!signals::sleep_for(std::min(left, Duration(0.5)))) {
        throw Interrupted{};
      }
    }
    m_ctx.log.clear_progress();
  }

  void progress(const std::string& what, Duration left, Duration total)
  {
    if (!m_ctx.log.tty()) {
      return;
    }
    const double done = total.count() > 0 ? 1.0 - left.count() / total.count() : 1.0;
    const int width = 20;
    const int filled = std::clamp(static_cast<int>(done * width), 0, width);
    m_ctx.log.progress(
      fmt::format("[{}{}] {}: {:.0f}s left", std::string(static_cast<std::size_t>(filled), '#'),
                  std::string(static_cast<std::size_t>(width - filled), '-'), what, std::ceil(left.count())));
  }

  // Measures into out for duration. With guard, the abort guard watches the
  // samples (prior ones included) and stops a bad variant early, marking the
  // current variant aborted. Throws Interrupted or StepFailed.
  SampleSet measure(const std::string& label, const fs::path& out, Duration duration,
                    std::optional<int> block, bool guard, const SampleSet& prior)
  {
    if (signals::received()) {
      throw Interrupted{};
    }
    auto spec = m_tools->measure_spec(label, out, duration, block, guard);
    std::string guard_reason;
    const auto start = std::chrono::steady_clock::now();
    spec.watch = [&]() {
      const Duration elapsed = std::chrono::steady_clock::now() - start;
      progress(fmt::format("measuring {}", label), std::max(Duration(0), duration - elapsed), duration);
      if (guard) {
        guard_reason = guard_trip(m_s, read_complete_samples(out), prior);
        return guard_reason.empty();
      }
      return true;
    };
    spec.watch_interval = Duration(0.25);
    const auto result = m_ctx.processes.run(spec);
    m_ctx.log.clear_progress();
    if (result.end == util::ProcessEnd::interrupted) {
      throw Interrupted{};
    }
    if (result.end != util::ProcessEnd::stopped && !result.ok()) {
      throw StepFailed{fmt::format("measurement of {} {}; see {}", label, result.describe(),
                                   spec.log_file.filename().string())};
    }
    SampleSet samples;
    try {
      samples = read_samples(out);
    } catch (const util::Failure& e) {
      throw StepFailed{fmt::format("measurement of {}: unreadable samples: {}", label, e.what())};
    }
    if (samples.size() == 0) {
      throw StepFailed{fmt::format("measurement of {}: no samples", label)};
    }
    if (guard) {
      // smart-measure's own guard may have stopped it; check the CSV ourselves too.
      if (guard_reason.empty()) {
        guard_reason = guard_trip(m_s, samples, prior);
      }
      if (!guard_reason.empty()) {
        log(fmt::format("!! abort guard: {}: {} — reverting at once", label, guard_reason));
        current().outcome = "aborted";
        current().reasons.push_back("abort guard: " + guard_reason);
      }
    }
    return samples;
  }

  // The coach is asked only about a final verdict (never at an interim look:
  // an inconclusive interim look extends the measurement instead).
  Verdict decide(const fs::path& base, const fs::path& var, const std::string& label, double confidence,
                 std::optional<std::pair<int, int>> look, bool quiet = false, bool final_look = true)
  {
    if (signals::received()) {
      throw Interrupted{};
    }
    auto decision = m_tools->decide(base, var, label, confidence, look, quiet);
    if (quiet) {
      return decision;
    }
    log(fmt::format("decide {}: {}{} — {}", label, decision.decision,
                    decision.borderline ? " (borderline)" : "",
                    util::printable(join(decision.reasons), 400)));
    auto& vr = result_of(label);
    vr.reasons = decision.reasons;
    vr.borderline = decision.borderline;
    vr.improve_pct = decision.improve_pct;
    vr.err_delta_pct = decision.err_delta_pct;
    if (decision.borderline && decision.decision != "keep" && final_look) {
      coach(label, decision);
    }
    return decision;
  }

  // A borderline verdict and a coach configured: ask it; only a keep with
  // enough confidence turns the verdict into keep. No answer => revert.
  void coach(const std::string& label, Verdict& decision)
  {
    if (!m_ctx.config.has("COACH_URL") || m_s.mode == RunMode::calibrate) {
      return;
    }
    const auto answer = m_tools->ask_coach(label, join(decision.reasons));
    if (!answer) {
      return;
    }
    const auto confidence = answer->confidence;
    const auto& reason = answer->reason;
    const double min_confidence = m_ctx.config.number("COACH_MIN_CONFIDENCE");
    const bool keep = answer->verdict == "keep" && confidence >= min_confidence;
    // Recorded in summary.json and state.json, which smart-run writes;
    // coach.json is smart-phone's (the advice of the run report).
    m_summary.coach_ask = json::object{{"variant", label},
                                       {"verdict", answer->verdict ? json::value(*answer->verdict) : nullptr},
                                       {"confidence", confidence},
                                       {"reason", reason},
                                       {"applied", keep}};
    auto& vr = result_of(label);
    if (keep) {
      decision.decision = "keep";
      vr.reasons.push_back(fmt::format("coach: keep (confidence {:.2f} >= {:.2f}): {}", confidence,
                                       min_confidence, util::printable(reason, 200)));
      m_tools->note_coach(fmt::format("{}: verdict keep with confidence {:.2f} >= {:.2f}: kept", label,
                                      confidence, min_confidence));
      log(fmt::format("coach: keep with confidence {:.2f}: {}", confidence, util::printable(reason, 200)));
    } else {
      vr.reasons.push_back(fmt::format("coach: not keep (verdict {}, confidence {:.2f}, need keep >= {:.2f})",
                                       answer->verdict.value_or("none"), confidence, min_confidence));
      m_tools->note_coach(fmt::format("{}: not a confident keep; revert", label));
      log("coach: not a confident keep; revert");
    }
  }

  // ---- endings -----------------------------------------------------------

  void on_interrupted()
  {
    const int sig = signals::received();
    log("");
    log(fmt::format("received {}: stopping", sig ? strsignal(sig) : "a signal"));
    if (!m_current.empty()) {
      current().outcome = "aborted";
      current().reasons.push_back(fmt::format("interrupted by signal {}", sig));
    }
    m_summary.status = "aborted";
    m_summary.reason = fmt::format("interrupted by signal {} ({})", sig, sig ? strsignal(sig) : "?");
    revert_if_applied();
  }

  void on_failed(const std::string& reason)
  {
    log(fmt::format("FAILED: {}", reason));
    if (!m_current.empty() && current().outcome == "skipped") {
      current().outcome = "failed";
      current().reasons.push_back(reason);
    }
    m_summary.status = "failed";
    m_summary.reason = reason;
    revert_if_applied();
  }

  void revert_if_applied()
  {
    if (!m_applied) {
      return;
    }
    const Variant* variant = nullptr;
    for (const auto& v : m_exp.variants) {
      if (v.name == m_pending_variant) {
        variant = &v;
      }
    }
    log(fmt::format("reverting {}", m_pending_variant));
    try {
      revert_variant(variant ? *variant : Variant{m_pending_variant, "", {}});
      m_ctx.store.clear_pending();
      m_applied = false;
      log("reverted");
    } catch (const RevertFailed& failure) {
      on_revert_failed(failure.reason);
    }
  }

  void on_revert_failed(const std::string& reason)
  {
    m_summary.status = "revert_failed";
    m_summary.reason = reason;
    const json::object record{{"run_id", m_id},
                              {"experiment", m_exp.id},
                              {"experiment_dir", m_exp.dir.string()},
                              {"variant", m_pending_variant},
                              {"run_dir", m_dir.string()},
                              {"failed_at", now_text()},
                              {"reason", reason},
                              {"revert", m_exp.revert.display()}};
    m_ctx.store.write_revert_failed(record);
    m_ctx.store.clear_pending(); // revert_failed.json now holds it, for a human
    m_applied = false;
    m_ctx.log.alarm(
      fmt::format("REVERT FAILED: the server may NOT be in its baseline state.\n"
                  "experiment {}, variant {}: {}\n"
                  "run directory: {}\n"
                  "Fix the server by hand (the revert command and its log are in the run directory),\n"
                  "then clear the block with: smart-run --clear-revert-failed\n"
                  "Until then every smart-run refuses to start (exit 3).",
                  m_exp.id, m_pending_variant, reason, m_dir.string()));
  }

  void finish()
  {
    m_ctx.log.clear_progress();
    log("");
    log("================================");
    log(fmt::format("run {}: {} — kept: {} — {}", m_id, m_summary.status, m_summary.kept_variant,
                    util::printable(m_summary.reason, 400)));
    log("================================");
    m_ctx.store.write_summary(m_dir, m_summary);
    m_ctx.store.write_state(m_summary);
    m_ctx.store.append_history(m_summary);
    if (!m_exp.manages.empty() && m_summary.status != "revert_failed") {
      save_fingerprint(m_ctx.store, m_exp, m_ctx.config);
    }
    const auto removed =
      m_ctx.store.prune(m_ctx.config.integer("RETAIN_DAYS"), m_ctx.config.integer("RETAIN_RUNS"),
                        std::chrono::system_clock::now(), m_id);
    if (!removed.empty()) {
      log(fmt::format("retention: removed {} old run director{} (their summaries stay in history.jsonl)",
                      removed.size(), removed.size() == 1 ? "y" : "ies"));
    }
    // The coach first, so advice it returns is on the page the dashboard
    // renders now rather than the next one (smart-phone bounds itself to
    // 45 s of sending; the hook's 60 s timeout is the backstop).
    m_tools->hook("smart-phone", {m_id});
    m_tools->hook("smart-dashboard", {});
    // Alerts last: they read health as the dashboard just wrote it.
    m_tools->hook("smart-phone", {"--notify", m_id});
    log(fmt::format("results in: {}", m_dir.string()));
  }

  // ---- helpers -------------------------------------------------------------

  void write_pending(const std::string& variant)
  {
    m_pending_variant = variant;
    m_ctx.store.write_pending(
      Pending{m_id, m_exp.id, m_exp.dir, variant, static_cast<long>(::getpid()), now_text(), m_dir});
  }

  VariantResult& current() { return result_of(m_current); }

  VariantResult& result_of(const std::string& label)
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

  std::string first_reason(const std::string& label)
  {
    const auto& result = result_of(label);
    return result.reasons.empty() ? std::string("better") : join(result.reasons);
  }

  void log(const std::string& text) { m_ctx.log.line(text); }

  const RunContext& m_ctx;
  const Experiment& m_exp;
  RunSettings m_s;
  std::string m_id;
  fs::path m_dir;
  std::optional<SiblingTools> m_tools; // once the run directory exists
  RunSummary m_summary;
  std::string m_current;
  std::string m_pending_variant;
  std::string m_would_keep;
  bool m_applied = false;    // a variant may be applied: revert before leaving
  bool m_variant_on = false; // the variant is applied right now
  int m_blocks = 0;          // block numbers used by earlier comparisons
  int m_last_block = 0;
};

} // namespace

RunSummary run_experiment(const RunContext& ctx, const Experiment& exp, const RunSettings& settings)
{
  Runner runner(ctx, exp, settings);
  return runner.run();
}

int exit_code_for(const RunSummary& summary)
{
  if (summary.status == "kept" || summary.status == "reverted") {
    return to_int(ExitCode::ok);
  }
  if (summary.status == "revert_failed") {
    return to_int(ExitCode::revert_failed);
  }
  if (summary.status == "aborted") {
    const int sig = util::signals::received();
    return sig == SIGINT ? to_int(ExitCode::interrupted) : sig ? 128 + sig : to_int(ExitCode::terminated);
  }
  return to_int(ExitCode::failed);
}

} // namespace smart
