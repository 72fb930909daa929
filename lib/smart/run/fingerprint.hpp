#pragma once

#include <smart/config.hpp>
#include <smart/run/experiment.hpp>
#include <smart/run_store.hpp>

#include <string>

// The fingerprint of the files an experiment manages: a run records it at
// its end, and the next run steps aside when the files changed in between
// (an operator's edit is never overwritten).

namespace smart {

// The fingerprint (size and hash) of the files an experiment manages ("" when
// none). A path may name configuration values: "${NGINX_CONF}".
std::string fingerprint(const Experiment& exp, const Config& config);

// Records exp's current fingerprint in the state directory.
void save_fingerprint(const RunStore& store, const Experiment& exp, const Config& config);

} // namespace smart
