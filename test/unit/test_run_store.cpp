#include <smart/run_store.hpp>
#include <smart/util/atomic_file.hpp>

#include <boost/json.hpp>
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>
#include <sys/resource.h>

#include <csignal>
#include <filesystem>
#include <fstream>

using namespace smart;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {
RunStore store_in(const fs::path& dir)
{
  RunStore store(dir / "var", dir / "var/runs", dir / "var/state.json");
  store.prepare();
  return store;
}

util::SystemTime at(std::string_view text)
{
  return *util::parse_rfc3339(text);
}
} // namespace

TEST_CASE("run_store: run ids are UTC compact times, suffixed on collision")
{
  TempDir tmp;
  const auto store = store_in(tmp.path);
  const auto now = at("2026-11-22T23:23:18.5Z");
  CHECK(store.create_run(now).first == "20261122T232318Z");
  CHECK(store.create_run(now).first == "20261122T232318Z-2");
  const auto [id, dir] = store.create_run(now);
  CHECK(id == "20261122T232318Z-3");
  CHECK(fs::is_directory(dir));
  CHECK(is_run_id("20261122T232318Z-12"));
  CHECK(!is_run_id("20261122T232318"));
  CHECK(!is_run_id("20261122T232318Z-"));
  CHECK(!is_run_id("../../etc"));
}

TEST_CASE("run_store: state.json keeps the original fields first, then the additions")
{
  TempDir tmp;
  const auto store = store_in(tmp.path);
  RunSummary s;
  s.run_id = "20261122T232318Z";
  s.experiment = "001_nginx_workers";
  s.status = RunStatus::reverted;
  s.finished_at = "2026-11-22T23:23:27Z";
  s.baseline = StatsBrief{60, 0, 17.0, 20.0, 21.0, 17.2};
  VariantResult a{"workers_auto",
                  VariantOutcome::revert,
                  {"p50 worse"},
                  false,
                  StatsBrief{60, 0, 18.0, 20, 22, 18},
                  -5.9,
                  0,
                  "",
                  "",
                  {}};
  VariantResult b{"workers_2",
                  VariantOutcome::revert,
                  {},
                  false,
                  StatsBrief{60, 1.6667, 14.5, 20, 22, 15},
                  14.7,
                  1.67,
                  "",
                  "",
                  {}};
  VariantResult c;
  c.name = "workers_4";
  s.variants = {a, b, c};
  store.write_state(s);
  const auto state = read_json_object(store.state_file());
  std::vector<std::string> keys;
  for (const auto& [key, value] : state) {
    keys.emplace_back(key);
  }
  CHECK(std::vector<std::string>(keys.begin(), keys.begin() + 5) ==
        std::vector<std::string>{"run_id", "experiment", "kept_variant", "metrics", "updated_at"});
  CHECK(state.at("kept_variant").as_string() == "none");
  const auto& metrics = state.at("metrics").as_object();
  CHECK(metrics.at("base_p50_ms").to_number<double>() == Approx(17.0));
  CHECK(metrics.at("var_p50_ms").to_number<double>() == Approx(14.5)); // last measured
  CHECK(metrics.at("var_err_pct").to_number<double>() == Approx(1.67));
  CHECK(state.at("status").as_string() == "reverted");
  CHECK(state.at("variants").as_array().size() == 3);
}

TEST_CASE("run_store: a latency without successful samples is null, never 0")
{
  StatsBrief dead{10, 100.0, std::nullopt, std::nullopt, std::nullopt, std::nullopt};
  const auto object = to_json(dead);
  CHECK(object.at("p50_ms").is_null());
  CHECK(object.at("err_pct").to_number<double>() == Approx(100));
}

TEST_CASE("run_store: pending.json and revert_failed.json round-trip and clear")
{
  TempDir tmp;
  const auto store = store_in(tmp.path);
  CHECK(!store.read_pending());
  store.write_pending(Pending{"20261122T232318Z", "e", "/etc/smart/experiments/e", "v", 42, "now", "/r",
                              "2026-11-22T23:40:00Z"});
  const auto pending = store.read_pending();
  REQUIRE(pending);
  CHECK(pending->expected_end == "2026-11-22T23:40:00Z");
  CHECK(pending->experiment_dir == "/etc/smart/experiments/e");
  CHECK(pending->variant == "v");
  CHECK(pending->pid == 42);
  store.clear_pending();
  CHECK(!store.read_pending());
  store.write_revert_failed(json::object{{"run_id", "x"}});
  CHECK(store.read_revert_failed());
  util::write_file_atomically(store.revert_failed_path(), "garbage");
  CHECK(store.read_revert_failed()); // unreadable still refuses
  store.clear_revert_failed();
  CHECK(!store.read_revert_failed());
}

TEST_CASE("run_store: history appends one line per run")
{
  TempDir tmp;
  const auto store = store_in(tmp.path);
  RunSummary s;
  s.run_id = "a";
  store.append_history(s);
  s.run_id = "b";
  store.append_history(s);
  const auto history = store.history();
  REQUIRE(history.size() == 2);
  CHECK(history[1].at("run_id").as_string() == "b");
}

