#include <smart/run/target_health.hpp>

#include <smart/stats.hpp>

#include <fmt/format.h>

namespace smart {

std::vector<std::string> measure_check_args(const ResponseExpectations& expect,
                                            const std::filesystem::path& run_dir)
{
  std::vector<std::string> args;
  if (expect.status) {
    args.insert(args.end(), {"--expect-status", *expect.status});
  }
  if (expect.body) {
    args.insert(args.end(), {"--expect-body", *expect.body});
  }
  if (expect.min_bytes) {
    args.insert(args.end(), {"--expect-min-bytes", std::to_string(*expect.min_bytes)});
  }
  if (expect.same_body) {
    args.insert(args.end(), {"--expect-same-body", (run_dir / "body.sha256").string()});
  }
  return args;
}

ResponseExpectations with_target_codes(const ResponseExpectations& expect, const std::vector<MixEntry>& mix)
{
  ResponseExpectations out = expect;
  for (const MixEntry& entry : mix) {
    if (entry.expect_status) {
      out.status = out.status.value_or("200-399") + "," + *entry.expect_status;
    }
  }
  return out;
}

std::vector<std::string> decide_check_args(const ResponseExpectations& expect)
{
  if (!expect.status) {
    return {};
  }
  return {"--ok-status", *expect.status};
}

StatusSet expected_status(const ResponseExpectations& expect)
{
  if (expect.status) {
    if (auto set = StatusSet::parse(*expect.status)) {
      return *set;
    }
  }
  return {};
}

std::optional<std::string> unhealthy_baseline(const SampleSet& samples, const ResponseExpectations& expect)
{
  const SampleSummary s = summarize(samples, expected_status(expect));
  if (s.n == 0 || 2 * s.n_errors <= s.n) {
    return std::nullopt;
  }
  std::string kinds;
  if (s.n_http_5xx > 0) {
    kinds = fmt::format("http_5xx {}", s.n_http_5xx);
  }
  for (std::size_t i = 1; i < s.by_error.size(); ++i) {
    if (s.by_error[i] > 0) {
      kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ", to_token(static_cast<ProbeError>(i)),
                           s.by_error[i]);
    }
  }
  return fmt::format("target unhealthy: {} of {} baseline samples failed ({}); no variant was tried",
                     s.n_errors, s.n, kinds);
}

} // namespace smart
