#pragma once

#include <smart/exit_code.hpp>
#include <smart/util/failure.hpp>

#include <fmt/format.h>

#include <stdexcept>
#include <string>
#include <utility>

// Errors that end a tool. Expected, per-item failures (a probe that timed out,
// one bad experiment among many) are values, not exceptions; these are caught
// once, in the guarded main, which prints "tool: error: <what>" and exits with
// the carried code.

namespace smart {

class Error : public util::Failure {
public:
  explicit Error(std::string what, ExitCode code = ExitCode::failed)
    : util::Failure(std::move(what)), m_code(code)
  {
  }

  template<typename... Args>
  Error(fmt::format_string<Args...> format, Args&&... args)
    : Error(fmt::format(format, std::forward<Args>(args)...))
  {
  }

  ExitCode code() const noexcept { return m_code; }

private:
  ExitCode m_code;
};

// Bad command line, configuration or input data: exit 2, nothing changed.
class UsageError : public Error {
public:
  explicit UsageError(std::string what) : Error(std::move(what), ExitCode::usage) {}

  template<typename... Args>
  UsageError(fmt::format_string<Args...> format, Args&&... args)
    : UsageError(fmt::format(format, std::forward<Args>(args)...))
  {
  }
};

} // namespace smart
