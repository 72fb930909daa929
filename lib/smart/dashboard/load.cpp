#include <smart/dashboard/load.hpp>

#include <smart/run_store.hpp>
#include <smart/samples_csv.hpp>
#include <smart/stats.hpp>
#include <smart/util/atomic_file.hpp>
#include <smart/util/json_writer.hpp>
#include <smart/util/strings.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <fstream>

namespace smart::dashboard {

namespace fs = std::filesystem;
namespace json = boost::json;

const VariantResult* RunSummary::chosen() const
{
  if (mode == "calibrate") {
    return nullptr; // the baseline against itself: no variant was chosen
  }
  if (kept_variant != "none" && !kept_variant.empty()) {
    for (const auto& variant : variants) {
      if (variant.name == kept_variant) {
        return &variant;
      }
    }
  }
  // The last variant that was measured (has a p50), as the original showed.
  for (auto it = variants.rbegin(); it != variants.rend(); ++it) {
    if (it->stats.p50_ms) {
      return &*it;
    }
  }
  return variants.empty() ? nullptr : &variants.back();
}

std::string Model::risk_of(const std::string& experiment) const
{
  const auto it = risk.find(experiment);
  return it == risk.end() ? std::string() : it->second;
}

namespace {

std::string get_string(const json::object& object, std::string_view key)
{
  const auto* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->get_string()) : std::string();
}

OptNumber get_number(const json::object& object, std::string_view key)
{
  const auto* value = object.if_contains(key);
  if (!value || !value->is_number()) {
    return std::nullopt;
  }
  const double number = value->to_number<double>();
  return std::isfinite(number) ? OptNumber(number) : std::nullopt;
}

const json::object* get_object(const json::object& object, std::string_view key)
{
  const auto* value = object.if_contains(key);
  return value && value->is_object() ? &value->get_object() : nullptr;
}

std::vector<std::string> get_strings(const json::object& object, std::string_view key)
{
  std::vector<std::string> out;
  const auto* value = object.if_contains(key);
  if (value && value->is_array()) {
    for (const auto& item : value->get_array()) {
      if (item.is_string()) {
        out.emplace_back(item.get_string());
      }
    }
  } else if (value && value->is_string()) {
    out.emplace_back(value->get_string());
  }
  return out;
}

Stats parse_stats(const json::object* object)
{
  Stats stats;
  if (!object) {
    return stats;
  }
  stats.n = get_number(*object, "n");
  stats.err_pct = get_number(*object, "err_pct");
  stats.p50_ms = get_number(*object, "p50_ms");
  stats.p95_ms = get_number(*object, "p95_ms");
  stats.p99_ms = get_number(*object, "p99_ms");
  stats.mean_ms = get_number(*object, "mean_ms");
  return stats;
}

// smart-run's borderline question; fills only what is still empty.
void absorb_ask(Coach& coach, const json::object& object)
{
  if (!coach.verdict.empty()) {
    return;
  }
  coach.variant = get_string(object, "variant");
  coach.verdict = get_string(object, "verdict");
  coach.ask_confidence = get_number(object, "confidence");
  coach.reason = get_string(object, "reason");
  if (coach.reason.empty()) {
    coach.reason = get_string(object, "advice"); // as older versions wrote it
  }
  if (const auto* applied = object.if_contains("applied"); applied && applied->is_bool()) {
    coach.applied = applied->get_bool();
  }
}

// smart-phone's advice ("coach", coach.json); older versions put smart-run's
// question there too, or under "ask". Fills only what is still empty.
void absorb_advice(Coach& coach, const json::object& object)
{
  if (object.contains("verdict")) {
    absorb_ask(coach, object);
    return;
  }
  if (coach.advice.empty() && coach.next_variant.empty()) {
    coach.advice = get_string(object, "advice");
    coach.next_variant = get_string(object, "next_variant");
    coach.confidence = get_number(object, "confidence");
  }
  if (const auto* ask = get_object(object, "ask")) {
    absorb_ask(coach, *ask);
  }
}

std::optional<Coach> nonempty(const Coach& coach)
{
  if (coach.advice.empty() && coach.next_variant.empty() && coach.verdict.empty()) {
    return std::nullopt;
  }
  return coach;
}

std::optional<json::value> read_json(const fs::path& path, std::vector<std::string>& warnings)
{
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    return std::nullopt;
  }
  try {
    const std::string text = util::read_file(path);
    json::error_code jec;
    auto value = json::parse(text, jec);
    if (jec) {
      warnings.push_back(fmt::format("{}: not valid JSON: {}", path.string(), jec.message()));
      return std::nullopt;
    }
    return value;
  } catch (const std::exception& e) {
    warnings.push_back(e.what());
    return std::nullopt;
  }
}

