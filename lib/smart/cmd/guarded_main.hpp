#pragma once

#include <functional>
#include <string_view>

// The one place that turns an escaping exception into a message and an exit
// code, shared by every tool's main():
//   smart-run: error: <what>
// smart::Error carries its exit code; Boost.ProgramOptions errors are usage
// errors (2); anything else is a failure (1). Output that could not be
// written (stdout on a full disk) is an error too: the tool's result was
// not delivered, so it never exits 0 (for smart-decide, never "keep").

namespace smart::cmd {

int guarded_main(std::string_view tool, const std::function<int()>& body);

// The tool name guarded_main was called with ("smart"), for messages.
std::string_view program_name();

// "smart-run: warning: ..." on stderr.
void warn(std::string_view message);

// Writes text to stderr as is. A diagnostic that cannot be written (stderr a
// file on a full disk, or closed) is dropped: it never becomes an exception
// that changes what the tool does or its exit code.
void say(std::string_view text) noexcept;

} // namespace smart::cmd
