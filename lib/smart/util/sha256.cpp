#include <smart/util/sha256.hpp>

#include <smart/util/failure.hpp>

#include <openssl/evp.h>

namespace smart::util {

Sha256::Sha256() : m_ctx(EVP_MD_CTX_new())
{
  if (m_ctx == nullptr || EVP_DigestInit_ex(m_ctx, EVP_sha256(), nullptr) != 1) {
    EVP_MD_CTX_free(m_ctx);
    throw Failure("sha256: OpenSSL could not set up the digest");
  }
}

Sha256::~Sha256()
{
  EVP_MD_CTX_free(m_ctx);
}

void Sha256::update(std::string_view data)
{
  if (EVP_DigestUpdate(m_ctx, data.data(), data.size()) != 1) {
    throw Failure("sha256: OpenSSL digest update failed");
  }
}

std::array<std::uint8_t, 32> Sha256::finish()
{
  std::array<std::uint8_t, 32> digest{};
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(m_ctx, digest.data(), &size) != 1 || size != digest.size()) {
    throw Failure("sha256: OpenSSL digest failed");
  }
  return digest;
}

std::string to_hex(std::string_view bytes)
{
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    out += digits[byte >> 4];
    out += digits[byte & 0xf];
  }
  return out;
}

std::string sha256_hex(std::string_view data)
{
  Sha256 hash;
  hash.update(data);
  const auto digest = hash.finish();
  return to_hex(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

} // namespace smart::util
