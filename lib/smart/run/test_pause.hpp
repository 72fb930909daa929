#pragma once

#include <string_view>

// A test hook for the fault campaign (test/integration/fault-kill9-every-phase.sh):
// when the environment variable SMART_TEST_PAUSE_AT names a phase, smart-run
// stops itself with SIGSTOP on reaching it, so that a test can kill -9 it at
// exactly that moment. Phases: apply (a variant's apply done), check (its
// check done), warm-up, measurement, decide, keep (a keep decided, pending.json
// not yet removed), revert (the revert command done, its check not yet run),
// state-write (the run's end, before summary/state/history are written).
// Unset (always, outside tests) it does nothing.

namespace smart {

void test_pause_point(std::string_view phase);

} // namespace smart
