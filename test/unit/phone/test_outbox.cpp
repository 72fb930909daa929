#include <smart/phone/outbox.hpp>

#include <boost/json.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <unistd.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

using namespace smart;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

struct OutboxFixture {
  fs::path dir;
  std::vector<std::string> warnings;
  util::SystemTime t0 = std::chrono::system_clock::from_time_t(1'800'000'000);

  OutboxFixture()
  {
    static int counter = 0;
    dir = fs::temp_directory_path() / fmt::format("smart-unit-outbox-{}-{}", ::getpid(), ++counter);
    fs::remove_all(dir);
  }
  ~OutboxFixture() { fs::remove_all(dir); }
  Outbox make(OutboxLimits limits = {})
  {
    return Outbox(dir, limits, [this](const std::string& w) { warnings.push_back(w); });
  }
};

std::vector<std::string> keys(const std::vector<OutboxEntry>& entries)
{
  std::vector<std::string> out;
  for (const auto& e : entries) {
    out.push_back(e.key);
  }
  return out;
}

} // namespace

TEST_CASE_METHOD(OutboxFixture, "outbox files are private and come back oldest first")
{
  auto outbox = make();
  outbox.put("20261122T230000Z", R"({"run_id":"b"})", t0 + 2s);
  outbox.put("20261122T220000Z", R"({"run_id":"a"})", t0 + 1s);
  outbox.put("20261122T240000Z", R"({"run_id":"c"})", t0 + 3s);
  const auto entries = outbox.entries(t0 + 10s);
  CHECK(keys(entries) ==
        std::vector<std::string>{"20261122T220000Z", "20261122T230000Z", "20261122T240000Z"});
  CHECK(entries[0].payload == R"({"run_id":"a"})");
  struct stat st {};
  REQUIRE(::stat(entries[0].file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat(dir.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  CHECK(warnings.empty());
}

TEST_CASE_METHOD(OutboxFixture, "putting the same key again replaces the payload and keeps its place")
{
  auto outbox = make();
  outbox.put("r1", R"({"v":1})", t0);
  outbox.put("r2", R"({"v":2})", t0 + 1s);
  auto entries = outbox.entries(t0 + 2s);
  outbox.record_attempt(entries[0]);
  outbox.put("r1", R"({"v":3})", t0 + 5s);
  entries = outbox.entries(t0 + 6s);
  CHECK(keys(entries) == std::vector<std::string>{"r1", "r2"});
  CHECK(entries[0].payload == R"({"v":3})");
  CHECK(entries[0].attempts == 1);
}

TEST_CASE_METHOD(OutboxFixture, "remove deletes exactly one entry")
{
  auto outbox = make();
  outbox.put("r1", "{}", t0);
  outbox.put("r2", "{}", t0 + 1s);
  auto entries = outbox.entries(t0 + 2s);
  outbox.remove(entries[0]);
  CHECK(keys(outbox.entries(t0 + 3s)) == std::vector<std::string>{"r2"});
}

TEST_CASE_METHOD(OutboxFixture, "the count bound drops the oldest, with a warning")
{
  auto outbox = make(OutboxLimits{3, std::chrono::hours(1)});
  for (int i = 0; i < 5; ++i) {
    outbox.put(fmt::format("r{}", i), "{}", t0 + std::chrono::seconds(i));
  }
  CHECK(keys(outbox.entries(t0 + 10s)) == std::vector<std::string>{"r2", "r3", "r4"});
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0].find("r0") != std::string::npos);
  CHECK(warnings[1].find("r1") != std::string::npos);
}

TEST_CASE_METHOD(OutboxFixture, "the age bound drops expired entries, with a warning")
{
  auto outbox = make(OutboxLimits{100, std::chrono::hours(1)});
  outbox.put("old", "{}", t0);
  outbox.put("new", "{}", t0 + 30min);
  CHECK(keys(outbox.entries(t0 + 50min)) == std::vector<std::string>{"old", "new"});
  CHECK(warnings.empty());
  CHECK(keys(outbox.entries(t0 + 70min)) == std::vector<std::string>{"new"});
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("old") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "old.json"));
}

TEST_CASE_METHOD(OutboxFixture, "a corrupt entry is moved aside, not sent and not deleted")
{
  auto outbox = make();
  outbox.put("good", "{}", t0);
  std::ofstream(dir / "bad.json") << "{not json";
  const auto entries = outbox.entries(t0 + 1s);
  CHECK(keys(entries) == std::vector<std::string>{"good"});
  CHECK(fs::exists(dir / "bad.json.corrupt"));
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("bad.json") != std::string::npos);
}

TEST_CASE_METHOD(OutboxFixture, "an empty or missing outbox has no entries")
{
  auto outbox = make();
  CHECK(outbox.entries(t0).empty());
}

TEST_CASE_METHOD(OutboxFixture, "unsafe keys are refused")
{
  auto outbox = make();
  CHECK_THROWS(outbox.put("../x", "{}", t0));
  CHECK_THROWS(outbox.put("", "{}", t0));
}

TEST_CASE_METHOD(OutboxFixture, "remove keeps a payload replaced while the old one was being sent")
{
  auto outbox = make();
  outbox.put("r1", R"({"v":1})", t0);
  auto entries = outbox.entries(t0 + 1s);
  outbox.put("r1", R"({"v":2})", t0 + 2s); // queued meanwhile
  outbox.remove(entries[0]);               // the 2xx for v1
  entries = outbox.entries(t0 + 3s);
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].payload == R"({"v":2})");
}

namespace {

boost::json::object read_object(const fs::path& file)
{
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return boost::json::parse(text).as_object();
}

std::size_t json_files(const fs::path& dir)
{
  std::size_t n = 0;
  std::error_code ec;
  for (const auto& item : fs::directory_iterator(dir, ec)) {
    n += item.path().extension() == ".json" ? 1U : 0U;
  }
  return n;
}

} // namespace

