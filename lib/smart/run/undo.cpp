#include <smart/run/undo.hpp>

#include <smart/error.hpp>
#include <smart/exit_code.hpp>
#include <smart/run/fingerprint.hpp>
#include <smart/run/recovery.hpp>
#include <smart/run/revert_failed.hpp>
#include <smart/util/atomic_file.hpp>
#include <smart/util/host.hpp>
#include <smart/util/time.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <unistd.h>

#include <chrono>

namespace smart {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

std::string text_of(const json::object& object, std::string_view key)
{
  const auto* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->get_string()) : std::string();
}

std::string now_text()
{
  return util::format_rfc3339(std::chrono::system_clock::now());
}

} // namespace

UndoPlan plan_undo(const RunContext& ctx, const std::string& run_id)
{
  const auto history = ctx.store.history();
  std::size_t at = history.size();
  for (std::size_t i = 0; i < history.size(); ++i) {
    if (text_of(history[i], "run_id") == run_id) {
      at = i;
    }
  }
  if (at == history.size()) {
    throw UsageError("--undo {}: no run of that id in {}", run_id, ctx.store.history_path().string());
  }
  const auto& run = history[at];
  const auto experiment = text_of(run, "experiment");
  const auto variant = text_of(run, "kept_variant");
  const auto mode = text_of(run, "mode");
  if (text_of(run, "status") != "kept" || variant.empty() || variant == "none" || mode == "advise" ||
      mode == "calibrate") {
    throw UsageError("--undo {}: that run kept nothing (status {}{}); there is nothing to undo", run_id,
                     text_of(run, "status"), mode.empty() || mode == "run" ? "" : ", mode " + mode);
  }
  for (std::size_t i = at + 1; i < history.size(); ++i) {
    if (text_of(history[i], "experiment") != experiment) {
      continue;
    }
    if (text_of(history[i], "mode") == "undo" && text_of(history[i], "undid") == run_id) {
      throw UsageError("--undo {}: already undone by run {}", run_id, text_of(history[i], "run_id"));
    }
    if (text_of(history[i], "status") == "kept" && text_of(history[i], "mode") != "advise") {
      throw UsageError("--undo {}: run {} of {} kept {} after it; undo that one first", run_id,
                       text_of(history[i], "run_id"), experiment, text_of(history[i], "kept_variant"));
    }
  }
  const fs::path run_dir = ctx.store.runs_dir() / run_id;
  std::error_code ec;
  if (!fs::exists(run_dir / "meta.json", ec)) {
    throw UsageError("--undo {}: its run directory {} is gone (retention removed it), and with it the values "
                     "the run replaced; restore {} of {} by hand",
                     run_id, run_dir.string(), variant, experiment);
  }
  Experiment exp;
  try {
    exp = parse_experiment(util::read_file(run_dir / "meta.json"), (run_dir / "meta.json").string(),
                           ctx.config.experiments_dir() / experiment);
  } catch (const ExperimentError& e) {
    throw UsageError("--undo {}: cannot read the experiment the run used ({}): {}", run_id,
                     (run_dir / "meta.json").string(), e.problems().empty() ? "" : e.problems().front());
  }
  if (!exp.manages.empty()) {
    const auto saved = saved_fingerprint(ctx.store, exp.id);
    if (saved && *saved != fingerprint(exp, ctx.config)) {
      throw Error(fmt::format("--undo {}: the files {} manages changed outside smart since its last run; not "
                              "overwriting an operator's change",
                              run_id, exp.id),
                  ExitCode::failed);
    }
  }
  return UndoPlan{run_id, variant, run_dir, std::move(exp)};
}

int undo_run(const RunContext& ctx, const UndoPlan& plan)
{
  auto [id, dir] = ctx.store.create_run(std::chrono::system_clock::now());
  const auto started = now_text();
  ctx.log.line(fmt::format("undo of run {}: reverting {} of {} with the values that run stored ({})",
                           plan.run_id, plan.variant, plan.exp.id, plan.run_dir.string()));
  // Under pending.json, as any applied variant: a kill from here on is
  // reverted by the next run, with the same stored values.
  Pending pending;
  pending.run_id = id;
  pending.experiment = plan.exp.id;
  pending.experiment_dir = plan.exp.dir;
  pending.variant = plan.variant;
  pending.pid = static_cast<long>(::getpid());
  pending.since = started;
  pending.run_dir = plan.run_dir;
  ctx.store.write_pending(pending);

  const auto outcome = revert_recorded(ctx, pending, plan.exp, plan.run_dir, "undo");

  RunSummary summary;
  summary.run_id = id;
  summary.experiment = plan.exp.id;
  summary.description = plan.exp.description;
  summary.started_at = started;
  summary.finished_at = now_text();
  summary.host = util::host_name();
  summary.mode = "undo";
  summary.extra["undid"] = plan.run_id;
  VariantResult variant;
  variant.name = plan.variant;
  variant.outcome = VariantOutcome::revert;
  variant.reasons.push_back(fmt::format("undone: kept by run {}, reverted by smart-run --undo", plan.run_id));
  summary.variants.push_back(variant);
  int code = 0;
  if (outcome.ok) {
    summary.status = RunStatus::reverted;
    summary.reason =
      fmt::format("undo of run {}: {} reverted; the values it replaced are back", plan.run_id, plan.variant);
    ctx.store.clear_pending();
  } else {
    summary.status = RunStatus::revert_failed;
    summary.reason =
      fmt::format("undo of run {}: the revert of {} failed: {}", plan.run_id, plan.variant, outcome.why);
    const json::object record{{"run_id", id},
                              {"experiment", plan.exp.id},
                              {"experiment_dir", plan.exp.dir.string()},
                              {"variant", plan.variant},
                              {"run_dir", plan.run_dir.string()},
                              {"failed_at", now_text()},
                              {"reason", summary.reason}};
    const auto unrecorded = write_revert_failed(ctx.store, record);
    ctx.log.alarm(fmt::format("REVERT FAILED while undoing run {}: the server may NOT be as before it.\n{}\n"
                              "Fix it by hand, then run: smart-run --clear-revert-failed{}",
                              plan.run_id, summary.reason, unrecorded));
    code = to_int(ExitCode::revert_failed);
  }
  if (outcome.ok && !plan.exp.manages.empty()) {
    const auto managed = fingerprint(plan.exp, ctx.config);
    summary.extra["managed_fingerprint"] = managed;
    save_fingerprint(ctx.store, plan.exp.id, managed);
  }
  ctx.store.write_summary(dir, summary);
  ctx.store.write_state(summary);
  ctx.store.append_history(summary);
  ctx.log.line(summary.reason);
  return code;
}

} // namespace smart
