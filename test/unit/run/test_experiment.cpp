#include <smart/run/experiment.hpp>
#include <smart/util/atomic_file.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <string>

using namespace smart;

namespace {
std::vector<std::string> problems_of(std::string_view json)
{
  try {
    parse_experiment(json, "meta.json", "/x");
  } catch (const ExperimentError& e) {
    return e.problems();
  }
  return {};
}

bool has_problem(const std::vector<std::string>& problems, std::string_view text)
{
  return std::any_of(problems.begin(), problems.end(),
                     [&](const std::string& p) { return p.find(text) != std::string::npos; });
}
} // namespace

TEST_CASE("experiment: the original 001_nginx_workers meta.json loads unchanged")
{
  const auto text = util::read_file(SMART_FIXTURES_DIR "/original/001_nginx_workers.meta.json");
  const auto exp = parse_experiment(text, "meta.json", "/x");
  CHECK(exp.id == "001_nginx_workers");
  CHECK(exp.description == "Tune nginx worker_processes for optimal performance");
  REQUIRE(exp.variants.size() == 3);
  CHECK(exp.variants[0].name == "workers_auto");
  CHECK(exp.variants[2].name == "workers_4");
  CHECK(exp.variants[1].apply.shell);
  CHECK(exp.variants[1].apply.script.find("worker_processes 2;") != std::string::npos);
  CHECK(exp.baseline_apply.script == "true");
  CHECK(exp.revert.script.find("worker_processes 1;") != std::string::npos);
  CHECK(exp.target_url == "http://127.0.0.1/");
  CHECK(exp.measure_interval.count() == Approx(5));
  CHECK(exp.strategy == Strategy::first_winner);
  CHECK(exp.enabled);
  CHECK(exp.warnings.empty());
  CHECK(exp.timeout.count() == Approx(120));
}

TEST_CASE("experiment: every addition parses")
{
  const auto exp = parse_experiment(R"({
    "id": "x.1", "variants": [{"name": "a", "apply": ["/bin/echo", "a b"]}],
    "revert": ["/bin/true"], "check": "nginx -t", "measure": "./measure.sh",
    "measure_interval_sec": 0.1, "baseline_seconds": "5m", "variant_seconds": 30,
    "cooldown_seconds": 0, "timeout_seconds": "250ms",
    "thresholds": {"improve_pct": 5, "max_err_delta_pct": 1.5, "metric": "p95"},
    "strategy": "best", "design": "sequential", "block_seconds": "10s", "warmup_seconds": 1,
    "load": {"concurrency": 4, "rate": 50.5}, "enabled": false, "priority": -3,
    "manages": ["/etc/nginx/nginx.conf"]})",
                                    "meta.json", "/x");
  CHECK(!exp.variants[0].apply.shell);
  CHECK(exp.variants[0].apply.argv == std::vector<std::string>{"/bin/echo", "a b"});
  CHECK(exp.baseline_apply.empty());
  CHECK(exp.check.script == "nginx -t");
  CHECK(exp.target_url.empty()); // not needed with an own measure
  CHECK(exp.measure_interval.count() == Approx(0.1));
  CHECK(exp.baseline_seconds->count() == Approx(300));
  CHECK(exp.variant_seconds->count() == Approx(30));
  CHECK(exp.cooldown_seconds->count() == Approx(0));
  CHECK(exp.timeout.count() == Approx(0.25));
  CHECK(*exp.thresholds.improve_pct == Approx(5));
  CHECK(*exp.thresholds.metric == "p95");
  CHECK(exp.strategy == Strategy::best);
  CHECK(exp.design == Design::sequential);
  CHECK(exp.block_seconds->count() == Approx(10));
  CHECK(*exp.load->concurrency == 4);
  CHECK(*exp.load->rate == Approx(50.5));
  CHECK(!exp.enabled);
  CHECK(exp.priority == -3);
  CHECK(exp.manages.size() == 1);
  CHECK(Command{false, "", {"/bin/echo", "a b"}}.display() == R"(["/bin/echo", "a b"])");
}

TEST_CASE("experiment: target_url may be any scheme smart-measure probes")
{
  for (const char* url : {"icmp://127.0.0.1", "dns://127.0.0.1/smart.test?type=A", "redis://127.0.0.1"}) {
    const auto exp =
      parse_experiment(fmt::format(R"({{"id": "x", "variants": [{{"name": "a", "apply": "true"}}],
      "revert": "true", "target_url": "{}"}})",
                                   url),
                       "meta.json", "/x");
    CHECK(exp.target_url == url);
  }
  CHECK(has_problem(problems_of(R"({"id": "x", "variants": [{"name": "a", "apply": "true"}],
    "revert": "true", "target_url": "ping://h"})"),
                    "icmp:// or dns:// URL"));
}

TEST_CASE("experiment: the default design is interleaved")
{
  const auto exp = parse_experiment(R"({"id": "x", "variants": [{"name": "a", "apply": "true"}],
    "revert": "true", "target_url": "http://127.0.0.1:1/"})",
                                    "meta.json", "/x");
  CHECK(exp.design == Design::interleaved);
}

