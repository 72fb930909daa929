// Error rates of smart-decide's rules on data with a known truth.
//
//   smart_bench_decide pairs [REPS]  CSV-pair benchmark
//   smart_bench_decide run [REPS]    simulated run of the whole design
//
// Prints tables, smart next to --rule original; no pass/fail (docs/decision.md
// and docs/performance.md quote the figures). Deterministic: fixed seeds.

#include <smart/decide/decision.hpp>

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

using namespace smart;

namespace {

struct Arm {
  double factor = 1.0;     // latency multiplier (0.75 = 25 % faster)
  double outlier_rate = 0; // share of requests that hit a heavy tail
  double http_5xx_rate = 0;
  double transport_rate = 0; // connection failures (code 0, fast: refused)
  bool dead = false;         // every request a transport failure
};

struct PairScenario {
  std::string name;
  Arm base;
  Arm var;
  enum Truth { not_better, better, neither } truth;
};

constexpr double median_ms = 20.0;

// One request's latency (ms) and code for arm at a given level.
void sample(std::mt19937_64& rng, const Arm& arm, double sigma, double level, ArmSamples& out,
            std::uint32_t block, bool with_block)
{
  std::uniform_real_distribution<double> u(0, 1);
  std::normal_distribution<double> normal(0, sigma);
  ParsedSample row;
  row.has_block = with_block;
  row.block = block;
  if (arm.dead || u(rng) < arm.transport_rate) {
    row.response_code = 0;
    row.error = ProbeError::connect;
    row.latency_ms = 0.2f;
    out.add(row);
    return;
  }
  double ms = median_ms * level * arm.factor * std::exp(normal(rng));
  if (u(rng) < arm.outlier_rate) {
    // Pareto tail, alpha 1.2: a GC pause, a slow disk, a retransmit.
    ms *= 3.0 * std::pow(1 - u(rng), -1 / 1.2);
  }
  row.latency_ms = static_cast<float>(ms);
  row.response_code = u(rng) < arm.http_5xx_rate ? 503 : 200;
  out.add(row);
}

ArmSamples draw(std::mt19937_64& rng, const Arm& arm, double sigma, std::size_t n)
{
  ArmSamples a;
  for (std::size_t i = 0; i < n; ++i) {
    sample(rng, arm, sigma, 1.0, a, 0, false);
  }
  return a;
}

// The information floor of a scenario whose variant is as fast as "25%
// faster" but fails a share p of requests: with probability (1 - p)^n its n
// samples show no failure at all, and those data are distributed exactly as
// the clean "25% faster" variant's. No rule can keep one and not the other,
// so any rule's false-keep rate there is at least (1 - p)^n times its power
// on the clean variant. Printed next to the measured rate, from that power
// measured in the same run.
constexpr double strict_err_confidence = 0.95;

double zero_error_share(const Arm& arm, std::size_t n)
{
  return std::pow(1 - arm.http_5xx_rate - arm.transport_rate, static_cast<double>(n));
}

int run_pairs(int reps_small)
{
  const Arm clean{};
  const Arm tail{1.0, 0.05, 0, 0, false};
  const Arm faster{0.75, 0, 0, 0, false};
  std::vector<PairScenario> scenarios = {
    {"A/A", clean, clean, PairScenario::not_better},
    {"A/A, 5% heavy-tail outliers", tail, tail, PairScenario::not_better},
    {"A/A, 1% 5xx + 1% transport both",
     {1, 0, 0.01, 0.01, false},
     {1, 0, 0.01, 0.01, false},
     PairScenario::not_better},
    {"variant 10% slower", clean, {1.1, 0, 0, 0, false}, PairScenario::not_better},
    {"same median, variant 10% outliers", clean, {1.0, 0.10, 0, 0, false}, PairScenario::not_better},
    {"25% faster, +5 pp 5xx", clean, {0.75, 0, 0.05, 0, false}, PairScenario::not_better},
    {"25% faster, +5 pp transport failures", clean, {0.75, 0, 0, 0.05, false}, PairScenario::not_better},
    {"25% faster, +3 pp 5xx", clean, {0.75, 0, 0.03, 0, false}, PairScenario::not_better},
    {"dead target (all refused)", clean, {1, 0, 0, 0, true}, PairScenario::not_better},
    {"25% faster", clean, faster, PairScenario::better},
    {"25% faster, 5% outliers both", tail, {0.75, 0.05, 0, 0, false}, PairScenario::better},
    {"25% faster, 0.5% 5xx both", {1, 0, 0.005, 0, false}, {0.75, 0, 0.005, 0, false}, PairScenario::better},
    {"10% faster (information only)", clean, {0.9, 0, 0, 0, false}, PairScenario::neither},
  };
  // Scenarios with an information floor: a clean baseline and the "25%
  // faster" variant's latency, plus failures.
  const auto has_floor = [&](const PairScenario& sc) {
    return sc.truth == PairScenario::not_better && !sc.var.dead && sc.var.factor == faster.factor &&
           sc.var.outlier_rate == 0 && sc.base.http_5xx_rate == 0 && sc.base.transport_rate == 0 &&
           sc.base.outlier_rate == 0 && sc.base.factor == 1.0 &&
           sc.var.http_5xx_rate + sc.var.transport_rate > 0;
  };
  struct Row {
    const PairScenario* sc;
    std::size_t n;
    double sigma;
    double rate[3]; // smart, smart --err-confidence 0.95, original
    double inconclusive;
  };
  std::vector<Row> rows;
  std::mt19937_64 rng(20261129);
  for (const std::size_t n : {60u, 1000u}) {
    for (const double sigma : {0.3, 0.6}) {
      for (const auto& sc : scenarios) {
        const int reps = n == 60 ? reps_small : std::max(100, reps_small / 4);
        int keeps[3] = {0, 0, 0};
        int inconclusive = 0;
        for (int r = 0; r < reps; ++r) {
          ArmSamples base = draw(rng, sc.base, sigma, n);
          ArmSamples var = draw(rng, sc.var, sigma, n);
          for (int rule = 0; rule < 3; ++rule) {
            ArmSamples b = base;
            ArmSamples v = var;
            DecideOptions o;
            o.rule = rule == 2 ? Rule::original : Rule::smart;
            if (rule == 1) {
              o.err_confidence = strict_err_confidence;
            }
            const Decision d = decide(b, v, o);
            keeps[rule] += d.decision == Verdict::keep;
            if (rule == 0) {
              inconclusive += d.decision == Verdict::inconclusive;
            }
          }
        }
        rows.push_back({&sc,
                        n,
                        sigma,
                        {100.0 * keeps[0] / reps, 100.0 * keeps[1] / reps, 100.0 * keeps[2] / reps},
                        100.0 * inconclusive / reps});
      }
    }
  }
  const auto power_of_clean = [&](std::size_t n, double sigma, int rule) {
    for (const auto& row : rows) {
      if (row.n == n && row.sigma == sigma && row.sc->name == "25% faster") {
        return row.rate[rule];
      }
    }
    return 100.0;
  };

  double fk_sum[3] = {0, 0, 0};
  double power_sum[3] = {0, 0, 0};
  int fk_rows = 0;
  int power_rows = 0;
  double fk_worst[3] = {0, 0, 0};
  std::string fk_worst_name[3];
  double above_floor_worst = 0;
  std::string above_floor_name;
  fmt::print("CSV-pair benchmark: keep rate per scenario (lognormal median {} ms)\n", median_ms);
  fmt::print(
    "floor: the least false-keep rate any rule with smart's power on \"25% faster\" can have (see source)\n");
  fmt::print("strict: smart with --err-confidence {} (the error bound's level; default {})\n",
             strict_err_confidence, DecideOptions{}.err_confidence);
  fmt::print("{:<40} {:>5} {:>5} {:>6} | {:>8} {:>8} {:>8} | {:>8} {:>8}\n", "scenario", "n", "sigma",
             "truth", "smart", "original", "(inconcl)", "floor", "strict");
  for (const auto& row : rows) {
    const auto& sc = *row.sc;
    const char* truth = sc.truth == PairScenario::better       ? "better"
                        : sc.truth == PairScenario::not_better ? "not"
                                                               : "-";
    std::string floor_text;
    double floor = 0;
    if (has_floor(sc)) {
      floor = zero_error_share(sc.var, row.n) * power_of_clean(row.n, row.sigma, 0);
      floor_text = fmt::format("{:.1f}%", floor);
    }
    for (int rule = 0; rule < 3; ++rule) {
      if (sc.truth == PairScenario::not_better) {
        fk_sum[rule] += row.rate[rule];
        if (row.rate[rule] > fk_worst[rule]) {
          fk_worst[rule] = row.rate[rule];
          fk_worst_name[rule] = fmt::format("{} (n={}, sigma={})", sc.name, row.n, row.sigma);
        }
      } else if (sc.truth == PairScenario::better) {
        power_sum[rule] += row.rate[rule];
      }
    }
    if (sc.truth == PairScenario::not_better) {
      // For a scenario without a floor, the target applies as is.
      const double excess = row.rate[0] - std::max(floor, 0.0);
      if (excess > above_floor_worst) {
        above_floor_worst = excess;
        above_floor_name = fmt::format("{} (n={}, sigma={})", sc.name, row.n, row.sigma);
      }
    }
    fk_rows += sc.truth == PairScenario::not_better;
    power_rows += sc.truth == PairScenario::better;
    fmt::print("{:<40} {:>5} {:>5} {:>6} | {:>7.1f}% {:>7.1f}% {:>7.1f}% | {:>8} {:>7.1f}%\n", sc.name, row.n,
               row.sigma, truth, row.rate[0], row.rate[2], row.inconclusive, floor_text, row.rate[1]);
  }
  fmt::print("\n{:<40} {:>8} {:>8} {:>8}   target\n", "summary", "smart", "original", "strict");
  fmt::print("{:<40} {:>7.2f}% {:>7.2f}% {:>7.2f}%   <= 2%\n", "false keeps, overall", fk_sum[0] / fk_rows,
             fk_sum[2] / fk_rows, fk_sum[1] / fk_rows);
  fmt::print("{:<40} {:>7.2f}% {:>7.2f}% {:>7.2f}%   <= 10%\n", "false keeps, worst scenario", fk_worst[0],
             fk_worst[2], fk_worst[1]);
  fmt::print("  worst for smart: {}\n  worst for original: {}\n  worst for strict: {}\n", fk_worst_name[0],
             fk_worst_name[2], fk_worst_name[1]);
  fmt::print("{:<40} {:>7.2f}%                     <= 10%\n", "false keeps above floor, worst (smart)",
             above_floor_worst);
  fmt::print("  at: {}\n", above_floor_name.empty() ? std::string("-") : above_floor_name);
  fmt::print("{:<40} {:>7.2f}% {:>7.2f}% {:>7.2f}%   >= 90%\n", "power (25% faster, equal errors)",
             power_sum[0] / power_rows, power_sum[2] / power_rows, power_sum[1] / power_rows);
  return 0;
}

// The simulated run: blocks of block_len requests, baseline and variant
// alternating (A B A B ...), the server's level drifting as a random walk of
// 3 % per block, looks after every look_every requests a side.
struct RunScenario {
  std::string name;
  Arm var;
  bool should_keep;
};

struct RunResult {
  bool kept = false;
  std::size_t used = 0; // requests a side when it stopped
};

RunResult simulate_interleaved(std::mt19937_64& rng, const Arm& var_arm, double sigma, double drift,
                               std::size_t block_len, std::size_t budget, unsigned looks)
{
  std::normal_distribution<double> step(0, drift);
  const Arm base_arm{};
  ArmSamples base;
  ArmSamples var;
  double level = 1.0;
  const std::size_t blocks = budget / block_len;
  const std::size_t blocks_per_look = blocks / looks;
  unsigned look = 0;
  for (std::size_t k = 0; k < blocks; ++k) {
    for (std::size_t i = 0; i < block_len; ++i) {
      sample(rng, base_arm, sigma, level, base, static_cast<std::uint32_t>(k), true);
    }
    level *= std::exp(step(rng));
    for (std::size_t i = 0; i < block_len; ++i) {
      sample(rng, var_arm, sigma, level, var, static_cast<std::uint32_t>(k), true);
    }
    level *= std::exp(step(rng));
    if ((k + 1) % blocks_per_look == 0) {
      ++look;
      ArmSamples b = base;
      ArmSamples v = var;
      DecideOptions o;
      o.look = look;
      o.looks = looks;
      const Decision d = decide(b, v, o);
      if (d.decision != Verdict::inconclusive || look == looks) {
        return {d.decision == Verdict::keep, (k + 1) * block_len};
      }
    }
  }
  return {false, budget};
}

// The original design: the whole baseline, then the whole variant, one
// look, under the given rule.
bool simulate_sequential(std::mt19937_64& rng, const Arm& var_arm, double sigma, double drift,
                         std::size_t block_len, std::size_t budget, Rule rule)
{
  std::normal_distribution<double> step(0, drift);
  ArmSamples base;
  ArmSamples var;
  double level = 1.0;
  const std::size_t blocks = budget / block_len;
  for (std::size_t k = 0; k < 2 * blocks; ++k) {
    for (std::size_t i = 0; i < block_len; ++i) {
      sample(rng, k < blocks ? Arm{} : var_arm, sigma, level, k < blocks ? base : var, 0, false);
    }
    level *= std::exp(step(rng));
  }
  DecideOptions o;
  o.rule = rule;
  return decide(base, var, o).decision == Verdict::keep;
}

int run_runs(int reps)
{
  const double sigma = 0.3;
  const double drift = 0.03;
  const std::size_t block_len = 25;
  const std::size_t budget = 500;
  const unsigned looks = 5;
  const std::vector<RunScenario> scenarios = {
    {"A/A with drift", Arm{}, false},
    {"10% slower", {1.1, 0, 0, 0, false}, false},
    {"15% faster", {1 / 1.15, 0, 0, 0, false}, true},
    {"15% faster, +3 pp 5xx", {1 / 1.15, 0, 0.03, 0, false}, false},
  };
  std::mt19937_64 rng(4242);
  fmt::print(
    "Simulated run: lognormal sigma {}, drift random walk {}%/block, blocks of {} requests, {} a side, "
    "{} looks\n",
    sigma, drift * 100, block_len, budget, looks);
  fmt::print("{:<24} | {:>16} {:>12} | {:>18} {:>18}\n", "scenario", "smart (blocks,", "mean req",
             "original rule,", "smart rule,");
  fmt::print("{:<24} | {:>16} {:>12} | {:>18} {:>18}\n", "", "looks) kept", "a side", "base-then-var kept",
             "base-then-var kept");
  for (const auto& sc : scenarios) {
    int kept = 0;
    double used = 0;
    int kept_original = 0;
    int kept_smart_sequential = 0;
    for (int r = 0; r < reps; ++r) {
      const auto result = simulate_interleaved(rng, sc.var, sigma, drift, block_len, budget, looks);
      kept += result.kept;
      used += static_cast<double>(result.used);
      kept_original += simulate_sequential(rng, sc.var, sigma, drift, block_len, budget, Rule::original);
      kept_smart_sequential += simulate_sequential(rng, sc.var, sigma, drift, block_len, budget, Rule::smart);
    }
    fmt::print("{:<24} | {:>15.2f}% {:>12.0f} | {:>17.2f}% {:>17.2f}%\n", sc.name, 100.0 * kept / reps,
               used / reps, 100.0 * kept_original / reps, 100.0 * kept_smart_sequential / reps);
    std::fflush(stdout);
  }
  fmt::print("targets: A/A <= 2.5%, 10% slower <= 1%, 15% faster >= 90%, 15% faster +3 pp <= 1%\n");
  return 0;
}

} // namespace

int main(int argc, char** argv)
{
  const std::string mode = argc > 1 ? argv[1] : "";
  const int reps = argc > 2 ? std::atoi(argv[2]) : 2000;
  if (mode == "pairs") {
    return run_pairs(reps);
  }
  if (mode == "run") {
    return run_runs(reps);
  }
  fmt::print(stderr, "usage: smart_bench_decide pairs|run [REPS]\n");
  return 2;
}
