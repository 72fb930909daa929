#include <smart/decision_reply.hpp>
#include <smart/util/json_writer.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace smart;

namespace {

DecisionReply sample_reply()
{
  DecisionReply r;
  r.decision = "inconclusive";
  r.verdict = "revert";
  r.borderline = true;
  r.rule = "smart";
  r.metric = "p95";
  r.baseline.file = "baseline.csv";
  r.baseline.n = 300;
  r.baseline.n_good = 299;
  r.baseline.n_errors = 1;
  r.baseline.errors = {{"http_5xx", 0}, {"connect", 1}, {"too_small", 0}};
  r.baseline.err_pct = 0.333;
  r.baseline.p50_ms = 17.0;
  r.baseline.p99_ms = 30.25;
  r.variant.file = "workers_auto.csv";
  r.variant.n = 12;
  r.improve_pct = 14.706;
  r.err_delta_pct = -0.333;
  r.thresholds.improve_pct = 10;
  r.thresholds.max_err_delta_pct = 2.5;
  r.thresholds.min_samples = 10;
  r.thresholds.confidence = 0.95;
  r.thresholds.ok_status = "200-399";
  r.thresholds.err_confidence = 0.85;
  r.thresholds.min_effect_pct = 5;
  r.thresholds.tail_tolerance_pct = 10;
  r.reasons = {"cannot tell: p95 4.1% faster", "errors -0.33 pp"};
  r.decided_by = "latency_uncertain";
  r.look = 2;
  r.looks = 3;
  DecisionReply::Smart s;
  s.method = "quantile-order-statistics";
  s.estimate_improve_pct = 4.1;
  s.ci_low_pct = -2.0;
  s.ci_high_pct = std::nullopt; // unbounded
  s.confidence_used = 0.98765432;
  s.p99_change_pct = std::nullopt; // too few samples
  s.blocks = 0;
  s.samples_used = 299;
  r.smart = s;
  return r;
}

DecisionReply through_text(const DecisionReply& reply)
{
  const std::string text = util::write_json(to_json(reply));
  return decision_reply_from_json(boost::json::parse(text).as_object());
}

} // namespace

TEST_CASE("decision reply: from_json(to_json(x)) == x, through the JSON text")
{
  const DecisionReply reply = sample_reply();
  CHECK(through_text(reply) == reply);

  DecisionReply original = reply;
  original.rule = "original";
  original.smart.reset();
  original.thresholds.err_confidence.reset();
  original.thresholds.min_effect_pct.reset();
  original.thresholds.tail_tolerance_pct.reset();
  CHECK(through_text(original) == original);
  CHECK_FALSE(to_json(original).contains("smart"));
  CHECK_FALSE(to_json(original).at("thresholds").as_object().contains("err_confidence"));
}

TEST_CASE("decision reply: an unbounded interval side and an unknown number are null")
{
  const auto object = to_json(sample_reply());
  const auto& ci = object.at("smart").at("ci_improve_pct").as_array();
  CHECK(ci.at(0).to_number<double>() == -2.0);
  CHECK(ci.at(1).is_null());
  CHECK(object.at("smart").at("p99_change_pct").is_null());
  CHECK(object.at("baseline").at("p90_ms").is_null());
}

TEST_CASE("decision reply: a partial or foreign object reads with defaults, never throws")
{
  const auto parsed = boost::json::parse(
    R"({"decision": 3, "reasons": ["a", 1, "b"], "baseline": "x", "look": {"k": -1}, "extra": true})");
  const auto reply = decision_reply_from_json(parsed.as_object());
  CHECK(reply.decision == "revert");
  CHECK(reply.verdict == "revert");
  CHECK(reply.reasons == std::vector<std::string>{"a", "b"});
  CHECK(reply.baseline.n == 0);
  CHECK(reply.look == 0);
  CHECK_FALSE(reply.smart);
}
