#pragma once

// The exit codes of every smart tool (docs/formats.md, "Exit codes"). One enum so a
// script can rely on the same number meaning the same thing everywhere.

namespace smart {

enum class ExitCode : int {
  ok = 0,            // success; smart-decide: keep
  revert = 1,        // smart-decide: revert (or inconclusive)
  failed = 1,        // smart-run: the run failed (server reverted)
  usage = 2,         // usage, configuration or input error
  revert_failed = 3, // the server may not be in its baseline state
  busy = 75,         // lock held, or payload deferred to the outbox
  interrupted = 130, // SIGINT, after reverting
  terminated = 143,  // SIGTERM, after reverting
};

constexpr int to_int(ExitCode code)
{
  return static_cast<int>(code);
}

} // namespace smart
