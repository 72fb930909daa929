#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

// SHA-256 (FIPS 180-4), computed by OpenSSL's EVP interface (already linked
// for TLS). Generic: knows nothing of smart.

struct evp_md_ctx_st; // OpenSSL's EVP_MD_CTX

namespace smart::util {

class Sha256 {
public:
  Sha256(); // throws util::Failure when OpenSSL cannot set up the digest
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::string_view data);
  // The 32-byte digest; the object must not be updated afterwards.
  std::array<std::uint8_t, 32> finish();

private:
  evp_md_ctx_st* m_ctx = nullptr;
};

// Lower-case hex of SHA-256(data).
std::string sha256_hex(std::string_view data);

// Lower-case hex of bytes.
std::string to_hex(std::string_view bytes);

} // namespace smart::util
