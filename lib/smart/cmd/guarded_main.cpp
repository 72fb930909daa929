#include <smart/cmd/guarded_main.hpp>

#include <smart/error.hpp>

#include <boost/program_options/errors.hpp>
#include <fmt/format.h>

#include <cstdio>
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

void warn(std::string_view message)
{
  fmt::print(stderr, "{}: warning: {}\n", g_program, message);
  std::fflush(stderr);
}

int guarded_main(std::string_view tool, const std::function<int()>& body)
{
  g_program = std::string(tool);
  try {
    return body();
  } catch (const Error& e) {
    fmt::print(stderr, "{}: error: {}\n", tool, e.what());
    return to_int(e.code());
  } catch (const boost::program_options::error& e) {
    fmt::print(stderr, "{}: error: {}\nTry '{} --help' for more information.\n", tool, e.what(), tool);
    return to_int(ExitCode::usage);
  } catch (const std::bad_alloc&) {
    fmt::print(stderr, "{}: error: out of memory\n", tool);
    return to_int(ExitCode::failed);
  } catch (const std::exception& e) {
    fmt::print(stderr, "{}: error: {}\n", tool, e.what());
    return to_int(ExitCode::failed);
  }
}

} // namespace smart::cmd
