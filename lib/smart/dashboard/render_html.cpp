#include <smart/dashboard/render.hpp>
#include <smart/inference.hpp>
#include <smart/outcome.hpp>

#include <smart/dashboard/charts.hpp>
#include <smart/dashboard/render_html_parts.hpp>
#include <smart/dashboard/trends.hpp>
#include <smart/util/strings.hpp>
#include <smart/util/units.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

namespace smart::dashboard {

namespace html_page {

std::string_view status_label(const RunSummary& run)
{
  return outcome::run_label(run.status, run.mode);
}

// A CSS class token from a known vocabulary only (never a raw file value).
std::string_view status_class(const RunSummary& run)
{
  return outcome::to_string(outcome::run_tone(run.status, run.mode));
}

std::string_view outcome_class(std::string_view verdict, std::string_view mode)
{
  return outcome::to_string(outcome::verdict_tone(verdict, mode));
}

void run_link(Html& html, const std::string& run_id, std::string_view file)
{
  if (!util::is_safe_name(run_id)) {
    html.text(run_id);
    return;
  }
  html.raw("<a href=\"runs/").text(run_id).raw("/").text(file).raw("\">");
  html.text(file.empty() ? std::string_view(run_id) : file).raw("</a>");
}

// Δ p50 as a latency change: negative is faster. Green only when the
// variant was kept: a faster number that was not kept says why (an
// inconclusive verdict is not a win).
void delta_cell(Html& html, OptNumber improve_pct, std::string_view verdict, std::string_view mode,
                bool with_verdict)
{
  if (!improve_pct) {
    html.raw("<td class=\"num col-delta\">–</td>");
    return;
  }
  const double change = -*improve_pct;
  const bool kept = verdict == "keep";
  html.f("<td class=\"num col-delta {}\"", change < 0 && kept ? "good-text" : change > 0 ? "bad-text" : "");
  const bool explain = change < 0 && !kept && !outcome::verdict_explanation(verdict, mode).empty();
  if (explain) {
    html.raw(" title=\"").text(outcome::verdict_explanation(verdict, mode)).raw("\"");
  }
  html.raw(">").text(outcome::signed_pct(change));
  if (explain && with_verdict) {
    html.f(" <span class=\"pill {}\">{}</span>", outcome_class(verdict, mode),
           outcome::verdict_label(verdict, mode));
  }
  html.raw("</td>");
}

// An experiment's risk class (meta.json "risk") as a pill; the class token
// from a known vocabulary only.
void risk_pill(Html& html, const std::string& risk)
{
  const bool risky = risk == "durability" || risk == "availability";
  html.f("<span class=\"pill risk {}\" title=\"risk class (meta.json risk): what a bad value of this "
         "experiment can "
         "cost\">risk: ",
         risky ? "warn" : "neutral");
  html.text(risk.empty() ? "unknown" : risk).raw("</span>");
}

} // namespace html_page

namespace {

using html_page::delta_cell;
using html_page::Html;
using html_page::risk_pill;
using html_page::run_link;
using html_page::status_card;
using html_page::status_class;
using html_page::status_label;

// Only what the page needs from its own origin; nothing inline can run or
// style, so an escaped-but-missed string still could not execute.
constexpr std::string_view csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
                                 "object-src 'none'; base-uri 'none'; form-action 'none'";

void health_pill(Html& html, const Health& health)
{
  const auto status = to_string(health.status);
  std::string_view label = status == "revert_failed" ? "revert failed" : status;
  std::string_view css = health.status == HealthStatus::ok      ? "good"
                         : health.status == HealthStatus::stale ? "warn"
                                                                : "bad";
  html.f("<span class=\"pill {}\" id=\"health\" data-status=\"{}\">health: {}</span>", css, status, label);
}

void banner(Html& html, const Model& model, const Health& health)
{
  if (health.status == HealthStatus::ok) {
    return;
  }
  const auto status = to_string(health.status);
  html.f("<div class=\"banner banner-{}\" id=\"banner\" role=\"alert\">", status);
  if (health.status == HealthStatus::revert_failed) {
    html.raw("<strong>REVERT FAILED — the server may not be in its baseline state.</strong> ");
    if (model.revert_failed) {
      const auto& failed = *model.revert_failed;
      if (!failed.experiment.empty()) {
        html.raw("Experiment <b>").text(failed.experiment).raw("</b>");
        if (!failed.variant.empty()) {
          html.raw(", variant <b>").text(failed.variant).raw("</b>");
        }
        if (!failed.run_id.empty()) {
          html.raw(", run ");
          run_link(html, failed.run_id);
        }
        html.raw(". ");
      }
      if (!failed.message.empty()) {
        html.text(failed.message).raw(failed.message.back() == '.' ? " " : ". ");
      }
      if (!failed.revert_command.empty()) {
        html.raw("The revert command was <code>").text(failed.revert_command).raw("</code>. ");
      }
    }
    html.raw("Restore the setting by hand, then run <code>smart-run --clear-revert-failed</code>; "
             "smart-run will not start until then.");
  } else {
    html.f("<strong>{}:</strong> ", health.status == HealthStatus::stale ? "Stale" : "Failing");
    html.text(health.message);
    if (health.status == HealthStatus::failing && model.last && !model.last->reason.empty()) {
      html.raw(" Last: ").text(model.last->reason);
    }
  }
  html.raw("</div>\n");
}

void coach_card(Html& html, const Coach& coach)
{
  html.raw("<section class=\"card coach\" id=\"coach\"><h2>Coach</h2>\n");
  if (!coach.verdict.empty()) {
    // smart-run asked about a borderline verdict.
    html.raw("<p>Asked about <b>").text(coach.variant.empty() ? "a borderline verdict" : coach.variant);
    html.f("</b>: <span class=\"pill {}\">", coach.verdict == "keep" ? "good" : "neutral")
      .text(coach.verdict);
    html.raw("</span>");
    if (coach.ask_confidence) {
      html.f(" confidence {:.0f}%", *coach.ask_confidence * 100);
    }
    if (coach.applied) {
      html.raw(*coach.applied ? " · applied" : " · not applied (uncertain means revert)");
    }
    html.raw("</p>\n");
    if (!coach.reason.empty()) {
      html.raw("<p>").text(coach.reason).raw("</p>\n");
    }
  }
  if (!coach.advice.empty()) {
    html.raw("<p>").text(coach.advice).raw("</p>\n");
  }
  if (!coach.next_variant.empty()) {
    html.raw("<p class=\"muted\">next to try: <b>").text(coach.next_variant).raw("</b>");
    if (coach.confidence) {
      html.f(" · confidence {:.0f}%", *coach.confidence * 100);
    }
    html.raw("</p>\n");
  }
  html.raw("</section>\n");
}

void latency_card(Html& html, const Model& model)
{
  html.raw("<section class=\"card latency\" id=\"latency\"><h2>Latency distribution, last run</h2>\n");
  const std::string kept = model.last ? model.last->kept_variant : std::string();
  const std::string svg = cdf_chart_svg(model.curves, kept);
  if (svg.empty()) {
    html.raw("<p class=\"muted\">No samples to plot: the run's CSV files are missing or hold no successful "
             "request.</p>\n</section>\n");
    return;
  }
  html.raw(svg);
  html.raw("<ul class=\"legend\">");
  std::size_t series = 0;
  for (const auto& curve : model.curves) {
    html.f("<li><span class=\"swatch s{}\"></span>", std::min<std::size_t>(series++, 7)).text(curve.name);
    html.f(" <span class=\"muted\">n={}</span></li>", curve.n_good);
  }
  html.raw("</ul>\n</section>\n");
}

// What the server ran over time (every experiment): p50 and errors of
// what it ran after each run, and the cost of the measured arms when the
// runs recorded it ("no data" otherwise).
void over_time_card(Html& html, const Model& model, const RenderContext& context)
{
  std::vector<const RunSummary*> runs;
  const std::size_t first =
    model.history.size() > context.trend_runs ? model.history.size() - context.trend_runs : 0;
  for (std::size_t i = first; i < model.history.size(); ++i) {
    runs.push_back(&model.history[i]);
  }
  html.raw("<section class=\"card over-time\" id=\"over-time\"><h2>Over time</h2>\n"
           "<p class=\"muted\">What the server ran after each run (the kept variant after a keep, else the "
           "baseline; no point after a failed revert, when it is not known), every experiment, on a time "
           "axis.</p>\n<div class=\"trend-grid\">\n");
  auto server_chart = [&](std::string_view id, std::string_view caption, std::string_view y_label,
                          OptNumber (*value_of)(const RunSummary&), std::string_view unit) {
    TimeChart chart{"trend", std::string(caption), std::string(y_label), {{"s1", {}}}};
    for (const auto* run : runs) {
      const OptNumber value = value_of(*run);
      if (!run->finished || !value) {
        continue;
      }
      chart.series[0].points.push_back(
        {*run->finished, *value,
         fmt::format("{} · {} · {} · {}{}", run->run_id, run->experiment,
                     outcome::run_label(run->status, run->mode), format_ms(value), unit),
         run->status == "kept" && run->mode != "calibrate" && run->mode != "advise"});
    }
    html.f("<figure class=\"trend\" id=\"{}\"><figcaption>", id).text(caption).raw("</figcaption>\n");
    const std::string svg = time_chart_svg(chart);
    html.raw(svg.empty() ? "<p class=\"muted\">No data: no run measured it.</p>\n" : svg);
    html.raw("</figure>\n");
  };
  server_chart("trend-latency", "Latency the server ran (p50)", "p50 (ms)", server_p50_after, " ms");
  server_chart("trend-errors", "Error rate the server ran", "errors (%)", server_err_after, "%");
  for (const auto& [id, caption, metric] :
       {std::tuple{"trend-cpu", "Cost: CPU per request", TrendMetric::cpu_per_request},
        std::tuple{"trend-memory", "Cost: peak memory", TrendMetric::rss}}) {
    html.f("<figure class=\"trend\" id=\"{}\"><figcaption>{}", id, caption);
    html.raw(" <span class=\"muted\">baseline and chosen variant</span></figcaption>\n");
    const std::string svg = trend_chart_svg(runs, "every experiment", metric);
    html.raw(svg.empty()
               ? "<p class=\"muted nodata\">No data: no run recorded the service's CPU and memory (an "
                 "experiment records them when it names its service or pid file).</p>\n"
               : svg);
    html.raw("</figure>\n");
  }
  html.raw("</div>\n</section>\n");
}

// Per experiment: p50 over time, and each variant's results across its
// runs, "did the win hold?".
void trends_card(Html& html, const Model& model, const RenderContext& context)
{
  const auto trends = experiment_trends(model.history, context.trend_runs);
  html.raw("<section class=\"card trends\" id=\"trends\"><h2>Trends per experiment</h2>\n");
  if (trends.empty()) {
    html.raw("<p class=\"muted\">Trends appear after the first finished run.</p>\n</section>\n");
    return;
  }
  html.raw("<ul class=\"legend\"><li><span class=\"swatch s0\"></span>baseline p50</li>"
           "<li><span class=\"swatch s1\"></span>chosen variant p50</li>"
           "<li><span class=\"dot-key\"></span>kept</li></ul>\n<div class=\"trend-grid\">\n");
  constexpr std::size_t cells = 4; // the last results per variant; 2 at 360 px
  for (const auto& trend : trends) {
    html.raw("<figure class=\"trend\"><figcaption>")
      .text(trend.experiment.empty() ? "(unnamed)" : trend.experiment);
    html.f(" <span class=\"muted\">{} run{}</span> ", trend.runs.size(), trend.runs.size() == 1 ? "" : "s");
    risk_pill(html, model.risk_of(trend.experiment));
    html.raw("</figcaption>\n");
    html.raw(trend_chart_svg(trend.runs, trend.experiment));
    if (!trend.variants.empty()) {
      html.f(
        "<div class=\"table-wrap\"><table class=\"held\">\n<thead><tr><th>variant: did the win hold?</th>"
        "<th colspan=\"{}\" class=\"num\" title=\"the difference of the medians, oldest left; ★ kept\">"
        "Δ median, last runs</th></tr></thead>\n<tbody>\n",
        cells);
      for (const auto& variant : trend.variants) {
        html.raw("<tr><th scope=\"row\">").text(variant.name);
        html.raw(" <span class=\"held-words\">").text(held_phrase(variant)).raw("</span></th>");
        const std::size_t shown = std::min(cells, variant.results.size());
        for (std::size_t k = 0; k < cells - shown; ++k) {
          html.f("<td class=\"num{}\"></td>", k < cells - 2 ? " col-old" : "");
        }
        for (std::size_t k = variant.results.size() - shown; k < variant.results.size(); ++k) {
          const auto& [run, result] = variant.results[k];
          const std::size_t column = cells - (variant.results.size() - k);
          const bool kept =
            run->status == "kept" && run->mode != "advise" && run->kept_variant == result->name;
          html.f("<td class=\"num {}{}\" title=\"", kept ? "good-text" : "",
                 column < cells - 2 ? " col-old" : "");
          html.text(run->run_id)
            .raw(" · ")
            .text(outcome::verdict_label(result->outcome, run->mode))
            .raw("\">");
          html.text(change_text(*result)).raw(kept ? " ★" : "").raw("</td>");
        }
        html.raw("</tr>\n");
      }
      html.raw("</tbody></table></div>\n");
    }
    html.raw("</figure>\n");
  }
  html.raw("</div>\n</section>\n");
}

void history_card(Html& html, const Model& model, const RenderContext& context)
{
  html.raw("<section class=\"card history\" id=\"history\"><h2>History</h2>\n");
  if (model.history.empty()) {
    html.raw("<p class=\"muted\">No finished run yet.</p>\n</section>\n");
    return;
  }
  const std::size_t rows = std::min(context.history_rows, model.history.size());
  html.f("<p class=\"muted\">The last {} of {} runs, newest first. Each run's files are in "
         "<a href=\"runs/\">runs/</a>.</p>\n",
         rows, model.history.size());
  html.raw(
    "<div class=\"table-wrap\"><table class=\"runs\">\n<thead><tr><th>run</th><th "
    "class=\"col-when\">finished</th>"
    "<th>experiment</th><th>status</th><th class=\"col-kept\">kept</th><th class=\"num col-base\">base "
    "p50</th>"
    "<th class=\"num col-var\">var p50</th><th class=\"num\" title=\"the difference of the two medians\">Δ "
    "median</th><th class=\"col-reason\">reason</th>"
    "<th class=\"col-files\">files</th></tr></thead>\n<tbody>\n");
  for (std::size_t k = 0; k < rows; ++k) {
    const auto& run = model.history[model.history.size() - 1 - k];
    html.raw("<tr><td>");
    run_link(html, run.run_id);
    html.raw("</td><td class=\"col-when\">");
    if (run.finished) {
      const std::string iso = util::format_rfc3339(*run.finished);
      html.raw("<time datetime=\"").text(iso).raw("\">").text(iso.substr(0, 10)).raw(" ");
      html.text(iso.substr(11, 5)).raw("</time>");
    } else {
      html.text(run.finished_at);
    }
    html.raw("</td><td>").text(run.experiment);
    html.f("</td><td><span class=\"pill {}\">{}</span></td><td class=\"col-kept\">", status_class(run),
           status_label(run));
    html
      .text(run.status == "kept" && run.mode != "calibrate" && run.mode != "advise" ? run.kept_variant : "–")
      .raw("</td>");
    const auto* chosen = run.chosen();
    html.f("<td class=\"num col-base\">{}</td><td class=\"num col-var\">{}</td>",
           format_ms(run.baseline.p50_ms), format_ms(chosen ? chosen->stats.p50_ms : std::nullopt));
    delta_cell(html, chosen ? chosen->improve_pct : std::nullopt, chosen ? chosen->outcome : "", run.mode,
               true);
    html.raw("<td class=\"col-reason\">").text(run.reason).raw("</td><td class=\"col-files\">");
    run_link(html, run.run_id, "summary.json");
    html.raw(" ");
    run_link(html, run.run_id, "run.log");
    html.raw("</td></tr>\n");
  }
  html.raw("</tbody></table></div>\n</section>\n");
}

void empty_state(Html& html, const Health& health)
{
  html.raw("<section class=\"card status empty\" id=\"status\"><h2>No run yet</h2>\n"
           "<p>smart has not finished a run in this state directory. The first one appears here when "
           "<code>smart-run --next</code> finishes; the systemd timer runs it every ");
  html.text(util::format_duration(health.stale_after / 2));
  html.raw(" (<code>systemctl list-timers smart-run.timer</code>).</p>\n"
           "<p>To run one now: <code>sudo -u smart smart-run --next</code> (as the user the timer runs as). "
           "Each run measures a baseline, applies a variant, measures again, and keeps it only when the data "
           "says it is better.</p>\n"
           "</section>\n");
}

} // namespace

std::string confidence_summary(const VariantResult& variant)
{
  if (variant.estimate_pct && variant.ci_low_pct && variant.ci_high_pct && variant.confidence_level) {
    const auto bound = [](double value) { return outcome::bound(value); };
    // confidence_level is the one-sided level of the interval's lower end;
    // the interval itself is two-sided at 2c - 1, as smart-decide's reasons
    // say ("90% CI" for 0.95).
    return fmt::format("improvement {}% ({}% CI {} to {}%)", bound(*variant.estimate_pct),
                       inference::level_text(2 * *variant.confidence_level - 1), bound(*variant.ci_low_pct),
                       bound(*variant.ci_high_pct));
  }
  if (variant.confidence_level) {
    return fmt::format("at {:.0f}% confidence", *variant.confidence_level * 100);
  }
  return {};
}

std::string format_ms(OptNumber ms)
{
  if (!ms) {
    return "–";
  }
  const double v = *ms;
  if (v < 10) {
    return fmt::format("{:.2f}", v);
  }
  if (v < 100) {
    return fmt::format("{:.1f}", v);
  }
  return fmt::format("{:.0f}", v);
}

std::string format_pct(OptNumber pct)
{
  return pct ? fmt::format("{:.2f}", *pct) : "–";
}

std::string render_index_html(const Model& model, const RenderContext& context)
{
  Html html;
  html.out.reserve(64 * 1024 + model.history.size() * 64);
  const auto& health = context.health;
  html.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
  html.raw("<meta http-equiv=\"Content-Security-Policy\" content=\"").text(csp).raw("\">\n");
  html.raw("<meta name=\"color-scheme\" content=\"light dark\">\n<meta name=\"referrer\" "
           "content=\"no-referrer\">\n");
  html.raw("<title>");
  if (model.last) {
    html.raw("smart: ").text(model.last->experiment).raw(" ").raw(status_label(*model.last));
    if (model.last->kept_variant != "none") {
      html.raw(" ").text(model.last->kept_variant);
    }
  } else {
    html.raw("smart: no run yet");
  }
  html.raw("</title>\n<link rel=\"stylesheet\" href=\"style.css\">\n<script src=\"app.js\" defer></script>\n"
           "</head>\n");
  html.raw("<body data-run-id=\"").text(model.last ? model.last->run_id : "");
  html.f("\" data-health=\"{}\" data-generated-at=\"{}\">\n", to_string(health.status),
         util::format_rfc3339(context.now));
  html.raw("<header class=\"top\"><h1>smart</h1><span class=\"subtitle\">self-tuning");
  if (model.last && !model.last->host.empty()) {
    html.raw(" · ").text(model.last->host);
  }
  html.raw("</span>");
  health_pill(html, health);
  html.raw("</header>\n");
  banner(html, model, health);
  if (model.running) {
    html.raw(
      "<div class=\"banner banner-running\" id=\"running\" role=\"status\"><strong>Running now:</strong> ");
    html.text(running_phrase(*model.running, context.now));
    html.raw(". Until it ends, the server runs this variant, not what the last run below kept.</div>\n");
  }
  html.raw("<main>\n");
  if (!model.last) {
    empty_state(html, health);
  } else {
    html.raw("<div class=\"story\">\n");
    status_card(html, model, *model.last, context);
    html.raw("<div class=\"side\">\n");
    latency_card(html, model);
    if (model.last->coach) {
      coach_card(html, *model.last->coach);
    }
    html.raw("</div>\n</div>\n");
  }
  if (!model.history.empty()) {
    over_time_card(html, model, context);
    trends_card(html, model, context);
    history_card(html, model, context);
  }
  if (!model.warnings.empty()) {
    html.f("<details class=\"card warnings\" id=\"warnings\"><summary>{} problem{} reading the "
           "state</summary><ul>\n",
           model.warnings.size(), model.warnings.size() == 1 ? "" : "s");
    for (const auto& warning : model.warnings) {
      html.raw("<li>").text(warning).raw("</li>\n");
    }
    html.raw("</ul></details>\n");
  }
  html.raw("</main>\n<footer>generated ");
  html.text(util::format_rfc3339(context.now));
  html.raw(" by smart-dashboard · <a href=\"health.json\">health.json</a> · <a "
           "href=\"metrics.prom\">metrics.prom</a>"
           " · <a href=\"history.json\">history.json</a> · <a href=\"state.json\">state.json</a>"
           " · <a href=\"runs/\">runs/</a></footer>\n</body>\n</html>\n");
  return std::move(html.out);
}

} // namespace smart::dashboard
