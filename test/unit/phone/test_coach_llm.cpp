#include <smart/phone/coach_llm.hpp>
#include <smart/phone/host_metrics.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace smart;
namespace json = boost::json;

namespace {

const char* decision_json = R"({
  "decision": "inconclusive", "verdict": "revert", "borderline": true, "rule": "smart", "metric": "p50",
  "baseline": {"n": 300, "err_pct": 0.0, "p50_ms": 45.0},
  "variant": {"n": 300, "err_pct": 0.0, "p50_ms": 38.0},
  "improve_pct": 15.5, "err_delta_pct": 0.0,
  "thresholds": {"improve_pct": 10, "max_err_delta_pct": 2},
  "reasons": ["p50 improved 15.5% but the interval crosses 10%"]
})";

} // namespace

TEST_CASE("the OpenAI answer parser takes KEEP or REVERT, confidence and reason")
{
  auto a = parse_model_answer("VERDICT: KEEP\nCONFIDENCE: 0.9\nREASON: clear gain, no errors.");
  REQUIRE(a);
  CHECK(a->verdict == "keep");
  CHECK(a->confidence == Approx(0.9));
  CHECK(a->reason == "clear gain, no errors.");

  a = parse_model_answer("**Verdict:** REVERT\n**Confidence:** 85%\n**Reason:** too noisy");
  REQUIRE(a);
  CHECK(a->verdict == "revert");
  CHECK(a->confidence == Approx(0.85));
  CHECK(a->reason == "too noisy");

  a = parse_model_answer("KEEP. The variant is faster.");
  REQUIRE(a);
  CHECK(a->verdict == "keep");
  CHECK(a->confidence == 0); // no confidence given: doubt
  CHECK(a->reason == "The variant is faster.");

  a = parse_model_answer("  keep\n");
  REQUIRE(a);
  CHECK(a->verdict == "keep");
}

TEST_CASE("the OpenAI answer parser refuses anything else")
{
  CHECK_FALSE(parse_model_answer(""));
  CHECK_FALSE(parse_model_answer("I think you should KEEP it."));
  CHECK_FALSE(parse_model_answer("KEEPING is fine"));
  CHECK_FALSE(parse_model_answer("VERDICT: maybe\nCONFIDENCE: 1"));
  CHECK_FALSE(parse_model_answer("Sure! Here is my analysis:\nKEEP"));
  auto a = parse_model_answer("VERDICT: KEEP\nCONFIDENCE: 7");
  REQUIRE(a);
  CHECK(a->confidence == Approx(0.07)); // "7" read as a percentage
  a = parse_model_answer("VERDICT: KEEP\nCONFIDENCE: high");
  REQUIRE(a);
  CHECK(a->confidence == 0);
}

TEST_CASE("openai_content reads chat completions")
{
  CHECK(openai_content(R"({"choices":[{"message":{"role":"assistant","content":"KEEP"}}]})") == "KEEP");
  CHECK(openai_content(R"({"choices":[{"text":"REVERT"}]})") == "REVERT");
  CHECK_FALSE(openai_content("garbage"));
  CHECK_FALSE(openai_content(R"({"choices":[]})"));
  CHECK_FALSE(openai_content(R"({"error":"model not loaded"})"));
}

TEST_CASE("openai_endpoint accepts a base or the full endpoint")
{
  CHECK(openai_endpoint("http://127.0.0.1:8080") == "http://127.0.0.1:8080/v1/chat/completions");
  CHECK(openai_endpoint("http://127.0.0.1:11434/v1/") == "http://127.0.0.1:11434/v1/chat/completions");
  CHECK(openai_endpoint("http://h/v1/chat/completions") == "http://h/v1/chat/completions");
}

TEST_CASE("the prompt carries the metrics, thresholds and proposed verdict")
{
  const auto prompt = build_prompt(
    "workers_2", decision_reply_from_json(json::parse(decision_json).as_object()), HostMetrics{});
  CHECK(prompt.find("Baseline: 45.00ms p50, 0.00% errors") != std::string::npos);
  CHECK(prompt.find("Variant: 38.00ms p50, 0.00% errors (n=300)") != std::string::npos);
  CHECK(prompt.find("Improvement: 15.50%") != std::string::npos);
  CHECK(prompt.find("Threshold: 10.00% minimum") != std::string::npos);
  CHECK(prompt.find("wants to REVERT this change") != std::string::npos);
  CHECK(prompt.find("interval crosses") != std::string::npos);
  CHECK(prompt.find("VERDICT: KEEP or REVERT") != std::string::npos);
  const auto request = json::parse(build_openai_request("llama3.1:8b", prompt));
  CHECK(request.at("model") == "llama3.1:8b");
  CHECK(request.at("messages").as_array().size() == 2);
}
