#include <smart/outbox.hpp>

#include <smart/error.hpp>
#include <smart/util/atomic_file.hpp>
#include <smart/util/strings.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <sys/stat.h>

#include <algorithm>

namespace smart {

namespace fs = std::filesystem;
namespace json = boost::json;

Outbox::Outbox(fs::path dir, OutboxLimits limits, Warn warn)
  : m_dir(std::move(dir)), m_limits(limits), m_warn(std::move(warn))
{
}

void Outbox::write(const OutboxEntry& entry)
{
  json::object envelope;
  envelope["key"] = entry.key;
  envelope["queued_at"] = util::format_rfc3339_ms(entry.queued_at);
  envelope["attempts"] = entry.attempts;
  envelope["payload"] = json::parse(entry.payload);
  util::write_file_atomically(entry.file, json::serialize(envelope) + "\n", 0600);
}

void Outbox::put(const std::string& key, const std::string& payload, util::SystemTime now)
{
  if (!util::is_safe_name(key)) {
    throw Error("outbox: unsafe key {}", util::printable(key));
  }
  std::error_code ec;
  fs::create_directories(m_dir, ec);
  if (ec) {
    throw Error("failed to create {}: {}", m_dir.string(), ec.message());
  }
  ::chmod(m_dir.c_str(), 0700);

  OutboxEntry entry{key, now, 0, payload, m_dir / (key + ".json")};
  auto existing = load();
  for (const auto& old : existing) {
    if (old.key == key) {
      entry.queued_at = old.queued_at; // keeps its place in the queue
      entry.attempts = old.attempts;
    }
  }
  write(entry);

  std::erase_if(existing, [&](const OutboxEntry& e) { return e.key == key; });
  // existing is oldest first; keep room for the new entry.
  std::size_t count = existing.size() + 1;
  for (const auto& old : existing) {
    if (count <= m_limits.max_entries) {
      break;
    }
    m_warn(fmt::format("outbox full ({} entries max): dropping the oldest undelivered payload {} (queued {})",
                       m_limits.max_entries, old.key, util::format_rfc3339(old.queued_at)));
    fs::remove(old.file, ec);
    --count;
  }
}

std::vector<OutboxEntry> Outbox::load()
{
  std::vector<OutboxEntry> out;
  std::error_code ec;
  if (!fs::is_directory(m_dir, ec)) {
    return out;
  }
  for (const auto& item : fs::directory_iterator(m_dir, ec)) {
    const auto& path = item.path();
    if (path.extension() != ".json" || !item.is_regular_file(ec)) {
      continue; // temp files of a writer, .corrupt files
    }
    try {
      const auto value = json::parse(util::read_file(path));
      const auto& object = value.as_object();
      OutboxEntry entry;
      entry.key = std::string(object.at("key").as_string());
      const auto when = util::parse_rfc3339(object.at("queued_at").as_string());
      if (!when || !util::is_safe_name(entry.key)) {
        throw std::runtime_error("bad key or queued_at");
      }
      entry.queued_at = *when;
      entry.attempts = static_cast<int>(object.at("attempts").to_number<std::int64_t>());
      entry.payload = json::serialize(object.at("payload"));
      entry.file = path;
      out.push_back(std::move(entry));
    } catch (const std::exception& e) {
      auto aside = path;
      aside += ".corrupt";
      fs::rename(path, aside, ec);
      m_warn(fmt::format("{}: not a valid outbox entry ({}); moved aside to {}", path.string(), e.what(),
                         aside.filename().string()));
    }
  }
  std::sort(out.begin(), out.end(), [](const OutboxEntry& a, const OutboxEntry& b) {
    return a.queued_at != b.queued_at ? a.queued_at < b.queued_at : a.key < b.key;
  });
  return out;
}

std::vector<OutboxEntry> Outbox::entries(util::SystemTime now)
{
  auto all = load();
  std::vector<OutboxEntry> kept;
  std::error_code ec;
  for (auto& entry : all) {
    if (now - entry.queued_at > m_limits.max_age) {
      m_warn(fmt::format("outbox: dropping payload {} queued {}: older than the {}s limit, never delivered",
                         entry.key, util::format_rfc3339(entry.queued_at), m_limits.max_age.count()));
      fs::remove(entry.file, ec);
      continue;
    }
    kept.push_back(std::move(entry));
  }
  return kept;
}

void Outbox::remove(const OutboxEntry& entry)
{
  // Another smart-phone may have queued a newer payload for the same key
  // while this one was on the wire: that one has not been delivered yet.
  try {
    const auto value = json::parse(util::read_file(entry.file));
    if (json::serialize(value.as_object().at("payload")) != entry.payload) {
      return;
    }
  } catch (const std::exception&) {
    // Unreadable now: fall through and remove what was delivered.
  }
  std::error_code ec;
  fs::remove(entry.file, ec);
  if (ec) {
    throw Error("failed to remove delivered payload {}: {}", entry.file.string(), ec.message());
  }
}

void Outbox::record_attempt(OutboxEntry& entry)
{
  ++entry.attempts;
  write(entry);
}

} // namespace smart