void load_history(const fs::path& path, Model& model)
{
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return; // no history yet
  }
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    if (util::trim(line).empty()) {
      continue;
    }
    // Each line parsed into a stack buffer: no allocation for a typical line.
    unsigned char buffer[16384];
    json::monotonic_resource resource(buffer, sizeof buffer);
    json::error_code ec;
    json::value value = json::parse(line, ec, &resource);
    if (ec) {
      // A torn entry with the next one glued on: keep the whole one.
      if (const auto glued = glued_history_entry(line); !glued.empty()) {
        json::error_code glued_ec;
        json::value whole = json::parse(glued, glued_ec, &resource);
        if (!glued_ec && whole.is_object()) {
          model.warnings.push_back(
            fmt::format("{}:{}: a torn entry skipped before a whole one", path.string(), number));
          value = std::move(whole);
          line = std::string(glued);
          ec = {};
        }
      }
    }
    if (ec) {
      model.warnings.push_back(
        fmt::format("{}:{}: skipped: not valid JSON ({})", path.string(), number, ec.message()));
      continue;
    }
    if (!value.is_object()) {
      model.warnings.push_back(fmt::format("{}:{}: skipped: not a JSON object", path.string(), number));
      continue;
    }
    RunSummary run = parse_run(value.get_object());
    if (run.run_id.empty()) {
      model.warnings.push_back(fmt::format("{}:{}: skipped: no run_id", path.string(), number));
      continue;
    }
    run.json = std::move(line);
    model.history.push_back(std::move(run));
  }
}

// The last run's details: decision files, coach.json, the latency curves.
void load_run_details(const fs::path& run_dir, RunSummary& run, Model& model)
{
  for (auto& variant : run.variants) {
    std::string file =
      variant.decision_file.empty() ? variant.name + ".decision.json" : variant.decision_file;
    if (!util::is_safe_name(file)) {
      continue;
    }
    if (auto decision = read_json(run_dir / file, model.warnings); decision && decision->is_object()) {
      merge_decision(variant, decision_reply_from_json(decision->get_object()));
    }
  }
  if (!run.coach || (run.coach->advice.empty() && run.coach->next_variant.empty())) {
    if (auto advice = read_json(state_paths::coach_advice(run_dir), model.warnings);
        advice && advice->is_object()) {
      Coach coach = run.coach.value_or(Coach{});
      absorb_advice(coach, advice->get_object());
      run.coach = nonempty(coach);
    }
  }

  auto add_curve = [&](const std::string& name, const std::string& file) {
    std::error_code ec;
    if (!util::is_safe_name(file) || !fs::exists(run_dir / file, ec)) {
      return;
    }
    try {
      auto samples = read_samples(run_dir / file);
      model.curves.push_back(make_curve(name, good_latencies(samples)));
    } catch (const std::exception& e) {
      model.warnings.push_back(e.what());
    }
  };
  add_curve("baseline", "baseline.csv");
  for (const auto& variant : run.variants) {
    add_curve(variant.name, variant.samples_file.empty() ? variant.name + ".csv" : variant.samples_file);
  }
}

// Each experiment's risk class, from the meta.json snapshot of its newest
// run that still has one (a retention prune keeps the newest runs). A
// summary that carries "risk" itself wins.
void load_risks(const fs::path& runs_dir, Model& model)
{
  std::vector<const RunSummary*> newest_first;
  for (auto it = model.history.rbegin(); it != model.history.rend(); ++it) {
    newest_first.push_back(&*it);
  }
  if (model.last) {
    newest_first.insert(newest_first.begin(), &*model.last);
  }
  std::size_t looked = 0; // bounded: 10,000 pruned runs must not cost 10,000 stat calls
  for (const auto* run : newest_first) {
    if (model.risk.contains(run->experiment)) {
      continue;
    }
    if (!run->risk.empty()) {
      model.risk[run->experiment] = run->risk;
      continue;
    }
    std::error_code ec;
    const fs::path meta = runs_dir / run->run_id / "meta.json";
    if (!util::is_safe_name(run->run_id) || ++looked > 200 || !fs::exists(meta, ec)) {
      continue;
    }
    if (auto value = read_json(meta, model.warnings); value && value->is_object()) {
      const std::string risk = get_string(value->get_object(), "risk");
      model.risk[run->experiment] = risk.empty() ? "none" : risk;
    }
  }
}

