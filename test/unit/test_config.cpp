#include <smart/config.hpp>
#include <smart/error.hpp>
#include <smart/util/atomic_file.hpp>

#include <fmt/format.h>

#include <unistd.h>

#include <catch2/catch.hpp>

#include <map>

using namespace smart;

namespace {
GetEnv env_of(std::map<std::string, std::string> vars)
{
  return [vars](const std::string& name) -> std::optional<std::string> {
    if (auto it = vars.find(name); it != vars.end()) {
      return it->second;
    }
    return std::nullopt;
  };
}

std::string failure_of(std::string_view content, std::map<std::string, std::string> env = {})
{
  try {
    Config::parse(content, "smart.conf", env_of(env));
  } catch (const UsageError& e) {
    return e.what();
  }
  return "no error";
}
} // namespace

TEST_CASE("config: the original smart.conf parses unchanged")
{
  const auto content = util::read_file(SMART_FIXTURES_DIR "/original/smart.conf");
  const auto config = Config::parse(content, "smart.conf", env_of({}));
  CHECK(config.get("BASELINE_SECONDS") == "300");
  CHECK(config.duration("COOLDOWN_SECONDS").count() == Approx(60));
  CHECK(config.number("IMPROVE_PCT") == Approx(10));
  CHECK(config.number("MAX_ERR_DELTA_PCT") == Approx(2));
  CHECK(config.get("COACH_URL").empty());
  CHECK(config.get("BASE_DIR") == "/opt/smart");
  CHECK(config.get("DASH_DIR") == "/opt/smart/www");
  CHECK(config.get("STATE_FILE") == "/opt/smart/var/state.json");
  CHECK(config.get("RUNS_DIR") == "/opt/smart/var/runs");
  // Each warning is about how systemd would read a line (its trailing
  // comments and ${} references), none about smart's own reading.
  CHECK(config.warnings().size() == 12);
  for (const auto& warning : config.warnings()) {
    CHECK(warning.find("systemd") != std::string::npos);
  }
  CHECK(config.values().at("IMPROVE_PCT").line == 9);
}

TEST_CASE("config: the environment overrides the file, and references follow it")
{
  const auto content = util::read_file(SMART_FIXTURES_DIR "/original/smart.conf");
  const auto config =
    Config::parse(content, "smart.conf", env_of({{"BASE_DIR", "/tmp/x"}, {"IMPROVE_PCT", "5"}}));
  CHECK(config.get("BASE_DIR") == "/tmp/x");
  CHECK(config.get("DASH_DIR") == "/tmp/x/www");
  CHECK(config.number("IMPROVE_PCT") == Approx(5));
  CHECK(config.values().at("IMPROVE_PCT").origin == Origin::environment);
  CHECK(config.describe("IMPROVE_PCT") == "(environment) IMPROVE_PCT = \"5\"");
}

TEST_CASE("config: typed accessors give each key's validated value, its type and its default")
{
  const auto config = Config::parse("BASE_DIR=/srv/smart\nIMPROVE_PCT=7.5\nRETAIN_RUNS=40\n"
                                    "COOLDOWN_SECONDS=2m\nNOTIFY_ON_KEEP=1\nCOACH_URL=http://127.0.0.1:9/\n",
                                    "smart.conf", env_of({{"MEASURE_INSECURE", "1"}}));
  CHECK(config.improve_pct() == Approx(7.5));
  CHECK(config.retain_runs() == 40);
  CHECK(config.cooldown_seconds().count() == Approx(120));
  CHECK(config.notify_on_keep());
  CHECK(config.measure_insecure());
  CHECK(config.coach_url() == "http://127.0.0.1:9/");
  // Paths follow BASE_DIR as the key table says.
  CHECK(config.var_dir() == std::filesystem::path("/srv/smart/var"));
  CHECK(config.state_file() == std::filesystem::path("/srv/smart/var/state.json"));
  CHECK(config.dash_dir() == std::filesystem::path("/srv/smart/www"));
  // Defaults where nothing was said.
  const auto defaults = Config::parse("", "smart.conf", env_of({}));
  CHECK(defaults.max_err_delta_pct() == Approx(2));
  CHECK(defaults.baseline_seconds().count() == Approx(300));
  CHECK_FALSE(defaults.notify_on_keep());
  CHECK_FALSE(defaults.measure_insecure());
  CHECK(defaults.coach_url().empty());
  CHECK(defaults.improve_pct() == Approx(defaults.number("IMPROVE_PCT")));
}

TEST_CASE("config: command line beats environment beats file beats default")
{
  const auto config = Config::parse("IMPROVE_PCT=7\nMAX_ERR_DELTA_PCT=3\n", "smart.conf",
                                    env_of({{"IMPROVE_PCT", "8"}}), {{"IMPROVE_PCT", "9"}});
  CHECK(config.get("IMPROVE_PCT") == "9");
  CHECK(config.get("MAX_ERR_DELTA_PCT") == "3");
  CHECK(config.describe("MAX_ERR_DELTA_PCT") == "(smart.conf:2) MAX_ERR_DELTA_PCT = \"3\"");
  CHECK(config.get("COOLDOWN_SECONDS") == "60");
  CHECK(config.values().at("COOLDOWN_SECONDS").origin == Origin::default_value);
}

TEST_CASE("config: quoting, comments, export and defaults")
{
  const auto config = Config::parse("# comment\n"
                                    "export COACH_URL='http://a/#x'   # trailing\n"
                                    "COACH_MODEL=\"llama \\\"3\\\"\"\n"
                                    "NGINX_RELOAD=\"nginx -s reload -c ${HOME:-/root}/n.conf\"\n"
                                    "EXPERIMENTS_DIR=${UNSET_THING:-/srv/exp}\n",
                                    "smart.conf", env_of({{"HOME", "/home/u"}}));
  CHECK(config.get("COACH_URL") == "http://a/#x");
  CHECK(config.get("COACH_MODEL") == "llama \"3\"");
  CHECK(config.get("NGINX_RELOAD") == "nginx -s reload -c /home/u/n.conf");
  CHECK(config.get("EXPERIMENTS_DIR") == "/srv/exp");
}

