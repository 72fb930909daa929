#pragma once

#include <smart/cmd/cli.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

// smart-phone: reports runs to the coach and asks it about borderline calls
// (docs/coach.md). Three modes:
//   post     [RUN_ID]: queue the run's payload in the outbox, then flush the
//            outbox oldest first. 0 all delivered, 75 something deferred,
//            2 configuration (401/403 included), 1 the coach refused a payload.
//   ask      --ask --run-dir DIR --variant V: one JSON answer on stdout, 0
//            when the coach answered; anything else means "revert".
//   register --register: claim workflow, stores the API key 0600.

namespace smart::cmd {

struct PhoneOptions {
  CommonOptions common;
  std::optional<std::string> run_id;
  bool flush_only = false;
  bool ask = false;
  std::filesystem::path run_dir;
  std::string variant;
  bool register_host = false;
  bool notify = false;    // --notify: alerts of a run (with --flush: only send queued alerts)
  bool heartbeat = false; // --heartbeat: host metrics and health to NOTIFY_URL
  bool force = false;
  std::chrono::duration<double> poll_interval{5};
  std::chrono::duration<double> register_wait{15 * 60};
};

int phone(const PhoneOptions& options);

} // namespace smart::cmd
