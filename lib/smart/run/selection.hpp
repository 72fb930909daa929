#pragma once
// Which experiments `smart-run --next` may choose: the rules that keep the
// timer from running what the administrator has not allowed.

#include <smart/run/experiment.hpp>

#include <boost/json/object.hpp>

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace smart {

// The risk classes smart.conf's ALLOW_RISK allows besides `none`: a list of
// class names separated by commas or blanks ("durability,availability"),
// empty for none. Throws UsageError naming the word it does not know.
std::set<Risk> parse_allowed_risks(std::string_view text);

// Why `--next` must pass over an enabled experiment, or nothing when it may
// run it: its risk class is not allowed.
std::optional<std::string> next_refusal(const Experiment& exp, const std::set<Risk>& allowed);

// The lifecycle rules of `--next` over one experiment's history.jsonl
// records (oldest first); NOW_UTC is "YYYY-MM-DDTHH:MM:SSZ" like started_at.
// Paused: its last two runs failed (a run by name that does not fail ends
// the pause). Settled: its last run (not an advise run) kept a variant, or
// reverted with every variant conclusively worse; it is not re-run until
// RECHECK_DAYS days after that run started, or until the files it manages
// change: MANAGED_NOW is their fingerprint now, and a last run that
// recorded another (`managed_fingerprint`) settled a server that is no
// longer there. Empty MANAGED_NOW: the experiment manages no files.
std::optional<std::string> lifecycle_refusal(const std::vector<boost::json::object>& runs,
                                             const std::string& now_utc, long recheck_days,
                                             std::string_view managed_now = {});

// RUN_WINDOW "HH:MM-HH:MM" (local time; may wrap midnight; empty: always):
// whether MINUTES (since local midnight) is inside. Throws UsageError on a
// malformed window.
bool in_run_window(std::string_view window, int minutes);

// What the safety checklist of docs/experiments.md finds missing in an
// experiment that parses: no check command, shell strings where an argv
// would do, a risk class without a word on the risk, no word on when it
// helps, command timeouts so long that a hung command keeps the server
// changed for minutes. Empty: nothing to say. `--dry-run` prints them.
std::vector<std::string> safety_notes(const Experiment& exp);

} // namespace smart
