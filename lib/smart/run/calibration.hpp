#pragma once

#include <smart/samples_csv.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

// The arithmetic of `smart-run --calibrate` (an A/A run: the baseline
// against itself, in interleaved blocks), pure so it can be tested alone:
// the server's noise as the spread of paired block differences, the number
// of block pairs a given effect needs, and the relabelling of blocks used to
// count false keeps empirically.

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

} // namespace smart::calibration