// One entry of a summary's "variants"; a baseline cost the summary left
// out is taken from the variant's resources.
VariantResult parse_variant(const json::object& v, Stats& baseline)
{
  VariantResult variant;
  variant.name = get_string(v, "name");
  variant.outcome = get_string(v, "outcome");
  variant.reasons = get_strings(v, "reasons");
  const auto* borderline = v.if_contains("borderline");
  variant.borderline = borderline && borderline->is_bool() && borderline->get_bool();
  variant.stats = parse_stats(get_object(v, "stats"));
  // The resource guardrails' cost of each arm, when the service was watched.
  if (const auto* resources = get_object(v, "resources")) {
    if (const auto* arm = get_object(*resources, "variant")) {
      variant.stats.cpu_ms_per_request = get_number(*arm, "cpu_ms_per_request");
      variant.stats.rss_peak_mib = get_number(*arm, "peak_rss_mib");
    }
    if (const auto* arm = get_object(*resources, "baseline"); arm && !baseline.cpu_ms_per_request) {
      baseline.cpu_ms_per_request = get_number(*arm, "cpu_ms_per_request");
      baseline.rss_peak_mib = get_number(*arm, "peak_rss_mib");
    }
  }
  variant.improve_pct = get_number(v, "improve_pct");
  variant.err_delta_pct = get_number(v, "err_delta_pct");
  variant.decided_by = get_string(v, "decided_by");
  variant.decision_file = get_string(v, "decision_file");
  variant.samples_file = get_string(v, "samples_file");
  return variant;
}

// The original state.json's "metrics": the baseline's numbers when the
// summary had none, and one variant when it listed none.
void absorb_metrics(RunSummary& run, const json::object& metrics)
{
  if (!run.baseline.p50_ms) {
    run.baseline.p50_ms = get_number(metrics, "base_p50_ms");
    run.baseline.err_pct = get_number(metrics, "base_err_pct");
  }
  if (run.variants.empty() && (metrics.contains("var_p50_ms") || metrics.contains("var_err_pct"))) {
    VariantResult variant;
    variant.name = run.kept_variant != "none" ? run.kept_variant : "variant";
    variant.outcome = run.kept_variant != "none" ? "keep" : "revert";
    variant.stats.p50_ms = get_number(metrics, "var_p50_ms");
    variant.stats.err_pct = get_number(metrics, "var_err_pct");
    run.variants.push_back(std::move(variant));
  }
}

// state.json as a run; nullopt (with a warning) when it is missing, not an
// object or has no run_id. Its text is kept in the model.
std::optional<RunSummary> read_state(const fs::path& state_file, Model& model)
{
  std::optional<RunSummary> state_run;
  if (auto state = read_json(state_file, model.warnings)) {
    if (state->is_object()) {
      state_run = parse_run(state->get_object());
      model.state_json = util::write_json(*state);
      if (state_run->run_id.empty()) {
        model.warnings.push_back(fmt::format("{}: no run_id; ignored", state_file.string()));
        state_run.reset();
      }
    } else {
      model.warnings.push_back(fmt::format("{}: not a JSON object; ignored", state_file.string()));
    }
  }
  return state_run;
}

// The richest description of the latest run: its summary.json, else its
// history line, else state.json itself; then its details.
void load_last(const StatePaths& paths, std::optional<RunSummary> state_run, Model& model)
{
  const std::string last_id = state_run               ? state_run->run_id
                              : model.history.empty() ? std::string()
                                                      : model.history.back().run_id;
  if (last_id.empty()) {
    return;
  }
  if (util::is_safe_name(last_id)) {
    if (auto summary = read_json(state_paths::summary(paths.runs_dir / last_id), model.warnings);
        summary && summary->is_object()) {
      model.last = parse_run(summary->get_object());
    }
  }
  if (!model.last) {
    for (auto it = model.history.rbegin(); it != model.history.rend(); ++it) {
      if (it->run_id == last_id) {
        model.last = *it;
        break;
      }
    }
  }
  if (!model.last) {
    model.last = std::move(state_run);
  } else if (state_run && model.last->description.empty() && !state_run->description.empty()) {
    model.last->description = state_run->description;
  }
  if (model.last && util::is_safe_name(last_id)) {
    load_run_details(paths.runs_dir / last_id, *model.last, model);
  }
}

// revert_failed.json, when there is one (an unreadable one still counts).
std::optional<RevertFailed> read_revert_failed(const fs::path& var_dir, Model& model)
{
  const fs::path revert_failed_path = state_paths::revert_failed(var_dir);
  std::error_code ec;
  if (!fs::exists(revert_failed_path, ec)) {
    return std::nullopt;
  }
  RevertFailed failed;
  if (auto value = read_json(revert_failed_path, model.warnings); value && value->is_object()) {
    const auto& object = value->get_object();
    failed.run_id = get_string(object, "run_id");
    failed.experiment = get_string(object, "experiment");
    failed.variant = get_string(object, "variant");
    failed.message = get_string(object, "reason");
    if (failed.message.empty()) {
      failed.message = get_string(object, "error");
    }
    if (failed.message.empty()) {
      failed.message = get_string(object, "message");
    }
    failed.since = get_string(object, "failed_at");
    if (failed.since.empty()) {
      failed.since = get_string(object, "since");
    }
    failed.revert_command = get_string(object, "revert");
  }
  return failed;
}

