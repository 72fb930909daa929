#pragma once

#include <smart/run/context.hpp>
#include <smart/run/experiment.hpp>
#include <smart/run/settings.hpp>
#include <smart/util/process.hpp>

#include <boost/json/object.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

// The calls a run makes to the sibling tools — smart-measure (or the
// experiment's own measure command), smart-decide, smart-phone --ask, and
// the after-run hooks smart-phone and smart-dashboard — and the reading of
// their replies. Failures throw flow::Interrupted or flow::StepFailed.

namespace smart {

// smart-decide's verdict as a run acts on it. Uncertain => revert: only an
// exit 0 that also says keep is a keep.
struct Verdict {
  std::string decision = "revert"; // keep revert inconclusive
  bool borderline = false;
  std::vector<std::string> reasons;
  std::optional<double> improve_pct;
  std::optional<double> err_delta_pct;
  std::string decided_by;
};

// smart-phone --ask's answer.
struct CoachAnswer {
  std::optional<std::string> verdict;
  double confidence = 0;
  std::string reason;
};

// What a run makes of the coach's answer.
struct CoachRuling {
  bool keep = false;          // a keep with enough confidence
  std::string reason;         // for the variant's reasons
  boost::json::object record; // summary.json's "coach_ask"
};

class SiblingTools {
public:
  SiblingTools(const RunContext& ctx, const Experiment& exp, const RunSettings& settings, std::string run_id,
               std::filesystem::path run_dir);

  // How to measure label into out for duration: the experiment's measure
  // command, or smart-measure (with the abort guard's limits when guard).
  util::ProcessSpec measure_spec(const std::string& label, const std::filesystem::path& out,
                                 util::Duration duration, std::optional<int> block, bool guard) const;

  // smart-decide on two samples files; its reply goes to
  // <label>.decision.json and, unless quiet, its log lines to the run log.
  Verdict decide(const std::filesystem::path& base, const std::filesystem::path& var,
                 const std::string& label, double confidence, std::optional<std::pair<int, int>> look,
                 bool quiet) const;

  // Asks the coach (smart-phone --ask) about a borderline verdict on label;
  // nullopt when it gave no readable answer (noted in coach-exchange.log).
  std::optional<CoachAnswer> ask_coach(const std::string& label, const std::string& reasons) const;
  // Asks the coach and rules: only a keep with a confidence of at least
  // COACH_MIN_CONFIDENCE keeps; nullopt when no answer came (revert).
  std::optional<CoachRuling> consult_coach(const std::string& label, const std::string& reasons) const;
  // A line in coach-exchange.log.
  void note_coach(const std::string& text) const;

  // After the run: runs bin_dir/name with args when installed; never fails.
  void hook(const std::string& name, const std::vector<std::string>& args) const;

private:
  std::filesystem::path tool(const std::string& name) const;

  const RunContext& m_ctx;
  const Experiment& m_exp;
  const RunSettings& m_s;
  std::string m_id;
  std::filesystem::path m_dir;
};

} // namespace smart
