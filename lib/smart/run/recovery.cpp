#include <smart/run/recovery.hpp>

#include <smart/run/commands.hpp>
#include <smart/run/experiment.hpp>
#include <smart/run/revert_failed.hpp>
#include <smart/util/atomic_file.hpp>
#include <smart/util/failure.hpp>
#include <smart/util/host.hpp>
#include <smart/util/process_group.hpp>
#include <smart/util/time.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>

namespace smart {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

std::string now_text()
{
  return util::format_rfc3339(std::chrono::system_clock::now());
}

// The snapshot is what ran; the directory is where its commands run.
std::optional<Experiment> load_interrupted(const RunContext& ctx, const Pending& pending)
{
  const auto snapshot = pending.run_dir / "meta.json";
  std::error_code ec;
  try {
    return parse_experiment(
      util::read_file(fs::exists(snapshot, ec) ? snapshot : pending.experiment_dir / "meta.json"),
      "meta.json", pending.experiment_dir);
  } catch (const std::exception& e) {
    ctx.log.line(fmt::format("cannot read the interrupted experiment: {}", e.what()));
  }
  return std::nullopt;
}

} // namespace

RevertOutcome revert_recorded(const RunContext& ctx, const Pending& pending, const Experiment& exp,
                              const fs::path& run_dir, std::string_view why)
{
  const CommandSite site{ctx.config, pending.experiment, pending.experiment_dir, pending.run_id, run_dir};
  ctx.log.line(fmt::format("revert {}: {}", pending.variant, exp.revert.display()));
  auto result = ctx.processes.run(command_spec(site, exp.revert, pending.variant,
                                               fmt::format("revert.{}.{}.log", pending.variant, why),
                                               exp.timeout, util::Interruptible::no));
  RevertOutcome outcome{result.ok(), result.describe()};
  if (outcome.ok && !exp.check.empty()) {
    result = ctx.processes.run(command_spec(site, exp.check, pending.variant,
                                            fmt::format("check.{}.{}.log", pending.variant, why), exp.timeout,
                                            util::Interruptible::no));
    outcome = {result.ok(), "check after revert " + result.describe()};
  }
  return outcome;
}

namespace {

// What the interrupted run started may still be running: a command's child
// outlives the kill of smart-run (it is in the command's own group) and
// could write the variant after our revert. Kill that group and wait until
// it is gone. A group of that number that is not the run's (no member with
// its SMART_RUN_ID: the number was reused) is left alone. False when it
// would not die.
bool stop_interrupted_commands(const RunContext& ctx, const Pending& pending)
{
  const int pgid = static_cast<int>(pending.pgid);
  const auto members = util::process_group_members(pgid);
  const auto ours = std::any_of(members.begin(), members.end(), [&](int pid) {
    return util::process_has_environment(pid, "SMART_RUN_ID=" + pending.run_id);
  });
  if (!ours) {
    return true;
  }
  ctx.log.line(fmt::format("the interrupted run's commands are still running (process group {}, {} "
                           "process(es)): killing them before the revert",
                           pgid, members.size()));
  return util::kill_process_group_and_wait(pgid, std::chrono::seconds(10));
}

} // namespace

bool recover_pending(const RunContext& ctx, const Pending& pending)
{
  ctx.log.line(fmt::format("found pending.json: run {} (pid {}) was interrupted while {} of {} was applied; "
                           "reverting first",
                           pending.run_id, pending.pid, pending.variant, pending.experiment));
  const auto exp = load_interrupted(ctx, pending);
  const auto run_dir = pending.run_dir.empty() ? ctx.store.var_dir() : pending.run_dir;
  const auto outcome =
    !stop_interrupted_commands(ctx, pending)
      ? RevertOutcome{false, fmt::format("the interrupted run's process group {} survived SIGKILL for 10 s; "
                                         "a revert now could be overwritten by it",
                                         pending.pgid)}
    : exp ? revert_recorded(ctx, pending, *exp, run_dir, "recovery")
          : RevertOutcome{false, "the experiment could not be loaded"};

  // Record the interrupted run as aborted (unless it managed to finish).
  std::error_code ec;
  const bool have = fs::exists(state_paths::summary(run_dir), ec);
  RunSummary summary;
  summary.run_id = pending.run_id;
  summary.experiment = pending.experiment;
  summary.description = exp ? exp->description : "";
  summary.started_at = pending.since;
  summary.finished_at = now_text();
  summary.host = util::host_name();
  summary.strategy = exp ? std::string(to_string(exp->strategy)) : "";
  summary.design = exp ? std::string(to_string(exp->design)) : "";
  VariantResult variant;
  variant.name = pending.variant;
  variant.outcome = VariantOutcome::aborted;
  variant.reasons.push_back("smart-run died while it was applied; reverted by the next run");
  summary.variants.push_back(variant);
  if (outcome.ok) {
    summary.status = RunStatus::aborted;
    summary.reason =
      fmt::format("interrupted: smart-run (pid {}) died while {} was applied; reverted by the next run",
                  pending.pid, pending.variant);
    ctx.store.clear_pending();
    ctx.log.line(fmt::format("reverted {}; run {} recorded as aborted", pending.variant, pending.run_id));
  } else {
    summary.status = RunStatus::revert_failed;
    summary.reason = fmt::format("recovery revert of {} failed: {}", pending.variant, outcome.why);
    const json::object record{{"run_id", pending.run_id},
                              {"experiment", pending.experiment},
                              {"experiment_dir", pending.experiment_dir.string()},
                              {"variant", pending.variant},
                              {"run_dir", run_dir.string()},
                              {"failed_at", now_text()},
                              {"reason", summary.reason}};
    const auto unrecorded = write_revert_failed(ctx.store, record);
    ctx.log.alarm(
      fmt::format("REVERT FAILED while recovering run {}: the server may NOT be in its baseline state.\n"
                  "{}\nFix it by hand, then run: smart-run --clear-revert-failed{}",
                  pending.run_id, summary.reason, unrecorded));
  }
  try {
    if (!have && fs::is_directory(run_dir, ec) && run_dir != ctx.store.var_dir()) {
      ctx.store.write_summary(run_dir, summary);
    }
    ctx.store.write_state(summary);
    ctx.store.append_history(summary);
  } catch (const std::exception& e) {
    if (outcome.ok) {
      throw;
    }
    ctx.log.line(fmt::format("cannot record the interrupted run: {}", e.what())); // exit 3 all the same
  }
  return outcome.ok;
}

} // namespace smart
