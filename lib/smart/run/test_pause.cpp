#include <smart/run/test_pause.hpp>

#include <fmt/format.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>

namespace smart {

void test_pause_point(std::string_view phase)
{
  const char* wanted = std::getenv("SMART_TEST_PAUSE_AT");
  if (wanted == nullptr || phase != wanted) {
    return;
  }
  std::fputs(fmt::format("test hook: stopping at {} (SMART_TEST_PAUSE_AT)\n", phase).c_str(), stderr);
  std::fflush(stderr);
  std::raise(SIGSTOP);
}

} // namespace smart
