#include <smart/dashboard/render_html_parts.hpp>

#include <smart/dashboard/health.hpp>
#include <smart/outcome.hpp>
#include <smart/util/time.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>

// The status card of index.html: the last run's outcome and why.

namespace smart::dashboard::html_page {

namespace {

void time_element(Html& html, const std::optional<util::SystemTime>& time, const std::string& fallback,
                  util::SystemTime now)
{
  if (!time) {
    html.text(fallback.empty() ? "–" : fallback);
    return;
  }
  const std::string iso = util::format_rfc3339(*time);
  html.raw("<time datetime=\"").text(iso).raw("\" title=\"").text(iso).raw("\" data-rel>");
  html.text(format_age(now - *time)).raw(" ago</time>");
}

void confidence_text(Html& html, const VariantResult& variant)
{
  const std::string text = confidence_summary(variant);
  if (!text.empty()) {
    html.raw("<span class=\"conf\">").text(text).raw("</span>");
  }
}

void stats_cells(Html& html, const Stats& stats)
{
  html.f("<td class=\"num col-n\">{}</td><td class=\"num\">{}</td><td class=\"num col-p95\">{}</td><td "
         "class=\"num\">{}</td>",
         stats.n ? fmt::format("{:.0f}", *stats.n) : "–", format_ms(stats.p50_ms), format_ms(stats.p95_ms),
         format_pct(stats.err_pct));
}

// The outcome badge, the experiment, and the run's facts on one line.
void status_head(Html& html, const Model& model, const RunSummary& run, const RenderContext& context)
{
  html.f("<div class=\"status-head\"><span class=\"badge {}\" id=\"outcome\">{}</span>", status_class(run),
         status_label(run));
  html.raw("<h2 id=\"status-title\">").text(run.experiment.empty() ? "(unnamed experiment)" : run.experiment);
  html.raw("</h2></div>\n");
  if (!run.description.empty()) {
    html.raw("<p class=\"desc\">").text(run.description).raw("</p>\n");
  }
  html.raw("<p class=\"meta\">run ");
  run_link(html, run.run_id);
  html.raw(" · finished ");
  time_element(html, run.finished, run.finished_at, context.now);
  if (run.duration_s) {
    html.raw(" · took ").text(format_age(util::Duration(*run.duration_s)));
  }
  for (const auto* extra : {&run.design, &run.strategy, &run.host}) {
    if (!extra->empty()) {
      html.raw(" · ").text(*extra);
    }
  }
  html.raw(" · ");
  risk_pill(html, model.risk_of(run.experiment));
  html.raw("</p>\n");
}

// What the server runs now, and the run's reason.
void kept_line(Html& html, const Model& model, const RunSummary& run)
{
  html.raw("<p class=\"kept-line\" id=\"kept\">kept: ");
  const std::string kept_words = kept_phrase(model, run);
  if (run.status == "kept" && run.kept_variant != "none" && run.mode != "calibrate" && run.mode != "advise") {
    html.raw("<b class=\"good-text\">").text(kept_words).raw("</b>");
  } else {
    html.f("<b class=\"{}\">", run.status == "revert_failed" ? "bad-text" : "muted")
      .text(kept_words)
      .raw("</b>");
  }
  html.raw("</p>\n");
  if (!run.reason.empty()) {
    html.raw("<p class=\"reason\">").text(run.reason).raw("</p>\n");
  }
}

void variant_row(Html& html, const RunSummary& run, const VariantResult& variant, std::size_t series,
                 bool estimates)
{
  const bool kept = variant.name == run.kept_variant;
  html.f("<tr{}><th scope=\"row\"><span class=\"swatch s{}\"></span>", kept ? " class=\"kept\"" : "",
         std::min<std::size_t>(series, 7));
  html.text(variant.name);
  if (kept) {
    html.raw(" <span class=\"star\" title=\"kept\">★</span>");
  }
  html.raw("</th>");
  stats_cells(html, variant.stats);
  delta_cell(html, estimates ? variant.estimate_pct : variant.improve_pct, variant.outcome, run.mode, false);
  html.f("<td><span class=\"pill {}\">{}</span>", outcome_class(variant.outcome, run.mode),
         outcome::verdict_label(variant.outcome, run.mode));
  if (variant.borderline) {
    html.raw(
      " <span class=\"flag\" title=\"the data could not tell; the coach was asked\">borderline</span>");
  }
  html.raw("</td></tr>\n");
}

// The baseline and each variant: n, p50, p95, errors, Δ and the verdict.
void variants_table(Html& html, const RunSummary& run)
{
  // The Δ column shows the number the verdict's reasons use: the decision's
  // estimate when the statistical rule made one (a paired or Hodges-Lehmann
  // estimate, not the difference of the two medians), else the medians'.
  const bool estimates = std::any_of(run.variants.begin(), run.variants.end(),
                                     [](const VariantResult& v) { return v.estimate_pct.has_value(); });
  html.raw("<div class=\"table-wrap\"><table class=\"variants\" id=\"variants\">\n"
           "<thead><tr><th>variant</th><th class=\"num col-n\">n</th><th class=\"num\">p50 ms</th>"
           "<th class=\"num col-p95\">p95 ms</th><th class=\"num\">err %</th>");
  html.raw(estimates
             ? "<th class=\"num col-delta\" title=\"the decision's estimate of the p50 change, the number "
               "its reasons give\">Δ (estimate)</th>"
             : "<th class=\"num col-delta\" title=\"the difference of the two medians\">Δ median</th>");
  html.raw("<th>verdict</th></tr></thead>\n<tbody>\n");
  html.raw("<tr class=\"baseline\"><th scope=\"row\"><span class=\"swatch s0\"></span>baseline</th>");
  stats_cells(html, run.baseline);
  html.raw("<td class=\"num col-delta\"></td><td></td></tr>\n");
  std::size_t series = 1;
  for (const auto& variant : run.variants) {
    variant_row(html, run, variant, series++, estimates);
  }
  html.raw("</tbody></table></div>\n");
}

// Why each verdict: the decision's reasons and confidence.
void reasons_list(Html& html, const RunSummary& run)
{
  bool any = false;
  for (const auto& variant : run.variants) {
    if (variant.reasons.empty() && !variant.confidence_level && variant.decided_by.empty()) {
      continue;
    }
    if (!any) {
      html.raw("<dl class=\"reasons\" id=\"reasons\">\n");
      any = true;
    }
    html.raw("<dt>")
      .text(variant.name)
      .f(" <span class=\"pill {}\">{}</span> ", outcome_class(variant.outcome, run.mode),
         outcome::verdict_label(variant.outcome, run.mode));
    confidence_text(html, variant);
    html.raw("</dt><dd>");
    if (variant.improve_pct && *variant.improve_pct > 0 && variant.outcome != "keep" &&
        !outcome::verdict_explanation(variant.outcome, run.mode).empty()) {
      html.raw("<b>").text(outcome::verdict_explanation(variant.outcome, run.mode)).raw(".</b> ");
    }
    for (std::size_t i = 0; i < variant.reasons.size(); ++i) {
      html.raw(i ? "; " : "").text(variant.reasons[i]);
    }
    if (!variant.decided_by.empty()) {
      html.raw(" <span class=\"muted\">(decided by ").text(variant.decided_by).raw(")</span>");
    }
    html.raw("</dd>\n");
  }
  if (any) {
    html.raw("</dl>\n");
  }
}

void files_line(Html& html, const RunSummary& run)
{
  html.raw("<p class=\"files\">files: ");
  for (const auto* file : {"summary.json", "run.log", "meta.json"}) {
    run_link(html, run.run_id, file);
    html.raw(" ");
  }
  html.raw("</p>\n");
}

} // namespace

void status_card(Html& html, const Model& model, const RunSummary& run, const RenderContext& context)
{
  html.raw("<section class=\"card status\" id=\"status\" aria-labelledby=\"status-title\">\n");
  status_head(html, model, run, context);
  kept_line(html, model, run);
  variants_table(html, run);
  reasons_list(html, run);
  files_line(html, run);
  html.raw("</section>\n");
}

} // namespace smart::dashboard::html_page
