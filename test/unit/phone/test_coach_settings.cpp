#include <smart/error.hpp>
#include <smart/phone/coach_settings.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <unistd.h>

#include <fstream>
#include <map>

using namespace smart;

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

} // namespace

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
