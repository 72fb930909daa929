#include <smart/run/fingerprint.hpp>

#include <smart/util/atomic_file.hpp>
#include <smart/util/failure.hpp>
#include <smart/util/strings.hpp>

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

std::vector<std::pair<std::string, std::string>> managed_entries(const Experiment& exp, const Config& config)
{
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& raw : exp.manages) {
    const fs::path path(expand(raw.string(), config));
    // Normal form: two experiments naming one file the same way or not.
    const auto full = (path.is_absolute() ? path : exp.dir / path).lexically_normal();
    std::string content;
    bool present = true;
    try {
      content = util::read_file(full);
    } catch (const util::Failure&) {
      present = false;
    }
    out.emplace_back(full.string(), present ? fmt::format("{}:{:016x}", content.size(), fnv1a(content))
                                            : std::string("missing"));
  }
  return out;
}

std::string fingerprint(const Experiment& exp, const Config& config)
{
  std::string out;
  for (const auto& [path, value] : managed_entries(exp, config)) {
    out += fmt::format("{}{}={}", out.empty() ? "" : " ", path, value);
  }
  return out;
}

namespace {

// PATH's value in a fingerprint ("PATH=VALUE" entries separated by blanks),
// or nothing when it has no entry for PATH.
std::optional<std::string> entry_of(const std::string& fingerprint, const std::string& path)
{
  const std::string key = path + "=";
  for (auto at = fingerprint.find(key); at != std::string::npos; at = fingerprint.find(key, at + 1)) {
    if (at == 0 || fingerprint[at - 1] == ' ') {
      const auto from = at + key.size();
      const auto end = fingerprint.find(' ', from);
      return fingerprint.substr(from, end == std::string::npos ? std::string::npos : end - from);
    }
  }
  return std::nullopt;
}

} // namespace

void follow_shared_files(const RunStore& store, const Experiment& exp, const Config& config,
                         const std::string& before)
{
  const auto after = managed_entries(exp, config);
  for (const auto& dir : list_experiment_dirs(config.experiments_dir())) {
    std::optional<Experiment> other;
    try {
      other = load_experiment(dir);
    } catch (const std::exception&) {
      continue; // an invalid experiment is reported when it is run or listed
    }
    if (other->id == exp.id || other->manages.empty()) {
      continue;
    }
    const auto saved = saved_fingerprint(store, other->id);
    if (!saved) {
      continue;
    }
    std::string updated = *saved;
    bool changed = false;
    bool theirs = true;
    for (const auto& [path, now] : after) {
      const auto recorded = entry_of(updated, path);
      if (!recorded) {
        continue;
      }
      if (*recorded != entry_of(before, path).value_or("")) {
        theirs = false; // they saw something else: an operator's change stays flagged
        break;
      }
      const auto at = updated.find(path + "=" + *recorded);
      updated.replace(at + path.size() + 1, recorded->size(), now);
      changed = changed || *recorded != now;
    }
    if (theirs && changed) {
      save_fingerprint(store, other->id, updated);
    }
  }
}

void save_fingerprint(const RunStore& store, const std::string& id, const std::string& fingerprint)
{
  const auto file = store.fingerprint_path(id);
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  util::write_file_atomically(file, fingerprint + "\n");
}

std::optional<std::string> saved_fingerprint(const RunStore& store, const std::string& id)
{
  const auto file = store.fingerprint_path(id);
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    return std::nullopt;
  }
  return std::string(util::trim(util::read_file(file)));
}

} // namespace smart
