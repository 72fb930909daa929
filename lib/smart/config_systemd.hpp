#pragma once

#include <string>
#include <string_view>
#include <vector>

// smart.conf is also the systemd unit's EnvironmentFile= (timers/
// smart-run.service), and the environment beats the file: whatever systemd
// reads from a line is what smart-run finally sees. systemd.exec(5) reads
// the file differently from smart's own parser (and from a shell):
//   - only whole lines starting with '#' or ';' are comments: a trailing
//     "# comment" after a value stays part of the value;
//   - no ${VAR} or $VAR references are expanded: the service sees the text;
//   - in an unquoted value a backslash escapes the next character, and
//     quotes after its first character are kept as they are;
//   - a line ending in a backslash continues on the next line;
//   - "export KEY=..." is no assignment.
// Pure: content is the file's text, name how messages call it.

namespace smart {

// One warning per line that systemd would read differently from smart,
// "NAME:LINE: KEY: <what systemd does> (the service sees '<its value>');
// <what to write instead>". Empty when the file means the same to both.
std::vector<std::string> systemd_differences(std::string_view content, std::string_view name);

} // namespace smart