// pending.json: a variant is applied now, by a run still going (or one
// that died; the next run reverts it first).
std::optional<Running> read_running(const fs::path& var_dir, Model& model)
{
  auto value = read_json(var_dir / "pending.json", model.warnings);
  if (!value || !value->is_object()) {
    return std::nullopt;
  }
  const auto& object = value->get_object();
  Running running;
  running.run_id = get_string(object, "run_id");
  running.experiment = get_string(object, "experiment");
  running.variant = get_string(object, "variant");
  running.since = get_string(object, "since");
  running.expected_end = get_string(object, "expected_end");
  running.since_time = util::parse_rfc3339(running.since);
  running.expected_end_time = util::parse_rfc3339(running.expected_end);
  return running;
}

} // namespace

RunSummary parse_run(const json::object& object)
{
  RunSummary run;
  run.run_id = get_string(object, "run_id");
  run.experiment = get_string(object, "experiment");
  run.description = get_string(object, "description");
  run.status = get_string(object, "status");
  run.kept_variant = get_string(object, "kept_variant");
  if (run.kept_variant.empty()) {
    run.kept_variant = "none";
  }
  run.reason = get_string(object, "reason");
  run.started_at = get_string(object, "started_at");
  run.finished_at = get_string(object, "finished_at");
  run.duration_s = get_number(object, "duration_s");
  run.host = get_string(object, "host");
  run.strategy = get_string(object, "strategy");
  run.design = get_string(object, "design");
  run.mode = get_string(object, "mode");
  run.would_keep = get_string(object, "would_keep");
  run.risk = get_string(object, "risk");
  run.baseline = parse_stats(get_object(object, "baseline"));

  // The original state.json: only "metrics" and "updated_at".
  const std::string updated_at = get_string(object, "updated_at");
  if (run.finished_at.empty()) {
    run.finished_at = updated_at;
  }
  run.finished = util::parse_rfc3339(run.finished_at);
  if (!run.finished) {
    run.finished = util::parse_rfc3339(run.run_id.substr(0, 16));
  }

  if (const auto* variants = object.if_contains("variants"); variants && variants->is_array()) {
    for (const auto& item : variants->get_array()) {
      if (!item.is_object()) {
        continue;
      }
      run.variants.push_back(parse_variant(item.get_object(), run.baseline));
    }
  }

  if (const auto* metrics = get_object(object, "metrics")) {
    absorb_metrics(run, *metrics);
  }
  if (run.status.empty()) {
    // The original wrote no status: infer what it meant.
    run.status = run.kept_variant != "none" ? "kept" : "reverted";
  }
  Coach coach;
  if (const auto* ask = get_object(object, "coach_ask")) {
    absorb_ask(coach, *ask);
  }
  if (const auto* advice = get_object(object, "coach")) {
    absorb_advice(coach, *advice);
  }
  run.coach = nonempty(coach);
  return run;
}

void merge_decision(VariantResult& variant, const DecisionReply& decision)
{
  variant.confidence_level = decision.thresholds.confidence;
  if (decision.smart) {
    const auto& smart = *decision.smart;
    variant.estimate_pct = smart.estimate_improve_pct;
    // null is an unbounded side (smart-decide writes no infinity in JSON).
    variant.ci_low_pct = smart.ci_low_pct.value_or(-INFINITY);
    variant.ci_high_pct = smart.ci_high_pct.value_or(INFINITY);
    if (smart.confidence_used) {
      variant.confidence_level = smart.confidence_used;
    }
  }
  if (variant.decided_by.empty()) {
    variant.decided_by = decision.decided_by;
  }
  if (variant.reasons.empty()) {
    variant.reasons = decision.reasons;
  }
  variant.borderline = variant.borderline || decision.borderline;
}

LatencyCurve make_curve(std::string name, std::vector<float> values, std::size_t max_points)
{
  LatencyCurve curve;
  curve.name = std::move(name);
  curve.n_good = values.size();
  if (values.empty()) {
    return curve;
  }
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  const std::size_t points = std::max<std::size_t>(2, std::min(max_points, n + 1));
  curve.points.reserve(points);
  for (std::size_t k = 0; k < points; ++k) {
    const double q = static_cast<double>(k) / static_cast<double>(points - 1);
    curve.points.emplace_back(quantile_sorted(values, q), q);
  }
  return curve;
}

Model load_model(const StatePaths& paths)
{
  Model model;
  load_history(state_paths::history(paths.var_dir), model);
  load_last(paths, read_state(paths.state_file, model), model);
  model.revert_failed = read_revert_failed(paths.var_dir, model);
  load_risks(paths.runs_dir, model);
  model.running = read_running(paths.var_dir, model);
  return model;
}

} // namespace smart::dashboard
