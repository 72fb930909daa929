#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

// SHA-256 (FIPS 180-4). Generic and small: smart needs it only to hash a
// claim token, so a tested implementation beats a new library dependency.

namespace smart::util {

class Sha256 {
public:
  Sha256();
  void update(std::string_view data);
  // The 32-byte digest; the object must not be updated afterwards.
  std::array<std::uint8_t, 32> finish();

private:
  void block(const std::uint8_t* data);

  std::array<std::uint32_t, 8> m_state;
  std::array<std::uint8_t, 64> m_buffer{};
  std::size_t m_buffered = 0;
  std::uint64_t m_length = 0; // bytes
};

// Lower-case hex of SHA-256(data).
std::string sha256_hex(std::string_view data);

// Lower-case hex of bytes.
std::string to_hex(std::string_view bytes);

} // namespace smart::util