TEST_CASE("experiment: every problem is reported at once with its JSON path")
{
  const auto problems = problems_of(R"({
    "id": "bad id", "variants": [{"name": "ok", "apply": "true"}, {"name": "ok", "apply": "true"},
                                 {"name": "a;b", "apply": "true"}, {"name": "c"}, {"name": "d", "apply": []}],
    "target_url": "ftp://x", "measure_interval_sec": -1, "thresholds": {"metric": "p42"},
    "strategy": "random", "load": {"concurrency": 0}, "enabled": "yes", "timeout_seconds": "soon"})");
  CHECK(has_problem(problems, R"(meta.json: id: "bad id" is not a valid name ([A-Za-z0-9._-]{1,64}))"));
  CHECK(has_problem(problems, R"(meta.json: variants[1].name: duplicate variant name "ok")"));
  CHECK(has_problem(problems,
                    R"(meta.json: variants[2].name: "a;b" is not a valid name ([A-Za-z0-9._-]{1,64}))"));
  CHECK(has_problem(problems, "meta.json: variants[3].apply: missing"));
  CHECK(has_problem(problems, "meta.json: variants[4].apply: empty argv array"));
  CHECK(has_problem(problems, "meta.json: revert: missing"));
  CHECK(has_problem(problems, "meta.json: target_url: \"ftp://x\" is not"));
  CHECK(has_problem(problems, "meta.json: measure_interval_sec: -1 is not a duration"));
  CHECK(has_problem(problems, "meta.json: thresholds.metric: \"p42\""));
  CHECK(has_problem(problems, "meta.json: strategy: \"random\""));
  CHECK(has_problem(problems, "meta.json: load.concurrency: 0 is out of range"));
  CHECK(has_problem(problems, "meta.json: enabled: expected true or false"));
  CHECK(has_problem(problems, "meta.json: timeout_seconds: \"soon\" is not a duration"));
  CHECK(problems.size() == 13);
}

TEST_CASE("experiment: shell metacharacters and path tricks in names are refused")
{
  for (const char* name : {"a;b", "$(reboot)", "../etc", "..", "a b", "x|y", "`id`", ""}) {
    const auto json = fmt::format(R"({{"id": "x", "variants": [{{"name": "{}", "apply": "true"}}],
      "revert": "true", "target_url": "http://127.0.0.1/"}})",
                                  name);
    INFO(name);
    CHECK(has_problem(problems_of(json), "variants[0].name:"));
  }
  CHECK(has_problem(problems_of(R"({"id": "x", "variants": [{"name": ")" + std::string(65, 'a') +
                                R"(", "apply": "true"}], "revert": "true", "target_url": "http://h/"})"),
                    "is not a valid name"));
}

TEST_CASE("experiment: invalid JSON names the line and column")
{
  const auto problems = problems_of("{\n  \"id\": \"x\",\n  \"variants\": [,]\n}");
  REQUIRE(problems.size() == 1);
  CHECK(has_problem(problems, "meta.json: line 3, column 16: invalid JSON"));
  CHECK(has_problem(problems_of("[1]"), "the top level must be a JSON object"));
  CHECK(has_problem(problems_of("{} {}"), "invalid JSON"));
}

TEST_CASE("experiment: unknown keys warn with a suggestion and still load")
{
  const auto exp = parse_experiment(R"({"id": "x", "variants": [{"name": "a", "apply": "true"}],
    "revert": "true", "target_url": "http://127.0.0.1/", "cooldown_secnds": 3})",
                                    "meta.json", "/x");
  REQUIRE(exp.warnings.size() == 1);
  CHECK(exp.warnings[0] ==
        "meta.json: cooldown_secnds: unknown key, ignored (did you mean cooldown_seconds?)");
}

TEST_CASE("experiment: a variant besides the baseline is required")
{
  CHECK(has_problem(problems_of(R"({"id": "x", "variants": [{"name": "baseline", "apply": "true"}],
    "revert": "true", "target_url": "http://h/"})"),
                    "no variant to try"));
}

TEST_CASE("experiment: mangled meta.json never crashes the parser, only reports problems")
{
  // A poor man's fuzzer (deterministic): truncations, byte flips and
  // insertions of JSON punctuation into the original file.
  const auto original = util::read_file(SMART_FIXTURES_DIR "/original/001_nginx_workers.meta.json");
  std::uint32_t state = 12345;
  auto next = [&state] {
    state = state * 1664525U + 1013904223U;
    return state >> 8;
  };
  const std::string punctuation = "{}[]\",:0-9.e\\ntfu ";
  int rejected = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string text = original;
    const int edits = 1 + static_cast<int>(next() % 4);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const auto at = next() % text.size();
      switch (next() % 3) {
      case 0:
        text.resize(at);
        break;
      case 1:
        text[at] = static_cast<char>(next() % 256);
        break;
      default:
        text.insert(at, 1, punctuation[next() % punctuation.size()]);
      }
    }
    try {
      parse_experiment(text, "meta.json", "/x");
    } catch (const ExperimentError& e) {
      ++rejected;
      REQUIRE(!e.problems().empty());
      for (const auto& problem : e.problems()) {
        REQUIRE(problem.rfind("meta.json: ", 0) == 0);
      }
    }
  }
  CHECK(rejected > 2000);
}
