#include <smart/run/outcome_text.hpp>
#include <smart/run/runner.hpp>
#include <smart/run/target_health.hpp>

#include <smart/error.hpp>
#include <smart/run/calibration.hpp>
#include <smart/samples_csv.hpp>
#include <smart/stats.hpp>
#include <smart/util/atomic_file.hpp>
#include <smart/util/process.hpp>
#include <smart/util/signals.hpp>
#include <smart/util/strings.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstring>
#include <random>

namespace smart {

namespace json = boost::json;
namespace fs = std::filesystem;
using util::Duration;
using util::format_duration;
namespace signals = util::signals;

namespace {

// Control flow inside a run; each ends in the revert having run.
struct Interrupted {};
struct StepFailed {
  std::string reason;
};
struct RevertFailed {
  std::string reason;
};

std::string now_text()
{
  return util::format_rfc3339(std::chrono::system_clock::now());
}

std::string host_name()
{
  char buffer[256] = {};
  if (::gethostname(buffer, sizeof(buffer) - 1) != 0) {
    return "unknown";
  }
  return buffer;
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

// Complete lines only: a measurement still being written may end mid-line.
SampleSet read_complete_rows(const fs::path& file)
{
  std::string text;
  try {
    text = util::read_file(file);
  } catch (const util::Failure&) {
    return {};
  }
  const auto end = text.rfind('\n');
  if (end == std::string::npos) {
    return {};
  }
  text.resize(end + 1);
  try {
    return parse_samples(text, file.string());
  } catch (const util::Failure&) {
    return {};
  }
}

// Appends src's rows to dst with a block column (added when src has none);
// writes dst's header when dst is new or empty.
void append_block_rows(const fs::path& src, const fs::path& dst, int block)
{
  const auto text = util::read_file(src);
  auto lines = util::split(text, '\n');
  std::string header;
  std::size_t first = 0;
  if (!lines.empty()) {
    auto line = lines[0];
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (!line.empty() && std::isalpha(static_cast<unsigned char>(line[0]))) {
      header = std::string(line);
      first = 1;
    }
  }
  if (header.empty()) {
    header = "timestamp,latency_ms,response_code";
  }
  bool has_block = false;
  for (auto column : util::split(header, ',')) {
    has_block = has_block || util::trim(column) == "block";
  }
  std::string out;
  std::error_code ec;
  if (!fs::exists(dst, ec) || fs::file_size(dst, ec) == 0) {
    out += header + (has_block ? "" : ",block") + "\n";
  }
  for (std::size_t i = first; i < lines.size(); ++i) {
    auto line = lines[i];
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (util::trim(line).empty()) {
      continue;
    }
    out += std::string(line) + (has_block ? "" : fmt::format(",{}", block)) + "\n";
  }
  if (!out.empty()) {
    out.pop_back();
    util::append_line(dst, out);
  }
}

std::uint64_t fnv1a(std::string_view data)
{
  std::uint64_t hash = 1469598103934665603ULL;
  for (const char c : data) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

struct Decision {
  std::string decision = "revert"; // keep revert inconclusive
  bool borderline = false;
  std::vector<std::string> reasons;
  std::optional<double> improve_pct;
  std::optional<double> err_delta_pct;
  std::string decided_by;
};

std::optional<double> json_number(const json::object& object, std::string_view key)
{
  const auto* value = object.if_contains(key);
  if (value && value->is_number()) {
    return value->to_number<double>();
  }
  return std::nullopt;
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
    m_ctx.log.open(m_dir / "run.log");
    if (!m_exp.meta_path.empty()) {
      util::write_file_atomically(m_dir / "meta.json", util::read_file(m_exp.meta_path));
    }
    m_summary.run_id = m_id;
    m_summary.experiment = m_exp.id;
    m_summary.description = m_exp.description;
    m_summary.started_at = now_text();
    m_summary.host = host_name();
    m_summary.strategy = std::string(to_string(m_s.strategy));
    m_summary.design = std::string(to_string(m_s.design));
    m_summary.mode = m_s.mode == RunMode::advise      ? "advise"
                     : m_s.mode == RunMode::calibrate ? "calibrate"
                                                      : "run";

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
      if (const auto unhealthy = unhealthy_baseline(samples, m_exp.expect)) {
        throw StepFailed{*unhealthy};
      }
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

  Decision compare_sequential(const Variant& variant, const std::string& label, double confidence)
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
      return Decision{"revert", false, result.reasons, {}, {}, "abort guard"};
    }
    return decide(m_dir / "baseline.csv", m_dir / (label + ".csv"), label, confidence, std::nullopt);
  }

  Decision compare_interleaved(const Variant& variant, const std::string& label, double confidence)
  {
    const auto plan = plan_blocks(m_s);
    const auto base_file = m_dir / (label + ".baseline.csv");
    const auto var_file = m_dir / (label + ".csv");
    const auto block_file = m_dir / ".block.csv";
    std::error_code ec;
    fs::remove(base_file, ec);
    fs::remove(var_file, ec);
    Decision decision;
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
        // The run's first block is a baseline one, before any variant.
        if (block_no == 1 && !variant_arm) {
          if (const auto unhealthy = unhealthy_baseline(samples, m_exp.expect)) {
            throw StepFailed{*unhealthy};
          }
        }
        if (variant_arm && current().outcome == "aborted") {
          m_blocks = m_last_block;
          fs::remove(block_file, ec);
          finish_stats(label, base_file, var_file);
          return Decision{"revert", false, current().reasons, {}, {}, "abort guard"};
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
    finish_stats(label, base_file, var_file);
    return decision;
  }

  void finish_stats(const std::string& label, const fs::path& base_file, const fs::path& var_file)
  {
    std::error_code ec;
    auto& result = result_of(label);
    if (fs::exists(var_file, ec)) {
      result.stats = brief_of(read_samples(var_file));
    }
    if (fs::exists(m_dir / "baseline.csv", ec)) {
      m_summary.baseline = brief_of(read_samples(m_dir / "baseline.csv"));
    }
    (void)base_file;
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
    const auto base_file = m_dir / "aa.baseline.csv";
    const auto var_file = m_dir / "aa.csv";
    const auto block_file = m_dir / ".block.csv";
    std::error_code ec;
    for (int pair = 1; pair <= plan.pairs; ++pair) {
      for (int step = 0; step < 2; ++step) {
        const bool b_arm = (step == 0) == variant_first(pair);
        fs::remove(block_file, ec);
        measure(b_arm ? "aa" : "aa.baseline", block_file, m_s.block, pair, false, {});
        append_block_rows(block_file, b_arm ? var_file : base_file, pair);
      }
    }
    fs::remove(block_file, ec);
    finish_stats("aa", base_file, var_file);
    const auto decision = decide(base_file, var_file, "aa", m_s.confidence, std::nullopt);
    auto& result = current();
    result.outcome = decision.decision == "keep" ? "keep" : decision.decision;

    // Noise: the spread of paired block differences of the median, in %.
    const auto noise = calibration::block_noise(read_samples(base_file), read_samples(var_file), plan.pairs);
    json::object calibration;
    calibration["pairs"] = plan.pairs;
    calibration["block_seconds"] = m_s.block.count();
    calibration["aa_decision"] = decision.decision;
    if (noise.pairs >= 2) {
      calibration["block_diff_mean_pct"] = std::round(noise.mean_pct * 100) / 100;
      calibration["block_diff_sd_pct"] = std::round(noise.sd_pct * 100) / 100;
      // Pairs for a paired test to see an effect of IMPROVE_PCT at the run's
      // confidence (one-sided) with 90 % power.
      const double effect = std::max(m_s.improve_pct, 0.1);
      const double pairs_needed = calibration::pairs_needed(noise.sd_pct, effect, m_s.confidence);
      calibration["detect_effect_pct"] = effect;
      calibration["pairs_needed"] = pairs_needed;
      calibration["budget_seconds"] = pairs_needed * 2 * m_s.block.count();
      log(fmt::format("noise: paired block differences of the p50 {:+.2f}% ± {:.2f}% (sd over {} pairs)",
                      noise.mean_pct, noise.sd_pct, noise.pairs));
      log(fmt::format("to detect a {:.1f}% gain: about {:.0f} block pairs of {} ({} of measurement per arm)",
                      effect, pairs_needed, format_duration(m_s.block),
                      format_duration(Duration(pairs_needed * m_s.block.count()))));
    }
    // Empirical false keeps: relabel the A/A blocks at random (the arms are
    // exchangeable under A/A) and ask smart-decide each time.
    const int trials = 20;
    int keeps = decision.decision == "keep" ? 1 : 0;
    int asked = 1;
    std::mt19937 random(12345);
    for (int t = 0; t < trials && !signals::received(); ++t) {
      const auto a_file = m_dir / ".aa-a.csv";
      const auto b_file = m_dir / ".aa-b.csv";
      fs::remove(a_file, ec);
      fs::remove(b_file, ec);
      const auto base_text = util::read_file(base_file);
      const auto var_text = util::read_file(var_file);
      std::vector<bool> swap(static_cast<std::size_t>(plan.pairs) + 1);
      for (auto&& s : swap) {
        s = (random() & 1U) != 0;
      }
      const auto [a_text, b_text] = calibration::relabel_blocks(base_text, var_text, swap);
      util::write_file_atomically(a_file, a_text);
      util::write_file_atomically(b_file, b_text);
      const auto d = decide(a_file, b_file, ".aa-trial", m_s.confidence, std::nullopt, true);
      ++asked;
      keeps += d.decision == "keep" ? 1 : 0;
    }
    fs::remove(m_dir / ".aa-a.csv", ec);
    fs::remove(m_dir / ".aa-b.csv", ec);
    fs::remove(m_dir / ".aa-trial.decision.json", ec);
    calibration["false_keep_trials"] = asked;
    calibration["false_keeps"] = keeps;
    calibration["false_keep_rate"] = static_cast<double>(keeps) / asked;
    log(fmt::format("empirical false keeps (A/A, relabelled blocks): {} of {} ({:.1f}%)", keeps, asked,
                    100.0 * keeps / asked));
    m_summary.extra["calibration"] = calibration;
    m_summary.status = "reverted";
    m_summary.reason = fmt::format("calibration: {} false keep(s) in {} A/A comparisons", keeps, asked);
  }

  // ---- steps -----------------------------------------------------------

  util::ProcessResult run_command(const Command& command, const std::string& phase,
                                  const std::string& variant, util::Interruptible interruptible,
                                  const fs::path& output = {}, std::optional<Duration> timeout = std::nullopt)
  {
    util::ProcessSpec spec;
    spec.argv = command.to_argv();
    spec.cwd = m_exp.dir;
    spec.env = command_environment(m_ctx.config, m_exp.id, variant, m_id, m_dir, output);
    spec.log_file = m_dir / fmt::format("{}.{}.log", phase, variant);
    spec.timeout = timeout.value_or(m_s.timeout);
    spec.interruptible = interruptible;
    log(fmt::format("{} {}: {}", phase, variant, command.display()));
    const auto result = run_process(spec);
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
    util::ProcessSpec spec;
    spec.cwd = m_exp.dir;
    spec.log_file = m_dir / fmt::format("measure.{}.log", label);
    spec.timeout = duration + m_s.timeout;
    spec.env = command_environment(m_ctx.config, m_exp.id, label, m_id, m_dir, out);
    spec.env["SMART_DURATION"] = fmt::format("{:g}", duration.count());
    spec.env["SMART_INTERVAL"] = fmt::format("{:g}", m_exp.measure_interval.count());
    spec.env["SMART_TARGET_URL"] = m_exp.target_url;
    if (block) {
      spec.env["SMART_BLOCK"] = std::to_string(*block);
    }
    if (!m_exp.measure.empty()) {
      spec.argv = m_exp.measure.to_argv();
    } else {
      const auto tool = m_ctx.bin_dir / "smart-measure";
      if (::access(tool.c_str(), X_OK) != 0) {
        throw StepFailed{fmt::format("smart-measure not found at {} (set SMART_BIN_DIR)", tool.string())};
      }
      spec.argv = {tool.string(), "--url",     m_exp.target_url, "--duration", format_duration(duration),
                   "-o",          out.string()};
      const bool load_mode = m_exp.load && (m_exp.load->concurrency || m_exp.load->rate);
      if (!load_mode) { // probe mode: one request every interval
        spec.argv.insert(spec.argv.end(), {"--interval", format_duration(m_exp.measure_interval)});
      }
      if (m_exp.load && m_exp.load->concurrency) {
        spec.argv.insert(spec.argv.end(), {"--concurrency", std::to_string(*m_exp.load->concurrency)});
      }
      if (m_exp.load && m_exp.load->rate) {
        spec.argv.insert(spec.argv.end(), {"--rate", fmt::format("{:g}", *m_exp.load->rate)});
      }
      if (block) {
        spec.argv.insert(spec.argv.end(), {"--block", std::to_string(*block)});
      }
      if (guard) {
        spec.argv.insert(spec.argv.end(), {"--abort-err-pct", fmt::format("{:g}", m_s.abort_err_pct),
                                           "--abort-after", std::to_string(m_s.abort_after)});
      }
      if (const auto ca = m_ctx.config.get("MEASURE_CA_FILE"); !ca.empty()) {
        spec.argv.insert(spec.argv.end(), {"--cacert", ca});
      }
      if (m_ctx.config.number("MEASURE_INSECURE") != 0) {
        spec.argv.emplace_back("--insecure");
      }
      const auto checks = measure_check_args(m_exp.expect, m_dir);
      spec.argv.insert(spec.argv.end(), checks.begin(), checks.end());
      // The environment stays ours plus the configuration (not the experiment's).
      spec.env = tool_environment();
    }
    std::string guard_reason;
    const auto start = std::chrono::steady_clock::now();
    spec.watch = [&]() {
      const Duration elapsed = std::chrono::steady_clock::now() - start;
      progress(fmt::format("measuring {}", label), std::max(Duration(0), duration - elapsed), duration);
      if (guard) {
        guard_reason = guard_trip(read_complete_rows(out), prior);
        return guard_reason.empty();
      }
      return true;
    };
    spec.watch_interval = Duration(0.25);
    const auto result = run_process(spec);
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
        guard_reason = guard_trip(samples, prior);
      }
      if (!guard_reason.empty()) {
        log(fmt::format("!! abort guard: {}: {} — reverting at once", label, guard_reason));
        current().outcome = "aborted";
        current().reasons.push_back("abort guard: " + guard_reason);
      }
    }
    return samples;
  }

