#include <smart/run/run_record.hpp>

#include <smart/run/fingerprint.hpp>
#include <smart/run/test_pause.hpp>
#include <smart/util/strings.hpp>
#include <smart/util/units.hpp>

#include <fmt/format.h>

#include <chrono>

namespace smart {

using util::format_duration;

void log_run_start(RunLog& log, const RunSummary& summary, const Experiment& exp, const RunSettings& s,
                   const std::filesystem::path& run_dir)
{
  log.line("================================");
  log.line(fmt::format("smart-run {}: experiment {}{}", summary.run_id, exp.id,
                       summary.mode == "run" ? "" : fmt::format(" ({})", summary.mode)));
  log.line(fmt::format("run directory: {}", run_dir.string()));
  // The baseline's own measurement and the cooldown belong to the
  // sequential design; the interleaved one says its blocks below.
  log.line(
    s.design == Design::sequential
      ? fmt::format("design {}, strategy {}, {} variant(s), variant {}, baseline {}, cooldown {}, timeout {}",
                    summary.design, summary.strategy, exp.variants.size(), format_duration(s.variant),
                    format_duration(s.baseline), format_duration(s.cooldown), format_duration(s.timeout))
      : fmt::format("design {}, strategy {}, {} variant(s), {} a variant, timeout {}", summary.design,
                    summary.strategy, exp.variants.size(), format_duration(s.variant),
                    format_duration(s.timeout)));
  if (s.design == Design::interleaved) {
    const auto plan = plan_blocks(s);
    log.line(
      fmt::format("interleaved: {} block pairs of {}, warm-up {} after each switch, {} planned look(s)",
                  plan.pairs, format_duration(s.block), format_duration(s.warmup), plan.looks));
  }
  log.line("================================");
}

void record_run_end(const RunContext& ctx, const SiblingTools& tools, const Experiment& exp,
                    const RunSummary& summary, const std::filesystem::path& run_dir,
                    const std::string& managed_before)
{
  ctx.log.clear_progress();
  ctx.log.line("");
  ctx.log.line("================================");
  ctx.log.line(fmt::format("run {}: {} — kept: {} — {}", summary.run_id, to_string(summary.status),
                           summary.kept_variant, util::printable(summary.reason, 400)));
  ctx.log.line("================================");
  test_pause_point("state-write");
  // The managed files' fingerprint as this run leaves them, in its record
  // too: a settled experiment whose files changed since (an adopted
  // operator's change) is run again by --next.
  const bool fingerprinted = !exp.manages.empty() && summary.status != RunStatus::revert_failed;
  RunSummary recorded = summary;
  const std::string managed = fingerprinted ? fingerprint(exp, ctx.config) : std::string();
  if (fingerprinted) {
    recorded.extra["managed_fingerprint"] = managed;
  }
  try {
    ctx.store.write_summary(run_dir, recorded);
    ctx.store.write_state(recorded);
    ctx.store.append_history(recorded);
  } catch (const std::exception& e) {
    if (summary.status != RunStatus::revert_failed) {
      throw;
    }
    // The alarm was raised; exit 3 must not turn into a write error's exit 1.
    ctx.log.line(fmt::format("cannot record the run: {}", e.what()));
  }
  if (fingerprinted) {
    save_fingerprint(ctx.store, exp.id, managed);
    follow_shared_files(ctx.store, exp, ctx.config, managed_before);
  }
  const auto removed = ctx.store.prune(ctx.config.retain_days(), ctx.config.retain_runs(),
                                       std::chrono::system_clock::now(), summary.run_id);
  if (!removed.empty()) {
    ctx.log.line(
      fmt::format("retention: removed {} old run director{} (their summaries stay in history.jsonl)",
                  removed.size(), removed.size() == 1 ? "y" : "ies"));
  }
  // The coach first, so advice it returns is on the page the dashboard
  // renders now rather than the next one (smart-phone bounds itself to
  // 45 s of sending; the hook's 60 s timeout is the backstop).
  tools.hook("smart-phone", {summary.run_id});
  tools.hook("smart-dashboard", {});
  // Alerts last: they read health as the dashboard just wrote it.
  tools.hook("smart-phone", {"--notify", summary.run_id});
  ctx.log.line(fmt::format("results in: {}", run_dir.string()));
}

} // namespace smart
