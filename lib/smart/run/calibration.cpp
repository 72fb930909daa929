#include <smart/run/calibration.hpp>

#include <smart/inference.hpp>
#include <smart/stats.hpp>
#include <smart/util/atomic_file.hpp>
#include <smart/util/strings.hpp>
#include <smart/util/units.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <random>

namespace smart::calibration {

std::optional<double> block_median(const SampleSet& samples, int block)
{
  if (!samples.has_blocks() || block < 0) {
    return std::nullopt;
  }
  std::vector<float> values;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (samples.block[i] == static_cast<std::uint32_t>(block) && !samples.is_error(i)) {
      values.push_back(samples.latency_ms[i]);
    }
  }
  if (values.empty()) {
    return std::nullopt;
  }
  return quantile(values, 0.5);
}

Noise block_noise(const SampleSet& base, const SampleSet& var, int pairs)
{
  std::vector<double> diffs;
  for (int pair = 1; pair <= pairs; ++pair) {
    const auto a = block_median(base, pair);
    const auto b = block_median(var, pair);
    if (a && b && *a > 0) {
      diffs.push_back((*b - *a) / *a * 100.0);
    }
  }
  Noise noise;
  noise.pairs = diffs.size();
  if (diffs.empty()) {
    return noise;
  }
  double sum = 0;
  for (const double d : diffs) {
    sum += d;
  }
  noise.mean_pct = sum / static_cast<double>(diffs.size());
  if (diffs.size() >= 2) {
    double squares = 0;
    for (const double d : diffs) {
      squares += (d - noise.mean_pct) * (d - noise.mean_pct);
    }
    noise.sd_pct = std::sqrt(squares / static_cast<double>(diffs.size() - 1));
  }
  return noise;
}

double pairs_needed(double sd_pct, double effect_pct, double confidence, double power)
{
  const double z = inference::normal_quantile(confidence) + inference::normal_quantile(power);
  const double n = std::ceil(std::pow(z * sd_pct / effect_pct, 2));
  return std::max(2.0, n);
}

std::pair<std::string, std::string> relabel_blocks(const std::string& base_text, const std::string& var_text,
                                                   const std::vector<bool>& swap)
{
  std::string a_out;
  std::string b_out;
  const auto route = [&](const std::string& text, bool from_base) {
    const auto lines = util::split(text, '\n');
    if (lines.empty()) {
      return;
    }
    const std::string header(lines[0]);
    if (a_out.empty()) {
      a_out = header + "\n";
      b_out = header + "\n";
    }
    const auto columns = util::split(header, ',');
    std::size_t block_col = columns.size();
    for (std::size_t c = 0; c < columns.size(); ++c) {
      if (util::trim(columns[c]) == "block") {
        block_col = c;
      }
    }
    for (std::size_t i = 1; i < lines.size(); ++i) {
      if (util::trim(lines[i]).empty()) {
        continue;
      }
      const auto fields = util::split(lines[i], ',');
      std::size_t block = 0;
      if (block_col < fields.size()) {
        const auto field = util::trim(fields[block_col]);
        std::from_chars(field.data(), field.data() + field.size(), block);
      }
      const bool swapped = block < swap.size() && swap[block];
      ((from_base != swapped) ? a_out : b_out) += std::string(lines[i]) + "\n";
    }
  };
  route(base_text, true);
  route(var_text, false);
  return {std::move(a_out), std::move(b_out)};
}

void measure_aa_blocks(const AaSteps& steps, const std::filesystem::path& dir, const RunSettings& settings)
{
  const auto plan = plan_blocks(settings);
  const auto base_file = dir / "aa.baseline.csv";
  const auto var_file = dir / "aa.csv";
  const auto block_file = dir / ".block.csv";
  std::error_code ec;
  for (int pair = 1; pair <= plan.pairs; ++pair) {
    for (int step = 0; step < 2; ++step) {
      const bool b_arm = (step == 0) == variant_first(pair);
      std::filesystem::remove(block_file, ec);
      steps.measure(b_arm ? "aa" : "aa.baseline", block_file, pair);
      append_block_rows(block_file, b_arm ? var_file : base_file, pair);
    }
  }
  std::filesystem::remove(block_file, ec);
}

