#pragma once

#include <smart/util/time.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

// The coach outbox (SPEC.md "Nothing is lost"): payloads not yet accepted
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
  // After a failed attempt: attempts + 1, rewritten atomically.
  void record_attempt(OutboxEntry& entry);

  const std::filesystem::path& dir() const { return m_dir; }

private:
  void write(const OutboxEntry& entry);
  std::vector<OutboxEntry> load();

  std::filesystem::path m_dir;
  OutboxLimits m_limits;
  Warn m_warn;
};

} // namespace smart
