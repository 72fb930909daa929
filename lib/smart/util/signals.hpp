#pragma once

#include <chrono>

// Termination signals noticed while children run (self-pipe trick).
//
// install() makes SIGINT, SIGTERM and SIGHUP (and SIGPIPE when asked) set a flag and make a pipe
// readable instead of killing the process; the pipe is never drained, so
// once a signal came every later poll() on fd() returns at once. A caller
// that must not be interrupted (a revert) simply does not poll fd().

namespace smart::util::signals {

// What a write to a closed pipe (a reader gone: `| head`, a closed
// terminal) does: the default death, or a stop like SIGTERM's, for a process
// that must clean up first (smart-run reverts); its writes then fail EPIPE.
enum class ClosedPipe { kill, stop };

// Idempotent. Children must reset the dispositions (run_process does).
void install(ClosedPipe closed_pipe = ClosedPipe::kill);

// The first termination signal received, 0 when none.
int received();

// Readable once a signal came; -1 before install().
int fd();

// Sleeps for duration unless a signal comes first. True when the whole
// duration passed.
bool sleep_for(std::chrono::duration<double> duration);

// For tests: forget a received signal (makes a new pipe).
void reset_for_tests();

} // namespace smart::util::signals
