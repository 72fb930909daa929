#include <smart/decision_reply.hpp>

#include <boost/json.hpp>

namespace smart {

namespace json = boost::json;

namespace {

json::value number_json(const DecisionReply::Number& value)
{
  return value ? json::value(*value) : json::value(nullptr);
}

DecisionReply::Number number_at(const json::object& o, std::string_view key)
{
  const auto* v = o.if_contains(key);
  return v && v->is_number() ? DecisionReply::Number(v->to_number<double>()) : std::nullopt;
}

std::string string_at(const json::object& o, std::string_view key, std::string fallback = {})
{
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : fallback;
}

std::uint64_t count_at(const json::object& o, std::string_view key)
{
  const auto* v = o.if_contains(key);
  if (v && v->is_uint64()) {
    return v->get_uint64();
  }
  if (v && v->is_int64() && v->get_int64() >= 0) {
    return static_cast<std::uint64_t>(v->get_int64());
  }
  return 0;
}

const json::object* object_at(const json::object& o, std::string_view key)
{
  const auto* v = o.if_contains(key);
  return v && v->is_object() ? &v->get_object() : nullptr;
}

json::object side_json(const DecisionReply::Side& s)
{
  json::object errors;
  for (const auto& [name, count] : s.errors) {
    errors[name] = count;
  }
  json::object o;
  o["file"] = s.file;
  o["n"] = s.n;
  o["n_good"] = s.n_good;
  o["n_errors"] = s.n_errors;
  o["errors"] = std::move(errors);
  o["err_pct"] = number_json(s.err_pct);
  o["p50_ms"] = number_json(s.p50_ms);
  o["p90_ms"] = number_json(s.p90_ms);
  o["p95_ms"] = number_json(s.p95_ms);
  o["p99_ms"] = number_json(s.p99_ms);
  o["mean_ms"] = number_json(s.mean_ms);
  o["min_ms"] = number_json(s.min_ms);
  o["max_ms"] = number_json(s.max_ms);
  return o;
}

DecisionReply::Side side_from(const json::object* o)
{
  DecisionReply::Side s;
  if (o == nullptr) {
    return s;
  }
  s.file = string_at(*o, "file");
  s.n = count_at(*o, "n");
  s.n_good = count_at(*o, "n_good");
  s.n_errors = count_at(*o, "n_errors");
  if (const auto* errors = object_at(*o, "errors")) {
    for (const auto& item : *errors) {
      s.errors.emplace_back(std::string(item.key()), count_at(*errors, item.key()));
    }
  }
  s.err_pct = number_at(*o, "err_pct");
  s.p50_ms = number_at(*o, "p50_ms");
  s.p90_ms = number_at(*o, "p90_ms");
  s.p95_ms = number_at(*o, "p95_ms");
  s.p99_ms = number_at(*o, "p99_ms");
  s.mean_ms = number_at(*o, "mean_ms");
  s.min_ms = number_at(*o, "min_ms");
  s.max_ms = number_at(*o, "max_ms");
  return s;
}

json::object thresholds_json(const DecisionReply::Thresholds& t)
{
  json::object o;
  o["improve_pct"] = t.improve_pct;
  o["max_err_delta_pct"] = t.max_err_delta_pct;
  o["min_samples"] = t.min_samples;
  o["confidence"] = t.confidence;
  o["ok_status"] = t.ok_status;
  if (t.err_confidence) {
    o["err_confidence"] = *t.err_confidence;
  }
  if (t.min_effect_pct) {
    o["min_effect_pct"] = *t.min_effect_pct;
  }
  if (t.tail_tolerance_pct) {
    o["tail_tolerance_pct"] = *t.tail_tolerance_pct;
  }
  return o;
}

DecisionReply::Thresholds thresholds_from(const json::object* o)
{
  DecisionReply::Thresholds t;
  if (o == nullptr) {
    return t;
  }
  t.improve_pct = number_at(*o, "improve_pct").value_or(t.improve_pct);
  t.max_err_delta_pct = number_at(*o, "max_err_delta_pct").value_or(t.max_err_delta_pct);
  if (o->contains("min_samples")) {
    t.min_samples = count_at(*o, "min_samples");
  }
  t.confidence = number_at(*o, "confidence").value_or(t.confidence);
  t.ok_status = string_at(*o, "ok_status");
  t.err_confidence = number_at(*o, "err_confidence");
  t.min_effect_pct = number_at(*o, "min_effect_pct");
  t.tail_tolerance_pct = number_at(*o, "tail_tolerance_pct");
  return t;
}

json::object smart_json(const DecisionReply::Smart& a)
{
  json::object s;
  s["method"] = a.method;
  s["estimate_improve_pct"] = number_json(a.estimate_improve_pct);
  s["ci_improve_pct"] = json::array{number_json(a.ci_low_pct), number_json(a.ci_high_pct)};
  s["confidence_used"] = number_json(a.confidence_used);
  s["err_delta_low_pct"] = number_json(a.err_delta_low_pct);
  s["err_delta_high_pct"] = number_json(a.err_delta_high_pct);
  s["err_confidence_used"] = number_json(a.err_confidence_used);
  s["p95_change_pct"] = number_json(a.p95_change_pct);
  s["p99_change_pct"] = number_json(a.p99_change_pct);
  s["p95_change_low_pct"] = number_json(a.p95_change_low_pct);
  s["p99_change_low_pct"] = number_json(a.p99_change_low_pct);
  s["min_effect_pct"] = number_json(a.min_effect_pct);
  s["blocks"] = a.blocks;
  s["samples_used"] = a.samples_used;
  return s;
}

DecisionReply::Smart smart_from(const json::object& o)
{
  DecisionReply::Smart a;
  a.method = string_at(o, "method");
  a.estimate_improve_pct = number_at(o, "estimate_improve_pct");
  if (const auto* ci = o.if_contains("ci_improve_pct"); ci && ci->is_array() && ci->get_array().size() == 2) {
    const auto& bounds = ci->get_array();
    a.ci_low_pct =
      bounds[0].is_number() ? DecisionReply::Number(bounds[0].to_number<double>()) : std::nullopt;
    a.ci_high_pct =
      bounds[1].is_number() ? DecisionReply::Number(bounds[1].to_number<double>()) : std::nullopt;
  }
  a.confidence_used = number_at(o, "confidence_used");
  a.err_delta_low_pct = number_at(o, "err_delta_low_pct");
  a.err_delta_high_pct = number_at(o, "err_delta_high_pct");
  a.err_confidence_used = number_at(o, "err_confidence_used");
  a.p95_change_pct = number_at(o, "p95_change_pct");
  a.p99_change_pct = number_at(o, "p99_change_pct");
  a.p95_change_low_pct = number_at(o, "p95_change_low_pct");
  a.p99_change_low_pct = number_at(o, "p99_change_low_pct");
  a.min_effect_pct = number_at(o, "min_effect_pct");
  a.blocks = count_at(o, "blocks");
  a.samples_used = count_at(o, "samples_used");
  return a;
}

} // namespace

DecisionReply::Number DecisionReply::Side::metric_ms(std::string_view metric) const
{
  if (metric == "p50") {
    return p50_ms;
  }
  if (metric == "p90") {
    return p90_ms;
  }
  if (metric == "p95") {
    return p95_ms;
  }
  if (metric == "p99") {
    return p99_ms;
  }
  if (metric == "mean") {
    return mean_ms;
  }
  return std::nullopt;
}

json::object to_json(const DecisionReply& r)
{
  json::object j;
  j["decision"] = r.decision;
  j["verdict"] = r.verdict;
  j["borderline"] = r.borderline;
  j["rule"] = r.rule;
  j["metric"] = r.metric;
  j["baseline"] = side_json(r.baseline);
  j["variant"] = side_json(r.variant);
  j["improve_pct"] = number_json(r.improve_pct);
  j["err_delta_pct"] = number_json(r.err_delta_pct);
  j["thresholds"] = thresholds_json(r.thresholds);
  json::array reasons;
  for (const auto& reason : r.reasons) {
    reasons.emplace_back(reason);
  }
  j["reasons"] = std::move(reasons);
  j["decided_by"] = r.decided_by;
  j["look"] = json::object{{"k", r.look}, {"n", r.looks}};
  if (r.smart) {
    j["smart"] = smart_json(*r.smart);
  }
  return j;
}

DecisionReply decision_reply_from_json(const json::object& o)
{
  DecisionReply r;
  r.decision = string_at(o, "decision", r.decision);
  r.verdict = string_at(o, "verdict", r.verdict);
  if (const auto* b = o.if_contains("borderline"); b && b->is_bool()) {
    r.borderline = b->get_bool();
  }
  r.rule = string_at(o, "rule");
  r.metric = string_at(o, "metric");
  r.baseline = side_from(object_at(o, "baseline"));
  r.variant = side_from(object_at(o, "variant"));
  r.improve_pct = number_at(o, "improve_pct");
  r.err_delta_pct = number_at(o, "err_delta_pct");
  r.thresholds = thresholds_from(object_at(o, "thresholds"));
  if (const auto* reasons = o.if_contains("reasons"); reasons && reasons->is_array()) {
    for (const auto& reason : reasons->get_array()) {
      if (reason.is_string()) {
        r.reasons.emplace_back(reason.get_string());
      }
    }
  }
  r.decided_by = string_at(o, "decided_by");
  if (const auto* look = object_at(o, "look")) {
    r.look = static_cast<unsigned>(count_at(*look, "k"));
    r.looks = static_cast<unsigned>(count_at(*look, "n"));
  }
  if (const auto* smart = object_at(o, "smart")) {
    r.smart = smart_from(*smart);
  }
  return r;
}

} // namespace smart
