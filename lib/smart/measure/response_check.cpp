#include <smart/measure/response_check.hpp>

#include <smart/error.hpp>
#include <smart/util/atomic_file.hpp>
#include <smart/util/sha256.hpp>
#include <smart/util/strings.hpp>

#include <system_error>

namespace smart {

void ResponseChecks::set_expect_body(const std::string& text)
{
  m_body_text = text;
  m_body_regex.reset();
  if (text.size() >= 2 && text.front() == '/' && text.back() == '/') {
    // libstdc++ reads a back-reference or a {n,m} count into a long without
    // an overflow check: a run of digits that long is no regex anyone means.
    std::size_t digits = 0;
    for (const char c : text) {
      digits = (c >= '0' && c <= '9') ? digits + 1 : 0;
      if (digits > 9) {
        throw UsageError("expected body '{}': not a regular expression: a number of more than 9 digits",
                         util::printable(text, 80));
      }
    }
    try {
      m_body_regex =
        std::make_shared<const std::regex>(text.substr(1, text.size() - 2), std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      throw UsageError("expected body '{}': not a regular expression: {}", util::printable(text, 80),
                       e.what());
    }
  }
}

void ResponseChecks::load_reference()
{
  m_reference_loaded = true;
  if (!same_body_file) {
    return;
  }
  std::error_code ec;
  if (!std::filesystem::exists(*same_body_file, ec)) {
    return;
  }
  const std::string text{util::trim(util::read_file(*same_body_file))};
  if (!text.empty()) {
    m_reference = text;
  }
}

ProbeError ResponseChecks::check(int code, std::string_view body, std::uint64_t body_bytes)
{
  if (code == 0) {
    return ProbeError::none; // the transport error says it already
  }
  if (!status.contains(code)) {
    return ProbeError::unexpected_status;
  }
  if (min_bytes && body_bytes < *min_bytes) {
    return ProbeError::too_small;
  }
  if (m_body_text) {
    const bool found = m_body_regex ? std::regex_search(body.begin(), body.end(), *m_body_regex)
                                    : body.find(*m_body_text) != std::string_view::npos;
    if (!found) {
      return ProbeError::body_mismatch;
    }
  }
  if (same_body_file) {
    if (!m_reference_loaded) {
      load_reference();
    }
    const std::string hash = util::sha256_hex(body);
    if (!m_reference) {
      util::write_file_atomically(*same_body_file, hash + "\n");
      m_reference = hash;
    } else if (hash != *m_reference) {
      return ProbeError::body_mismatch;
    }
  }
  return ProbeError::none;
}

} // namespace smart
