#pragma once

#include <smart/dashboard/health.hpp>
#include <smart/dashboard/model.hpp>

#include <string>

// The dashboard's files, rendered from values: no disk, no clock, no network
// (the time is in the context), so a fixture model gives byte-identical
// output (test/golden/). Every string that came from a file is escaped for
// its context (HTML, SVG, JSON, Prometheus label, terminal).

namespace smart::dashboard {

struct RenderContext {
  util::SystemTime now;
  Health health;
  std::size_t history_rows = 100; // runs in the history table
  std::size_t trend_runs = 200;   // runs per experiment in the trend charts
};

// index.html: status card, health banner, latency CDF of the last run,
// trends per experiment, history table, coach advice; or the empty state.
// Loads style.css and app.js from beside it; a CSP forbids anything inline.
std::string render_index_html(const Model& model, const RenderContext& context);

// health.json: {"status", "last_run_at", "consecutive_failures", ...}.
std::string render_health_json(const Model& model, const RenderContext& context);

// history.json: the history's summaries as a JSON array, oldest first.
std::string render_history_json(const Model& model);

// metrics.prom: Prometheus text exposition format (node_exporter textfile).
std::string render_metrics_prom(const Model& model, const RenderContext& context);

// `smart-dashboard --text`: the status for a terminal; ANSI colour when color.
std::string render_text(const Model& model, const RenderContext& context, bool color);

// The decision's confidence for people: "improvement 14.7% (95% CI 13.2 to
// 16.1%)", "at 95% confidence", or empty when the decision file said nothing.
std::string confidence_summary(const VariantResult& variant);

// Number formats shared by the renderers: "–" when absent.
std::string format_ms(OptNumber ms);
std::string format_pct(OptNumber pct);

} // namespace smart::dashboard
