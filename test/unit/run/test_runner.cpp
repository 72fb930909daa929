#include <smart/config.hpp>
#include <smart/run/runner.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>

using namespace smart;

namespace {
Config config_of(std::string_view text)
{
  return Config::parse(text, "smart.conf", [](const std::string&) { return std::optional<std::string>(); });
}
Experiment experiment_of(std::string_view extra)
{
  return parse_experiment(fmt::format(R"({{"id": "x", "variants": [{{"name": "a", "apply": "true"}}],
    "revert": "true", "target_url": "http://127.0.0.1/"{}}})",
                                      extra),
                          "meta.json", "/x");
}
} // namespace

TEST_CASE("runner: settings come from the command line, then meta.json, then smart.conf")
{
  const auto config =
    config_of("EXPERIMENT_SECONDS=120\nCOOLDOWN_SECONDS=5\nIMPROVE_PCT=7\nABORT_ERR_PCT=30\n");
  auto s = resolve_settings(experiment_of(""), config, {});
  CHECK(s.variant.count() == Approx(120));
  CHECK(s.cooldown.count() == Approx(5));
  CHECK(s.improve_pct == Approx(7));
  CHECK(s.abort_err_pct == Approx(30));
  CHECK(s.design == Design::interleaved);
  CHECK(s.block.count() == Approx(30)); // min(30 s, variant / 4)
  CHECK(s.warmup.count() == Approx(5)); // the cooldown, at most a block
  s = resolve_settings(
    experiment_of(R"(, "variant_seconds": 8, "thresholds": {"improve_pct": 3}, "design": "sequential")"),
    config, {});
  CHECK(s.variant.count() == Approx(8));
  CHECK(s.block.count() == Approx(2));
  CHECK(s.warmup.count() == Approx(2));
  CHECK(s.improve_pct == Approx(3));
  CHECK(s.design == Design::sequential);
  SettingsOverrides o;
  o.variant = util::Duration(4);
  o.design = Design::interleaved;
  s = resolve_settings(experiment_of(R"(, "variant_seconds": 8, "design": "sequential")"), config, o);
  CHECK(s.variant.count() == Approx(4));
  CHECK(s.design == Design::interleaved);
}

TEST_CASE("runner: a variant's planned time (pending.json's expected_end) covers every block pair")
{
  RunSettings s;
  s.variant = util::Duration(300);
  s.block = util::Duration(30);
  s.warmup = util::Duration(20);
  s.cooldown = util::Duration(60);
  CHECK(planned_variant_time(s).count() == Approx(20 + 2 * 10 * 30));
  s.design = Design::sequential;
  CHECK(planned_variant_time(s).count() == Approx(60 + 20 + 300));
}

TEST_CASE("runner: block plans have an even number of pairs and looks on ABBA quartets")
{
  RunSettings s;
  s.variant = util::Duration(300);
  s.block = util::Duration(30);
  auto plan = plan_blocks(s);
  CHECK(plan.pairs == 10);
  CHECK(plan.looks == 2);
  CHECK(plan.look_after == std::vector<int>{6, 10});
  s.block = util::Duration(100);
  plan = plan_blocks(s);
  CHECK(plan.pairs == 4);
  CHECK(plan.look_after == std::vector<int>{4});
  s.variant = util::Duration(16);
  s.block = util::Duration(1);
  plan = plan_blocks(s);
  CHECK(plan.pairs == 16);
  CHECK(plan.look_after == std::vector<int>{4, 8, 12, 16});
  s.variant = util::Duration(1);
  plan = plan_blocks(s);
  CHECK(plan.pairs == 2); // at least one ABBA quartet
  CHECK(!variant_first(1));
  CHECK(variant_first(2));
}

TEST_CASE("runner: experiment commands get smart.conf and SMART_* but no secrets")
{
  const auto config = config_of("NGINX_CONF=/tmp/n.conf\nCOACH_TOKEN=secret\nMY_KEY=1\n");
  const auto env = command_environment(config, "exp", "v1", "20261122T232318Z", "/runs/r", "/runs/r/v1.csv");
  CHECK(env.at("NGINX_CONF") == "/tmp/n.conf");
  CHECK(env.at("MY_KEY") == "1");
  CHECK(env.count("COACH_TOKEN") == 0);
  CHECK(env.at("SMART_EXPERIMENT") == "exp");
  CHECK(env.at("SMART_VARIANT") == "v1");
  CHECK(env.at("SMART_RUN_ID") == "20261122T232318Z");
  CHECK(env.at("SMART_RUN_DIR") == "/runs/r");
  CHECK(env.at("SMART_OUTPUT") == "/runs/r/v1.csv");
}
