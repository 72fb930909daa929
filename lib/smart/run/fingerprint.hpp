#pragma once

#include <smart/config.hpp>
#include <smart/run/experiment.hpp>
#include <smart/run_store.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

// The fingerprint of the files an experiment manages: a run records it at
// its end, and the next run steps aside when the files changed in between
// (an operator's edit is never overwritten).

namespace smart {

// The fingerprint (size and hash) of the files an experiment manages ("" when
// none). A path may name configuration values: "${NGINX_CONF}".
std::string fingerprint(const Experiment& exp, const Config& config);

// The files an experiment manages, each with its size and hash ("12:…")
// or "missing": what fingerprint() is made of.
std::vector<std::pair<std::string, std::string>> managed_entries(const Experiment& exp, const Config& config);

// After a run of EXP found its files as BEFORE (a fingerprint) and left
// them as they are now: every other experiment under EXPERIMENTS_DIR that
// manages one of those files and had recorded it as BEFORE records it as it
// is now. A change smart made is no operator's (no step aside), and their
// settled runs, which recorded the old content, are run again by --next.
// One that had recorded something else keeps it: an operator's change
// stays flagged.
void follow_shared_files(const RunStore& store, const Experiment& exp, const Config& config,
                         const std::string& before);

// Records FINGERPRINT as experiment ID's in the state directory.
void save_fingerprint(const RunStore& store, const std::string& id, const std::string& fingerprint);

// The fingerprint recorded for experiment ID (its last run's, or what
// --accept-changes adopted); nothing when none was recorded.
std::optional<std::string> saved_fingerprint(const RunStore& store, const std::string& id);

} // namespace smart
