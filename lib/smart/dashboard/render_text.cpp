#include <smart/dashboard/render.hpp>
#include <smart/dashboard/trends.hpp>
#include <smart/outcome.hpp>
#include <smart/util/time.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

namespace smart::dashboard {

namespace {

// Control characters from a file must not reach the terminal (escape
// sequences could rewrite the screen); they become '?'.
std::string safe(std::string_view text)
{
  std::string out(text);
  for (auto& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      c = '?';
    }
  }
  return out;
}

struct Painter {
  bool color;
  std::string operator()(std::string_view code, std::string_view text) const
  {
    return color ? fmt::format("\x1b[{}m{}\x1b[0m", code, text) : std::string(text);
  }
};

std::string_view tone_color(outcome::Tone tone)
{
  switch (tone) {
  case outcome::Tone::good:
    return "1;32";
  case outcome::Tone::bad:
    return "1;31";
  case outcome::Tone::warn:
    return "1;33";
  case outcome::Tone::neutral:
    break;
  }
  return "1";
}

std::string_view health_color(HealthStatus status)
{
  return tone_color(status == HealthStatus::ok      ? outcome::Tone::good
                    : status == HealthStatus::stale ? outcome::Tone::warn
                                                    : outcome::Tone::bad);
}

std::string upper(std::string_view text)
{
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return c == '_' ? ' ' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  });
  return out;
}

template<typename... Args>
void line(std::string& out, fmt::format_string<Args...> format, Args&&... args)
{
  fmt::format_to(std::back_inserter(out), format, std::forward<Args>(args)...);
  while (!out.empty() && out.back() == ' ') {
    out.pop_back();
  }
  out += '\n';
}

// Per experiment: its runs over time, and each variant's results across
// them (did the win hold?), newest experiment first.
void trends_text(std::string& out, const Model& model, const RenderContext& context)
{
  constexpr std::size_t cells = 6;
  for (const auto& trend : experiment_trends(model.history, context.trend_runs)) {
    const auto* first = trend.runs.front();
    const auto* last = trend.runs.back();
    const std::string risk = model.risk_of(trend.experiment);
    out += '\n';
    line(out, "trend       {} (risk: {}): {} run{}{}", safe(trend.experiment),
         risk.empty() ? "unknown" : safe(risk), trend.runs.size(), trend.runs.size() == 1 ? "" : "s",
         first->finished && last->finished
           ? fmt::format(", {} to {}", util::format_rfc3339(*first->finished).substr(0, 16),
                         util::format_rfc3339(*last->finished).substr(0, 16))
           : "");
    line(out, "            baseline p50 {} ms first, {} ms last{}", format_ms(first->baseline.p50_ms),
         format_ms(last->baseline.p50_ms), trend.runs.size() == 1 ? " (one run: no trend yet)" : "");
    std::size_t width = 8;
    for (const auto& variant : trend.variants) {
      width = std::max(width, variant.name.size());
    }
    for (const auto& variant : trend.variants) {
      std::string cells_text;
      const std::size_t shown = std::min(cells, variant.results.size());
      for (std::size_t k = variant.results.size() - shown; k < variant.results.size(); ++k) {
        const auto& [run, result] = variant.results[k];
        const bool kept = run->status == "kept" && run->mode != "advise" && run->kept_variant == result->name;
        cells_text +=
          fmt::format("{}{}{}", cells_text.empty() ? "" : " ", change_text(*result), kept ? "*" : "");
      }
      line(out, "            {:<{}}  {}  ({})", safe(variant.name), width, cells_text, held_phrase(variant));
    }
  }
}

// Health, what a failed revert left behind, and the run in progress.
void health_text(std::string& out, const Painter& paint, const Model& model, const RenderContext& context)
{
  const auto& health = context.health;
  const auto health_status = to_string(health.status);
  line(out, "health      {}  {}", paint(health_color(health.status), upper(health_status)),
       safe(health.message));
  if (health.status == HealthStatus::revert_failed && model.revert_failed) {
    const auto& failed = *model.revert_failed;
    line(out, "            experiment {} variant {} run {}: {}", safe(failed.experiment),
         safe(failed.variant), safe(failed.run_id), safe(failed.message));
    if (!failed.revert_command.empty()) {
      line(out, "            revert command: {}", safe(failed.revert_command));
    }
    line(out, "            restore the setting by hand, then run smart-run --clear-revert-failed");
  }
  if (model.running) {
    line(out, "running     {}", paint(tone_color(outcome::Tone::warn), "NOW"));
    line(out, "            {}", safe(running_phrase(*model.running, context.now)));
  }
}

// The last run: when, which experiment, its outcome and reason.
void last_run_text(std::string& out, const Painter& paint, const Model& model, const RunSummary& run,
                   util::SystemTime now)
{
  line(out, "last run    {}  finished {}{}", safe(run.run_id), safe(run.finished_at),
       run.finished ? fmt::format(" ({} ago)", format_age(now - *run.finished)) : "");
  const std::string risk = model.risk_of(run.experiment);
  line(out, "experiment  {}{}{}  (risk: {})", safe(run.experiment), run.description.empty() ? "" : " — ",
       safe(run.description), risk.empty() ? "unknown" : safe(risk));
  line(out, "outcome     {}  kept: {}",
       paint(tone_color(outcome::run_tone(run.status, run.mode)),
             upper(outcome::run_label(run.status, run.mode))),
       safe(kept_phrase(model, run)));
  if (!run.reason.empty()) {
    line(out, "reason      {}", safe(run.reason));
  }
  out += '\n';
}

