#pragma once

#include <fmt/format.h>

#include <stdexcept>
#include <string>
#include <utility>

// The one exception util/ throws: an operation on the system failed (a file
// could not be written, a lock not taken). It knows nothing of exit codes;
// the product's smart::Error derives from it, and a Failure that reaches the
// guarded main ends the tool with "failed".

namespace smart::util {

class Failure : public std::runtime_error {
public:
  explicit Failure(std::string what) : std::runtime_error(std::move(what)) {}

  template<typename... Args>
  Failure(fmt::format_string<Args...> format, Args&&... args)
    : Failure(fmt::format(format, std::forward<Args>(args)...))
  {
  }
};

} // namespace smart::util
