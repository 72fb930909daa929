// The files the package installs that smart's own code reads.
#include <smart/config.hpp>
#include <smart/config_systemd.hpp>
#include <smart/util/atomic_file.hpp>

#include <catch2/catch.hpp>

#include <optional>
#include <regex>
#include <sstream>
#include <string>

using namespace smart;

namespace {
std::optional<std::string> no_environment(const std::string&)
{
  return std::nullopt;
}
} // namespace

TEST_CASE("packaging: /etc/smart/smart.conf parses without a warning")
{
  const auto content = util::read_file(SMART_SOURCE_DIR "/packaging/smart.conf");
  const auto config = Config::parse(content, "packaging/smart.conf", no_environment);
  CHECK(config.warnings().empty());
  CHECK(config.get("NGINX_TEST") == "sudo -n /usr/sbin/nginx -t -q");
  CHECK(config.get("NGINX_RELOAD") == "sudo -n /usr/sbin/nginx -s reload");
  CHECK(config.get("BASE_DIR") == "/var/lib/smart");
}

TEST_CASE("packaging: the defaults smart.conf shows in comments are the real ones")
{
  // "#KEY=VALUE" lines document the built-in default; they must not drift.
  const auto content = util::read_file(SMART_SOURCE_DIR "/packaging/smart.conf");
  const auto config = Config::parse("", "(none)", no_environment);
  const std::regex commented(R"(^#([A-Z][A-Z0-9_]*)=(.*)$)");
  std::istringstream lines(content);
  std::string line;
  int seen = 0;
  while (std::getline(lines, line)) {
    std::smatch m;
    if (std::regex_match(line, m, commented)) {
      INFO(line);
      REQUIRE(Config::is_known_key(m[1].str()));
      // Read as the line would be once uncommented (quotes and all).
      const auto uncommented = Config::parse(line.substr(1), "packaging/smart.conf", no_environment);
      CHECK(config.get(m[1].str()) == uncommented.get(m[1].str()));
      ++seen;
    }
  }
  CHECK(seen >= 10);
}

TEST_CASE("packaging: smart.conf is also a valid systemd EnvironmentFile")
{
  // systemd takes a value literally: no ${} references, no trailing comments.
  const auto content = util::read_file(SMART_SOURCE_DIR "/packaging/smart.conf");
  std::istringstream lines(content);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') {
      continue;
    }
    INFO(line);
    CHECK(line.find("${") == std::string::npos);
    CHECK(line.find(" #") == std::string::npos);
    CHECK(std::regex_match(line, std::regex(R"(^[A-Z][A-Z0-9_]*=("[^"$`\\]*"|[^ "'$`\\#]*)$)")));
  }
  // ...and smart's own check agrees.
  CHECK(systemd_differences(content, "packaging/smart.conf").empty());
}