TEST_CASE_METHOD(OutboxFixture,
                 "a rejected payload moves to the private dead letters with the coach's answer")
{
  auto outbox = make();
  outbox.put("r1", R"({"run_id":"r1"})", t0);
  outbox.put("r2", R"({"run_id":"r2"})", t0 + 1s);
  auto entries = outbox.entries(t0 + 2s);
  const auto letter = outbox.reject(entries[0], 422, "bad field\x01 \"summary\"", t0 + 3s);
  REQUIRE(letter);
  CHECK(*letter == dir / "rejected" / "r1.json");
  CHECK_FALSE(fs::exists(dir / "r1.json"));
  // never offered again: the outbox holds r2 only
  CHECK(keys(outbox.entries(t0 + 4s)) == std::vector<std::string>{"r2"});
  CHECK(outbox.rejected_count(t0 + 4s) == 1);

  const auto object = read_object(*letter);
  CHECK(object.at("key").as_string() == "r1");
  CHECK(boost::json::serialize(object.at("payload")) == R"({"run_id":"r1"})");
  const auto& why = object.at("rejected").as_object();
  CHECK(why.at("status").to_number<int>() == 422);
  CHECK(why.at("response").as_string() == "bad field\\x01 \"summary\""); // printable
  CHECK(why.at("at").as_string() == util::format_rfc3339(t0 + 3s));

  struct stat st {};
  REQUIRE(::stat(letter->c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat((dir / "rejected").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  CHECK(warnings.empty());
}

TEST_CASE_METHOD(OutboxFixture, "a long response is truncated in the dead letter")
{
  auto outbox = make();
  outbox.put("r1", "{}", t0);
  const auto letter = outbox.reject(outbox.entries(t0)[0], 400, std::string(10000, 'x'), t0);
  REQUIRE(letter);
  const auto response = read_object(*letter).at("rejected").at("response").as_string();
  CHECK(response.size() < 2100);
  CHECK(response.ends_with("..."));
}

TEST_CASE_METHOD(OutboxFixture, "a dead letter moved back into the outbox is sent again")
{
  auto outbox = make();
  outbox.put("r1", R"({"v":1})", t0);
  const auto letter = outbox.reject(outbox.entries(t0)[0], 409, "conflict", t0 + 1s);
  REQUIRE(letter);
  fs::rename(*letter, dir / "r1.json"); // what a human does
  const auto entries = outbox.entries(t0 + 2s);
  REQUIRE(keys(entries) == std::vector<std::string>{"r1"});
  CHECK(entries[0].payload == R"({"v":1})");
  CHECK(outbox.rejected_count(t0 + 2s) == 0);
}

TEST_CASE_METHOD(OutboxFixture, "reject keeps a newer payload queued while the old one was on the wire")
{
  auto outbox = make();
  outbox.put("r1", R"({"v":1})", t0);
  const auto entries = outbox.entries(t0 + 1s);
  outbox.put("r1", R"({"v":2})", t0 + 2s);
  CHECK_FALSE(outbox.reject(entries[0], 422, "no", t0 + 3s));
  const auto now = outbox.entries(t0 + 4s);
  REQUIRE(now.size() == 1);
  CHECK(now[0].payload == R"({"v":2})");
  CHECK(outbox.rejected_count(t0 + 4s) == 0);
}

TEST_CASE_METHOD(OutboxFixture, "a failed attempt does not overwrite a newer payload queued meanwhile")
{
  auto outbox = make();
  outbox.put("r1", R"({"v":1})", t0);
  auto entries = outbox.entries(t0 + 1s);
  outbox.put("r1", R"({"v":2})", t0 + 2s);
  outbox.record_attempt(entries[0]); // the old payload's attempt failed
  const auto now = outbox.entries(t0 + 3s);
  REQUIRE(now.size() == 1);
  CHECK(now[0].payload == R"({"v":2})");
  CHECK(now[0].attempts == 0);
  // Without a newer payload the count is recorded.
  entries = outbox.entries(t0 + 4s);
  outbox.record_attempt(entries[0]);
  CHECK(outbox.entries(t0 + 5s)[0].attempts == 1);
}

TEST_CASE_METHOD(OutboxFixture, "dead letters are bounded by count and age, with warnings")
{
  auto outbox = make(OutboxLimits{2, std::chrono::hours(1)});
  outbox.put("r0", "{}", t0);
  outbox.put("r1", "{}", t0 + 1s);
  auto entries = outbox.entries(t0 + 10s);
  REQUIRE(entries.size() == 2);
  // rejected in the order r1, r0, r2: the count bound drops the oldest rejection
  REQUIRE(outbox.reject(entries[1], 422, "", t0 + 20s));
  REQUIRE(outbox.reject(entries[0], 422, "", t0 + 21s));
  outbox.put("r2", "{}", t0 + 22s);
  CHECK(warnings.empty());
  REQUIRE(outbox.reject(outbox.entries(t0 + 22s).at(0), 422, "", t0 + 22s));
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("r1.json") != std::string::npos);
  CHECK(warnings[0].find("rejected/ full") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "rejected" / "r1.json"));
  CHECK(json_files(dir / "rejected") == 2);

  // the age counts from the rejection, not from the queueing
  CHECK(outbox.rejected_count(t0 + 21s + 1h) == 2);
  CHECK(warnings.size() == 1);
  CHECK(outbox.rejected_count(t0 + 21s + 1h + 1s) == 1);
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[1].find("r0.json") != std::string::npos);
  CHECK(warnings[1].find("older than") != std::string::npos);
  CHECK(fs::exists(dir / "rejected" / "r2.json"));
}
