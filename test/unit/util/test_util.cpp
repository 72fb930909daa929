#include <smart/util/atomic_file.hpp>
#include <smart/util/file_lock.hpp>
#include <smart/util/strings.hpp>
#include <smart/util/time.hpp>
#include <smart/util/units.hpp>

#include <catch2/catch.hpp>

#include <unistd.h>
#include <sys/stat.h>

#include <array>
#include <filesystem>

using namespace smart::util;
namespace fs = std::filesystem;

namespace {
fs::path temp_dir()
{
  auto dir = fs::temp_directory_path() / ("smart-unit-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}
} // namespace

TEST_CASE("parse_duration accepts the documented forms")
{
  CHECK(parse_duration("300")->count() == Approx(300));
  CHECK(parse_duration("300s")->count() == Approx(300));
  CHECK(parse_duration("5m")->count() == Approx(300));
  CHECK(parse_duration("250ms")->count() == Approx(0.25));
  CHECK(parse_duration("0.1")->count() == Approx(0.1));
  CHECK(parse_duration("1h")->count() == Approx(3600));
}

TEST_CASE("parse_duration refuses garbage")
{
  CHECK_FALSE(parse_duration(""));
  CHECK_FALSE(parse_duration("-1"));
  CHECK_FALSE(parse_duration("5x"));
  CHECK_FALSE(parse_duration("s"));
  CHECK_FALSE(parse_duration("5 m"));
  CHECK_FALSE(parse_duration("inf"));
  CHECK_FALSE(parse_duration("nan"));
}

TEST_CASE("parse_duration refuses what overflows or is longer than max_duration_seconds")
{
  CHECK_FALSE(parse_duration("1e308d"));
  CHECK_FALSE(parse_duration("1e300"));
  CHECK_FALSE(parse_duration("40y"));
  CHECK_FALSE(parse_duration("20000d"));
  CHECK(parse_duration("3650d")->count() == Approx(3650 * 86400.0));
}

TEST_CASE("format_duration is short and round-trips")
{
  CHECK(format_duration(Duration(0.25)) == "250ms");
  CHECK(format_duration(Duration(300)) == "5m");
  CHECK(format_duration(Duration(1.5)) == "1.5s");
  CHECK(parse_duration(format_duration(Duration(7200)))->count() == Approx(7200));
}

TEST_CASE("did_you_mean suggests close keys only")
{
  const std::array<std::string_view, 3> keys{"IMPROVE_PCT", "BASE_DIR", "DASH_DIR"};
  CHECK(did_you_mean("IMPROVE_PTC", keys) == std::optional<std::string>("IMPROVE_PCT"));
  CHECK(did_you_mean("BASEDIR", keys) == std::optional<std::string>("BASE_DIR"));
  CHECK_FALSE(did_you_mean("COMPLETELY_OTHER", keys));
}

TEST_CASE("is_safe_name accepts 1 to 64 of A-Z a-z 0-9 dot underscore dash")
{
  CHECK(is_safe_name("workers_2"));
  CHECK(is_safe_name("a.b-c"));
  CHECK_FALSE(is_safe_name(""));
  CHECK_FALSE(is_safe_name(".."));
  CHECK_FALSE(is_safe_name("a b"));
  CHECK_FALSE(is_safe_name("x;rm -rf /"));
  CHECK_FALSE(is_safe_name("a/b"));
  CHECK_FALSE(is_safe_name(std::string(65, 'a')));
  CHECK(is_safe_name(std::string(64, 'a')));
}

TEST_CASE("printable escapes control characters")
{
  CHECK(printable("a\nb") == "a\\x0ab");
  CHECK(printable("abcdef", 3) == "abc...");
}

TEST_CASE("RFC 3339 formatting and parsing")
{
  const auto t = parse_rfc3339("2026-11-22T23:10:30.123Z");
  REQUIRE(t);
  CHECK(format_rfc3339_ms(*t) == "2026-11-22T23:10:30.123Z");
  CHECK(format_compact(*t) == "20261122T231030Z");
  const auto with_offset = parse_rfc3339("2026-11-22T23:23:19+01:00");
  REQUIRE(with_offset);
  CHECK(format_rfc3339(*with_offset) == "2026-11-22T22:23:19Z");
  CHECK(parse_rfc3339("20261122T231030Z"));
  CHECK_FALSE(parse_rfc3339("yesterday"));
  CHECK_FALSE(parse_rfc3339("2026-13-22T23:10:30Z"));
}

TEST_CASE("RFC 3339 times outside the years a nanosecond clock can compare are refused")
{
  CHECK_FALSE(parse_rfc3339("2300-01-01T00:00:00Z"));
  CHECK_FALSE(parse_rfc3339("9999-12-31T23:59:59Z"));
  CHECK_FALSE(parse_rfc3339("1600-01-01T00:00:00Z"));
  CHECK_FALSE(parse_rfc3339("0000-01-01T00:00:00Z"));
  CHECK_FALSE(parse_rfc3339("23000101T000000Z"));
  const auto last = parse_rfc3339("2199-12-31T23:59:59Z");
  REQUIRE(last);
  // The difference from the first accepted year still fits.
  const auto first = parse_rfc3339("1970-01-01T00:00:00Z");
  REQUIRE(first);
  CHECK(std::chrono::duration<double>(*last - *first).count() > 0);
}

TEST_CASE("AtomicFile replaces content and keeps the mode asked for")
{
  const auto dir = temp_dir();
  const auto path = dir / "atomic.txt";
  write_file_atomically(path, "one");
  write_file_atomically(path, "two", 0600);
  CHECK(read_file(path) == "two");
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  fs::remove_all(dir);
}

TEST_CASE("AtomicFile without commit leaves the target untouched and no temp file")
{
  const auto dir = temp_dir();
  const auto path = dir / "keep.txt";
  write_file_atomically(path, "original");
  {
    AtomicFile file(path);
    file.write("half-written");
  }
  CHECK(read_file(path) == "original");
  CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);
  fs::remove_all(dir);
}

TEST_CASE("FileLock is exclusive and names its holder")
{
  const auto dir = temp_dir();
  FileLock first(dir / "smart.lock");
  REQUIRE(first.try_acquire());
  FileLock second(dir / "smart.lock");
  CHECK_FALSE(second.try_acquire());
  CHECK(second.holder_pid() == ::getpid());
  first.release();
  CHECK(second.try_acquire());
  fs::remove_all(dir);
}
