// The Runner's state machine driven through a fake ProcessRunner: which
// steps run, in which order, and how each failure ends (always reverted).

#include "../temp_dir.hpp"
#include "fake_process_runner.hpp"

#include <smart/config.hpp>
#include <smart/exit_code.hpp>
#include <smart/run/runner.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>

using namespace smart;

namespace {

Config config_of(std::string_view text)
{
  return Config::parse(text, "smart.conf", [](const std::string&) { return std::optional<std::string>(); });
}

Experiment experiment_with_check()
{
  return parse_experiment(R"({"id": "x", "variants": [{"name": "fast", "apply": "apply-fast"}],
    "revert": "revert-it", "check": "check-it", "target_url": "http://127.0.0.1/"})",
                          "meta.json", "/x");
}

RunSettings quick_sequential()
{
  RunSettings s;
  s.design = Design::sequential;
  s.baseline = util::Duration(1);
  s.variant = util::Duration(1);
  s.cooldown = util::Duration(0);
  s.timeout = util::Duration(5);
  return s;
}

// One run against a fake: a state directory of its own, no real process.
struct Bench {
  TempDir tmp{"runner"};
  Config config = config_of("");
  RunStore store{tmp.path / "var", tmp.path / "var" / "runs", tmp.path / "var" / "state.json"};
  RunLog log;
  FakeProcessRunner processes;
  RunContext ctx{config, std::nullopt, store, tmp.path / "bin", log, processes};

  Bench() { store.prepare(); }

  RunSummary run(const RunSettings& settings = quick_sequential())
  {
    const auto exp = experiment_with_check();
    return run_experiment(ctx, exp, settings);
  }
};

} // namespace

TEST_CASE("runner: the steps of a reverted variant, in order")
{
  Bench bench;
  const auto summary = bench.run();
  CHECK(summary.status == RunStatus::reverted);
  // After the run: the coach, the dashboard, then the alerts (smart-phone --notify).
  const std::vector<std::string> expected{
    "measure.baseline", "apply.fast",          "check.fast",  "measure.fast",    "decide.fast",
    "revert.fast",      "check.fast.reverted", "smart-phone", "smart-dashboard", "smart-phone"};
  CHECK(bench.processes.steps() == expected);
  CHECK_FALSE(bench.store.read_pending());
}

TEST_CASE("runner: a failed apply is reverted and the run fails")
{
  Bench bench;
  bench.processes.results["apply.fast"] = FakeProcessRunner::exit_with(1);
  const auto summary = bench.run();
  CHECK(summary.status == RunStatus::failed);
  CHECK(bench.processes.ran("revert.fast"));
  CHECK_FALSE(bench.processes.ran("measure.fast"));
  REQUIRE(summary.variants.size() == 1);
  CHECK(summary.variants[0].outcome == VariantOutcome::failed);
  CHECK(summary.variants[0].reasons.at(0) == "apply exit 1");
  CHECK_FALSE(bench.store.read_pending());
  CHECK(exit_code_for(summary) == to_int(ExitCode::failed));
}

TEST_CASE("runner: a failed check after apply is reverted and the run fails")
{
  Bench bench;
  bench.processes.results["check.fast"] = FakeProcessRunner::exit_with(2);
  const auto summary = bench.run();
  CHECK(summary.status == RunStatus::failed);
  CHECK(bench.processes.ran("revert.fast"));
  CHECK(bench.processes.ran("check.fast.reverted"));
  CHECK_FALSE(bench.processes.ran("measure.fast"));
  CHECK(summary.variants.at(0).outcome == VariantOutcome::failed);
  CHECK(summary.variants.at(0).reasons.at(0) == "check exit 2");
}

TEST_CASE("runner: smart-decide says keep (exit 0): kept, nothing reverted")
{
  Bench bench;
  bench.processes.decide_reply = R"({"decision": "keep", "reasons": ["p50 -20%"], "improve_pct": 20})";
  bench.processes.decide_exit = 0;
  const auto summary = bench.run();
  CHECK(summary.status == RunStatus::kept);
  CHECK(summary.kept_variant == "fast");
  CHECK_FALSE(bench.processes.ran("revert.fast"));
  CHECK(summary.variants.at(0).outcome == VariantOutcome::keep);
  CHECK(summary.variants.at(0).improve_pct == Approx(20));
  CHECK_FALSE(bench.store.read_pending());
}

