#include <smart/cmd/decide.hpp>

#include <smart/cmd/guarded_main.hpp>
#include <smart/config.hpp>
#include <smart/decide/per_target.hpp>
#include <smart/error.hpp>
#include <smart/util/json_writer.hpp>

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include <charconv>
#include <cstdio>
#include <exception>
#include <thread>

namespace smart::cmd {

namespace {

Decimal threshold(const Config& config, const char* key)
{
  const auto parsed = parse_decimal(config.get(key));
  if (!parsed || parsed->micros < -1'000'000'000'000 || parsed->micros > 1'000'000'000'000) {
    throw UsageError("{}: not a decimal number between -1000000 and 1000000 (at most 6 decimals)",
                     config.describe(key));
  }
  return *parsed;
}

// One side, and the same rows by target when the file has a target column
// (a request mix).
ArmSamples read_arm(const std::string& path, const StatusSet& ok, TargetArms& targets)
{
  ArmSamples arm;
  arm.ok = ok;
  targets.ok = ok;
  read_samples(path, [&arm, &targets](const ParsedSample& row) {
    arm.add(row);
    if (!row.target.empty()) {
      targets.add(row);
    }
  });
  arm.good_ms.shrink_to_fit();
  arm.good_block.shrink_to_fit();
  return arm;
}

// Both sides, and their rows by target.
struct Arms {
  ArmSamples base;
  ArmSamples var;
  TargetArms base_targets;
  TargetArms var_targets;
};

// Both sides at once, one thread each (parsing is the whole cost), each
// kept compactly: two files of 10 million rows fit well under 200 MB. The
// baseline's error, if any, is the one reported.
Arms read_arms(const DecideCommand& command, const StatusSet& ok)
{
  Arms arms;
  std::exception_ptr base_error;
  std::thread base_reader([&] {
    try {
      arms.base = read_arm(command.baseline_path, ok, arms.base_targets);
    } catch (...) {
      base_error = std::current_exception();
    }
  });
  std::exception_ptr var_error;
  try {
    arms.var = read_arm(command.variant_path, ok, arms.var_targets);
  } catch (...) {
    var_error = std::current_exception();
  }
  base_reader.join();
  if (base_error) {
    std::rethrow_exception(base_error);
  }
  if (var_error) {
    std::rethrow_exception(var_error);
  }
  return arms;
}

// The metrics line, the decision, its reasons and each target's, on stderr.
void report(const Decision& decision, const std::vector<TargetResult>& targets)
{
  std::fputs(metrics_line(decision).c_str(), stderr);
  std::fputc('\n', stderr);
  say(fmt::format("decision: {} ({}; rule {})\n", to_string(decision.decision), decision.decided_by,
                  to_string(decision.rule)));
  for (const auto& reason : decision.reasons) {
    say(fmt::format("reason: {}\n", reason));
  }
  for (const auto& target : targets) {
    say(describe(target) + "\n");
  }
}

// As a CI gate: pass or fail instead of keep or revert.
int finish_as_gate(const DecideCommand& command, const Decision& decision,
                   const std::vector<TargetResult>& targets)
{
  if (command.gate.no_worse_than_pct && decision.rule != Rule::smart) {
    throw UsageError("--no-worse-than needs the smart rule (it judges by the interval)");
  }
  const GateResult gate = evaluate_gate(decision, command.gate);
  say(fmt::format("gate: {}\n", gate.pass ? "pass" : "fail"));
  for (const auto& failure : gate.failures) {
    say(fmt::format("gate failed: {}\n", failure));
  }
  for (const auto& note : gate.notes) {
    say(fmt::format("gate ok: {}\n", note));
  }
  std::fflush(stderr);
  if (command.json) {
    auto object = to_json(decision);
    if (!targets.empty()) {
      object["targets"] = to_json(targets);
    }
    object["gate"] = to_json(gate, command.gate);
    fmt::print("{}\n", util::write_json(object));
  } else {
    fmt::print("{}\n", gate.pass ? "pass" : "fail");
  }
  std::fflush(stdout);
  return gate.pass ? to_int(ExitCode::ok) : to_int(ExitCode::revert);
}

// The verdict: keep, or revert (inconclusive included).
int finish_as_verdict(const DecideCommand& command, const Decision& decision,
                      const std::vector<TargetResult>& targets)
{
  std::fflush(stderr);
  if (command.json) {
    boost::json::object json = to_json(decision);
    if (!targets.empty()) {
      json["targets"] = to_json(targets);
    }
    fmt::print("{}\n", util::write_json(json));
  } else {
    fmt::print("{}\n", to_string(decision.verdict()));
  }
  std::fflush(stdout);
  return decision.verdict() == Verdict::keep ? to_int(ExitCode::ok) : to_int(ExitCode::revert);
}

} // namespace

std::pair<unsigned, unsigned> parse_look(const std::string& text)
{
  const auto slash = text.find('/');
  unsigned k = 0;
  unsigned n = 0;
  bool ok = slash != std::string::npos;
  if (ok) {
    const char* end = text.data() + text.size();
    auto [p1, e1] = std::from_chars(text.data(), text.data() + slash, k);
    auto [p2, e2] = std::from_chars(text.data() + slash + 1, end, n);
    ok = e1 == std::errc() && p1 == text.data() + slash && e2 == std::errc() && p2 == end;
  }
  if (!ok || k < 1 || n < 1 || k > n || n > 1000) {
    throw UsageError("--look '{}': expected K/N with 1 <= K <= N <= 1000 (this look, of looks planned)",
                     text);
  }
  return {k, n};
}

int decide(DecideCommand command)
{
  if (command.baseline_path == "-" && command.variant_path == "-") {
    throw UsageError("only one of BASE.csv and VAR.csv can be '-' (standard input)");
  }
  const Config config = Config::load(command.config, command.threshold_flags);
  auto& options = command.options;
  options.improve_pct = threshold(config, "IMPROVE_PCT");
  options.max_err_delta_pct = threshold(config, "MAX_ERR_DELTA_PCT");
  options.baseline_name = command.baseline_path == "-" ? "<stdin>" : command.baseline_path;
  options.variant_name = command.variant_path == "-" ? "<stdin>" : command.variant_path;

  Arms arms = read_arms(command, options.ok_status);
  Decision decision = smart::decide(arms.base, arms.var, options);
  // A mix: every page judged on its own too, so none gets much worse unseen.
  const std::vector<TargetResult> targets = judge_targets(arms.base_targets, arms.var_targets, options);
  apply_target_guard(decision, targets);

  report(decision, targets);
  if (command.gate.active()) {
    return finish_as_gate(command, decision, targets);
  }
  return finish_as_verdict(command, decision, targets);
}

} // namespace smart::cmd
