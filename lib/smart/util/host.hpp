#pragma once

#include <string>

// This machine's name (gethostname), "unknown" when it has none.

namespace smart::util {

std::string host_name();

} // namespace smart::util
