#include <smart/phone/outbox.hpp>

#include <smart/error.hpp>
#include <smart/util/atomic_file.hpp>
#include <smart/util/json_writer.hpp>
#include <smart/util/strings.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include <algorithm>

namespace smart {

namespace fs = std::filesystem;
namespace json = boost::json;

Outbox::Outbox(fs::path dir, OutboxLimits limits, Warn warn)
  : m_dir(std::move(dir)), m_limits(limits), m_warn(std::move(warn))
{
}

namespace {

json::object envelope_of(const OutboxEntry& entry)
{
  json::object envelope;
  envelope["key"] = entry.key;
  envelope["queued_at"] = util::format_rfc3339_ms(entry.queued_at);
  envelope["attempts"] = entry.attempts;
  envelope["payload"] = json::parse(entry.payload);
  return envelope;
}

// The payload an entry's file holds now; nullopt when it cannot be read.
std::optional<std::string> stored_payload(const fs::path& file)
{
  try {
    const auto value = json::parse(util::read_file(file));
    return util::write_json(value.as_object().at("payload"));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

struct DeadLetter {
  std::string key;
  util::SystemTime rejected_at;
  fs::path file;
};

// The dead letters, oldest rejection first. A file that cannot be read is
// left alone (a human's), and not counted.
std::vector<DeadLetter> load_dead_letters(const fs::path& dir)
{
  std::vector<DeadLetter> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return out;
  }
  for (const auto& item : fs::directory_iterator(dir, ec)) {
    if (item.path().extension() != ".json" || !item.is_regular_file(ec)) {
      continue;
    }
    try {
      const auto value = json::parse(util::read_file(item.path()));
      const auto& object = value.as_object();
      const auto* rejected = object.if_contains("rejected");
      const auto* at =
        rejected != nullptr && rejected->is_object() ? rejected->as_object().if_contains("at") : nullptr;
      const auto when =
        util::parse_rfc3339(at != nullptr ? at->as_string() : object.at("queued_at").as_string());
      if (!when) {
        continue;
      }
      out.push_back(DeadLetter{std::string(object.at("key").as_string()), *when, item.path()});
    } catch (const std::exception&) {
      continue;
    }
  }
  std::sort(out.begin(), out.end(), [](const DeadLetter& a, const DeadLetter& b) {
    return a.rejected_at != b.rejected_at ? a.rejected_at < b.rejected_at : a.key < b.key;
  });
  return out;
}

} // namespace

namespace {

// The outbox and rejected/ are ours alone (0700). Each is created with
// mkdir and then opened without following a symlink, so a link planted in
// their place (by whoever owns the state directory, while root runs us) is
// refused instead of having its target chmodded and its files renamed.
void make_private_dir(const fs::path& dir)
{
  std::error_code ec;
  fs::create_directories(dir.parent_path(), ec);
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    throw Error("failed to create {}: {}", dir.string(), std::strerror(errno));
  }
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    throw Error("{}: {}: refused (it must be a directory, not a symlink)", dir.string(),
                errno == ELOOP || errno == ENOTDIR ? "not a directory" : std::strerror(errno));
  }
  ::fchmod(fd, 0700);
  ::close(fd);
}

} // namespace

void Outbox::check_dir() const
{
  std::error_code ec;
  const auto status = fs::symlink_status(m_dir, ec);
  if (!ec && status.type() != fs::file_type::not_found && status.type() != fs::file_type::directory) {
    throw Error("{}: not a directory{}: refused", m_dir.string(),
                status.type() == fs::file_type::symlink ? " but a symlink" : "");
  }
}

void Outbox::write(const OutboxEntry& entry)
{
  util::write_file_atomically(entry.file, util::write_json(envelope_of(entry)) + "\n", 0600);
}

void Outbox::put(const std::string& key, const std::string& payload, util::SystemTime now)
{
  if (!util::is_safe_name(key)) {
    throw Error("outbox: unsafe key {}", util::printable(key));
  }
  make_private_dir(m_dir);
  std::error_code ec;

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
  check_dir();
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
      entry.payload = util::write_json(object.at("payload"));
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
  // (Unreadable now: remove what was delivered.)
  if (auto stored = stored_payload(entry.file); stored && *stored != entry.payload) {
    return;
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
  // A newer report of the same run queued while this one was on the wire
  // must not be overwritten by the old payload: it keeps its own count.
  if (auto stored = stored_payload(entry.file); stored && *stored != entry.payload) {
    return;
  }
  write(entry);
}

std::optional<fs::path> Outbox::reject(const OutboxEntry& entry, long status, std::string_view response,
                                       util::SystemTime now)
{
  if (auto stored = stored_payload(entry.file); stored && *stored != entry.payload) {
    return std::nullopt; // a newer report of the same run, not tried yet
  }
  const fs::path dir = rejected_dir();
  check_dir();
  make_private_dir(dir);
  std::error_code ec;
  const fs::path target = dir / (entry.key + ".json");
  // The move is one rename: the entry is in the outbox or among the dead
  // letters, never in both (sent again) nor in neither (lost).
  fs::rename(entry.file, target, ec);
  if (ec && fs::exists(entry.file)) {
    throw Error("failed to move rejected payload {} to {}: {}", entry.file.string(), dir.string(),
                ec.message());
  }
  util::fsync_directory(m_dir);
  // Then why: a crash before this leaves a dead letter without the reason,
  // never a payload sent again.
  auto envelope = envelope_of(entry);
  envelope["rejected"] = json::object{
    {"status", status},
    {"response", util::printable(response, 2000)},
    {"at", util::format_rfc3339(now)},
  };
  util::write_file_atomically(target, util::write_json(envelope) + "\n", 0600);
  rejected_count(now);
  return target;
}

std::size_t Outbox::rejected_count(util::SystemTime now)
{
  const auto letters = load_dead_letters(rejected_dir());
  std::size_t count = letters.size();
  std::error_code ec;
  for (const auto& letter : letters) { // oldest first
    if (now - letter.rejected_at > m_limits.max_age) {
      m_warn(fmt::format("outbox: dropping rejected payload {} (rejected {}): older than the {}s limit",
                         letter.file.string(), util::format_rfc3339(letter.rejected_at),
                         m_limits.max_age.count()));
    } else if (count > m_limits.max_entries) {
      m_warn(fmt::format("outbox: rejected/ full ({} entries max): dropping the oldest rejected payload {} "
                         "(rejected {})",
                         m_limits.max_entries, letter.file.string(),
                         util::format_rfc3339(letter.rejected_at)));
    } else {
      continue;
    }
    fs::remove(letter.file, ec);
    --count;
  }
  return count;
}

} // namespace smart
