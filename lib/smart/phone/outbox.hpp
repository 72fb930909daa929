#pragma once

#include <smart/util/time.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The coach outbox (docs/coach.md, "Delivery: retries and the outbox"): payloads not yet accepted
// by the coach, one file each in VAR_DIR/outbox/, mode 0600, written
// atomically. A payload is deleted only after the coach answered 2xx, so
// delivery is at-least-once; the key (the run id, also the Idempotency-Key)
// lets the coach drop a repeat.
//
// Each file, outbox/<key>.json, is an envelope:
//   {"key": "...", "queued_at": "RFC 3339", "attempts": 0, "payload": {...}}
// Entries come out oldest first (queued_at, then key). Bounds: at most
// max_entries files and nothing older than max_age; anything dropped to keep
// them is reported through `warn` — never silently.
//
// Dead letters: a payload the coach rejected for good (a 4xx about the
// payload itself, see rejects_payload) is moved to rejected/<key>.json (0700
// directory, 0600 files) with one rename, then annotated with
//   "rejected": {"status": 422, "response": "printable, truncated", "at": "RFC 3339"}
// It is never sent again unless a human moves it back into the outbox
// (smart-phone --flush then sends it; the "rejected" member is ignored).
// rejected/ has the same bounds, counted from the rejection.

namespace smart {

struct OutboxEntry {
  std::string key;
  util::SystemTime queued_at;
  int attempts = 0;
  std::string payload; // the JSON text to post
  std::filesystem::path file;
};

struct OutboxLimits {
  std::size_t max_entries = 1000;
  std::chrono::seconds max_age{std::chrono::hours(24 * 30)};
};

class Outbox {
public:
  using Warn = std::function<void(const std::string&)>;

  Outbox(std::filesystem::path dir, OutboxLimits limits, Warn warn);

  // Stores (or replaces: same key = same run) a payload. Creates the
  // directory (0700). Enforces the count bound, dropping the oldest other
  // entries. Throws smart::Error when the file cannot be written.
  void put(const std::string& key, const std::string& payload, util::SystemTime now);

  // Every entry, oldest first, after dropping those older than max_age.
  // A file that cannot be parsed is renamed to <name>.corrupt (kept for a
  // human, never sent) with a warning.
  std::vector<OutboxEntry> entries(util::SystemTime now);

  // After a 2xx. Keeps the file when its payload changed since `entry` was
  // read (a newer report of the same run, queued meanwhile).
  void remove(const OutboxEntry& entry);
  // After a failed attempt: attempts + 1, rewritten atomically — unless the
  // file now holds a newer payload for the same key, which is left as is.
  void record_attempt(OutboxEntry& entry);

  // After a 4xx that rejects the payload for good: moves it to the dead
  // letters with the status, the response (which must hold no secret; kept
  // printable and at most 2000 characters) and `now`. Returns the dead
  // letter, or nullopt when the entry was not moved because a newer payload
  // of the same key was queued meanwhile (not tried yet: it stays). Throws
  // smart::Error when the entry cannot be moved.
  std::optional<std::filesystem::path> reject(const OutboxEntry& entry, long status,
                                              std::string_view response, util::SystemTime now);
  // How many dead letters there are, after dropping (with a warning) those
  // beyond the bounds.
  std::size_t rejected_count(util::SystemTime now);

  const std::filesystem::path& dir() const { return m_dir; }
  std::filesystem::path rejected_dir() const { return m_dir / "rejected"; }

  // Throws smart::Error when the outbox path exists but is not a directory
  // of its own (a symlink included): it is refused, never followed.
  void check_dir() const;

private:
  void write(const OutboxEntry& entry);
  std::vector<OutboxEntry> load();

  std::filesystem::path m_dir;
  OutboxLimits m_limits;
  Warn m_warn;
};

} // namespace smart
