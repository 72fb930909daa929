#include <smart/error.hpp>
#include <smart/phone/coach.hpp>
#include <smart/phone/host_metrics.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <fstream>

using namespace smart;
namespace json = boost::json;

namespace {

GetEnv env_of(std::map<std::string, std::string> values)
{
  return [values](const std::string& key) -> std::optional<std::string> {
    if (auto it = values.find(key); it != values.end()) {
      return it->second;
    }
    return std::nullopt;
  };
}

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
  CHECK(join_url("https://coach/api/", "ask") == "https://coach/api/ask");
}

TEST_CASE("the prompt carries the metrics, thresholds and proposed verdict")
{
  const auto prompt = build_prompt("workers_2", json::parse(decision_json), HostMetrics{});
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

TEST_CASE("the api answer must be a verdict with a confidence between 0 and 1")
{
  auto a = parse_api_answer(R"({"verdict":"keep","confidence":0.92,"reason":"ok"})");
  REQUIRE(a);
  CHECK(a->verdict == "keep");
  CHECK(a->confidence == Approx(0.92));
  CHECK_FALSE(parse_api_answer(R"({"verdict":"KEEP","confidence":0.9})"));
  CHECK_FALSE(parse_api_answer(R"({"verdict":"keep","confidence":1.5})"));
  CHECK_FALSE(parse_api_answer(R"({"verdict":"keep"})"));
  CHECK_FALSE(parse_api_answer("<html>"));
}

TEST_CASE("advice is read when present and ignored when not")
{
  auto advice = parse_advice(R"({"advice":"try 4 workers","next_variant":"workers_4","confidence":0.85})");
  REQUIRE(advice);
  CHECK(advice->advice == "try 4 workers");
  CHECK(advice->next_variant == "workers_4");
  CHECK(advice->confidence == Approx(0.85));
  advice = parse_advice(R"({"advice":"none"})");
  REQUIRE(advice);
  CHECK_FALSE(advice->next_variant);
  CHECK_FALSE(advice->confidence);
  CHECK_FALSE(parse_advice(""));
  CHECK_FALSE(parse_advice("OK"));
  CHECK_FALSE(parse_advice(R"({"status":"queued"})"));
}

TEST_CASE("the run payload has the fields the coach expects")
{
  HostMetrics host;
  host.cpu_pct = 12.34;
  host.load = std::array<double, 3>{0.5, 0.25, 0.125};
  const auto payload = json::parse(build_run_payload("20261122T232318Z", json::parse(R"({"status":"kept"})"),
                                                     "web-1", host, json::parse(R"({"run_id":"x"})"),
                                                     std::chrono::system_clock::from_time_t(0)));
  CHECK(payload.at("run_id") == "20261122T232318Z");
  CHECK(payload.at("server_id") == "web-1");
  CHECK(payload.at("state").at("status") == "kept");
  CHECK(payload.at("summary").at("run_id") == "x");
  CHECK(payload.at("host").at("cpu_pct").as_double() == Approx(12.3));
  CHECK(payload.at("host").at("mem_pct").is_null());
  CHECK(payload.at("host").at("load").as_array().size() == 3);
}

TEST_CASE("requests carry the Bearer token and the Idempotency-Key")
{
  CoachSettings settings;
  settings.token = CoachToken{"s3cret", "test", std::nullopt};
  const auto request = coach_request(settings, "http://x", "{}", std::string("run-1"));
  CHECK(std::count(request.headers.begin(), request.headers.end(),
                   std::pair<std::string, std::string>{"Authorization", "Bearer s3cret"}) == 1);
  CHECK(std::count(request.headers.begin(), request.headers.end(),
                   std::pair<std::string, std::string>{"Idempotency-Key", "run-1"}) == 1);
}

TEST_CASE("the token comes from the environment, the file, then the credential")
{
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("smart-unit-token-{}", ::getpid());
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir / "coach_token") << "from-credential\n";
    std::ofstream(dir / "file_token") << "from-file\n";
  }
  {
    auto env = env_of({{"COACH_TOKEN", "from-env"}, {"CREDENTIALS_DIRECTORY", dir.string()}});
    const auto config = Config::parse("", "test", env);
    CHECK(load_coach_token(config, env)->value == "from-env");
  }
  {
    auto env = env_of({{"CREDENTIALS_DIRECTORY", dir.string()}});
    const auto config =
      Config::parse("COACH_TOKEN_FILE=" + (dir / "file_token").string() + "\n", "test", env);
    CHECK(load_coach_token(config, env)->value == "from-file");
  }
  {
    auto env = env_of({{"CREDENTIALS_DIRECTORY", dir.string()}});
    const auto config = Config::parse("", "test", env);
    CHECK(load_coach_token(config, env)->value == "from-credential");
  }
  {
    auto env = env_of({});
    const auto config = Config::parse("", "test", env);
    CHECK_FALSE(load_coach_token(config, env));
  }
  {
    auto env = env_of({});
    const auto config = Config::parse("COACH_TOKEN_FILE=" + (dir / "missing").string() + "\n", "test", env);
    CHECK_THROWS_AS(load_coach_token(config, env), UsageError);
  }
  {
    auto env = env_of({{"COACH_TOKEN", "bad\x01token"}});
    const auto config = Config::parse("", "test", env);
    try {
      load_coach_token(config, env);
      FAIL("no exception");
    } catch (const UsageError& e) {
      CHECK(std::string(e.what()).find("bad") == std::string::npos); // the token is never shown
    }
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("redact hides every copy of the secret")
{
  CHECK(redact("a s3cret b s3cret", "s3cret") == "a [redacted] b [redacted]");
  CHECK(redact("nothing", "") == "nothing");
}

TEST_CASE("host metrics are parsed from /proc text")
{
  const auto before = parse_proc_stat("cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 1 2 3 4\n");
  const auto after = parse_proc_stat("cpu  200 0 200 1300 100 0 0 0 0 0\n");
  REQUIRE(before);
  REQUIRE(after);
  CHECK(cpu_busy_pct(*before, *after).value() == Approx(25.0));
  CHECK_FALSE(cpu_busy_pct(*after, *before));
  CHECK_FALSE(parse_proc_stat("intr 1 2 3\n"));
  CHECK(
    parse_meminfo_used_pct("MemTotal:       1000 kB\nMemFree: 10 kB\nMemAvailable:    250 kB\n").value() ==
    Approx(75.0));
  CHECK_FALSE(parse_meminfo_used_pct("MemTotal: 1000 kB\n"));
  const auto load = parse_loadavg("0.50 0.25 1.00 1/123 4567\n");
  REQUIRE(load);
  CHECK((*load)[2] == Approx(1.0));
  CHECK_FALSE(parse_loadavg("x y z"));
  CHECK(parse_uptime("12345.67 9999.00\n").value() == Approx(12345.67));
  CHECK_FALSE(host_name().empty());
}

TEST_CASE("plain http to another host is flagged, loopback and https are not")
{
  CHECK(cleartext_warning("http://coach.example.com/v1"));
  CHECK(cleartext_warning("http://user:pw@10.0.0.5:8080/x"));
  CHECK(cleartext_warning("http://[2001:db8::1]:80/"));
  CHECK_FALSE(cleartext_warning("https://coach.example.com/v1"));
  CHECK_FALSE(cleartext_warning("http://127.0.0.1:8080/"));
  CHECK_FALSE(cleartext_warning("http://localhost/"));
  CHECK_FALSE(cleartext_warning("http://[::1]:11434"));
}
