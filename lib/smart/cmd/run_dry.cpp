#include <smart/cmd/run_dry.hpp>

#include <smart/run/dry_run_probe.hpp>
#include <smart/run/plan_check.hpp>
#include <smart/run/selection.hpp>
#include <smart/run_store.hpp>
#include <smart/util/strings.hpp>
#include <smart/util/time.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <iostream>
#include <optional>
#include <string>

namespace smart::cmd {

namespace json = boost::json;

namespace {

// What the dry run found out before printing: the probe's answer and the plan.
struct DryRun {
  DryRunProbe probe;
  BlockPlan plan;
  PlanCheck check;
};

// How a passive or mixed experiment is measured, for --dry-run.
std::string measure_text(const Experiment& exp)
{
  if (exp.passive) {
    return fmt::format("passive: the access log {} (log format {}), at least {:g} requests/s a side",
                       exp.passive->file, util::printable(exp.passive->log_format, 80),
                       exp.passive->min_rate);
  }
  return fmt::format("smart-measure --targets ({} targets, the first {}) --interval {}", exp.targets.size(),
                     exp.target_url, util::format_duration(exp.measure_interval));
}

json::object probe_json(const DryRunProbe& probe)
{
  return json::object{
    {"sent", probe.sent},
    {"ok", probe.ok},
    {"response_code", probe.response_code ? json::value(*probe.response_code) : json::value(nullptr)},
    {"latency_ms", probe.latency_ms ? json::value(*probe.latency_ms) : json::value(nullptr)},
    {"error", probe.error},
    {"text", probe.text}};
}

// --dry-run --json: the plan as one object.
json::object dry_run_json(const Experiment& exp, const RunSettings& s, const DryRun& dry)
{
  json::array variants;
  for (const auto& v : exp.variants) {
    variants.push_back(json::object{{"name", v.name}, {"apply", v.apply.display()}});
  }
  json::array looks;
  for (int after : dry.plan.look_after) {
    looks.push_back(after);
  }
  json::array notes;
  for (const auto& note : safety_notes(exp)) {
    notes.emplace_back(note);
  }
  return json::object{{"experiment", exp.id},
                      {"dir", exp.dir.string()},
                      {"design", to_string(s.design)},
                      {"strategy", to_string(s.strategy)},
                      {"baseline_seconds", s.baseline.count()},
                      {"variant_seconds", s.variant.count()},
                      {"cooldown_seconds", s.cooldown.count()},
                      {"block_seconds", s.block.count()},
                      {"warmup_seconds", s.warmup.count()},
                      {"timeout_seconds", s.timeout.count()},
                      {"pairs", dry.plan.pairs},
                      {"planned_seconds", dry.check.total_seconds},
                      {"planned_seconds_per_variant", dry.check.seconds_per_variant},
                      {"can_keep", dry.check.cannot_keep.empty()},
                      {"cannot_keep", dry.check.cannot_keep},
                      {"looks_after_pairs", looks},
                      {"improve_pct", s.improve_pct},
                      {"max_err_delta_pct", s.max_err_delta_pct},
                      {"metric", s.metric},
                      {"abort_err_pct", s.abort_err_pct},
                      {"baseline_apply", exp.baseline_apply.display()},
                      {"variants", variants},
                      {"revert", exp.revert.display()},
                      {"check", exp.check.display()},
                      {"measure", exp.passive || !exp.targets.empty() ? measure_text(exp)
                                  : exp.measure.empty()               ? "smart-measure " + exp.target_url
                                                                      : exp.measure.display()},
                      {"risk", risk_name(exp.risk)},
                      {"probe", probe_json(dry.probe)},
                      {"safety", notes}};
}

// The text's head: the experiment, its risk and safety notes, the rule
// that decides, and how it is measured.
void print_head(const Experiment& exp, const RunSettings& s)
{
  fmt::print("experiment {} ({})\n", exp.id, exp.dir.string());
  if (!exp.description.empty()) {
    fmt::print("  {}\n", util::printable(exp.description, 200));
  }
  fmt::print("risk: {}{}\n", risk_name(exp.risk),
             exp.risk == Risk::none ? "" : " (--next runs it only when ALLOW_RISK names this class)");
  for (const auto& note : safety_notes(exp)) {
    fmt::print("safety: {}\n", note);
  }
  fmt::print(
    "design {}, strategy {}; thresholds: {} improve >= {:g}%, error rate +{:g} pp at most; abort guard "
    "{:g}% errors\n",
    to_string(s.design), to_string(s.strategy), s.metric, s.improve_pct, s.max_err_delta_pct,
    s.abort_err_pct);
  fmt::print("measure: {}\n", exp.passive || !exp.targets.empty() ? measure_text(exp)
                              : exp.measure.empty()
                                ? fmt::format("smart-measure --url {} --interval {}", exp.target_url,
                                              util::format_duration(exp.measure_interval))
                                : exp.measure.display());
}

// The numbered steps the run would take.
void print_steps(const Experiment& exp, const RunSettings& s, const BlockPlan& plan)
{
  using util::format_duration;
  int step = 1;
  if (!exp.baseline_apply.empty()) {
    fmt::print("{}. baseline apply: {}\n", step++, exp.baseline_apply.display());
  }
  if (!exp.check.empty()) {
    fmt::print("   check after every apply and revert: {}\n", exp.check.display());
  }
  if (s.design == Design::sequential) {
    fmt::print("{}. measure the baseline for {}\n", step++, format_duration(s.baseline));
  }
  for (const auto& v : exp.variants) {
    fmt::print("{}. variant {}: apply {}\n", step++, v.name, v.apply.display());
    if (s.design == Design::sequential) {
      fmt::print("   cooldown {}, measure {}, decide, keep{} or revert\n", format_duration(s.cooldown),
                 format_duration(s.variant), s.strategy == Strategy::first_winner ? " (and stop)" : "");
    } else {
      std::string looks;
      for (int after : plan.look_after) {
        looks += (looks.empty() ? "" : ", ") + std::to_string(after);
      }
      fmt::print(
        "   {} block pairs of {} in ABBA order (warm-up {} after each switch), looks after pairs {}; "
        "decide, keep or revert\n",
        plan.pairs, format_duration(s.block), format_duration(s.warmup), looks);
    }
  }
}

// The text's end: the revert, how long it takes, and what the probe saw.
void print_end(const Experiment& exp, const RunSettings& s, const DryRun& dry)
{
  using util::format_duration;
  fmt::print("revert: {} (timeout {} per command)\n", exp.revert.display(), format_duration(s.timeout));
  fmt::print("planned duration: at most {} ({} a variant), plus the commands\n",
             format_duration(util::Duration(dry.check.total_seconds)),
             format_duration(util::Duration(dry.check.seconds_per_variant)));
  if (!dry.check.cannot_keep.empty()) {
    fmt::print("warning: this plan can never keep a variant: {}\n", dry.check.cannot_keep);
  }
  fmt::print("probe of the target now: {}\n", dry.probe.text);
  fmt::print("nothing was executed (--dry-run): no command run, nothing applied; only the probe above was "
             "sent\n");
}

} // namespace

int print_dry_run(const RunContext& ctx, const Experiment& exp, const RunSettings& s, bool as_json)
{
  DryRun dry{dry_run_probe(ctx, exp, s), plan_blocks(s), {}};
  const bool probe_mode = exp.measure.empty() && !(exp.load && (exp.load->concurrency || exp.load->rate));
  dry.check = check_plan(s, exp.variants.size(),
                         probe_mode ? std::optional(exp.measure_interval.count()) : std::nullopt);
  if (as_json) {
    std::cout << pretty_json(dry_run_json(exp, s, dry));
    return 0;
  }
  print_head(exp, s);
  print_steps(exp, s, dry.plan);
  print_end(exp, s, dry);
  return 0;
}

} // namespace smart::cmd
