#include <smart/cmd/run.hpp>

#include <smart/cmd/guarded_main.hpp>
#include <smart/cmd/run_dry.hpp>
#include <smart/error.hpp>
#include <smart/outcome.hpp>
#include <smart/run/confirmation.hpp>
#include <smart/run/fingerprint.hpp>
#include <smart/run/selection.hpp>
#include <smart/run/undo.hpp>
#include <smart/util/atomic_file.hpp>
#include <smart/util/file_lock.hpp>
#include <smart/util/signals.hpp>
#include <smart/util/strings.hpp>
#include <smart/util/time.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <pwd.h>

#include <unistd.h>
#include <ctime>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <iostream>

namespace smart::cmd {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

fs::path bin_dir_of(const Config& config)
{
  if (!config.smart_bin_dir().empty()) {
    return config.smart_bin_dir();
  }
  std::error_code ec;
  const auto self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path("/usr/bin") : self.parent_path();
}

Experiment load_valid(const fs::path& where)
{
  try {
    return load_experiment(where);
  } catch (const ExperimentError& e) {
    std::string message =
      fmt::format("invalid experiment ({} problem{}), nothing was changed:", e.problems().size(),
                  e.problems().size() == 1 ? "" : "s");
    for (const auto& problem : e.problems()) {
      message += "\n  " + problem;
    }
    throw UsageError(message);
  }
}

// EXPERIMENT: a directory or meta.json path, else an id under EXPERIMENTS_DIR.
fs::path locate(const std::string& name, const Config& config)
{
  std::error_code ec;
  if (name.find('/') != std::string::npos || fs::exists(fs::path(name) / "meta.json", ec) ||
      (fs::is_regular_file(name, ec) && fs::path(name).filename() == "meta.json")) {
    return fs::path(name);
  }
  if (!util::is_safe_name(name)) {
    throw UsageError(
      "experiment '{}': not a directory and not a valid experiment id ([A-Za-z0-9._-]{{1,64}})",
      util::printable(name, 80));
  }
  const auto dir = config.experiments_dir() / name;
  if (!fs::exists(dir / "meta.json", ec)) {
    throw UsageError("experiment '{}': not found (no {}; EXPERIMENTS_DIR is {})", name,
                     (dir / "meta.json").string(), config.experiments_dir().string());
  }
  return dir;
}

struct Listed {
  fs::path dir;
  std::optional<Experiment> exp;
  std::string problem;
  std::optional<json::object> last;
  // Where its last run stands in history.jsonl (0: never run). Lines are
  // appended in the order runs end, whatever the clock said, so this orders
  // runs even after the clock went back.
  std::size_t last_position = 0;
};

std::vector<Listed> list_all(const Config& config, const RunStore& store)
{
  std::map<std::string, std::pair<json::object, std::size_t>> last;
  std::size_t position = 0;
  for (auto& line : store.history()) {
    ++position;
    if (const auto* e = line.if_contains("experiment"); e && e->is_string()) {
      last[std::string(e->as_string())] = {line, position};
    }
  }
  std::vector<Listed> out;
  for (const auto& dir : list_experiment_dirs(config.experiments_dir())) {
    Listed item;
    item.dir = dir;
    try {
      item.exp = load_experiment(dir);
      if (auto it = last.find(item.exp->id); it != last.end()) {
        item.last = it->second.first;
        item.last_position = it->second.second;
      }
    } catch (const std::exception& e) {
      item.problem = e.what();
    }
    out.push_back(std::move(item));
  }
  return out;
}

std::string field(const std::optional<json::object>& object, std::string_view key,
                  std::string_view fallback = "-")
{
  if (object) {
    if (const auto* value = object->if_contains(key); value && value->is_string()) {
      return std::string(value->as_string());
    }
  }
  return std::string(fallback);
}

// The run in progress (pending.json), when readable; --list says it.
std::optional<Pending> running_now(const RunStore& store)
{
  try {
    return store.read_pending();
  } catch (const std::exception&) {
    return std::nullopt; // an unreadable pending.json is the next run's to report
  }
}

// STATUS of --list: the run in progress, else the last run's outcome in
// the words the dashboard uses.
std::string list_status(const std::optional<json::object>& last)
{
  if (!last) {
    return "never run";
  }
  return std::string(outcome::run_label(field(last, "status", ""), field(last, "mode", "")));
}

int do_list(const Config& config, const RunStore& store, bool as_json)
{
  const auto items = list_all(config, store);
  const auto running = running_now(store);
  if (as_json) {
    json::array array;
    for (const auto& item : items) {
      json::object o{{"dir", item.dir.string()}};
      if (item.exp) {
        o["id"] = item.exp->id;
        o["description"] = item.exp->description;
        o["enabled"] = item.exp->enabled;
        o["priority"] = item.exp->priority;
        o["last_run"] = item.last ? json::value(*item.last) : json::value(nullptr);
        if (running && running->experiment == item.exp->id) {
          json::object now{
            {"run_id", running->run_id}, {"variant", running->variant}, {"since", running->since}};
          now["expected_end"] =
            running->expected_end.empty() ? json::value(nullptr) : json::value(running->expected_end);
          o["running"] = std::move(now);
        } else {
          o["running"] = nullptr;
        }
      } else {
        o["invalid"] = item.problem;
      }
      array.push_back(std::move(o));
    }
    std::cout << pretty_json(array);
    return 0;
  }
  fmt::print("{:<28} {:<8} {:>4}  {:<19} {:<17} {}\n", "EXPERIMENT", "ENABLED", "PRIO", "LAST RUN", "STATUS",
             "KEPT");
  for (const auto& item : items) {
    if (!item.exp) {
      fmt::print("{:<28} invalid: {}\n", item.dir.filename().string(),
                 util::printable(item.problem.substr(0, item.problem.find('\n')), 100));
      continue;
    }
    const bool is_running = running && running->experiment == item.exp->id;
    fmt::print("{:<28} {:<8} {:>4}  {:<19} {:<17} {}\n", item.exp->id, item.exp->enabled ? "yes" : "no",
               item.exp->priority, is_running ? running->run_id : field(item.last, "run_id"),
               is_running ? "running now" : list_status(item.last),
               is_running ? fmt::format("{} applied since {}{}", util::printable(running->variant, 64),
                                        util::printable(running->since, 40),
                                        running->expected_end.empty()
                                          ? ""
                                          : ", until " + util::printable(running->expected_end, 40))
                          : field(item.last, "kept_variant"));
  }
  if (items.empty()) {
    say(fmt::format("no experiments under {}\n", config.experiments_dir().string()));
  }
  return 0;
}

// The enabled experiment not run for longest (by its place in history.jsonl,
// not by the clock: after the clock goes back, a run just made must not look
// older than the ones before it); ties: higher priority, then id.
// Experiments whose risk class smart.conf does not allow are passed over.
std::optional<fs::path> pick_next(const Config& config, const RunStore& store)
{
  const auto allowed = parse_allowed_risks(config.allow_risk());
  const auto recheck_days = config.recheck_days();
  std::map<std::string, std::vector<json::object>> runs;
  for (auto& line : store.history()) {
    if (const auto* e = line.if_contains("experiment"); e && e->is_string()) {
      runs[std::string(e->as_string())].push_back(line);
    }
  }
  const auto now = util::format_rfc3339(std::chrono::system_clock::now());
  const auto items = list_all(config, store);
  const Listed* best = nullptr;
  for (const auto& item : items) {
    if (!item.exp) {
      warn(fmt::format("skipping {}: invalid experiment", item.dir.string()));
      continue;
    }
    if (!item.exp->enabled) {
      continue;
    }
    if (const auto why = next_refusal(*item.exp, allowed)) {
      warn(fmt::format("skipping {}: {}", item.exp->id, *why));
      continue;
    }
    // Files changed outside smart and not adopted: the run would step
    // aside, so --next passes over it rather than failing every time.
    const auto managed = item.exp->manages.empty() ? std::string() : fingerprint(*item.exp, config);
    if (const auto saved = saved_fingerprint(store, item.exp->id);
        !managed.empty() && saved && *saved != managed) {
      warn(
        fmt::format("skipping {}: the files it manages changed outside smart since its last run; adopt the "
                    "change with: smart-run --accept-changes {}",
                    item.exp->id, item.exp->id));
      continue;
    }
    if (const auto why = lifecycle_refusal(runs[item.exp->id], now, recheck_days, managed)) {
      warn(fmt::format("skipping {}: {}", item.exp->id, *why));
      continue;
    }
    if (!best) {
      best = &item;
      continue;
    }
    const auto when = item.last_position;
    const auto best_when = best->last_position;
    if (when < best_when || (when == best_when &&
                             (item.exp->priority > best->exp->priority ||
                              (item.exp->priority == best->exp->priority && item.exp->id < best->exp->id)))) {
      best = &item;
    }
  }
  if (!best) {
    return std::nullopt;
  }
  return best->dir;
}

// Prints every value, the bad ones too, marked; then fails with every
// problem (exit 2) when there is one.
int do_show_config(const Config& config)
{
  for (const auto& key : Config::known_keys()) {
    const auto& problem = config.values().find(key)->second.problem;
    fmt::print("{}{}\n", config.describe(key), problem.empty() ? "" : "  <- INVALID");
  }
  for (const auto& [key, value] : config.values()) {
    if (!Config::is_known_key(key)) {
      fmt::print("{} (unknown key: passed to experiment commands)\n", config.describe(key));
    }
  }
  if (!config.problems().empty()) {
    std::string all;
    for (const auto& problem : config.problems()) {
      all += (all.empty() ? "" : "\n") + problem;
    }
    throw UsageError(all);
  }
  return 0;
}

int do_clear_revert_failed(const RunStore& store)
{
  store.prepare();
  util::FileLock lock(store.lock_path());
  if (!lock.try_acquire()) {
    const auto pid = lock.holder_pid();
    throw Error(fmt::format("another smart-run is running (pid {}); try again when it has finished",
                            pid ? std::to_string(*pid) : "unknown"),
                ExitCode::busy);
  }
  const auto record = store.read_revert_failed();
  if (!record) {
    say(fmt::format("smart-run: no failed revert is recorded; nothing to clear\n"));
    return 0;
  }
  // Keep the record for the audit trail, beside the state.
  const auto stamp = util::format_compact(std::chrono::system_clock::now());
  const auto kept = store.var_dir() / fmt::format("revert_failed.{}.cleared.json", stamp);
  json::object cleared = *record;
  cleared["cleared_at"] = util::format_rfc3339(std::chrono::system_clock::now());
  util::write_file_atomically(kept, pretty_json(cleared));
  store.clear_revert_failed();
  say(fmt::format("smart-run: cleared the failed revert of {} / {} (run {}).\n"
                  "smart-run: the record is kept in {}; runs are allowed again.\n",
                  field(record, "experiment"), field(record, "variant"), field(record, "run_id"),
                  kept.string()));
  return 0;
}

void check_options(const RunOptions& o)
{
  const int actions = (o.experiment ? 1 : 0) + (o.next ? 1 : 0) + (o.list ? 1 : 0) + (o.show_config ? 1 : 0) +
                      (o.clear_revert_failed ? 1 : 0) + (o.recover ? 1 : 0) + (o.undo ? 1 : 0);
  if (o.recover && (actions > 1 || o.dry_run || o.advise || o.calibrate || o.confirm || o.accept_changes)) {
    throw UsageError("--recover takes no experiment and no other action");
  }
  if (o.undo && (actions > 1 || o.dry_run || o.advise || o.calibrate || o.confirm || o.accept_changes)) {
    throw UsageError("--undo RUN_ID takes no experiment and no other action");
  }
  if (o.clear_revert_failed && actions > 1) {
    throw UsageError("--clear-revert-failed takes no experiment and no other action");
  }
  if ((o.list || o.show_config) && actions > 1) {
    throw UsageError("--list and --show-config take no experiment");
  }
  if (o.experiment && o.next) {
    throw UsageError("give an EXPERIMENT or --next, not both");
  }
  if (actions == 0) {
    throw UsageError("no experiment given (an EXPERIMENT, --next, --list, --show-config, --recover or "
                     "--clear-revert-failed)");
  }
  if (o.advise && o.calibrate) {
    throw UsageError("--advise and --calibrate are different runs; choose one");
  }
  if ((o.calibrate || o.accept_changes) && !o.experiment) {
    throw UsageError("--calibrate and --accept-changes need an EXPERIMENT");
  }
  if (o.confirm && (!o.experiment || o.advise || o.calibrate)) {
    throw UsageError("--confirm needs an EXPERIMENT and is neither --advise nor --calibrate");
  }
}

// EXPERIMENT, else the experiment --next picks (nullopt: none to run).
std::optional<fs::path> find_experiment(const RunOptions& o, const Config& config, const RunStore& store)
{
  return o.experiment ? std::optional(locate(*o.experiment, config)) : pick_next(config, store);
}

// The experiment, its warnings said, cut down to the variant --confirm names.
Experiment load_for_run(const fs::path& where, const RunOptions& o)
{
  auto exp = load_valid(where);
  for (const auto& warning : exp.warnings) {
    warn(warning);
  }
  if (o.confirm) {
    restrict_to_variant(exp, *o.confirm);
  }
  return exp;
}

int do_dry_run(const RunOptions& o, const Config& config, const RunStore& store)
{
  const std::optional<fs::path> where = find_experiment(o, config, store);
  if (!where) {
    say(fmt::format("smart-run: no enabled experiment under {}\n", config.experiments_dir().string()));
    return 0;
  }
  const auto exp = load_for_run(*where, o);
  const auto settings = resolve_settings(exp, config, o.overrides);
  RunLog log;
  const RunContext ctx{config, o.config, store, bin_dir_of(config), log, util::system_process_runner()};
  return print_dry_run(ctx, exp, settings, o.json);
}

// One smart-run at a time: busy (exit code) when another holds the lock.
void take_lock(util::FileLock& lock, const RunStore& store)
{
  if (!lock.try_acquire()) {
    const auto pid = lock.holder_pid();
    throw Error(fmt::format("another smart-run is running (pid {}; lock {}); not starting",
                            pid ? std::to_string(*pid) : "unknown", store.lock_path().string()),
                ExitCode::busy);
  }
}

// After a failed revert nothing runs until an operator has cleared it.
void refuse_after_failed_revert(const RunStore& store)
{
  if (const auto record = store.read_revert_failed()) {
    throw Error(
      fmt::format("REFUSING TO RUN: a revert failed (experiment {}, variant {}, run {}: {}); the server "
                  "may not be in its baseline state. Fix it by hand, then run 'smart-run "
                  "--clear-revert-failed'. Details: {}",
                  field(record, "experiment"), field(record, "variant"), field(record, "run_id"),
                  field(record, "reason"), store.revert_failed_path().string()),
      ExitCode::revert_failed);
  }
}

// --next runs only inside RUN_WINDOW (local time); outside it, it logs why.
bool outside_run_window(const Config& config, RunLog& log)
{
  const auto t = std::time(nullptr);
  std::tm local{};
  ::localtime_r(&t, &local);
  if (!in_run_window(config.run_window(), local.tm_hour * 60 + local.tm_min)) {
    log.line(fmt::format("outside RUN_WINDOW {} (local time {:02}:{:02}); nothing to do", config.run_window(),
                         local.tm_hour, local.tm_min));
    return true;
  }
  return false;
}

// Step aside: the files this experiment manages changed outside smart.
// --accept-changes adopts their current state instead.
void step_aside_or_adopt(const Experiment& exp, const RunOptions& o, const Config& config,
                         const RunStore& store, RunLog& log)
{
  if (exp.manages.empty()) {
    return;
  }
  const auto now = fingerprint(exp, config);
  if (const auto before = saved_fingerprint(store, exp.id); before && *before != now && !o.accept_changes) {
    throw Error(
      fmt::format("stepping aside: the files {} manages changed outside smart since its last run "
                  "(was: {}; now: {}). Not overwriting an operator's change. If the change is meant "
                  "to stay, adopt it with: smart-run --accept-changes {}",
                  exp.id, *before, now, exp.id),
      ExitCode::failed);
  }
  if (o.accept_changes) {
    save_fingerprint(store, exp.id, now);
    log.line(fmt::format("adopted the current state of the files {} manages", exp.id));
  }
}

RunSettings settings_for(const Experiment& exp, const RunOptions& o, const Config& config)
{
  auto settings = resolve_settings(exp, config, o.overrides);
  if (o.advise) {
    settings.mode = RunMode::advise;
  }
  if (o.calibrate) {
    settings.mode = RunMode::calibrate;
    settings.design = Design::interleaved;
  }
  settings.confirm = o.confirm.has_value();
  return settings;
}

// The run that may change the server.
int do_run(const RunOptions& o, const Config& config, const RunStore& store)
{
  refuse_foreign_state_as_root(store.var_dir(), "smart-run");
  store.prepare();
  util::FileLock lock(store.lock_path());
  take_lock(lock, store);
  refuse_after_failed_revert(store);

  RunLog log;
  const RunContext ctx{config, o.config, store, bin_dir_of(config), log, util::system_process_runner()};
  if (const auto pending = store.read_pending()) {
    if (!recover_pending(ctx, *pending)) {
      return to_int(ExitCode::revert_failed);
    }
    if (util::signals::received()) {
      return 128 + util::signals::received();
    }
  } else if (o.recover) {
    log.line("nothing to recover: no interrupted run (no pending.json)");
  }
  if (o.recover) {
    return 0;
  }
  if (o.undo) {
    return undo_run(ctx, plan_undo(ctx, *o.undo));
  }

  if (o.next && outside_run_window(config, log)) {
    return 0;
  }
  const std::optional<fs::path> where = find_experiment(o, config, store);
  if (!where) {
    log.line(fmt::format("no enabled experiment under {}; nothing to do", config.experiments_dir().string()));
    return 0;
  }
  const auto exp = load_for_run(*where, o);
  if (!exp.enabled && !o.next) {
    warn(fmt::format("{} is disabled (enabled: false); running it because it was named", exp.id));
  }
  step_aside_or_adopt(exp, o, config, store, log);
  const auto summary = run_experiment(ctx, exp, settings_for(exp, o, config));
  if (o.json) {
    std::cout << pretty_json(to_json(summary)) << std::flush;
  }
  return exit_code_for(summary);
}

} // namespace

int run(const RunOptions& o)
{
  check_options(o);
  util::signals::install(util::signals::ClosedPipe::stop);
  const auto config =
    Config::load(o.config, {}, process_environment(), o.show_config ? Check::collect : Check::strict);
  for (const auto& warning : config.warnings()) {
    warn(warning);
  }
  if (o.show_config) {
    return do_show_config(config);
  }
  const RunStore store(config.var_dir(), config.runs_dir(), config.state_file());
  if (o.list) {
    return do_list(config, store, o.json);
  }
  if (o.clear_revert_failed) {
    refuse_foreign_state_as_root(store.var_dir(), "smart-run");
    return do_clear_revert_failed(store);
  }
  if (o.dry_run) {
    return do_dry_run(o, config, store);
  }
  // From here on this process may change the server: one at a time.
  return do_run(o, config, store);
}

} // namespace smart::cmd
