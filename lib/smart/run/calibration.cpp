#include <smart/run/calibration.hpp>

#include <smart/inference.hpp>
#include <smart/stats.hpp>
#include <smart/util/strings.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>

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

} // namespace smart::calibration
