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

// What the server runs after the run, in smart::outcome's words; the
// variant of a failed revert comes from revert_failed.json.
std::string kept_phrase(const Model& model, const RunSummary& run);

// The run in progress, for people: "001_nginx_workers: workers_2 applied
// since 2026-11-22T23:50:00Z (10 min ago), expected to end
// 2026-11-23T00:05:00Z (in 5 min)".
std::string running_phrase(const Running& running, util::SystemTime now);

// Number formats shared by the renderers: "–" when absent.
std::string format_ms(OptNumber ms);
std::string format_pct(OptNumber pct);

} // namespace smart::dashboard