namespace {

// Empirical false keeps: relabel the A/A blocks at random (the arms are
// exchangeable under A/A) and ask smart-decide each time.
void count_false_keeps(const AaSteps& steps, const std::filesystem::path& dir, int pairs, AaReport& report)
{
  const int trials = 20;
  report.keeps = report.decision == "keep" ? 1 : 0;
  report.asked = 1;
  std::mt19937 random(12345);
  std::error_code ec;
  const auto a_file = dir / ".aa-a.csv";
  const auto b_file = dir / ".aa-b.csv";
  for (int t = 0; t < trials && !steps.interrupted(); ++t) {
    std::filesystem::remove(a_file, ec);
    std::filesystem::remove(b_file, ec);
    const auto base_text = util::read_file(dir / "aa.baseline.csv");
    const auto var_text = util::read_file(dir / "aa.csv");
    std::vector<bool> swap(static_cast<std::size_t>(pairs) + 1);
    for (auto&& s : swap) {
      s = (random() & 1U) != 0;
    }
    const auto [a_text, b_text] = relabel_blocks(base_text, var_text, swap);
    util::write_file_atomically(a_file, a_text);
    util::write_file_atomically(b_file, b_text);
    const auto decision = steps.decide(a_file, b_file, ".aa-trial", true);
    ++report.asked;
    report.keeps += decision == "keep" ? 1 : 0;
  }
  std::filesystem::remove(a_file, ec);
  std::filesystem::remove(b_file, ec);
  std::filesystem::remove(dir / ".aa-trial.decision.json", ec);
}

} // namespace

AaReport report_aa(const AaSteps& steps, const std::filesystem::path& dir, const RunSettings& settings)
{
  using util::Duration;
  using util::format_duration;
  const auto plan = plan_blocks(settings);
  const auto base_file = dir / "aa.baseline.csv";
  const auto var_file = dir / "aa.csv";
  AaReport report;
  report.decision = steps.decide(base_file, var_file, "aa", false);

  // Noise: the spread of paired block differences of the median, in %.
  const auto noise = block_noise(read_samples(base_file), read_samples(var_file), plan.pairs);
  auto& calibration = report.calibration;
  calibration["pairs"] = plan.pairs;
  calibration["block_seconds"] = settings.block.count();
  calibration["aa_decision"] = report.decision;
  if (noise.pairs >= 2) {
    calibration["block_diff_mean_pct"] = std::round(noise.mean_pct * 100) / 100;
    calibration["block_diff_sd_pct"] = std::round(noise.sd_pct * 100) / 100;
    // Pairs for a paired test to see an effect of IMPROVE_PCT at the run's
    // confidence (one-sided) with 90 % power.
    const double effect = std::max(settings.improve_pct, 0.1);
    const double needed = pairs_needed(noise.sd_pct, effect, settings.confidence);
    calibration["detect_effect_pct"] = effect;
    calibration["pairs_needed"] = needed;
    calibration["budget_seconds"] = needed * 2 * settings.block.count();
    steps.log(fmt::format("noise: paired block differences of the p50 {:+.2f}% ± {:.2f}% (sd over {} pairs)",
                          noise.mean_pct, noise.sd_pct, noise.pairs));
    steps.log(fmt::format(
      "to detect a {:.1f}% gain: about {:.0f} block pairs of {} ({} of measurement per arm)", effect, needed,
      format_duration(settings.block), format_duration(Duration(needed * settings.block.count()))));
  }
  count_false_keeps(steps, dir, plan.pairs, report);
  calibration["false_keep_trials"] = report.asked;
  calibration["false_keeps"] = report.keeps;
  calibration["false_keep_rate"] = static_cast<double>(report.keeps) / report.asked;
  steps.log(fmt::format("empirical false keeps (A/A, relabelled blocks): {} of {} ({:.1f}%)", report.keeps,
                        report.asked, 100.0 * report.keeps / report.asked));
  return report;
}

} // namespace smart::calibration
