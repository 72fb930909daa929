#include <smart/decide/decision.hpp>

#include <smart/decide/arm_summary.hpp>
#include <smart/decide/verdict_rules.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace smart {

using namespace decision_detail;

std::string_view to_string(Rule rule)
{
  return rule == Rule::smart ? "smart" : "original";
}

std::string_view to_string(Metric metric)
{
  switch (metric) {
  case Metric::p50:
    return "p50";
  case Metric::p90:
    return "p90";
  case Metric::p95:
    return "p95";
  case Metric::p99:
    return "p99";
  case Metric::mean:
    return "mean";
  }
  return "p50";
}

std::string_view to_string(Verdict verdict)
{
  switch (verdict) {
  case Verdict::keep:
    return "keep";
  case Verdict::revert:
    return "revert";
  case Verdict::inconclusive:
    return "inconclusive";
  }
  return "revert";
}

std::optional<Rule> rule_from_string(std::string_view text)
{
  if (text == "smart") {
    return Rule::smart;
  }
  if (text == "original") {
    return Rule::original;
  }
  return std::nullopt;
}

std::optional<Metric> metric_from_string(std::string_view text)
{
  for (const Metric m : {Metric::p50, Metric::p90, Metric::p95, Metric::p99, Metric::mean}) {
    if (to_string(m) == text) {
      return m;
    }
  }
  return std::nullopt;
}

std::string Decimal::text() const
{
  const std::int64_t whole = micros / 1'000'000;
  std::int64_t fraction = micros % 1'000'000;
  std::string sign = micros < 0 ? "-" : "";
  std::string text = sign + std::to_string(whole < 0 ? -whole : whole);
  if (fraction != 0) {
    if (fraction < 0) {
      fraction = -fraction;
    }
    std::string digits = fmt::format("{:06d}", fraction);
    while (digits.back() == '0') {
      digits.pop_back();
    }
    text += "." + digits;
  }
  return text;
}

std::optional<Decimal> parse_decimal(std::string_view text)
{
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  const auto dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if ((whole.empty() && fraction.empty()) || whole.size() > 6 || fraction.size() > 6) {
    return std::nullopt;
  }
  std::int64_t micros = 0;
  for (const char c : whole) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    micros = micros * 10 + (c - '0');
  }
  micros *= 1'000'000;
  std::int64_t scale = 100'000;
  for (const char c : fraction) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    micros += (c - '0') * scale;
    scale /= 10;
  }
  return Decimal{negative ? -micros : micros};
}

void ArmSamples::add(const ParsedSample& row)
{
  ++n;
  const ProbeError kind = classify_sample(row.response_code, row.error, ok);
  if (kind != ProbeError::none) {
    ++n_errors;
    if (row.response_code == 0) {
      ++n_transport;
    }
    if (kind == ProbeError::unexpected_status && row.response_code >= 500) {
      ++n_http_5xx;
    } else {
      ++by_error[static_cast<std::size_t>(kind)];
    }
    return;
  }
  good_ms.push_back(row.latency_ms);
  if (row.has_block) {
    has_blocks = true;
    good_block.push_back(row.block);
  }
}

ArmSamples ArmSamples::from(const SampleSet& samples, const StatusSet& ok)
{
  ArmSamples arm;
  arm.ok = ok;
  arm.good_ms.reserve(samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    arm.add(ParsedSample{samples.latency_ms[i],
                         samples.response_code[i],
                         samples.error[i],
                         samples.has_blocks(),
                         samples.has_blocks() ? samples.block[i] : 0,
                         {}});
  }
  arm.has_blocks = samples.has_blocks();
  return arm;
}

Decision decide(const SampleSet& baseline, const SampleSet& variant, const DecideOptions& options)
{
  auto base = ArmSamples::from(baseline, options.ok_status);
  auto var = ArmSamples::from(variant, options.ok_status);
  return decide(base, var, options);
}

Decision decide(ArmSamples& base, ArmSamples& var, const DecideOptions& options)
{
  Decision d;
  d.options = options;
  // No rule can judge latency from zero successful samples.
  d.options.min_samples = std::max<std::size_t>(options.min_samples, 1);
  d.rule = options.rule;
  d.metric = options.metric;
  d.smart.reset();

  // Paired block medians (smart rule, blocks in both files).
  std::vector<double> block_diffs;
  if (options.rule == Rule::smart && base.has_blocks && var.has_blocks) {
    block_diffs = block_differences(base, var);
  }
  const ArmSummary base_summary = summarize_arm(base);
  const ArmSummary var_summary = summarize_arm(var);
  d.baseline = base_summary.summary;
  d.variant = var_summary.summary;
  d.base_metric_ms = metric_of(d.baseline, options.metric);
  d.var_metric_ms = metric_of(d.variant, options.metric);
  d.improve_pct = improvement_pct(d.base_metric_ms, d.var_metric_ms);
  d.err_delta_pct = d.variant.err_pct - d.baseline.err_pct;

  const std::string metric{to_string(options.metric)};
  if (options.rule == Rule::original) {
    if (d.baseline.n_good < d.options.min_samples || d.variant.n_good < d.options.min_samples) {
      d.decision = Verdict::revert;
      d.decided_by = "min_samples";
      d.reasons.push_back(fmt::format("too few successful samples (baseline {}, variant {}; need {})",
                                      d.baseline.n_good, d.variant.n_good, d.options.min_samples));
      return d;
    }
    const std::int64_t b = exact_metric(base, base_summary, options.metric);
    const std::int64_t v = exact_metric(var, var_summary, options.metric);
    if (b <= 0) {
      d.decision = Verdict::revert;
      d.decided_by = "baseline_zero";
      d.reasons.push_back(fmt::format("baseline {} is 0 ms: no improvement can be computed", metric));
      return d;
    }
    decide_original(d, b, v);
    return d;
  }
  decide_smart(d, base, var, block_diffs);
  return d;
}

} // namespace smart
