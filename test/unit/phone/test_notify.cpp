#include <smart/phone/notify.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

namespace json = boost::json;

namespace {

json::value run(const char* id, const char* status, const char* kept = "none")
{
  return json::object{{"run_id", id},
                      {"experiment", "001_nginx_workers"},
                      {"status", status},
                      {"kept_variant", kept},
                      {"reason", "why"}};
}

std::vector<std::string> names(const std::vector<smart::NotifyEvent>& events)
{
  std::vector<std::string> out;
  for (const auto& event : events) {
    out.push_back(event.key);
  }
  return out;
}

} // namespace

TEST_CASE("notify: a failed revert and a second failure in a row are alerts, each keyed by run and event")
{
  const auto previous = run("20261122T200000Z", "aborted");
  const auto self = run("20261122T203000Z", "revert_failed");
  const auto events = smart::run_events(self, {previous, self}, false);
  CHECK(names(events) ==
        std::vector<std::string>{"20261122T203000Z.revert_failed", "20261122T203000Z.failed_twice"});
  // The history may not hold this run's line yet.
  CHECK(names(smart::run_events(self, {previous}, false)).size() == 2);
}

TEST_CASE("notify: one failure after a success is no failed_twice; an aborted run is unhealthy")
{
  const auto previous = run("20261122T200000Z", "kept", "w2");
  const auto self = run("20261122T203000Z", "aborted");
  CHECK(names(smart::run_events(self, {previous, self}, false)) ==
        std::vector<std::string>{"20261122T203000Z.unhealthy"});
}

TEST_CASE("notify: a run stopped at an unhealthy baseline is unhealthy; an ordinary failure is not")
{
  auto self = run("20261122T203000Z", "failed");
  self.as_object()["reason"] =
    "target unhealthy: 40 of 40 baseline samples failed (connect 40); no variant was tried";
  const auto events = smart::run_events(self, {self}, false);
  CHECK(names(events) == std::vector<std::string>{"20261122T203000Z.unhealthy"});
  CHECK(smart::notify_text(events.at(0), "web-1").find("no variant was tried") != std::string::npos);
  CHECK(smart::run_events(run("20261122T203000Z", "failed"), {}, false).empty());
}

TEST_CASE("notify: a keep alerts only when asked; a revert never")
{
  const auto kept = run("20261122T203000Z", "kept", "w2");
  CHECK(smart::run_events(kept, {kept}, false).empty());
  CHECK(names(smart::run_events(kept, {kept}, true)) == std::vector<std::string>{"20261122T203000Z.kept"});
  CHECK(smart::run_events(run("20261122T203000Z", "reverted"), {}, true).empty());
}

TEST_CASE("notify: slack and discord payloads carry the text only; json everything")
{
  const auto events = smart::run_events(run("R1", "revert_failed"), {}, false);
  REQUIRE(events.size() == 1);
  const auto slack = json::parse(smart::notify_payload(smart::NotifyFormat::slack, events[0], "web-1", "t"));
  CHECK(slack.as_object().size() == 1);
  CHECK(std::string(slack.at("text").as_string()).find("web-1") != std::string::npos);
  const auto discord =
    json::parse(smart::notify_payload(smart::NotifyFormat::discord, events[0], "web-1", "t"));
  CHECK(discord.as_object().contains("content"));
  const auto plain = json::parse(smart::notify_payload(smart::NotifyFormat::json, events[0], "web-1", "t"));
  CHECK(plain.at("event").as_string() == "revert_failed");
  CHECK(plain.at("key").as_string() == "R1.revert_failed");
  CHECK(!smart::parse_notify_format("teams"));
}