// The last run's table: the baseline and each variant.
void variants_text(std::string& out, const Painter& paint, const RunSummary& run)
{
  std::size_t width = 8;
  for (const auto& variant : run.variants) {
    width = std::max(width, variant.name.size() + 2);
  }
  // Δ: the number the reasons use (the decision's estimate) when there is
  // one, else the difference of the medians; the header says which.
  const bool estimates = std::any_of(run.variants.begin(), run.variants.end(),
                                     [](const VariantResult& v) { return v.estimate_pct.has_value(); });
  line(out, "  {:<{}} {:>7} {:>8} {:>8} {:>7} {:>8}  {}", "variant", width, "n", "p50 ms", "p95 ms", "err %",
       estimates ? "Δ est." : "Δ median", "verdict");
  auto row = [&](const std::string& name, const Stats& stats, std::string_view tail_delta,
                 const std::string& verdict) {
    line(out, "  {:<{}} {:>7} {:>8} {:>8} {:>7} {:>8}  {}", safe(name), width,
         stats.n ? fmt::format("{:.0f}", *stats.n) : "–", format_ms(stats.p50_ms), format_ms(stats.p95_ms),
         format_pct(stats.err_pct), tail_delta, verdict);
  };
  row("baseline", run.baseline, "", "");
  for (const auto& variant : run.variants) {
    const OptNumber shown = estimates ? variant.estimate_pct : variant.improve_pct;
    std::string delta = shown ? outcome::signed_pct(-*shown) : "–";
    std::string verdict = paint(tone_color(outcome::verdict_tone(variant.outcome, run.mode)),
                                outcome::verdict_label(variant.outcome, run.mode));
    if (variant.borderline) {
      verdict += " borderline";
    }
    row(variant.name + (variant.name == run.kept_variant ? " *" : ""), variant.stats, delta, verdict);
  }
}

// Why each verdict: the decision's reasons and confidence.
void reasons_text(std::string& out, const RunSummary& run)
{
  bool any_reason = false;
  for (const auto& variant : run.variants) {
    if (variant.reasons.empty()) {
      continue;
    }
    if (!any_reason) {
      out += '\n';
      any_reason = true;
    }
    std::string reasons;
    for (const auto& reason : variant.reasons) {
      reasons += (reasons.empty() ? "" : "; ") + safe(reason);
    }
    const std::string confidence = confidence_summary(variant);
    const bool looks_better = variant.improve_pct && *variant.improve_pct > 0 && variant.outcome != "keep";
    line(out, "  {}: {}{}{}{}{}", safe(variant.name),
         looks_better ? outcome::verdict_explanation(variant.outcome, run.mode) : "",
         looks_better ? "; " : "", reasons, confidence.empty() ? "" : "; ", confidence);
  }
}

void coach_text(std::string& out, const Coach& coach)
{
  out += '\n';
  if (!coach.verdict.empty()) {
    line(out, "coach       asked about {}: {}{}{}", safe(coach.variant), safe(coach.verdict),
         coach.ask_confidence ? fmt::format(", confidence {:.0f}%", *coach.ask_confidence * 100) : "",
         !coach.applied   ? ""
         : *coach.applied ? ", applied"
                          : ", not applied");
    line(out, "            {}", safe(coach.reason));
  }
  if (coach.verdict.empty() || !coach.advice.empty()) {
    line(out, "{}{}", coach.verdict.empty() ? "coach       " : "            ", safe(coach.advice));
  }
  if (!coach.next_variant.empty()) {
    line(out, "            next to try: {}{}", safe(coach.next_variant),
         coach.confidence ? fmt::format(" (confidence {:.0f}%)", *coach.confidence * 100) : "");
  }
}

// The history's counts, then the trends per experiment.
void history_text(std::string& out, const Model& model, const RenderContext& context)
{
  std::size_t kept = 0, failed = 0;
  for (const auto& past : model.history) {
    kept += past.status == "kept" ? 1U : 0U;
    failed += is_failure_status(past.status) ? 1U : 0U;
  }
  out += '\n';
  line(out, "history     {} run{}: {} kept, {} failed or aborted", model.history.size(),
       model.history.size() == 1 ? "" : "s", kept, failed);
  trends_text(out, model, context);
}

} // namespace

std::string render_text(const Model& model, const RenderContext& context, bool color)
{
  const Painter paint{color};
  std::string out;
  health_text(out, paint, model, context);
  if (!model.last) {
    line(out, "last run    none yet: the first appears after `smart-run --next` (the timer runs it)");
    return out;
  }
  const auto& run = *model.last;
  last_run_text(out, paint, model, run, context.now);
  variants_text(out, paint, run);
  reasons_text(out, run);
  if (run.coach) {
    coach_text(out, *run.coach);
  }
  if (!model.history.empty()) {
    history_text(out, model, context);
  }
  return out;
}

} // namespace smart::dashboard