  std::string guard_trip(const SampleSet& samples, const SampleSet& prior) const
  {
    std::size_t n = samples.size() + prior.size();
    std::size_t errors = 0;
    for (std::size_t i = 0; i < samples.size(); ++i) {
      errors += samples.is_error(i, expected_status(m_exp.expect)) ? 1U : 0U;
    }
    for (std::size_t i = 0; i < prior.size(); ++i) {
      errors += prior.is_error(i, expected_status(m_exp.expect)) ? 1U : 0U;
    }
    if (n < m_s.abort_after || n == 0) {
      return {};
    }
    const double pct = 100.0 * static_cast<double>(errors) / static_cast<double>(n);
    if (pct <= m_s.abort_err_pct) {
      return {};
    }
    return fmt::format("{:.1f}% errors in {} samples > ABORT_ERR_PCT {:g}%", pct, n, m_s.abort_err_pct);
  }

  std::map<std::string, std::string> tool_environment() const
  {
    auto env = util::current_environment();
    for (const auto& [key, value] : m_ctx.config.exported()) {
      env[key] = value;
    }
    return env;
  }

  // The coach is asked only about a final verdict (never at an interim look:
  // an inconclusive interim look extends the measurement instead).
  Decision decide(const fs::path& base, const fs::path& var, const std::string& label, double confidence,
                  std::optional<std::pair<int, int>> look, bool quiet = false, bool final_look = true)
  {
    if (signals::received()) {
      throw Interrupted{};
    }
    const auto tool = m_ctx.bin_dir / "smart-decide";
    if (::access(tool.c_str(), X_OK) != 0) {
      throw StepFailed{fmt::format("smart-decide not found at {} (set SMART_BIN_DIR)", tool.string())};
    }
    util::ProcessSpec spec;
    spec.argv = {tool.string(),
                 base.string(),
                 var.string(),
                 "--json",
                 "--improve-pct",
                 fmt::format("{:g}", m_s.improve_pct),
                 "--max-err-delta-pct",
                 fmt::format("{:g}", m_s.max_err_delta_pct),
                 "--metric",
                 m_s.metric,
                 "--confidence",
                 fmt::format("{:g}", confidence)};
    if (look) {
      spec.argv.insert(spec.argv.end(), {"--look", fmt::format("{}/{}", look->first, look->second)});
    }
    const auto checks = decide_check_args(m_exp.expect);
    spec.argv.insert(spec.argv.end(), checks.begin(), checks.end());
    spec.cwd = m_dir;
    spec.env = tool_environment();
    spec.stdout_file = m_dir / (label + ".decision.json");
    spec.log_file = m_dir / fmt::format("decide.{}.log", label);
    spec.timeout = m_s.timeout;
    std::error_code size_ec;
    const auto log_offset = fs::exists(spec.log_file, size_ec) ? fs::file_size(spec.log_file, size_ec) : 0;
    const auto result = run_process(spec);
    if (result.end == util::ProcessEnd::interrupted) {
      throw Interrupted{};
    }
    const bool verdict_exit =
      result.end == util::ProcessEnd::exited && (result.exit_code == 0 || result.exit_code == 1);
    if (!verdict_exit) {
      throw StepFailed{fmt::format("smart-decide {} for {}; see {}", result.describe(), label,
                                   spec.log_file.filename().string())};
    }
    json::object object;
    try {
      object = read_json_object(spec.stdout_file);
    } catch (const util::Failure& e) {
      throw StepFailed{fmt::format("smart-decide for {}: {}", label, e.what())};
    }
    Decision decision;
    if (const auto* d = object.if_contains("decision"); d && d->is_string()) {
      decision.decision = std::string(d->as_string());
    }
    // Uncertain => revert: only an exit 0 that also says keep keeps.
    if (decision.decision == "keep" && result.exit_code != 0) {
      decision.decision = "revert";
    }
    if (decision.decision != "keep" && decision.decision != "inconclusive") {
      decision.decision = "revert";
    }
    if (const auto* b = object.if_contains("borderline"); b && b->is_bool()) {
      decision.borderline = b->as_bool();
    }
    if (const auto* reasons = object.if_contains("reasons"); reasons && reasons->is_array()) {
      for (const auto& reason : reasons->as_array()) {
        if (reason.is_string()) {
          decision.reasons.emplace_back(reason.as_string());
        }
      }
    }
    if (const auto* by = object.if_contains("decided_by"); by && by->is_string()) {
      decision.decided_by = std::string(by->as_string());
    }
    decision.improve_pct = json_number(object, "improve_pct");
    decision.err_delta_pct = json_number(object, "err_delta_pct");
    if (const auto account = inconclusive_account(object, m_s.variant.count())) {
      decision.reasons.insert(decision.reasons.begin(), *account);
    }
    if (quiet) {
      return decision;
    }
    const auto decide_log = util::read_file(spec.log_file);
    for (auto line : util::split(
           std::string_view(decide_log).substr(std::min<std::size_t>(log_offset, decide_log.size())), '\n')) {
      if (!util::trim(line).empty()) {
        log(fmt::format("   {}", util::printable(line, 300)));
      }
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
  void coach(const std::string& label, Decision& decision)
  {
    if (!m_ctx.config.has("COACH_URL") || m_s.mode == RunMode::calibrate) {
      return;
    }
    const auto tool = m_ctx.bin_dir / "smart-phone";
    const auto exchange = m_dir / "coach-exchange.log";
    auto note = [&](const std::string& text) {
      util::append_line(exchange, fmt::format("{} smart-run: {}", now_text(), text), 0600);
    };
    if (::access(tool.c_str(), X_OK) != 0) {
      log("coach: smart-phone is not installed; borderline verdict stays revert");
      note(fmt::format("{}: borderline; smart-phone not found at {}", label, tool.string()));
      return;
    }
    util::ProcessSpec spec;
    spec.argv = {tool.string()};
    if (m_ctx.config_file) {
      spec.argv.insert(spec.argv.end(), {"--config", m_ctx.config_file->string()});
    }
    spec.argv.insert(spec.argv.end(), {"--ask", "--run-dir", m_dir.string(), "--variant", label});
    spec.cwd = m_dir;
    spec.env = tool_environment();
    spec.stdout_file = m_dir / fmt::format(".coach.{}.json", label);
    spec.log_file = exchange;
    spec.timeout = m_ctx.config.duration("COACH_TIMEOUT") + Duration(2);
    note(fmt::format("{}: borderline ({}); asking the coach: {}", label,
                     util::printable(join(decision.reasons), 300), tool.filename().string()));
    log(fmt::format("coach: borderline verdict on {}; asking (timeout {})", label,
                    format_duration(*spec.timeout)));
    const auto result = run_process(spec);
    std::error_code ec;
    std::string answer_text;
    try {
      answer_text = util::read_file(*&spec.stdout_file);
    } catch (const util::Failure&) {
    }
    fs::remove(spec.stdout_file, ec);
    if (result.end == util::ProcessEnd::interrupted) {
      note(fmt::format("{}: interrupted", label));
      throw Interrupted{};
    }
    if (!result.ok()) {
      note(fmt::format("{}: no answer ({}); revert", label, result.describe()));
      log(fmt::format("coach: no answer ({}); revert", result.describe()));
      return;
    }
    boost::system::error_code jec;
    auto answer = json::parse(answer_text, jec);
    if (jec || !answer.is_object()) {
      note(fmt::format("{}: unreadable answer {}; revert", label, util::printable(answer_text, 300)));
      log("coach: unreadable answer; revert");
      return;
    }
    const auto& object = answer.as_object();
    note(fmt::format("{}: answer {}", label, util::printable(json::serialize(object), 1000)));
    const auto* verdict = object.if_contains("verdict");
    const auto confidence = json_number(object, "confidence").value_or(0);
    std::string reason;
    if (const auto* r = object.if_contains("reason"); r && r->is_string()) {
      reason = std::string(r->as_string());
    }
    const double min_confidence = m_ctx.config.number("COACH_MIN_CONFIDENCE");
    const bool keep =
      verdict && verdict->is_string() && verdict->as_string() == "keep" && confidence >= min_confidence;
    // Recorded in summary.json and state.json, which smart-run writes;
    // coach.json is smart-phone's (the advice of the run report).
    m_summary.coach_ask =
      json::object{{"variant", label},
                   {"verdict", verdict && verdict->is_string() ? json::value(verdict->as_string()) : nullptr},
                   {"confidence", confidence},
                   {"reason", reason},
                   {"applied", keep}};
    auto& vr = result_of(label);
    if (keep) {
      decision.decision = "keep";
      vr.reasons.push_back(fmt::format("coach: keep (confidence {:.2f} >= {:.2f}): {}", confidence,
                                       min_confidence, util::printable(reason, 200)));
      note(fmt::format("{}: verdict keep with confidence {:.2f} >= {:.2f}: kept", label, confidence,
                       min_confidence));
      log(fmt::format("coach: keep with confidence {:.2f}: {}", confidence, util::printable(reason, 200)));
    } else {
      vr.reasons.push_back(
        fmt::format("coach: not keep (verdict {}, confidence {:.2f}, need keep >= {:.2f})",
                    verdict && verdict->is_string() ? std::string(verdict->as_string()) : "none", confidence,
                    min_confidence));
      note(fmt::format("{}: not a confident keep; revert", label));
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
      save_fingerprint();
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
    hook("smart-phone", {m_id});
    hook("smart-dashboard", {});
    log(fmt::format("results in: {}", m_dir.string()));
  }

  void save_fingerprint()
  {
    const auto dir = m_ctx.store.var_dir() / "fingerprints";
    std::error_code ec;
    fs::create_directories(dir, ec);
    util::write_file_atomically(dir / (m_exp.id + ".txt"), fingerprint(m_exp, m_ctx.config) + "\n");
  }

  // After the run: never fails it.
  void hook(const std::string& name, const std::vector<std::string>& args)
  {
    const auto tool = m_ctx.bin_dir / name;
    if (::access(tool.c_str(), X_OK) != 0) {
      return;
    }
    util::ProcessSpec spec;
    spec.argv = {tool.string()};
    if (m_ctx.config_file) {
      spec.argv.insert(spec.argv.end(), {"--config", m_ctx.config_file->string()});
    }
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    spec.env = tool_environment();
    spec.log_file = m_dir / fmt::format("{}.log", name);
    spec.timeout = Duration(60);
    spec.interruptible = util::Interruptible::no;
    const auto result = run_process(spec);
    log(fmt::format(">> {}: {}", name,
                    result.ok() ? "done" : result.describe() + " (the run is not affected)"));
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

  static std::string join(const std::vector<std::string>& parts)
  {
    std::string out;
    for (const auto& part : parts) {
      out += (out.empty() ? "" : "; ") + part;
    }
    return out;
  }

  void log(const std::string& text) { m_ctx.log.line(text); }

  const RunContext& m_ctx;
  const Experiment& m_exp;
  RunSettings m_s;
  std::string m_id;
  fs::path m_dir;
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

RunSettings resolve_settings(const Experiment& exp, const Config& config, const SettingsOverrides& o)
{
  RunSettings s;
  s.baseline = o.baseline.value_or(exp.baseline_seconds.value_or(config.duration("BASELINE_SECONDS")));
  s.variant = o.variant.value_or(exp.variant_seconds.value_or(config.duration("EXPERIMENT_SECONDS")));
  s.cooldown = o.cooldown.value_or(exp.cooldown_seconds.value_or(config.duration("COOLDOWN_SECONDS")));
  s.timeout = o.timeout.value_or(exp.timeout);
  // Blocks: 30 s, or a quarter of the variant's time when that is shorter,
  // so even a short run has four pairs to compare.
  s.block = o.block.value_or(exp.block_seconds.value_or(std::min(Duration(30), s.variant / 4)));
  // Warm-up after each switch: the cooldown, but never longer than a block.
  s.warmup = o.warmup.value_or(exp.warmup_seconds.value_or(std::min(s.cooldown, s.block)));
  s.improve_pct = exp.thresholds.improve_pct.value_or(config.number("IMPROVE_PCT"));
  s.max_err_delta_pct = exp.thresholds.max_err_delta_pct.value_or(config.number("MAX_ERR_DELTA_PCT"));
  s.metric = exp.thresholds.metric.value_or("p50");
  s.abort_err_pct = config.number("ABORT_ERR_PCT");
  s.design = o.design.value_or(exp.design);
  s.strategy = exp.strategy;
  s.looks = plan_blocks(s).looks;
  return s;
}

BlockPlan plan_blocks(const RunSettings& settings)
{
  BlockPlan plan;
  const double ratio = settings.block.count() > 0 ? settings.variant.count() / settings.block.count() : 2;
  plan.pairs = std::max(2, static_cast<int>(std::ceil(ratio - 1e-9)));
  // Even, so the ABBA order ends on the baseline.
  plan.pairs += plan.pairs % 2;
  // A look every 4 pairs (at least 4 pairs a look), up to 4 looks.
  plan.looks = std::clamp(plan.pairs / 4, 1, 4);
  for (int k = 1; k <= plan.looks; ++k) {
    int after = static_cast<int>(std::ceil(static_cast<double>(plan.pairs) * k / plan.looks));
    after += after % 2; // look after complete ABBA quartets
    plan.look_after.push_back(std::min(after, plan.pairs));
  }
  plan.look_after.erase(std::unique(plan.look_after.begin(), plan.look_after.end()), plan.look_after.end());
  plan.looks = static_cast<int>(plan.look_after.size());
  return plan;
}

std::map<std::string, std::string> command_environment(const Config& config, const std::string& experiment,
                                                       const std::string& variant, const std::string& run_id,
                                                       const fs::path& run_dir, const fs::path& output)
{
  auto env = util::current_environment();
  for (auto it = env.begin(); it != env.end();) {
    it = Config::is_secret_key(it->first) ? env.erase(it) : std::next(it);
  }
  for (const auto& [key, value] : config.exported()) {
    env[key] = value;
  }
  env["SMART_EXPERIMENT"] = experiment;
  env["SMART_VARIANT"] = variant;
  env["SMART_RUN_ID"] = run_id;
  env["SMART_RUN_DIR"] = run_dir.string();
  env["SMART_OUTPUT"] = output.string();
  return env;
}

RunSummary run_experiment(const RunContext& ctx, const Experiment& exp, const RunSettings& settings)
{
  Runner runner(ctx, exp, settings);
  return runner.run();
}

bool recover_pending(const RunContext& ctx, const Pending& pending)
{
  ctx.log.line(fmt::format("found pending.json: run {} (pid {}) was interrupted while {} of {} was applied; "
                           "reverting first",
                           pending.run_id, pending.pid, pending.variant, pending.experiment));
  // The snapshot is what ran; the directory is where its commands run.
  std::optional<Experiment> exp;
  const auto snapshot = pending.run_dir / "meta.json";
  std::error_code ec;
  try {
    exp = parse_experiment(
      util::read_file(fs::exists(snapshot, ec) ? snapshot : pending.experiment_dir / "meta.json"),
      "meta.json", pending.experiment_dir);
  } catch (const std::exception& e) {
    ctx.log.line(fmt::format("cannot read the interrupted experiment: {}", e.what()));
  }
  const auto run_dir = pending.run_dir.empty() ? ctx.store.var_dir() : pending.run_dir;
  bool ok = false;
  std::string why;
  if (exp) {
    util::ProcessSpec spec;
    spec.argv = exp->revert.to_argv();
    spec.cwd = pending.experiment_dir;
    spec.env =
      command_environment(ctx.config, pending.experiment, pending.variant, pending.run_id, run_dir, {});
    spec.log_file = run_dir / fmt::format("revert.{}.recovery.log", pending.variant);
    spec.timeout = exp->timeout;
    spec.interruptible = util::Interruptible::no;
    ctx.log.line(fmt::format("revert {}: {}", pending.variant, exp->revert.display()));
    auto result = run_process(spec);
    ok = result.ok();
    why = result.describe();
    if (ok && !exp->check.empty()) {
      spec.argv = exp->check.to_argv();
      spec.log_file = run_dir / fmt::format("check.{}.recovery.log", pending.variant);
      result = run_process(spec);
      ok = result.ok();
      why = "check after revert " + result.describe();
    }
  } else {
    why = "the experiment could not be loaded";
  }

  // Record the interrupted run as aborted (unless it managed to finish).
  RunSummary summary;
  bool have = false;
  if (fs::exists(run_dir / "summary.json", ec)) {
    have = true;
  }
  summary.run_id = pending.run_id;
  summary.experiment = pending.experiment;
  summary.description = exp ? exp->description : "";
  summary.started_at = pending.since;
  summary.finished_at = now_text();
  summary.host = host_name();
  summary.strategy = exp ? std::string(to_string(exp->strategy)) : "";
  summary.design = exp ? std::string(to_string(exp->design)) : "";
  VariantResult variant;
  variant.name = pending.variant;
  variant.outcome = "aborted";
  variant.reasons.push_back("smart-run died while it was applied; reverted by the next run");
  summary.variants.push_back(variant);
  if (ok) {
    summary.status = "aborted";
    summary.reason =
      fmt::format("interrupted: smart-run (pid {}) died while {} was applied; reverted by the next run",
                  pending.pid, pending.variant);
    ctx.store.clear_pending();
    ctx.log.line(fmt::format("reverted {}; run {} recorded as aborted", pending.variant, pending.run_id));
  } else {
    summary.status = "revert_failed";
    summary.reason = fmt::format("recovery revert of {} failed: {}", pending.variant, why);
    const json::object record{{"run_id", pending.run_id},
                              {"experiment", pending.experiment},
                              {"experiment_dir", pending.experiment_dir.string()},
                              {"variant", pending.variant},
                              {"run_dir", run_dir.string()},
                              {"failed_at", now_text()},
                              {"reason", summary.reason}};
    ctx.store.write_revert_failed(record);
    ctx.store.clear_pending();
    ctx.log.alarm(
      fmt::format("REVERT FAILED while recovering run {}: the server may NOT be in its baseline state.\n"
                  "{}\nFix it by hand, then run: smart-run --clear-revert-failed",
                  pending.run_id, summary.reason));
  }
  if (!have && fs::is_directory(run_dir, ec) && run_dir != ctx.store.var_dir()) {
    ctx.store.write_summary(run_dir, summary);
  }
  ctx.store.write_state(summary);
  ctx.store.append_history(summary);
  return ok;
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

std::string fingerprint(const Experiment& exp, const Config& config)
{
  std::string out;
  for (const auto& raw : exp.manages) {
    // ${KEY} names a configuration value (smart.conf or the environment).
    std::string text = raw.string();
    for (std::size_t at = text.find("${"); at != std::string::npos; at = text.find("${", at)) {
      const auto close = text.find('}', at);
      if (close == std::string::npos) {
        break;
      }
      const auto key = text.substr(at + 2, close - at - 2);
      const auto values = config.exported();
      const auto it = values.find(key);
      const std::string value = it != values.end() ? it->second : std::string();
      text.replace(at, close - at + 1, value);
      at += value.size();
    }
    const fs::path path(text);
    const auto full = path.is_absolute() ? path : exp.dir / path;
    std::string content;
    bool present = true;
    try {
      content = util::read_file(full);
    } catch (const util::Failure&) {
      present = false;
    }
    out += fmt::format("{}{}={}", out.empty() ? "" : " ", full.string(),
                       present ? fmt::format("{}:{:016x}", content.size(), fnv1a(content))
                               : std::string("missing"));
  }
  return out;
}

} // namespace smart
