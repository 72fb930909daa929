#include <smart/run/sibling_tools.hpp>

#include <smart/run/outcome_text.hpp>
#include <smart/run/target_health.hpp>

#include <smart/run/commands.hpp>
#include <smart/run/flow.hpp>
#include <smart/run/outcome_text.hpp>
#include <smart/run/target_health.hpp>
#include <smart/util/atomic_file.hpp>
#include <smart/util/failure.hpp>
#include <smart/util/json_writer.hpp>
#include <smart/util/strings.hpp>
#include <smart/util/time.hpp>
#include <smart/util/units.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

namespace smart {

namespace fs = std::filesystem;
namespace json = boost::json;
using util::Duration;
using util::format_duration;

namespace {

std::optional<double> json_number(const json::object& object, std::string_view key)
{
  const auto* value = object.if_contains(key);
  if (value && value->is_number()) {
    return value->to_number<double>();
  }
  return std::nullopt;
}

Verdict verdict_of(const DecisionReply& reply, int exit_code)
{
  Verdict verdict;
  verdict.decision = reply.decision;
  // Uncertain => revert: only an exit 0 that also says keep keeps.
  if (verdict.decision == "keep" && exit_code != 0) {
    verdict.decision = "revert";
  }
  if (verdict.decision != "keep" && verdict.decision != "inconclusive") {
    verdict.decision = "revert";
  }
  verdict.borderline = reply.borderline;
  verdict.reasons = reply.reasons;
  verdict.decided_by = reply.decided_by;
  verdict.improve_pct = reply.improve_pct;
  verdict.err_delta_pct = reply.err_delta_pct;
  return verdict;
}

} // namespace

SiblingTools::SiblingTools(const RunContext& ctx, const Experiment& exp, const RunSettings& settings,
                           std::string run_id, fs::path run_dir)
  : m_ctx(ctx), m_exp(exp), m_s(settings), m_id(std::move(run_id)), m_dir(std::move(run_dir))
{
}

fs::path SiblingTools::tool(const std::string& name) const
{
  return m_ctx.bin_dir / name;
}

util::ProcessSpec SiblingTools::measure_spec(const std::string& label, const fs::path& out, Duration duration,
                                             std::optional<int> block, bool guard) const
{
  util::ProcessSpec spec;
  spec.cwd = m_exp.dir;
  spec.log_file = m_dir / fmt::format("measure.{}.log", label);
  spec.timeout = duration + m_s.timeout;
  if (!m_exp.measure.empty()) {
    spec.argv = m_exp.measure.to_argv();
    spec.env = command_environment(m_ctx.config, m_exp.id, label, m_id, m_dir, out);
    spec.env["SMART_DURATION"] = fmt::format("{:g}", duration.count());
    spec.env["SMART_INTERVAL"] = fmt::format("{:g}", m_exp.measure_interval.count());
    spec.env["SMART_TARGET_URL"] = m_exp.target_url;
    if (block) {
      spec.env["SMART_BLOCK"] = std::to_string(*block);
    }
    return spec;
  }
  const auto measure = tool("smart-measure");
  if (!m_ctx.processes.executable(measure)) {
    throw flow::StepFailed{
      fmt::format("smart-measure not found at {} (set SMART_BIN_DIR)", measure.string())};
  }
  spec.argv = {measure.string(),          "--url", m_exp.target_url, "--duration",
               format_duration(duration), "-o",    out.string()};
  if (!m_exp.targets.empty()) { // a request mix: its targets file in place of --url
    const auto file = m_dir / "targets.txt";
    util::write_file_atomically(file, targets_file_text(m_exp.targets));
    spec.argv[1] = "--targets";
    spec.argv[2] = file.string();
  }
  const bool load_mode = m_exp.load && (m_exp.load->concurrency || m_exp.load->rate);
  if (!load_mode) { // probe mode: one request every interval
    spec.argv.insert(spec.argv.end(), {"--interval", format_duration(m_exp.measure_interval)});
  }
  if (m_exp.load && m_exp.load->concurrency) {
    spec.argv.insert(spec.argv.end(), {"--concurrency", std::to_string(*m_exp.load->concurrency)});
  }
  if (m_exp.load && m_exp.load->rate) {
    spec.argv.insert(spec.argv.end(), {"--rate", fmt::format("{:g}", *m_exp.load->rate)});
  }
  if (block) {
    spec.argv.insert(spec.argv.end(), {"--block", std::to_string(*block)});
  }
  if (guard) {
    spec.argv.insert(spec.argv.end(), {"--abort-err-pct", fmt::format("{:g}", m_s.abort_err_pct),
                                       "--abort-after", std::to_string(m_s.abort_after)});
  }
  if (const auto ca = m_ctx.config.measure_ca_file(); !ca.empty()) {
    spec.argv.insert(spec.argv.end(), {"--cacert", ca});
  }
  if (m_ctx.config.measure_insecure()) {
    spec.argv.emplace_back("--insecure");
  }
  const auto checks = measure_check_args(m_exp.expect, m_dir);
  spec.argv.insert(spec.argv.end(), checks.begin(), checks.end());
  // The environment stays ours plus the configuration (not the experiment's).
  spec.env = tool_environment(m_ctx.config);
  return spec;
}

Verdict SiblingTools::decide(const fs::path& base, const fs::path& var, const std::string& label,
                             double confidence, std::optional<std::pair<int, int>> look, bool quiet) const
{
  const auto decide = tool("smart-decide");
  if (!m_ctx.processes.executable(decide)) {
    throw flow::StepFailed{fmt::format("smart-decide not found at {} (set SMART_BIN_DIR)", decide.string())};
  }
  util::ProcessSpec spec;
  spec.argv = {decide.string(),
               base.string(),
               var.string(),
               "--json",
               "--improve-pct",
               fmt::format("{:g}", m_s.improve_pct),
               "--max-err-delta-pct",
               fmt::format("{:g}", m_s.max_err_delta_pct),
               "--metric",
               m_s.metric,
               "--confidence",
               fmt::format("{:g}", confidence)};
  if (look) {
    spec.argv.insert(spec.argv.end(), {"--look", fmt::format("{}/{}", look->first, look->second)});
  }
  const auto checks = decide_check_args(m_exp.expect);
  spec.argv.insert(spec.argv.end(), checks.begin(), checks.end());
  spec.cwd = m_dir;
  spec.env = tool_environment(m_ctx.config);
  spec.stdout_file = m_dir / (label + ".decision.json");
  spec.log_file = m_dir / fmt::format("decide.{}.log", label);
  spec.timeout = m_s.timeout;
  std::error_code size_ec;
  const auto log_offset = fs::exists(spec.log_file, size_ec) ? fs::file_size(spec.log_file, size_ec) : 0;
  const auto result = m_ctx.processes.run(spec);
  if (result.end == util::ProcessEnd::interrupted) {
    throw flow::Interrupted{};
  }
  const bool verdict_exit =
    result.end == util::ProcessEnd::exited && (result.exit_code == 0 || result.exit_code == 1);
  if (!verdict_exit) {
    throw flow::StepFailed{fmt::format("smart-decide {} for {}; see {}", result.describe(), label,
                                       spec.log_file.filename().string())};
  }
  json::object object;
  try {
    object = read_json_object(spec.stdout_file);
  } catch (const util::Failure& e) {
    throw flow::StepFailed{fmt::format("smart-decide for {}: {}", label, e.what())};
  }
  const auto reply = decision_reply_from_json(object);
  auto verdict = verdict_of(reply, result.exit_code);
  if (const auto account = inconclusive_account(reply, m_s.variant.count())) {
    verdict.reasons.insert(verdict.reasons.begin(), *account);
  }
  if (quiet) {
    return verdict;
  }
  std::string decide_log;
  try {
    decide_log = util::read_file(spec.log_file);
  } catch (const util::Failure&) {
  }
  for (auto line : util::split(
         std::string_view(decide_log).substr(std::min<std::size_t>(log_offset, decide_log.size())), '\n')) {
    if (!util::trim(line).empty()) {
      m_ctx.log.line(fmt::format("   {}", util::printable(line, 300)));
    }
  }
  return verdict;
}

void SiblingTools::note_coach(const std::string& text) const
{
  util::append_line(
    m_dir / "coach-exchange.log",
    fmt::format("{} smart-run: {}", util::format_rfc3339(std::chrono::system_clock::now()), text), 0600);
}

std::optional<CoachAnswer> SiblingTools::ask_coach(const std::string& label, const std::string& reasons) const
{
  const auto phone = tool("smart-phone");
  if (!m_ctx.processes.executable(phone)) {
    m_ctx.log.line("coach: smart-phone is not installed; borderline verdict stays revert");
    note_coach(fmt::format("{}: borderline; smart-phone not found at {}", label, phone.string()));
    return std::nullopt;
  }
  util::ProcessSpec spec;
  spec.argv = {phone.string()};
  if (m_ctx.config_file) {
    spec.argv.insert(spec.argv.end(), {"--config", m_ctx.config_file->string()});
  }
  spec.argv.insert(spec.argv.end(), {"--ask", "--run-dir", m_dir.string(), "--variant", label});
  spec.cwd = m_dir;
  spec.env = tool_environment(m_ctx.config);
  spec.stdout_file = m_dir / fmt::format(".coach.{}.json", label);
  spec.log_file = m_dir / "coach-exchange.log";
  spec.timeout = m_ctx.config.coach_timeout() + Duration(2);
  note_coach(fmt::format("{}: borderline ({}); asking the coach: {}", label, util::printable(reasons, 300),
                         phone.filename().string()));
  m_ctx.log.line(fmt::format("coach: borderline verdict on {}; asking (timeout {})", label,
                             format_duration(*spec.timeout)));
  const auto result = m_ctx.processes.run(spec);
  std::string answer_text;
  try {
    answer_text = util::read_file(spec.stdout_file);
  } catch (const util::Failure&) {
  }
  std::error_code ec;
  fs::remove(spec.stdout_file, ec);
  if (result.end == util::ProcessEnd::interrupted) {
    note_coach(fmt::format("{}: interrupted", label));
    throw flow::Interrupted{};
  }
  if (!result.ok()) {
    note_coach(fmt::format("{}: no answer ({}); revert", label, result.describe()));
    m_ctx.log.line(fmt::format("coach: no answer ({}); revert", result.describe()));
    return std::nullopt;
  }
  boost::system::error_code jec;
  auto answer = json::parse(answer_text, jec);
  if (jec || !answer.is_object()) {
    note_coach(fmt::format("{}: unreadable answer {}; revert", label, util::printable(answer_text, 300)));
    m_ctx.log.line("coach: unreadable answer; revert");
    return std::nullopt;
  }
  const auto& object = answer.as_object();
  note_coach(fmt::format("{}: answer {}", label, util::printable(util::write_json(object), 1000)));
  CoachAnswer out;
  if (const auto* verdict = object.if_contains("verdict"); verdict && verdict->is_string()) {
    out.verdict = std::string(verdict->as_string());
  }
  out.confidence = json_number(object, "confidence").value_or(0);
  if (const auto* r = object.if_contains("reason"); r && r->is_string()) {
    out.reason = std::string(r->as_string());
  }
  return out;
}

std::optional<CoachRuling> SiblingTools::consult_coach(const std::string& label,
                                                       const std::string& reasons) const
{
  const auto answer = ask_coach(label, reasons);
  if (!answer) {
    return std::nullopt;
  }
  const auto confidence = answer->confidence;
  const double min_confidence = m_ctx.config.coach_min_confidence();
  CoachRuling ruling;
  ruling.keep = answer->verdict == "keep" && confidence >= min_confidence;
  ruling.record = json::object{{"variant", label},
                               {"verdict", answer->verdict ? json::value(*answer->verdict) : nullptr},
                               {"confidence", confidence},
                               {"reason", answer->reason},
                               {"applied", ruling.keep}};
  if (ruling.keep) {
    ruling.reason = fmt::format("coach: keep (confidence {:.2f} >= {:.2f}): {}", confidence, min_confidence,
                                util::printable(answer->reason, 200));
    note_coach(fmt::format("{}: verdict keep with confidence {:.2f} >= {:.2f}: kept", label, confidence,
                           min_confidence));
    m_ctx.log.line(fmt::format("coach: keep with confidence {:.2f}: {}", confidence,
                               util::printable(answer->reason, 200)));
  } else {
    ruling.reason = fmt::format("coach: not keep (verdict {}, confidence {:.2f}, need keep >= {:.2f})",
                                answer->verdict.value_or("none"), confidence, min_confidence);
    note_coach(fmt::format("{}: not a confident keep; revert", label));
    m_ctx.log.line("coach: not a confident keep; revert");
  }
  return ruling;
}

void SiblingTools::hook(const std::string& name, const std::vector<std::string>& args) const
{
  const auto path = tool(name);
  if (!m_ctx.processes.executable(path)) {
    return;
  }
  util::ProcessSpec spec;
  spec.argv = {path.string()};
  if (m_ctx.config_file) {
    spec.argv.insert(spec.argv.end(), {"--config", m_ctx.config_file->string()});
  }
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.env = tool_environment(m_ctx.config);
  spec.log_file = m_dir / fmt::format("{}.log", name);
  spec.timeout = Duration(60);
  spec.interruptible = util::Interruptible::no;
  const auto result = m_ctx.processes.run(spec);
  m_ctx.log.line(
    fmt::format(">> {}: {}", name, result.ok() ? "done" : result.describe() + " (the run is not affected)"));
}

} // namespace smart
