#include <smart/util/random.hpp>

#include <smart/util/failure.hpp>

#include <sys/random.h>

#include <cerrno>
#include <cstring>

namespace smart::util {

std::string random_bytes(std::size_t count)
{
  std::string out(count, '\0');
  std::size_t filled = 0;
  while (filled < count) {
    const ssize_t n = ::getrandom(out.data() + filled, count - filled, 0);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw Failure("getrandom failed: {}", std::strerror(errno));
    }
    filled += static_cast<std::size_t>(n);
  }
  return out;
}

double random_unit()
{
  const std::string bytes = random_bytes(8);
  std::uint64_t value = 0;
  std::memcpy(&value, bytes.data(), sizeof value);
  // 53 random bits: every double in [0, 1) this yields is equally likely.
  return static_cast<double>(value >> 11) * 0x1.0p-53;
}

} // namespace smart::util
