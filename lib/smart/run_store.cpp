#include <smart/run_store.hpp>

#include <smart/error.hpp>
#include <smart/util/atomic_file.hpp>
#include <smart/util/json_writer.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <pwd.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <sys/stat.h>

namespace smart {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

json::value number_or_null(const std::optional<double>& value, int decimals = 3)
{
  if (!value || !std::isfinite(*value)) {
    return nullptr;
  }
  const double scale = std::pow(10.0, decimals);
  return std::round(*value * scale) / scale;
}

// The run ids under runs_dir, oldest first.
std::vector<std::string> run_ids(const fs::path& runs_dir)
{
  std::vector<std::string> ids;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(runs_dir, ec)) {
    const auto name = entry.path().filename().string();
    if (is_run_id(name) && entry.is_directory(ec)) {
      ids.push_back(name);
    }
  }
  // "…Z" < "…Z-2" < "…Z-10" needs a numeric suffix order.
  std::sort(ids.begin(), ids.end(), [](const std::string& a, const std::string& b) {
    const auto base_a = a.substr(0, 16);
    const auto base_b = b.substr(0, 16);
    if (base_a != base_b) {
      return base_a < base_b;
    }
    const auto suffix = [](const std::string& id) { return id.size() > 17 ? std::stol(id.substr(17)) : 1L; };
    return suffix(a) < suffix(b);
  });
  return ids;
}

} // namespace

void refuse_foreign_state_as_root(const fs::path& var_dir, std::string_view tool)
{
  if (::geteuid() != 0) {
    return;
  }
  std::error_code ec;
  fs::path dir = var_dir;
  while (!dir.empty() && !fs::exists(dir, ec) && dir.has_parent_path() && dir.parent_path() != dir) {
    dir = dir.parent_path();
  }
  struct stat st {};
  if (dir.empty() || ::stat(dir.c_str(), &st) != 0 || st.st_uid == 0) {
    return;
  }
  const struct passwd* owner = ::getpwuid(st.st_uid);
  const std::string name = owner != nullptr ? owner->pw_name : std::to_string(st.st_uid);
  throw UsageError("{} belongs to {}, and {} as root would leave root-owned files there that break the runs "
                   "of {} (the timer's); run it as that user: sudo -u {} {} ... (nothing was changed)",
                   dir.string(), name, tool, name, name, tool);
}

