#pragma once

#include <smart/run/settings.hpp>
#include <smart/samples_csv.hpp>

#include <boost/json/object.hpp>

#include <filesystem>
#include <functional>

#include <optional>
#include <string>
#include <utility>
#include <vector>

// The arithmetic of `smart-run --calibrate` (an A/A run: the baseline
// against itself, in interleaved blocks), pure so it can be tested alone:
// the server's noise as the spread of paired block differences, the number
// of block pairs a given effect needs, and the relabelling of blocks used to
// count false keeps empirically; and the A/A run itself, driven through
// the steps the run around it provides (measure a block, ask smart-decide).

namespace smart::calibration {

// The median latency of the successful samples of one block; nullopt when
// the block has none.
std::optional<double> block_median(const SampleSet& samples, int block);

struct Noise {
  std::size_t pairs = 0; // block pairs with a median on both sides
  double mean_pct = 0;   // mean of (var - base) / base * 100 over the pairs
  double sd_pct = 0;     // its sample standard deviation (needs 2 pairs)
};

// Paired block differences of the median, blocks 1..pairs, in %.
Noise block_noise(const SampleSet& base, const SampleSet& var, int pairs);

// Block pairs a paired test needs to see an effect of effect_pct with a
// one-sided confidence and a power, given the noise's sd (normal
// approximation: n = ((z_conf + z_power) * sd / effect)^2), at least 2.
double pairs_needed(double sd_pct, double effect_pct, double confidence, double power = 0.9);

// The rows of two samples files (CSV text with a `block` column) with the
// arms of every block b where swap[b] is true exchanged: under A/A the arms
// are exchangeable, so each relabelling is another A/A comparison. Returns
// the two files' text (the header of base_text first in both).
std::pair<std::string, std::string> relabel_blocks(const std::string& base_text, const std::string& var_text,
                                                   const std::vector<bool>& swap);

// What an A/A run needs from the run around it.
struct AaSteps {
  // Measures one block of the baseline into out; arm labels its log.
  std::function<void(const std::string& arm, const std::filesystem::path& out, int block)> measure;
  // smart-decide's decision ("keep", "revert", "inconclusive") on two
  // files; label names its reply; quiet keeps it out of the run log.
  std::function<std::string(const std::filesystem::path& base, const std::filesystem::path& var,
                            const std::string& label, bool quiet)>
    decide;
  std::function<void(const std::string&)> log;
  std::function<bool()> interrupted; // stop the trials early
};

// The A/A blocks: pairs of blocks of settings.block, in ABBA order, into
// dir/aa.baseline.csv and dir/aa.csv (with a block column).
void measure_aa_blocks(const AaSteps& steps, const std::filesystem::path& dir, const RunSettings& settings);

struct AaReport {
  std::string decision;            // smart-decide's on the A/A blocks
  int keeps = 0;                   // false keeps, of
  int asked = 0;                   // A/A comparisons asked
  boost::json::object calibration; // summary.json's "calibration"
};

// The noise of the A/A blocks measured, the pairs an effect of
// settings.improve_pct needs, and the empirical false keeps (20 random
// relabellings of the blocks, each asked to smart-decide).
AaReport report_aa(const AaSteps& steps, const std::filesystem::path& dir, const RunSettings& settings);

} // namespace smart::calibration
