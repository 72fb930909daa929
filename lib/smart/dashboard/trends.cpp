#include <smart/dashboard/trends.hpp>
#include <smart/outcome.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace smart::dashboard {

namespace {

bool really_kept(const RunSummary& run, const VariantResult& variant)
{
  return run.status == "kept" && run.mode != "calibrate" && run.mode != "advise" &&
         run.kept_variant == variant.name;
}

const VariantResult* kept_result(const RunSummary& run)
{
  if (run.status != "kept" || run.mode == "calibrate" || run.mode == "advise") {
    return nullptr;
  }
  for (const auto& variant : run.variants) {
    if (variant.name == run.kept_variant) {
      return &variant;
    }
  }
  return nullptr;
}

} // namespace

std::vector<ExperimentTrend> experiment_trends(const std::vector<RunSummary>& history, std::size_t max_runs)
{
  std::vector<ExperimentTrend> trends;
  std::map<std::string, std::size_t> index;
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    auto [slot, added] = index.try_emplace(it->experiment, trends.size());
    if (added) {
      trends.push_back({it->experiment, {}, {}});
    }
    auto& runs = trends[slot->second].runs;
    if (runs.size() < max_runs) {
      runs.push_back(&*it);
    }
  }
  for (auto& trend : trends) {
    std::reverse(trend.runs.begin(), trend.runs.end());
    for (const auto* run : trend.runs) {
      if (run->mode == "calibrate") {
        continue; // the baseline against itself: not a variant's result
      }
      for (const auto& variant : run->variants) {
        auto found = std::find_if(trend.variants.begin(), trend.variants.end(),
                                  [&](const VariantHistory& v) { return v.name == variant.name; });
        if (found == trend.variants.end()) {
          trend.variants.push_back({variant.name, {}, 0});
          found = std::prev(trend.variants.end());
        }
        found->results.emplace_back(run, &variant);
        found->kept += really_kept(*run, variant) ? 1U : 0U;
      }
    }
  }
  return trends;
}

std::string held_phrase(const VariantHistory& variant)
{
  if (variant.kept == 0) {
    return fmt::format("never kept in {} run{}", variant.results.size(),
                       variant.results.size() == 1 ? "" : "s");
  }
  const auto& [last_run, last_result] = variant.results.back();
  if (really_kept(*last_run, *last_result)) {
    return fmt::format("kept in its last run, {} of {}", variant.kept, variant.results.size());
  }
  return fmt::format("kept {} of {}, not in its last run", variant.kept, variant.results.size());
}

std::string change_text(const VariantResult& result)
{
  return result.improve_pct ? outcome::signed_pct(-*result.improve_pct) : "–";
}

OptNumber server_p50_after(const RunSummary& run)
{
  if (run.status == "revert_failed") {
    return std::nullopt; // the server may still run the variant: not known
  }
  const auto* kept = kept_result(run);
  return kept && kept->stats.p50_ms ? kept->stats.p50_ms : run.baseline.p50_ms;
}

OptNumber server_err_after(const RunSummary& run)
{
  if (run.status == "revert_failed") {
    return std::nullopt;
  }
  const auto* kept = kept_result(run);
  return kept && kept->stats.err_pct ? kept->stats.err_pct : run.baseline.err_pct;
}

} // namespace smart::dashboard
