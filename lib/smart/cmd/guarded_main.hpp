#pragma once

#include <functional>
#include <string_view>

// The one place that turns an escaping exception into a message and an exit
// code, shared by every tool's main():
//   smart-run: error: <what>
// smart::Error carries its exit code; Boost.ProgramOptions errors are usage
// errors (2); anything else is a failure (1).

namespace smart::cmd {

int guarded_main(std::string_view tool, const std::function<int()>& body);

// The tool name guarded_main was called with ("smart"), for messages.
std::string_view program_name();

// "smart-run: warning: ..." on stderr.
void warn(std::string_view message);

} // namespace smart::cmd