TEST_CASE("run_store: retention prunes by age and count, never the current or pending run")
{
  TempDir tmp;
  const auto store = store_in(tmp.path);
  for (const char* id : {"20261101T000000Z", "20261120T000000Z", "20261121T000000Z", "20261122T000000Z",
                         "20261122T000000Z-2", "20261122T000000Z-10"}) {
    fs::create_directories(store.runs_dir() / id);
  }
  fs::create_directories(store.runs_dir() / "not-a-run");
  store.write_pending(Pending{"20261120T000000Z", "e", "/x", "v", 1, "", "", ""});
  const auto removed = store.prune(10, 2, at("2026-11-22T12:00:00Z"), "20261121T000000Z");
  // 1101 is too old; of the rest only the newest 2 stay, plus current and pending.
  CHECK(removed == std::vector<std::string>{"20261101T000000Z", "20261122T000000Z"});
  CHECK(fs::exists(store.runs_dir() / "not-a-run"));
  CHECK(fs::exists(store.runs_dir() / "20261122T000000Z-10"));
  CHECK(store.prune(0, 0, at("2030-01-01T00:00:00Z"), "").empty());
}

TEST_CASE("run_store: a clock jumping ahead does not make recent runs old")
{
  TempDir tmp;
  const auto store = store_in(tmp.path);
  // Two runs minutes apart, then the clock jumps 40 days ahead.
  for (const char* id : {"20261122T000000Z", "20261122T001000Z", "20270101T001500Z"}) {
    fs::create_directories(store.runs_dir() / id);
  }
  CHECK(store.prune(30, 0, at("2027-01-01T00:15:00Z"), "20270101T001500Z").empty());
  // A clock gone back a year: nothing is old either.
  CHECK(store.prune(30, 0, at("2025-11-22T00:00:00Z"), "").empty());
  // Absurd retention values do not overflow into pruning everything.
  CHECK(store.prune(9223372036854775807L, 0, at("2026-11-22T00:20:00Z"), "").empty());
  // The next run after the jump prunes what is really 30 days older than it.
  const auto removed = store.prune(30, 0, at("2027-01-01T00:45:00Z"), "20270101T004500Z");
  CHECK(removed == std::vector<std::string>{"20261122T000000Z", "20261122T001000Z"});
}

TEST_CASE("run_store: a history line torn by a full disk never costs the next entry")
{
  TempDir tmp;
  const auto store = store_in(tmp.path);
  RunSummary s;
  s.run_id = "a";
  store.append_history(s);
  // What an older writer left on ENOSPC: half a line, no newline.
  {
    std::ofstream out(store.history_path(), std::ios::app);
    out << R"({"run_id":"torn","experiment":"x","sta)";
  }
  s.run_id = "b";
  store.append_history(s);
  s.run_id = "c";
  store.append_history(s);
  auto history = store.history();
  REQUIRE(history.size() == 3);
  CHECK(history[1].at("run_id").as_string() == "b");
  CHECK(history[2].at("run_id").as_string() == "c");

  // A file already glued by an older writer: the whole entry is still read.
  util::write_file_atomically(store.history_path(), std::string(R"({"run_id":"a","sta)") +
                                                      compact_json(json::object{{"run_id", "b"}}) + "\n");
  history = store.history();
  REQUIRE(history.size() == 1);
  CHECK(history[0].at("run_id").as_string() == "b");
}

TEST_CASE("run_store: a history append that fails midway leaves no half line")
{
  TempDir tmp;
  const auto store = store_in(tmp.path);
  RunSummary s;
  s.run_id = "a";
  store.append_history(s);
  const auto before = util::read_file(store.history_path());
  // A file size limit stands in for a full disk: the write stops midway.
  struct sigaction ignore {
  }, old_action{};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGXFSZ, &ignore, &old_action);
  rlimit old_limit{};
  ::getrlimit(RLIMIT_FSIZE, &old_limit);
  rlimit limit = old_limit;
  limit.rlim_cur = static_cast<rlim_t>(before.size() + 20);
  ::setrlimit(RLIMIT_FSIZE, &limit);
  s.run_id = "b";
  CHECK_THROWS(store.append_history(s));
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  ::sigaction(SIGXFSZ, &old_action, nullptr);
  CHECK(util::read_file(store.history_path()) == before);
  s.run_id = "c";
  store.append_history(s);
  REQUIRE(store.history().size() == 2);
}

TEST_CASE("run store: statuses and outcomes are spelled as the files have always spelled them")
{
  CHECK(to_string(RunStatus::kept) == "kept");
  CHECK(to_string(RunStatus::reverted) == "reverted");
  CHECK(to_string(RunStatus::aborted) == "aborted");
  CHECK(to_string(RunStatus::failed) == "failed");
  CHECK(to_string(RunStatus::revert_failed) == "revert_failed");
  for (const auto outcome : {VariantOutcome::keep, VariantOutcome::revert, VariantOutcome::inconclusive,
                             VariantOutcome::failed, VariantOutcome::aborted, VariantOutcome::skipped}) {
    const auto text = to_string(outcome);
    CHECK(text != "");
    if (outcome == VariantOutcome::keep || outcome == VariantOutcome::revert ||
        outcome == VariantOutcome::inconclusive) {
      CHECK(outcome_of_decision(text) == outcome);
    }
  }
  // Anything smart-decide did not say plainly is a revert.
  CHECK(outcome_of_decision("") == VariantOutcome::revert);
  CHECK(outcome_of_decision("maybe") == VariantOutcome::revert);
  CHECK(to_json(RunSummary{}).at("status") == "failed");
}