bool is_run_id(std::string_view name)
{
  if (name.size() < 16 || name[8] != 'T' || name[15] != 'Z') {
    return false;
  }
  for (std::size_t i = 0; i < 15; ++i) {
    if (i != 8 && (name[i] < '0' || name[i] > '9')) {
      return false;
    }
  }
  if (name.size() == 16) {
    return true;
  }
  if (name[16] != '-' || name.size() == 17 || name.size() > 22) {
    return false;
  }
  return std::all_of(name.begin() + 17, name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string compact_json(const json::value& value)
{
  return util::write_json(value, util::JsonLayout::compact);
}

std::string pretty_json(const json::value& value)
{
  return util::write_json(value, util::JsonLayout::pretty) + "\n";
}

json::object read_json_object(const fs::path& path)
{
  const auto text = util::read_file(path);
  boost::system::error_code ec;
  auto value = json::parse(text, ec);
  if (ec || !value.is_object()) {
    throw Error("{}: not a JSON object{}", path.string(), ec ? ": " + ec.message() : std::string());
  }
  return std::move(value.as_object());
}

json::object to_json(const StatsBrief& stats)
{
  return {{"n", stats.n},
          {"err_pct", number_or_null(stats.err_pct, 2)},
          {"p50_ms", number_or_null(stats.p50_ms)},
          {"p95_ms", number_or_null(stats.p95_ms)},
          {"p99_ms", number_or_null(stats.p99_ms)},
          {"mean_ms", number_or_null(stats.mean_ms)}};
}

json::object to_json(const VariantResult& result)
{
  json::array reasons;
  for (const auto& reason : result.reasons) {
    reasons.emplace_back(reason);
  }
  json::object out{{"name", result.name},
                   {"outcome", to_string(result.outcome)},
                   {"reasons", std::move(reasons)},
                   {"borderline", result.borderline}};
  out["stats"] = result.stats ? json::value(to_json(*result.stats)) : json::value(nullptr);
  out["improve_pct"] = number_or_null(result.improve_pct, 2);
  out["err_delta_pct"] = number_or_null(result.err_delta_pct, 2);
  if (result.resources) {
    out["resources"] = to_json(*result.resources);
  }
  out["decision_file"] = result.decision_file;
  out["samples_file"] = result.samples_file;
  return out;
}

std::string_view to_string(VariantOutcome outcome)
{
  switch (outcome) {
  case VariantOutcome::keep:
    return "keep";
  case VariantOutcome::revert:
    return "revert";
  case VariantOutcome::inconclusive:
    return "inconclusive";
  case VariantOutcome::failed:
    return "failed";
  case VariantOutcome::aborted:
    return "aborted";
  case VariantOutcome::skipped:
    return "skipped";
  }
  return "skipped";
}

VariantOutcome outcome_of_decision(std::string_view decision)
{
  if (decision == "keep") {
    return VariantOutcome::keep;
  }
  return decision == "inconclusive" ? VariantOutcome::inconclusive : VariantOutcome::revert;
}

std::string_view to_string(RunStatus status)
{
  switch (status) {
  case RunStatus::kept:
    return "kept";
  case RunStatus::reverted:
    return "reverted";
  case RunStatus::aborted:
    return "aborted";
  case RunStatus::failed:
    return "failed";
  case RunStatus::revert_failed:
    return "revert_failed";
  }
  return "failed";
}

json::object to_json(const RunSummary& s)
{
  json::object out{{"run_id", s.run_id},
                   {"experiment", s.experiment},
                   {"description", s.description},
                   {"status", to_string(s.status)},
                   {"kept_variant", s.kept_variant},
                   {"reason", s.reason},
                   {"started_at", s.started_at},
                   {"finished_at", s.finished_at},
                   {"duration_s", number_or_null(s.duration_s, 1)},
                   {"host", s.host},
                   {"strategy", s.strategy},
                   {"design", s.design},
                   {"mode", s.mode}};
  out["baseline"] = s.baseline ? json::value(to_json(*s.baseline)) : json::value(nullptr);
  json::array variants;
  for (const auto& variant : s.variants) {
    variants.emplace_back(to_json(variant));
  }
  out["variants"] = std::move(variants);
  if (s.coach_ask) {
    out["coach_ask"] = *s.coach_ask;
  }
  for (const auto& [key, value] : s.extra) {
    out[key] = value;
  }
  return out;
}

json::object state_json(const RunSummary& s)
{
  // metrics.var_*: the kept variant, or else the last variant measured.
  const VariantResult* shown = nullptr;
  for (const auto& variant : s.variants) {
    if (variant.name == s.kept_variant || (s.kept_variant == "none" && variant.stats)) {
      shown = &variant;
    }
  }
  const auto base = s.baseline.value_or(StatsBrief{});
  const auto var = shown && shown->stats ? *shown->stats : StatsBrief{};
  json::object metrics{
    {"base_p50_ms", number_or_null(s.baseline ? base.p50_ms : std::nullopt)},
    {"var_p50_ms", number_or_null(shown && shown->stats ? var.p50_ms : std::nullopt)},
    {"base_err_pct", s.baseline ? json::value(number_or_null(base.err_pct, 2)) : json::value(nullptr)},
    {"var_err_pct",
     shown && shown->stats ? json::value(number_or_null(var.err_pct, 2)) : json::value(nullptr)}};
  json::object out{{"run_id", s.run_id},
                   {"experiment", s.experiment},
                   {"kept_variant", s.kept_variant},
                   {"metrics", std::move(metrics)},
                   {"updated_at", s.finished_at},
                   {"status", to_string(s.status)},
                   {"reason", s.reason},
                   {"mode", s.mode}};
  json::array variants;
  for (const auto& variant : s.variants) {
    variants.emplace_back(to_json(variant));
  }
  out["variants"] = std::move(variants);
  if (s.coach_ask) {
    out["coach_ask"] = *s.coach_ask;
  }
  return out;
}

RunStore::RunStore(fs::path var_dir, fs::path runs_dir, fs::path state_file)
  : m_var_dir(std::move(var_dir)), m_runs_dir(std::move(runs_dir)), m_state_file(std::move(state_file))
{
}

void RunStore::prepare() const
{
  for (const auto& dir : {m_var_dir, m_runs_dir, m_state_file.parent_path()}) {
    std::error_code ec;
    if (!dir.empty()) {
      fs::create_directories(dir, ec);
      if (ec) {
        throw Error("cannot create directory {}: {}", dir.string(), ec.message());
      }
    }
  }
}

std::pair<std::string, fs::path> RunStore::create_run(util::SystemTime now) const
{
  const std::string base = util::format_compact(now);
  for (int n = 1; n < 1000; ++n) {
    const std::string id = n == 1 ? base : fmt::format("{}-{}", base, n);
    const auto dir = m_runs_dir / id;
    if (::mkdir(dir.c_str(), 0755) == 0) {
      return {id, dir};
    }
    if (errno != EEXIST) {
      throw Error("cannot create run directory {}: {}", dir.string(), std::strerror(errno));
    }
  }
  throw Error("cannot create a run directory under {}: too many runs this second", m_runs_dir.string());
}

void RunStore::write_summary(const fs::path& run_dir, const RunSummary& summary) const
{
  util::write_file_atomically(state_paths::summary(run_dir), pretty_json(to_json(summary)));
}

void RunStore::write_state(const RunSummary& summary) const
{
  util::write_file_atomically(m_state_file, pretty_json(state_json(summary)));
}

void RunStore::append_history(const RunSummary& summary) const
{
  util::append_line(history_path(), compact_json(to_json(summary)));
}

std::optional<Pending> RunStore::read_pending() const
{
  std::error_code ec;
  if (!fs::exists(pending_path(), ec)) {
    return std::nullopt;
  }
  const auto object = read_json_object(pending_path());
  auto text = [&](std::string_view key) -> std::string {
    const auto* value = object.if_contains(key);
    return value && value->is_string() ? std::string(value->as_string()) : std::string();
  };
  Pending pending;
  pending.run_id = text("run_id");
  pending.experiment = text("experiment");
  pending.experiment_dir = text("experiment_dir");
  pending.variant = text("variant");
  pending.since = text("since");
  pending.expected_end = text("expected_end");
  pending.run_dir = text("run_dir");
  if (const auto* pid = object.if_contains("pid"); pid && pid->is_number()) {
    pending.pid = pid->to_number<long>();
  }
  if (const auto* pgid = object.if_contains("pgid");
      pgid && pgid->is_int64() && pgid->as_int64() > 0 && pgid->as_int64() < (1L << 31)) {
    pending.pgid = static_cast<long>(pgid->as_int64());
  }
  if (pending.experiment_dir.empty()) {
    throw Error("{}: no experiment_dir: cannot tell what to revert", pending_path().string());
  }
  return pending;
}

void RunStore::write_pending(const Pending& p) const
{
  const json::object object{{"run_id", p.run_id},
                            {"experiment", p.experiment},
                            {"experiment_dir", p.experiment_dir.string()},
                            {"variant", p.variant},
                            {"pid", p.pid},
                            {"since", p.since},
                            {"run_dir", p.run_dir.string()}};
  json::object out = object;
  if (!p.expected_end.empty()) {
    out["expected_end"] = p.expected_end;
  }
  if (p.pgid > 0) {
    out["pgid"] = p.pgid;
  }
  util::write_file_atomically(pending_path(), pretty_json(out));
}

void RunStore::clear_pending() const
{
  std::error_code ec;
  fs::remove(pending_path(), ec);
}

std::optional<json::object> RunStore::read_revert_failed() const
{
  std::error_code ec;
  if (!fs::exists(revert_failed_path(), ec)) {
    return std::nullopt;
  }
  try {
    return read_json_object(revert_failed_path());
  } catch (const util::Failure&) {
    // Unreadable still means a revert failed: refuse all the same.
    return json::object{{"reason", "revert_failed.json is present but unreadable"}};
  }
}

void RunStore::write_revert_failed(const json::object& record) const
{
  util::write_file_atomically(revert_failed_path(), pretty_json(record));
}

void RunStore::clear_revert_failed() const
{
  std::error_code ec;
  fs::remove(revert_failed_path(), ec);
}

std::string_view glued_history_entry(std::string_view line)
{
  const auto pos = line.rfind("{\"run_id\":");
  if (pos == std::string_view::npos || pos == 0) {
    return {};
  }
  return line.substr(pos);
}

std::optional<json::object> parse_history_line(std::string_view line)
{
  boost::system::error_code ec;
  auto value = json::parse(line, ec);
  if (ec) {
    const auto glued = glued_history_entry(line);
    if (glued.empty()) {
      return std::nullopt;
    }
    value = json::parse(glued, ec);
  }
  if (ec || !value.is_object()) {
    return std::nullopt;
  }
  return std::move(value.as_object());
}

std::vector<json::object> RunStore::history() const
{
  std::vector<json::object> out;
  std::ifstream in(history_path());
  std::string line;
  while (std::getline(in, line)) {
    if (auto object = parse_history_line(line)) {
      out.push_back(std::move(*object));
    }
  }
  return out;
}

std::vector<std::string> RunStore::prune(long retain_days, long retain_runs, util::SystemTime now,
                                         const std::string& keep) const
{
  const auto ids = run_ids(m_runs_dir);
  std::vector<std::string> removed;
  const auto pending = [&]() -> std::string {
    try {
      if (auto p = read_pending()) {
        return p->run_id;
      }
    } catch (const util::Failure&) {
    }
    return {};
  }();
  const auto id_time = [](const std::string& id) {
    return util::parse_rfc3339(std::string_view(id).substr(0, 16));
  };
  // Ages count from the newest earlier run, not from the clock alone: when
  // the clock jumps 40 days ahead, runs minutes old must not look 40 days
  // old. (A host that was really off that long prunes them one run later.)
  // A clock gone back makes ages negative: nothing is old.
  std::optional<util::SystemTime> reference;
  for (const auto& id : ids) {
    if (id != keep) {
      if (auto when = id_time(id); when && (!reference || *when > *reference)) {
        reference = when;
      }
    }
  }
  if (reference && now < *reference) {
    reference = now;
  }
  // No overflow of the chrono arithmetic for any RETAIN_DAYS.
  const auto max_age = std::chrono::hours(24) * std::clamp(retain_days, 0L, 100L * 366);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto& id = ids[i];
    if (id == keep || id == pending) {
      continue;
    }
    bool old = false;
    if (retain_days > 0 && reference) {
      if (auto when = id_time(id)) {
        old = *reference - *when > max_age;
      }
    }
    const bool beyond = retain_runs > 0 && ids.size() - i > static_cast<std::size_t>(retain_runs);
    if (old || beyond) {
      std::error_code ec;
      fs::remove_all(m_runs_dir / id, ec);
      if (!ec) {
        removed.push_back(id);
      }
    }
  }
  return removed;
}

} // namespace smart
