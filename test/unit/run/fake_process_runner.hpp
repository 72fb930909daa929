#pragma once

#include <smart/util/atomic_file.hpp>
#include <smart/util/process_runner.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

// A ProcessRunner that starts nothing: it records every spec, names each
// call by its log file ("apply.fast", "check.fast.reverted", "measure.baseline",
// "decide.fast", "smart-phone" ...), answers with a chosen result per step,
// writes a few samples where a measurement would, and smart-decide's reply
// where smart-decide would.
class FakeProcessRunner final : public smart::util::ProcessRunner {
public:
  struct Call {
    std::string step;
    smart::util::ProcessSpec spec;
  };

  std::vector<Call> calls;
  std::map<std::string, smart::util::ProcessResult> results; // by step; default: exit 0
  std::string decide_reply = R"({"decision": "revert", "reasons": ["not faster"]})";
  int decide_exit = 1;

  static smart::util::ProcessResult exit_with(int code)
  {
    smart::util::ProcessResult result;
    result.end = smart::util::ProcessEnd::exited;
    result.exit_code = code;
    return result;
  }

  smart::util::ProcessResult run(const smart::util::ProcessSpec& spec) override
  {
    auto step = spec.log_file.filename().string();
    if (step.size() > 4 && step.ends_with(".log")) {
      step.resize(step.size() - 4);
    }
    calls.push_back({step, spec});
    if (const auto it = results.find(step); it != results.end()) {
      return it->second;
    }
    if (step.starts_with("measure.")) {
      const auto out = std::find(spec.argv.begin(), spec.argv.end(), "-o");
      if (out != spec.argv.end() && out + 1 != spec.argv.end()) {
        smart::util::write_file_atomically(*(out + 1), "timestamp,latency_ms,response_code,error\n"
                                                       "2026-12-03T09:00:00.000Z,1.000,200,\n"
                                                       "2026-12-03T09:00:01.000Z,1.500,200,\n"
                                                       "2026-12-03T09:00:02.000Z,2.000,200,\n");
      }
    }
    if (step.starts_with("decide.")) {
      smart::util::write_file_atomically(spec.stdout_file, decide_reply);
      return exit_with(decide_exit);
    }
    return exit_with(0);
  }

  bool executable(const std::filesystem::path&) override { return true; }

  bool ran(const std::string& step) const
  {
    return std::any_of(calls.begin(), calls.end(), [&](const Call& call) { return call.step == step; });
  }

  std::vector<std::string> steps() const
  {
    std::vector<std::string> out;
    for (const auto& call : calls) {
      out.push_back(call.step);
    }
    return out;
  }
};
