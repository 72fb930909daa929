#include <smart/util/host.hpp>

#include <unistd.h>

namespace smart::util {

std::string host_name()
{
  char buffer[256] = {};
  if (::gethostname(buffer, sizeof(buffer) - 1) != 0) {
    return "unknown";
  }
  return buffer;
}

} // namespace smart::util
