#include <smart/cmd/guarded_main.hpp>

#include <smart/error.hpp>

#include <boost/program_options/errors.hpp>
#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

namespace smart::cmd {

namespace {
std::string g_program = "smart";
}

std::string_view program_name()
{
  return g_program;
}

void say(std::string_view text) noexcept
{
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

void warn(std::string_view message)
{
  say(fmt::format("{}: warning: {}\n", g_program, message));
}

namespace {

int run_body(std::string_view tool, const std::function<int()>& body)
{
  try {
    return body();
  } catch (const Error& e) {
    say(fmt::format("{}: error: {}\n", tool, e.what()));
    return to_int(e.code());
  } catch (const boost::program_options::error& e) {
    say(fmt::format("{}: error: {}\nTry '{} --help' for more information.\n", tool, e.what(), tool));
    return to_int(ExitCode::usage);
  } catch (const std::bad_alloc&) {
    say(fmt::format("{}: error: out of memory\n", tool));
    return to_int(ExitCode::failed);
  } catch (const std::exception& e) {
    say(fmt::format("{}: error: {}\n", tool, e.what()));
    return to_int(ExitCode::failed);
  }
}

} // namespace

int guarded_main(std::string_view tool, const std::function<int()>& body)
{
  g_program = std::string(tool);
  const int code = run_body(tool, body);
  // Buffered output fails at the flush: check it here, not at exit, where
  // nobody would look.
  errno = 0;
  const bool flushed = std::fflush(stdout) == 0;
  if (!flushed || std::ferror(stdout) != 0) {
    say(fmt::format("{}: error: cannot write to stdout: {}\n", tool,
                    !flushed && errno != 0 ? std::strerror(errno) : "write error"));
    return code == to_int(ExitCode::ok) ? to_int(ExitCode::failed) : code;
  }
  return code;
}

} // namespace smart::cmd
