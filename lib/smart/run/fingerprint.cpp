#include <smart/run/fingerprint.hpp>

#include <smart/util/atomic_file.hpp>
#include <smart/util/failure.hpp>

#include <fmt/format.h>

#include <cstdint>
#include <string_view>

namespace smart {

namespace fs = std::filesystem;

namespace {

std::uint64_t fnv1a(std::string_view data)
{
  std::uint64_t hash = 1469598103934665603ULL;
  for (const char c : data) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

// ${KEY} names a configuration value (smart.conf or the environment).
std::string expand(std::string text, const Config& config)
{
  for (std::size_t at = text.find("${"); at != std::string::npos; at = text.find("${", at)) {
    const auto close = text.find('}', at);
    if (close == std::string::npos) {
      break;
    }
    const auto key = text.substr(at + 2, close - at - 2);
    const auto values = config.exported();
    const auto it = values.find(key);
    const std::string value = it != values.end() ? it->second : std::string();
    text.replace(at, close - at + 1, value);
    at += value.size();
  }
  return text;
}

} // namespace

std::string fingerprint(const Experiment& exp, const Config& config)
{
  std::string out;
  for (const auto& raw : exp.manages) {
    const fs::path path(expand(raw.string(), config));
    const auto full = path.is_absolute() ? path : exp.dir / path;
    std::string content;
    bool present = true;
    try {
      content = util::read_file(full);
    } catch (const util::Failure&) {
      present = false;
    }
    out += fmt::format("{}{}={}", out.empty() ? "" : " ", full.string(),
                       present ? fmt::format("{}:{:016x}", content.size(), fnv1a(content))
                               : std::string("missing"));
  }
  return out;
}

void save_fingerprint(const RunStore& store, const Experiment& exp, const Config& config)
{
  const auto file = store.fingerprint_path(exp.id);
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  util::write_file_atomically(file, fingerprint(exp, config) + "\n");
}

} // namespace smart