TEST_CASE("runner: a keep without exit 0 is not a keep (uncertain => revert)")
{
  Bench bench;
  bench.processes.decide_reply = R"({"decision": "keep", "reasons": ["p50 -20%"]})";
  bench.processes.decide_exit = 1;
  const auto summary = bench.run();
  CHECK(summary.status == RunStatus::reverted);
  CHECK(bench.processes.ran("revert.fast"));
}

TEST_CASE("runner: advise mode reverts even a keep and says it would have kept")
{
  Bench bench;
  bench.processes.decide_reply = R"({"decision": "keep", "reasons": ["p50 -20%"]})";
  bench.processes.decide_exit = 0;
  auto settings = quick_sequential();
  settings.mode = RunMode::advise;
  const auto summary = bench.run(settings);
  CHECK(summary.status == RunStatus::reverted);
  CHECK(bench.processes.ran("revert.fast"));
  CHECK(summary.extra.at("would_keep") == "fast");
}

TEST_CASE("runner: a failed revert ends as revert_failed and is recorded for a human")
{
  Bench bench;
  bench.processes.results["revert.fast"] = FakeProcessRunner::exit_with(1);
  const auto summary = bench.run();
  CHECK(summary.status == RunStatus::revert_failed);
  CHECK(exit_code_for(summary) == to_int(ExitCode::revert_failed));
  const auto record = bench.store.read_revert_failed();
  REQUIRE(record);
  CHECK(record->at("variant") == "fast");
  CHECK_FALSE(bench.store.read_pending());
}

TEST_CASE("runner: a failed measurement of the variant is reverted")
{
  Bench bench;
  smart::util::ProcessResult killed;
  killed.end = smart::util::ProcessEnd::signaled;
  killed.signal = 9;
  bench.processes.results["measure.fast"] = killed;
  const auto summary = bench.run();
  CHECK(summary.status == RunStatus::failed);
  CHECK(bench.processes.ran("revert.fast"));
  CHECK_FALSE(bench.processes.ran("decide.fast"));
}

TEST_CASE("runner: experiment commands get the run's environment and the variant")
{
  Bench bench;
  bench.run();
  const auto& calls = bench.processes.calls;
  const auto apply =
    std::find_if(calls.begin(), calls.end(), [](const auto& c) { return c.step == "apply.fast"; });
  REQUIRE(apply != calls.end());
  CHECK(apply->spec.argv.back() == "apply-fast");
  CHECK(apply->spec.env.at("SMART_VARIANT") == "fast");
  CHECK(apply->spec.env.at("SMART_EXPERIMENT") == "x");
  CHECK(apply->spec.interruptible == util::Interruptible::yes);
  const auto revert =
    std::find_if(calls.begin(), calls.end(), [](const auto& c) { return c.step == "revert.fast"; });
  REQUIRE(revert != calls.end());
  CHECK(revert->spec.interruptible == util::Interruptible::no);
}

TEST_CASE("runner: recovery reverts what pending.json names, then checks")
{
  Bench bench;
  const auto run_dir = bench.tmp.path / "var" / "runs" / "20261203T090000Z";
  std::filesystem::create_directories(run_dir);
  util::write_file_atomically(run_dir / "meta.json",
                              R"({"id": "x", "variants": [{"name": "fast", "apply": "a"}],
    "revert": "revert-it", "check": "check-it", "target_url": "http://127.0.0.1/"})");
  const Pending pending{
    "20261203T090000Z", "x", bench.tmp.path, "fast", 4242, "2026-12-03T09:00:00Z", run_dir, ""};
  bench.store.write_pending(pending);
  CHECK(recover_pending(bench.ctx, pending));
  CHECK(bench.processes.steps() == std::vector<std::string>{"revert.fast.recovery", "check.fast.recovery"});
  CHECK_FALSE(bench.store.read_pending());

  Bench failing;
  failing.processes.results["check.fast.recovery"] = FakeProcessRunner::exit_with(1);
  failing.store.write_pending(pending);
  CHECK_FALSE(recover_pending(failing.ctx, pending));
  CHECK(failing.store.read_revert_failed());
}