TEST_CASE("config: unknown keys warn with did-you-mean and are kept for experiments")
{
  const auto config = Config::parse("IMPROVE_PTC=5\nMY_APP_PORT=8080\n", "smart.conf", env_of({}));
  REQUIRE(config.warnings().size() == 2);
  CHECK(config.warnings()[0] == "smart.conf:1: unknown key IMPROVE_PTC (did you mean IMPROVE_PCT?)");
  CHECK(config.warnings()[1] == "smart.conf:2: unknown key MY_APP_PORT (passed to experiment commands only)");
  CHECK(config.exported().at("MY_APP_PORT") == "8080");
}

TEST_CASE("config: references that double on every line are bounded")
{
  // Each line doubles the one before: 40 lines would be a terabyte.
  std::string text = "A=xxxxxxxxxxxxxxxx\n";
  std::string previous = "A";
  for (int i = 0; i < 40; ++i) {
    const std::string name = "V" + std::to_string(i);
    text += name + "=\"${" + previous + "}${" + previous + "}\"\n";
    previous = name;
  }
  CHECK(failure_of(text) == "smart.conf:14: value longer than 65536 bytes after expanding references");
}

TEST_CASE("config: bad values and lines fail with file:line")
{
  CHECK(
    failure_of("IMPROVE_PCT=10\nBASELINE_SECONDS=5x\n") ==
    "smart.conf:2: BASELINE_SECONDS: invalid duration '5x' (examples: 300, 300s, 5m, 250ms; at most 1e+09s)");
  CHECK(failure_of("RETAIN_DAYS=1\nCOOLDOWN_SECONDS=1e308d\n") ==
        "smart.conf:2: COOLDOWN_SECONDS: invalid duration '1e308d' (examples: 300, 300s, 5m, 250ms; at most "
        "1e+09s)");
  CHECK(failure_of("IMPROVE_PCT=ten\n") ==
        "smart.conf:1: IMPROVE_PCT: invalid number 'ten' (expected a non-negative decimal)");
  CHECK(failure_of("just words\n") == "smart.conf:1: expected KEY=VALUE, found 'just words'");
  CHECK(failure_of("COACH_URL=\"open\n") == "smart.conf:1: unterminated double quote");
  CHECK(failure_of("COACH_URL=a b\n").find("smart.conf:1: unexpected text after the value") == 0);
  CHECK(failure_of("", {{"RETAIN_DAYS", "-3"}}) == "(environment) RETAIN_DAYS: invalid whole number '-3'");
}

TEST_CASE("config: secrets are never shown or exported")
{
  const auto config = Config::parse("COACH_TOKEN=s3cret\n", "smart.conf", env_of({}));
  CHECK(config.get("COACH_TOKEN") == "s3cret");
  CHECK(config.describe("COACH_TOKEN").find("s3cret") == std::string::npos);
  CHECK(config.exported().count("COACH_TOKEN") == 0);
}

TEST_CASE("config: a named file that is missing is an error, the default one is not")
{
  CHECK_THROWS_AS(Config::load(std::filesystem::path("/nonexistent/smart.conf"), {}, env_of({})), UsageError);
  CHECK_NOTHROW(Config::load(std::nullopt, {}, env_of({})));
}

TEST_CASE("config: every problem is reported at once with its file:line")
{
  const auto all = failure_of("IMPROVE_PCT=ten\njust words\nBASELINE_SECONDS=5x\nCOACH_URL=\"open\n");
  CHECK(
    all ==
    "smart.conf:2: expected KEY=VALUE, found 'just words'\n"
    "smart.conf:4: unterminated double quote\n"
    "smart.conf:3: BASELINE_SECONDS: invalid duration '5x' (examples: 300, 300s, 5m, 250ms; at most 1e+09s)\n"
    "smart.conf:1: IMPROVE_PCT: invalid number 'ten' (expected a non-negative decimal)");
}

TEST_CASE("config: Check::collect keeps the values and marks the bad ones")
{
  const auto config =
    Config::parse("IMPROVE_PCT=ten\nCOOLDOWN_SECONDS=5\n", "smart.conf", env_of({}), {}, Check::collect);
  REQUIRE(config.problems().size() == 1);
  CHECK(config.get("IMPROVE_PCT") == "ten");
  CHECK(config.values().at("IMPROVE_PCT").problem ==
        "smart.conf:1: IMPROVE_PCT: invalid number 'ten' (expected a non-negative decimal)");
  CHECK(config.values().at("COOLDOWN_SECONDS").problem.empty());
}

TEST_CASE("config: a file that exists but cannot be read is a usage error")
{
  // A directory is refused before reading; an unreadable file after.
  CHECK_THROWS_AS(Config::load(std::filesystem::path("/"), {}, env_of({})), UsageError);
  if (::geteuid() != 0) {
    const auto file = std::filesystem::temp_directory_path() / fmt::format("smart-unit-conf-{}", ::getpid());
    util::write_file_atomically(file, "IMPROVE_PCT=5\n", 0000);
    try {
      Config::load(file, {}, env_of({}));
      FAIL("no exception");
    } catch (const UsageError& e) {
      CHECK(std::string(e.what()).find(file.string()) != std::string::npos);
      CHECK(e.code() == ExitCode::usage);
    }
    std::filesystem::remove(file);
  }
}
